frappe.query_reports["My Follow-ups"] = {
	filters: [
		{
			fieldname: "bucket",
			label: __("When"),
			fieldtype: "Select",
			options: ["", "Overdue", "Today", "Upcoming"],
		},
		{
			fieldname: "upcoming_days",
			label: __("Upcoming Days"),
			fieldtype: "Int",
			default: 14,
		},
	],
};
