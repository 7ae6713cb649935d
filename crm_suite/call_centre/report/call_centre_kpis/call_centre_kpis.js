// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Call Centre KPIs"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -30),
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
			options: ["Queue", "Agent", "Team", "Hour", "30-min Interval", "Day"],
			default: "Queue",
			reqd: 1,
		},
		{ fieldname: "queue", label: __("Queue"), fieldtype: "Data" },
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "CRMS Service Team" },
		{
			fieldname: "sl_threshold",
			label: __("SL Threshold (Seconds)"),
			fieldtype: "Int",
			default: 20,
		},
		{ fieldname: "target_sl", label: __("Target SL %"), fieldtype: "Percent", default: 80 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && data.is_total) {
			value = `<b>${value}</b>`;
		}
		if (column.fieldname === "service_level" && data && data.sl_met !== null) {
			const color = data.sl_met ? "var(--green-600)" : "var(--red-600)";
			value = `<span style="color: ${color}">${value}</span>`;
		}
		return value;
	},
};
