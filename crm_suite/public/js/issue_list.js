// SLA state in the Issue list: a coloured pill with the time left, beside ERPNext's own status indicator.
// Loaded after erpnext/support/doctype/issue/issue_list.js, so it extends those settings.
(() => {
	const settings = (frappe.listview_settings["Issue"] = frappe.listview_settings["Issue"] || {});
	const COLORS = {
		Running: "blue",
		Warning: "orange",
		Breached: "red",
		Paused: "gray",
		Met: "green",
		Missed: "darkgrey",
		"No Target": "gray",
	};
	const extra = [
		"crms_sla_status",
		"crms_response_due",
		"crms_resolution_due",
		"crms_response_left_seconds",
		"crms_resolution_left_seconds",
		"first_responded_on",
	];
	settings.add_fields = [...new Set([...(settings.add_fields || []), ...extra])];

	const short = (seconds) => {
		const s = Math.abs(seconds);
		const d = Math.floor(s / 86400);
		const h = Math.floor((s % 86400) / 3600);
		const m = Math.floor((s % 3600) / 60);
		return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m`;
	};

	const time_left = (doc) => {
		const due = doc.first_responded_on ? doc.crms_resolution_due : doc.crms_response_due;
		if (!due) return "";
		const seconds = moment(frappe.datetime.convert_to_user_tz(due)).diff(
			moment(frappe.datetime.now_datetime()),
			"seconds"
		);
		return seconds >= 0
			? __("{0} left", [short(seconds)])
			: __("{0} overdue", [short(seconds)]);
	};

	settings.formatters = settings.formatters || {};
	settings.formatters.crms_sla_status = (value, df, doc) => {
		if (!value) return "";
		const color = COLORS[value] || "gray";
		const left = ["Running", "Warning", "Breached"].includes(value) ? time_left(doc) : "";
		const label = left ? `${__(value)} · ${left}` : __(value);
		return `<span class="indicator-pill ${color} filterable ellipsis"
			data-filter="crms_sla_status,=,${frappe.utils.escape_html(value)}">
			<span class="ellipsis">${frappe.utils.escape_html(label)}</span></span>`;
	};
})();
