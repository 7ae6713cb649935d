// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Duplicate Candidates"] = {
	filters: [
		{
			fieldname: "doctype",
			label: __("Document Type"),
			fieldtype: "Select",
			options: ["", "Customer", "Contact", "Lead"],
		},
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["Open", "Merged", "Linked", "Not a Duplicate", "Refused"],
			default: "Open",
		},
		{
			fieldname: "min_score",
			label: __("Minimum Match Probability"),
			fieldtype: "Percent",
			default: 0,
		},
	],
	onload(report) {
		if (frappe.user.has_role("System Manager") || frappe.user.has_role("Sales Manager")) {
			report.page.add_inner_button(__("Scan Now"), () =>
				frappe
					.call({ method: "crm_suite.customer_360.duplicates.scan_now" })
					.then((r) => frappe.show_alert({ message: r.message, indicator: "blue" }))
			);
		}
	},
};
