// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

// Live call-centre wallboard: refreshes on the "crms_wallboard" realtime ping the server sends when a
// Call Log changes (throttled there), with a 15 s polling fallback; the longest wait ticks every second.

const CRMS_WB_POLL_MS = 15000;
const CRMS_WB_DARK_KEY = "crms_wallboard_dark";

frappe.pages["call-wallboard"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Call Wallboard"),
		single_column: true,
	});
	wrapper.crms_wallboard = new CRMSWallboard(page, wrapper);
};

frappe.pages["call-wallboard"].on_page_show = function (wrapper) {
	wrapper.crms_wallboard && wrapper.crms_wallboard.refresh();
};

class CRMSWallboard {
	constructor(page, wrapper) {
		this.page = page;
		this.wrapper = wrapper;
		this.$board = $('<div class="crms-wb"></div>').appendTo(page.main);
		$(wrapper).find(".container").addClass("crms-wb-fluid");
		if (localStorage.getItem(CRMS_WB_DARK_KEY) === "1") {
			this.$board.addClass("crms-wb-dark");
		}
		page.set_secondary_action(__("Dark Theme"), () => this.toggle_dark());
		page.add_inner_button(__("Full Screen"), () => this.full_screen());
		page.add_inner_button(__("Refresh"), () => this.refresh());
		this.render_skeleton();
		frappe.realtime.on("crms_wallboard", () => this.schedule_refresh());
		this.poll = setInterval(() => this.is_visible() && this.refresh(), CRMS_WB_POLL_MS);
		this.tick = setInterval(() => this.tick_wait(), 1000);
		this.refresh();
	}

	is_visible() {
		return frappe.get_route()[0] === "call-wallboard" && !document.hidden;
	}

	toggle_dark() {
		this.$board.toggleClass("crms-wb-dark");
		localStorage.setItem(CRMS_WB_DARK_KEY, this.$board.hasClass("crms-wb-dark") ? "1" : "0");
	}

	full_screen() {
		const el = this.$board.get(0);
		if (el.requestFullscreen) {
			el.requestFullscreen();
		}
	}

	schedule_refresh() {
		// pings can arrive in bursts: one fetch per second at most
		if (this.pending) return;
		this.pending = setTimeout(() => {
			this.pending = null;
			this.is_visible() && this.refresh();
		}, 1000);
	}

	async refresh() {
		if (this.loading) return;
		this.loading = true;
		try {
			const data = await frappe.xcall("crm_suite.call_centre.wallboard.data");
			this.data = data;
			this.fetched_at = Date.now();
			this.render(data);
		} finally {
			this.loading = false;
		}
	}

	render_skeleton() {
		this.$board.html(`<div class="crms-wb-foot">${__("Loading...")}</div>`);
	}

	tile(key, label, value, cls = "") {
		return `<div class="crms-wb-tile" data-key="${key}">
			<div class="crms-wb-label">${label}</div>
			<div class="crms-wb-value ${cls}">${value}</div>
		</div>`;
	}

	sl_class(sl, target) {
		if (sl === null || sl === undefined) return "";
		if (sl >= target) return "good";
		return sl >= target - 10 ? "warn" : "bad";
	}

	pct(v) {
		return v === null || v === undefined ? "–" : `${Math.round(v)}%`;
	}

	secs(v) {
		if (v === null || v === undefined) return "–";
		v = Math.max(0, Math.round(v));
		const m = Math.floor(v / 60);
		const s = String(v % 60).padStart(2, "0");
		return `${m}:${s}`;
	}

	render(d) {
		const esc = frappe.utils.escape_html;
		const waitCls = d.waiting > 0 ? (d.longest_wait_seconds > d.threshold_seconds ? "bad" : "warn") : "good";
		const big = [
			this.tile("waiting", __("Calls Waiting"), d.waiting, waitCls),
			this.tile("longest_wait", __("Longest Wait"), this.secs(d.longest_wait_seconds), waitCls),
			this.tile(
				"service_level",
				__("Service Level Today") + ` <span class="crms-wb-unit">(${d.threshold_seconds} s)</span>`,
				this.pct(d.service_level),
				this.sl_class(d.service_level, d.target_sl)
			),
			this.tile("asa", __("ASA Today"), this.secs(d.asa)),
			this.tile("answered", __("Answered Today"), d.answered),
			this.tile("abandoned", __("Abandoned Today"), d.abandoned, d.abandoned ? "bad" : ""),
		].join("");

		const states = Object.entries(d.agent_states || {});
		const agents = d.has_agent_status
			? states.length
				? states
						.map(([s, n]) => `<span class="crms-wb-agent">${esc(__(s))}<b>${n}</b></span>`)
						.join("")
				: `<span class="crms-wb-foot">${__("No agents signed in.")}</span>`
			: `<span class="crms-wb-foot">${__("Agent states are not tracked on this site.")}</span>`;

		const queues = (d.queues || [])
			.map(
				(q) => `<div class="crms-wb-tile crms-wb-queue" data-queue="${esc(q.queue)}">
				<div class="crms-wb-qname">${esc(q.queue || __("(no queue)"))}</div>
				<div class="crms-wb-qstats">
					<div><div class="crms-wb-label">${__("Waiting")}</div>
						<div class="crms-wb-value ${q.waiting ? "warn" : ""}">${q.waiting}</div></div>
					<div><div class="crms-wb-label">${__("SL")}</div>
						<div class="crms-wb-value ${this.sl_class(q.service_level, d.target_sl)}">${this.pct(
					q.service_level
				)}</div></div>
					<div><div class="crms-wb-label">${__("Longest")}</div>
						<div class="crms-wb-value">${this.secs(q.longest_wait_seconds)}</div></div>
					<div><div class="crms-wb-label">${__("Answered")}</div>
						<div class="crms-wb-value">${q.answered}</div></div>
					<div><div class="crms-wb-label">${__("Abandoned")}</div>
						<div class="crms-wb-value">${q.abandoned}</div></div>
					<div><div class="crms-wb-label">${__("ASA")}</div>
						<div class="crms-wb-value">${this.secs(q.asa)}</div></div>
				</div>
			</div>`
			)
			.join("");

		this.$board.html(`
			<div class="crms-wb-grid crms-wb-big">${big}</div>
			<div class="crms-wb-section">${__("Agents")} (${d.agents || 0})</div>
			<div class="crms-wb-agents">${agents}</div>
			<div class="crms-wb-section">${__("Queues")}</div>
			<div class="crms-wb-grid crms-wb-queues">${
				queues || `<div class="crms-wb-foot">${__("No calls today yet.")}</div>`
			}</div>
			<div class="crms-wb-foot">${__("Updated {0}", [frappe.datetime.str_to_user(d.now)])}</div>
		`);
	}

	tick_wait() {
		const d = this.data;
		if (!d || d.longest_wait_seconds === null || d.longest_wait_seconds === undefined) return;
		const extra = (Date.now() - this.fetched_at) / 1000;
		this.$board
			.find('[data-key="longest_wait"] .crms-wb-value')
			.text(this.secs(d.longest_wait_seconds + extra));
	}
}
