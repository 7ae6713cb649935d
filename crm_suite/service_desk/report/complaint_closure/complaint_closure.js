// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Complaint Closure"] = {
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
				{ value: "Complaint Class", label: __("Complaint Class") },
				{ value: "Team", label: __("Team") },
				{ value: "Month", label: __("Month") },
			],
			default: "Complaint Class",
			reqd: 1,
		},
		{
			fieldname: "complaint_class",
			label: __("Complaint Class"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Normal", label: __("Normal") },
				{ value: "Urgent", label: __("Urgent") },
				{ value: "Major", label: __("Major") },
			],
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
