// QA on the Issue form: inspectors start a review of the ticket on the default scorecard.
frappe.ui.form.on("Issue", {
	refresh(frm) {
		if (frm.is_new() || !["Resolved", "Closed"].includes(frm.doc.status)) return;
		if (!(frappe.user.has_role("QA Inspector") || frappe.user.has_role("Service Supervisor"))) return;
		frm.add_custom_button(
			__("QA Review"),
			() => {
				frappe.db
					.get_list("CRMS QA Scorecard", { filters: { enabled: 1, applies_to: "Issue" }, limit: 1 })
					.then((cards) => {
						frappe.new_doc("CRMS QA Review", {
							reference_doctype: "Issue",
							reference_name: frm.doc.name,
							scorecard: cards.length ? cards[0].name : undefined,
						});
					});
			},
			__("Create")
		);
	},
});
