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

	// Frappe keeps only the first in_list_view columns that fit (4 below 1366 px), and ERPNext's own
	// come first: move the SLA column right after Status unless the user ordered the columns in
	// List View Settings.
	const erpnext_onload = settings.onload;
	settings.onload = function (listview) {
		if (erpnext_onload) erpnext_onload.call(this, listview);
		const setup_columns = listview.setup_columns.bind(listview);
		listview.setup_columns = () => {
			setup_columns();
			if (listview.list_view_settings && listview.list_view_settings.fields) return;
			const is_sla = (c) => c.type === "Field" && c.df && c.df.fieldname === "crms_sla_status";
			const columns = listview.columns;
			let sla = columns.find(is_sla);
			if (!sla) {
				const df = frappe.meta.get_docfield("Issue", "crms_sla_status");
				if (!df) return;
				sla = { type: "Field", df };
				// make room: drop the last plain field (never the subject, status or ID column)
				for (let i = columns.length - 1; i >= 0; i--) {
					const c = columns[i];
					if (c.type === "Field" && c.df && c.df.fieldname !== "name") {
						columns.splice(i, 1);
						break;
					}
				}
			}
			const rest = columns.filter((c) => !is_sla(c));
			const status = rest.findIndex((c) => c.type === "Status");
			rest.splice(status >= 0 ? status + 1 : 1, 0, sla);
			listview.columns = rest;
		};
		listview.setup_columns();
		listview.render_header(true);
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
