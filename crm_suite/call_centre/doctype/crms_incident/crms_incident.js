// Incident form: move forward through the operations plan's stages; surge mode on / off.
const CRMS_STAGES = ["Warning", "First Response", "Response", "Reporting", "Resources", "Handling", "Aftermath", "Closed"];

frappe.ui.form.on("CRMS Incident", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.stage === "Closed") return;
		const later = CRMS_STAGES.slice(CRMS_STAGES.indexOf(frm.doc.stage) + 1);
		frm.add_custom_button(__("Move to Stage"), () => {
			frappe.prompt(
				[
					{
						fieldname: "stage",
						fieldtype: "Select",
						label: __("Stage"),
						options: later.map((s) => ({ value: s, label: __(s) })),
						default: later[0],
						reqd: 1,
					},
					{ fieldname: "owner", fieldtype: "Link", options: "User", label: __("Owner"), default: frappe.session.user },
					{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
				],
				(v) =>
					frappe
						.call("crm_suite.call_centre.incidents.move_to_stage", {
							incident: frm.doc.name,
							stage: v.stage,
							owner: v.owner,
							note: v.note,
						})
						.then(() => frm.reload_doc()),
				__("Move to Stage"),
				__("Move")
			);
		}).addClass("btn-primary");
		frm.add_custom_button(frm.doc.surge_active ? __("End Surge Mode") : __("Start Surge Mode"), () => {
			frm.set_value("surge_active", frm.doc.surge_active ? 0 : 1);
			frm.save();
		});
		frm.add_custom_button(__("Post-mortem Report"), () =>
			frappe.set_route("query-report", "Incident Post-Mortem", { incident: frm.doc.name })
		);
		frm.set_intro(__("Stage: {0}", [__(frm.doc.stage)]), frm.doc.surge_active ? "red" : "blue");
	},
});
