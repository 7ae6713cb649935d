// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Incident Post-Mortem"] = {
	filters: [
		{
			fieldname: "incident",
			label: __("Incident"),
			fieldtype: "Link",
			options: "CRMS Incident",
			reqd: 1,
		},
	],
};
