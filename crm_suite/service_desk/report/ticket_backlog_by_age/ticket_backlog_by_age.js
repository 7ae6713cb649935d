// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Ticket Backlog by Age"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Team", "Agent", "Category", "Priority"],
			default: "Team",
			reqd: 1,
		},
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Email", "Portal", "Web", "Phone", "Chat", "App", "API"],
		},
	],
};
