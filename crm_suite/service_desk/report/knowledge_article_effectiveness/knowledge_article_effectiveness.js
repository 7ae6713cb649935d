// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Knowledge Article Effectiveness"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "category", label: __("Category"), fieldtype: "Link", options: "Help Category" },
		{
			fieldname: "language",
			label: __("Language"),
			fieldtype: "Select",
			options: ["", "en", "zh"],
		},
		{
			fieldname: "visibility",
			label: __("Visibility"),
			fieldtype: "Select",
			options: [
				"",
				{ value: "Internal", label: __("Internal") },
				{ value: "Public", label: __("Public") },
			],
		},
	],
};
