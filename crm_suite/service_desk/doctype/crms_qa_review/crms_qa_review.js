// QA review form: the ticket's conversation beside the scores; dispute and resolve buttons.
frappe.ui.form.on("CRMS QA Review", {
	refresh(frm) {
		render_conversation(frm);
		const user = frappe.session.user;
		const manager =
			frappe.user.has_role("QA Inspector") ||
			frappe.user.has_role("Service Supervisor") ||
			frappe.user.has_role("System Manager");
		if (frm.doc.docstatus === 1 && frm.doc.status === "Scored" && frm.doc.agent === user) {
			frm.add_custom_button(__("Dispute"), () => {
				frappe.prompt(
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Why do you dispute this review?"), reqd: 1 },
					(v) =>
						frappe
							.call("crm_suite.service_desk.quality.dispute", { review: frm.doc.name, reason: v.reason })
							.then(() => frm.reload_doc()),
					__("Dispute Review"),
					__("Send")
				);
			});
		}
		if (frm.doc.docstatus === 1 && frm.doc.status === "Disputed" && manager) {
			const resolve = (accept) =>
				frappe.prompt(
					{ fieldname: "note", fieldtype: "Small Text", label: __("Resolution"), reqd: 1 },
					(v) =>
						frappe
							.call("crm_suite.service_desk.quality.resolve_dispute", {
								review: frm.doc.name,
								accept: accept ? 1 : 0,
								note: v.note,
							})
							.then(() => frm.reload_doc()),
					accept ? __("Accept Dispute") : __("Reject Dispute"),
					__("Save")
				);
			frm.add_custom_button(__("Accept Dispute"), () => resolve(true), __("Dispute"));
			frm.add_custom_button(__("Reject Dispute"), () => resolve(false), __("Dispute"));
		}
		if (frm.doc.reference_doctype && frm.doc.reference_name) {
			frm.add_custom_button(__("Open Reviewed Document"), () =>
				frappe.set_route("Form", frm.doc.reference_doctype, frm.doc.reference_name)
			);
		}
	},
});

function render_conversation(frm) {
	const field = frm.get_field("conversation_html");
	if (!field || frm.is_new()) return;
	frappe.call("crm_suite.service_desk.quality.conversation", { review: frm.doc.name }).then((r) => {
		const rows = r.message || [];
		if (!rows.length) {
			field.$wrapper.html(`<p class="text-muted">${__("No messages on this document.")}</p>`);
			return;
		}
		const html = rows
			.map(
				(m) => `<div class="crms-qa-msg ${m.direction === "Sent" ? "crms-qa-sent" : ""}"
					style="border-left:3px solid ${m.direction === "Sent" ? "var(--blue-500)" : "var(--gray-400)"};
					padding:6px 10px;margin:8px 0;">
					<div class="text-muted small">${frappe.utils.escape_html(m.sender || "")} ·
						${frappe.datetime.str_to_user(m.date)} ·
						${m.direction === "Sent" ? __("Agent") : __("Customer")}</div>
					<div>${m.content}</div></div>`
			)
			.join("");
		field.$wrapper.html(`<div style="max-height:420px;overflow:auto">${html}</div>`);
	});
}
