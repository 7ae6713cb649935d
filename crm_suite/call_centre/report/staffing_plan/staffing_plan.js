// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Staffing Plan"] = {
	filters: [
		{
			fieldname: "date",
			label: __("Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), 1),
			reqd: 1,
		},
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: ["Day", "Week"],
			default: "Day",
		},
		{ fieldname: "queue", label: __("Queue"), fieldtype: "Data" },
		{
			fieldname: "interval",
			label: __("Interval (Minutes)"),
			fieldtype: "Select",
			options: ["30", "15", "60"],
			default: "30",
		},
		{
			fieldname: "aht_source",
			label: __("AHT Source"),
			fieldtype: "Select",
			options: ["History", "Fixed"],
			default: "History",
		},
		{
			fieldname: "aht_seconds",
			label: __("Fixed AHT (Seconds)"),
			fieldtype: "Int",
			default: 180,
			depends_on: "eval:doc.aht_source=='Fixed'",
		},
		{ fieldname: "target_sl", label: __("Target SL %"), fieldtype: "Percent", default: 80 },
		{
			fieldname: "target_seconds",
			label: __("Target Answer Time (Seconds)"),
			fieldtype: "Int",
			default: 20,
		},
		{ fieldname: "max_occupancy", label: __("Max Occupancy %"), fieldtype: "Percent", default: 85 },
		{
			fieldname: "model",
			label: __("Model"),
			fieldtype: "Select",
			options: [
				{ value: "Erlang A", label: __("Erlang A (callers hang up)") },
				{ value: "Erlang C", label: __("Erlang C (nobody hangs up)") },
			],
			default: "Erlang A",
		},
		{
			fieldname: "patience_seconds",
			label: __("Callers' Patience (Seconds)"),
			fieldtype: "Int",
			description: __("Empty: estimated from the history's abandoned calls"),
			depends_on: "eval:doc.model=='Erlang A'",
		},
		{
			fieldname: "max_abandon",
			label: __("Max Abandon %"),
			fieldtype: "Percent",
			default: 5,
			depends_on: "eval:doc.model=='Erlang A'",
		},
		{ fieldname: "shrinkage", label: __("Shrinkage %"), fieldtype: "Percent", default: 30 },
		{ fieldname: "history_weeks", label: __("History (Weeks)"), fieldtype: "Int", default: 8 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && (column.fieldname === "gap" || column.fieldname === "status")) {
			const color =
				data.status_code === "short"
					? "var(--red-600)"
					: data.status_code === "over"
					? "var(--orange-600)"
					: "var(--green-600)";
			value = `<span style="color: ${color}">${value}</span>`;
		}
		return value;
	},
};
