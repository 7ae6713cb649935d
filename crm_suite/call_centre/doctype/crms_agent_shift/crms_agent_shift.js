// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.ui.form.on("CRMS Agent Shift", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Staffing Plan"), () =>
				frappe.set_route("query-report", "Staffing Plan")
			);
		}
	},
});
