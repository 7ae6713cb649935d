// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Outbound Campaign Results"] = {
	filters: [
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "CRMS Call Campaign" },
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Campaign", label: __("Campaign") },
				{ value: "Agent", label: __("Agent") },
			],
			default: "Campaign",
			reqd: 1,
		},
		{ fieldname: "from_date", label: __("Calls From"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("Calls To"), fieldtype: "Date" },
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
	],
};
