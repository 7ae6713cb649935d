// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["First Contact Resolution"] = {
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
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Team", label: __("Team") },
				{ value: "Agent", label: __("Agent") },
				{ value: "Category", label: __("Category") },
				{ value: "Channel", label: __("Channel") },
				{ value: "Knowledge Article", label: __("With vs Without Article") },
			],
			default: "Team",
			reqd: 1,
		},
		{
			fieldname: "window_days",
			label: __("Reopen Window (Days)"),
			fieldtype: "Int",
			default: 7,
		},
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "CRMS Service Team" },
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Email", "Portal", "Web", "Phone", "Chat", "App", "API"],
		},
	],
};
