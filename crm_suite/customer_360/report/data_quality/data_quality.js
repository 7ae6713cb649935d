// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Data Quality"] = {
	filters: [
		{
			fieldname: "doctype",
			label: __("Document Type"),
			fieldtype: "Select",
			options: ["Customer", "Contact", "Lead"],
			default: "Customer",
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Territory", "Owner"],
			default: "Territory",
			reqd: 1,
		},
		{
			fieldname: "territory",
			label: __("Territory"),
			fieldtype: "Link",
			options: "Territory",
		},
		{
			fieldname: "owner",
			label: __("Owner"),
			fieldtype: "Link",
			options: "User",
		},
	],
};
