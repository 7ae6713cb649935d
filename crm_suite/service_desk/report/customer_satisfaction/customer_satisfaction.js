// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Customer Satisfaction"] = {
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
			fieldname: "survey_type",
			label: __("Survey Type"),
			fieldtype: "Select",
			options: ["CSAT", "NPS"],
			default: "CSAT",
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
				{ value: "Customer Tier", label: __("Customer Tier") },
				{ value: "Month", label: __("Month") },
			],
			default: "Team",
			reqd: 1,
		},
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "CRMS Service Team" },
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
	],
};
