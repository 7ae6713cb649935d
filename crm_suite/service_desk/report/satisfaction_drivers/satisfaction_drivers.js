// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Satisfaction Drivers"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -6),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "CRMS Service Team" },
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
		{
			fieldname: "cov_type",
			label: __("Standard Errors"),
			fieldtype: "Select",
			options: [
				{ value: "classical", label: __("Classical") },
				{ value: "hc3", label: __("Robust (HC3)") },
			],
			default: "classical",
		},
	],
};
