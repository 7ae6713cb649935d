// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt
// Each KPI cell: its value, a trend arrow against the previous period (green when the move is good,
// red when bad), the value red when it misses its target, greyed when based on too few answers.

frappe.query_reports["Agent Scorecard"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -29),
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
				{ value: "Agent", label: __("Agent") },
				{ value: "Team", label: __("Team") },
			],
			default: "Agent",
			reqd: 1,
		},
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "CRMS Service Team" },
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "window_days", label: __("Reopen Window (Days)"), fieldtype: "Int", default: 7 },
	],
	// The chart is drawn here rather than from the server's: on a phone the table is what matters and a
	// 20-agent bar chart is unreadable at that width, so it is left out there.
	get_chart_data(columns, result) {
		if (window.innerWidth < 576) return undefined;
		const rows = (result || []).filter((r) => r && !r.is_total).slice(0, 20);
		if (!rows.length) return undefined;
		const series = [
			["csat", __("CSAT %")],
			["qa_score", __("QA Score")],
			["fcr_rate", __("FCR %")],
		];
		return {
			data: {
				labels: rows.map((r) => r.group),
				datasets: series.map(([key, name]) => ({ name, values: rows.map((r) => r[key] || 0) })),
			},
			type: "bar",
			colors: ["#5e64ff", "#ff9f43", "#29cd42"],
		};
	},
	formatter(value, row, column, data, default_formatter) {
		let html = default_formatter(value, row, column, data);
		if (!data || column.fieldname === "group") {
			return data && data.is_total ? `<b>${html}</b>` : html;
		}
		const key = column.fieldname;
		if (data[`${key}_small`]) {
			html = `<span class="text-muted" title="${__("Based on {0} only", [data[`${key}_n`]])}">${html}</span>`;
		} else if (data[`${key}_meets`] === false) {
			html = `<span style="color:var(--red-600)" title="${__("Misses its target")}">${html}</span>`;
		}
		const arrow = { up: "▲", down: "▼", flat: "▶" }[data[`${key}_trend`]];
		if (arrow) {
			const good = data[`${key}_good`];
			const color = good === true ? "var(--green-600)" : good === false ? "var(--red-600)" : "var(--gray-500)";
			const prev = data[`${key}_prev`];
			html += ` <span style="color:${color}" title="${__("Previous period: {0}", [prev])}">${arrow}</span>`;
		}
		return data.is_total ? `<b>${html}</b>` : html;
	},
};
