// SLA headline on the Issue form: state, due times, time left (ticking), refreshed live when the
// scheduled re-evaluation changes the ticket (event "crms_sla_update", published to this document).
frappe.ui.form.on("Issue", {
	refresh(frm) {
		crm_suite_sla.render(frm);
		crm_suite_sla.start(frm);
	},
	onload(frm) {
		if (frm.__crms_sla_listener) return;
		// the re-evaluation job sends one event per run to the Issue room, naming the changed tickets
		frappe.realtime.doctype_subscribe("Issue");
		frm.__crms_sla_listener = (data) => {
			const doc = frm.doc;
			if (!data || !doc || frm.doctype !== "Issue" || !(data.names || []).includes(doc.name)) return;
			if (!frm.is_dirty()) frm.reload_doc();
		};
		frappe.realtime.on("crms_sla_update", frm.__crms_sla_listener);
	},
});

window.crm_suite_sla = {
	COLORS: {
		Running: "blue",
		Warning: "orange",
		Breached: "red",
		Paused: "gray",
		Met: "green",
		Missed: "red",
		"No Target": "gray",
	},

	duration(seconds) {
		const s = Math.abs(seconds);
		const d = Math.floor(s / 86400);
		const h = Math.floor((s % 86400) / 3600);
		const m = Math.floor((s % 3600) / 60);
		return d ? `${d}d ${h}h ${m}m` : h ? `${h}h ${m}m` : `${m}m`;
	},

	clock(label, due, done) {
		if (!due) return "";
		const when = frappe.datetime.str_to_user(frappe.datetime.convert_to_user_tz(due));
		if (done) return `${label}: ${when} (${__("done")})`;
		const seconds = moment(frappe.datetime.convert_to_user_tz(due)).diff(
			moment(frappe.datetime.now_datetime()),
			"seconds"
		);
		const left =
			seconds >= 0
				? __("{0} left", [this.duration(seconds)])
				: __("{0} overdue", [this.duration(seconds)]);
		return `${label}: ${when} (${left})`;
	},

	render(frm) {
		const doc = frm.doc;
		if (frm.is_new() || !doc.crms_sla_status) return;
		const status = doc.crms_sla_status;
		const color = this.COLORS[status] || "gray";
		const resolved = ["Resolved", "Closed"].includes(doc.status);
		const parts = [
			`<span class="indicator-pill ${color}">${__("SLA")}: ${__(status)}</span>`,
			this.clock(__("First response due"), doc.crms_response_due, !!doc.first_responded_on || resolved),
			this.clock(__("Resolution due"), doc.crms_resolution_due, resolved),
		];
		if (status === "Paused") parts.push(__("Clock paused while waiting on the customer"));
		if (doc.crms_escalation_level) {
			parts.push(__("Escalation level {0}", [doc.crms_escalation_level]));
		}
		const html = parts
			.filter(Boolean)
			.map((p) => (p.startsWith("<") ? p : frappe.utils.escape_html(p)))
			.join(" &nbsp;·&nbsp; ");
		// one wrapping element: Frappe hands the string to $(), which keeps only what lies between the
		// first "<" and the last ">", so text after the pill would be dropped
		// Frappe appends to the form message: clear it, or every render adds another line
		frm.dashboard.clear_headline();
		frm.dashboard.set_headline(`<div class="crms-sla-headline">${html}</div>`, color);
	},

	start(frm) {
		if (frm.__crms_sla_timer) clearInterval(frm.__crms_sla_timer);
		frm.__crms_sla_timer = setInterval(() => {
			if (frm.doctype !== "Issue" || !frm.doc || !frm.doc.crms_sla_status) return;
			if (!["Running", "Warning", "Breached"].includes(frm.doc.crms_sla_status)) return;
			this.render(frm);
		}, 30000);
	},
};
