// Call centre desk: the screen pop on "crms_call_ringing" (crm_suite/call_centre/screen_pop.py) and the
// agent-state menu in the navbar (crm_suite/call_centre/agents.py). Loaded on every desk page.
frappe.provide("crm_suite.call_centre");

(function () {
	const STATE_COLOURS = {
		Available: "green",
		"On Call": "red",
		"Wrap-up": "orange",
		Break: "yellow",
		Offline: "gray",
	};
	const AGENT_ROLES = ["Call Centre Agent", "Call Centre Supervisor"];
	const esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
	$("<style>")
		.text(
			`.crms-call-pop{word-break:break-word}
			.crms-call-pop ul{padding-left:18px;margin:4px 0 8px}
			.crms-pop-name{font-size:1.25em;font-weight:600}
			.crms-pop-unknown{font-size:1.15em;font-weight:600}
			.crms-pop-pills .indicator-pill{margin:4px 4px 0 0}
			.crms-pop-title{font-weight:600;margin-top:8px}
			.crms-pop-actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:12px}
			.crms-agent-state{margin-right:8px;align-self:center}`
		)
		.appendTo("head");

	crm_suite.call_centre.render_summary = function (s) {
		const parts = [];
		const number = s.number || (s.call && s.call.from) || "";
		if (s.customer) {
			const c = s.customer;
			const risk =
				c.churn_risk == null
					? ""
					: `<span class="indicator-pill ${c.churn_risk >= 0.5 ? "red" : "green"}">${esc(
							__("Churn risk")
					  )} ${Math.round(c.churn_risk * 100)}%</span>`;
			parts.push(`<div class="crms-pop-customer">
				<div class="crms-pop-name">${esc(c.customer_name)}</div>
				<div class="crms-pop-pills">
					${c.tier ? `<span class="indicator-pill ${c.tier === "VIP" ? "purple" : "blue"}">${esc(__(c.tier))}</span>` : ""}
					${c.lifecycle_stage ? `<span class="indicator-pill gray">${esc(__(c.lifecycle_stage))}</span>` : ""}
					${risk}
				</div></div>`);
		} else if (s.unknown) {
			parts.push(`<div class="crms-pop-unknown">${esc(__("Unknown caller"))}</div>`);
		} else if (s.hidden) {
			parts.push(`<div class="crms-pop-hidden text-muted">${esc(
				__("This caller is known, but you may not see their details.")
			)}</div>`);
		}
		parts.push(`<div class="crms-pop-number text-muted">${esc(number)}${
			s.call && s.call.crms_queue ? " · " + esc(s.call.crms_queue) : ""
		}</div>`);
		if (s.contact) {
			parts.push(`<div class="crms-pop-contact">${esc(__("Contact"))}: ${esc(
				s.contact.full_name || s.contact.name
			)}${s.contact.email_id ? " · " + esc(s.contact.email_id) : ""}</div>`);
		}
		if (s.lead) {
			parts.push(`<div class="crms-pop-lead">${esc(__("Lead"))}: ${esc(
				s.lead.lead_name || s.lead.company_name || s.lead.name
			)} (${esc(__(s.lead.status || ""))})</div>`);
		}
		const list = (title, rows, fmt) =>
			rows && rows.length
				? `<div class="crms-pop-section"><div class="crms-pop-title">${esc(title)}</div><ul>${rows
						.map((r) => `<li>${fmt(r)}</li>`)
						.join("")}</ul></div>`
				: "";
		if (s.open_tickets) {
			parts.push(
				`<div class="crms-pop-tickets">${esc(__("Open tickets"))}: <b>${s.open_tickets.count}</b></div>`
			);
			parts.push(
				list(__("Latest tickets"), s.open_tickets.latest, (r) => {
					const url = frappe.utils.get_form_link("Issue", r.name);
					return `<a href="${url}">${esc(r.name)}</a> ${esc(r.subject)} <span class="text-muted">${esc(
						__(r.status)
					)}</span>`;
				})
			);
		}
		parts.push(
			list(__("Latest orders and invoices"), s.orders, (r) => {
				const url = frappe.utils.get_form_link(r.doctype, r.name);
				const amount = r.amount != null ? format_currency(r.amount, r.currency) : "";
				return `<a href="${url}">${esc(r.name)}</a> ${esc(__(r.status || ""))} ${amount}`;
			})
		);
		parts.push(
			list(__("Last calls"), s.last_calls, (r) => {
				const when = r.timestamp ? frappe.datetime.prettyDate(r.timestamp) : "";
				return `${esc(__(r.type || ""))} ${esc(__(r.status || ""))} <span class="text-muted">${esc(when)}</span>`;
			})
		);
		return `<div class="crms-call-pop">${parts.join("")}</div>`;
	};

	function add_actions(dialog, s, data) {
		const call_log = data.call_log;
		const number = s.number || data.number;
		const wrap = $('<div class="crms-pop-actions"></div>').appendTo(dialog.body);
		const button = (label, cls, fn) =>
			$(`<button class="btn btn-sm ${cls}">${esc(label)}</button>`)
				.appendTo(wrap)
				.on("click", fn);
		if (s.customer) {
			button(__("Open Customer"), "btn-primary crms-pop-open-customer", () => {
				dialog.hide();
				frappe.set_route("Form", "Customer", s.customer.name);
			});
		}
		if (call_log) {
			button(__("Create Ticket"), "btn-default crms-pop-ticket", () =>
				frappe.call({
					method: "crm_suite.call_centre.desk.create_ticket",
					args: { call_log },
					freeze: true,
					callback: (r) => {
						dialog.hide();
						frappe.set_route("Form", "Issue", r.message);
					},
				})
			);
			button(__("Create Opportunity"), "btn-default crms-pop-opportunity", () =>
				frappe.call({
					method: "crm_suite.call_centre.desk.create_opportunity",
					args: { call_log },
					freeze: true,
					callback: (r) => {
						dialog.hide();
						frappe.set_route("Form", "Opportunity", r.message);
					},
				})
			);
			button(__("Open Call"), "btn-default crms-pop-call", () => {
				dialog.hide();
				frappe.set_route("Form", "Call Log", call_log);
			});
		}
		if (s.unknown && !s.hidden) {
			button(__("Create Lead"), "btn-default crms-pop-lead", () => {
				dialog.hide();
				frappe.new_doc("Lead", { mobile_no: number });
			});
			button(__("Create Contact"), "btn-default crms-pop-contact", () => {
				dialog.hide();
				frappe.new_doc("Contact", { mobile_no: number });
			});
		}
	}

	crm_suite.call_centre.pop = function (data) {
		if (!data || !(data.number || data.call_log)) return;
		frappe.call({
			method: "crm_suite.call_centre.screen_pop.summary",
			type: "GET",
			args: { number: data.number, call_log: data.call_log },
			callback: (r) => {
				const s = r.message || {};
				if (crm_suite.call_centre.dialog) crm_suite.call_centre.dialog.hide();
				const title =
					data.direction === "Outgoing" ? __("Outgoing call") : __("Incoming call");
				const dialog = new frappe.ui.Dialog({ title, size: "large" });
				dialog.$wrapper.addClass("crms-call-pop-dialog");
				$(dialog.body).html(crm_suite.call_centre.render_summary(s));
				add_actions(dialog, s, data);
				crm_suite.call_centre.dialog = dialog;
				crm_suite.call_centre.last = s;
				dialog.show();
			},
		});
	};

	// ---- agent state in the navbar -------------------------------------------------------------

	function render_state(info) {
		let $item = $(".crms-agent-state");
		if (!$item.length) {
			$item = $(`<li class="nav-item dropdown crms-agent-state">
				<button class="btn btn-sm btn-default dropdown-toggle crms-agent-state-toggle" data-toggle="dropdown"
					aria-haspopup="true" aria-expanded="false"></button>
				<div class="dropdown-menu dropdown-menu-right" role="menu"></div>
			</li>`);
			const $nav = $(".navbar .navbar-nav").first();
			if (!$nav.length) return;
			$nav.prepend($item);
		}
		const colour = STATE_COLOURS[info.state] || "gray";
		$item
			.find(".crms-agent-state-toggle")
			.html(`<span class="indicator ${colour}"></span><span class="crms-agent-state-label">${esc(__(info.state))}</span>`);
		const $menu = $item.find(".dropdown-menu").empty();
		(info.states || []).forEach((state) => {
			$(`<a class="dropdown-item crms-agent-state-option" data-state="${esc(state)}">
				<span class="indicator ${STATE_COLOURS[state] || "gray"}"></span> ${esc(__(state))}</a>`)
				.appendTo($menu)
				.on("click", () =>
					frappe.call({
						method: "crm_suite.call_centre.agents.set_state",
						args: { state },
						callback: (r) => render_state(r.message),
					})
				);
		});
	}

	function refresh_state() {
		frappe.call({
			method: "crm_suite.call_centre.agents.my_state",
			type: "GET",
			callback: (r) => r.message && r.message.is_agent && render_state(r.message),
		});
	}

	$(document).on("app_ready", function () {
		if (!frappe.session || frappe.session.user === "Guest") return;
		frappe.realtime.on("crms_call_ringing", (data) => crm_suite.call_centre.pop(data));
		const roles = frappe.user_roles || [];
		if (AGENT_ROLES.some((r) => roles.includes(r))) {
			refresh_state();
			frappe.realtime.on("crms_agent_state", (data) => {
				if (data && data.user === frappe.session.user) refresh_state();
			});
		}
	});
})();
