// Customer form: the 360 view (KPI cards + unified timeline) in the "360" tab.
// Data: crm_suite.customer_360.view.get_customer_360 / get_timeline (permission-aware on the server).

frappe.provide("crm_suite.customer_360");

crm_suite.customer_360.COLORS = {
	Communication: "blue",
	Comment: "gray",
	"Call Log": "cyan",
	Issue: "red",
	Quotation: "purple",
	"Sales Order": "orange",
	"Delivery Note": "yellow",
	"Sales Invoice": "green",
	"Payment Entry": "green",
	Opportunity: "pink",
	Lead: "purple",
};

crm_suite.customer_360.STYLE = `
.crms-360 { padding: var(--padding-sm) 0; }
.crms-360-kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: var(--margin-sm); margin-bottom: var(--margin-lg); }
.crms-360-kpi { padding: var(--padding-sm) var(--padding-md); min-width: 0; }
.crms-360-kpi .crms-360-kpi-label { font-size: var(--text-sm); color: var(--text-muted); }
.crms-360-kpi .crms-360-kpi-value { font-size: var(--text-lg); font-weight: 600; color: var(--text-color); overflow-wrap: anywhere; }
.crms-360-kpi .crms-360-kpi-sub { font-size: var(--text-xs); color: var(--text-muted); overflow-wrap: anywhere; }
.crms-360-filters { display: flex; flex-wrap: wrap; gap: var(--margin-xs); align-items: center; margin-bottom: var(--margin-sm); }
.crms-360-chip.active { background: var(--primary); color: var(--white); border-color: var(--primary); }
.crms-360-dates { display: flex; flex-wrap: wrap; gap: var(--margin-xs); align-items: center; margin-bottom: var(--margin-md); }
.crms-360-dates input { max-width: 160px; }
.crms-360-item { display: flex; gap: var(--margin-sm); padding: var(--padding-sm) 0; border-bottom: 1px solid var(--border-color); min-width: 0; }
.crms-360-item .crms-360-item-body { flex: 1; min-width: 0; }
.crms-360-item .crms-360-item-title { font-weight: 500; overflow-wrap: anywhere; }
.crms-360-item .crms-360-item-sub { color: var(--text-muted); font-size: var(--text-sm); overflow-wrap: anywhere; }
.crms-360-item .crms-360-item-when { color: var(--text-muted); font-size: var(--text-xs); white-space: nowrap; }
@media (max-width: 576px) {
	.crms-360-kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
	.crms-360-item { flex-wrap: wrap; }
	.crms-360-item .crms-360-item-when { width: 100%; }
}
`;

crm_suite.customer_360.View = class {
	constructor(frm) {
		this.frm = frm;
		this.customer = frm.doc.name;
		this.types = new Set();
		this.from_date = null;
		this.to_date = null;
		this.cursor = null;
		this.page_size = 20;
		if (!document.getElementById("crms-360-style")) {
			frappe.dom.set_style(crm_suite.customer_360.STYLE, "crms-360-style");
		}
		this.make();
		this.load_kpis();
		this.load_timeline(true);
	}

	make() {
		const $w = this.frm.fields_dict.crms_360_html.$wrapper;
		$w.empty();
		this.$root = $(`<div class="crms-360">
			<div class="crms-360-kpis"></div>
			<h5 class="mb-2">${__("Timeline")}</h5>
			<div class="crms-360-filters"></div>
			<div class="crms-360-dates">
				<span class="text-muted small">${__("From")}</span>
				<input type="date" class="form-control input-xs crms-360-from">
				<span class="text-muted small">${__("To")}</span>
				<input type="date" class="form-control input-xs crms-360-to">
			</div>
			<div class="crms-360-timeline"></div>
			<div class="crms-360-more mt-3">
				<button class="btn btn-default btn-sm crms-360-load-more hidden">${__("Load more")}</button>
			</div>
		</div>`).appendTo($w);
		this.$root.find(".crms-360-from").on("change", (e) => {
			this.from_date = e.target.value || null;
			this.load_timeline(true);
		});
		this.$root.find(".crms-360-to").on("change", (e) => {
			this.to_date = e.target.value || null;
			this.load_timeline(true);
		});
		this.$root.find(".crms-360-load-more").on("click", () => this.load_timeline(false));
	}

	load_kpis() {
		this.get("crm_suite.customer_360.view.get_customer_360", { customer: this.customer }).then(
			(data) => {
				if (!data) return;
				this.render_type_chips(data.timeline_types || []);
				this.render_kpis(data);
			}
		);
	}

	// the type list comes from the server (crm_suite.engine.timeline.TYPES), so it is defined once
	render_type_chips(types) {
		const $filters = this.$root.find(".crms-360-filters").empty();
		types.forEach((type) => {
			$(`<button class="btn btn-xs btn-default crms-360-chip"></button>`)
				.text(__(type))
				.attr("data-type", type)
				.toggleClass("active", this.types.has(type))
				.appendTo($filters)
				.on("click", (e) => {
					const $chip = $(e.currentTarget);
					this.types.has(type) ? this.types.delete(type) : this.types.add(type);
					$chip.toggleClass("active", this.types.has(type));
					this.load_timeline(true);
				});
		});
	}

	get(method, args) {
		return new Promise((resolve) => {
			frappe.call({
				method,
				args,
				type: "GET",
				callback: (r) => resolve(r.message),
				error: () => resolve(null),
			});
		});
	}

	money(value, currency) {
		return format_currency(value || 0, currency);
	}

	render_kpis(d) {
		const cur = d.currency;
		const none = __("No access");
		const cards = [];
		const card = (label, value, sub) => cards.push({ label, value, sub });
		card(
			__("Lifetime Revenue"),
			d.revenue ? this.money(d.revenue.lifetime, cur) : none,
			d.revenue ? __("12 months: {0}", [this.money(d.revenue.last_12_months, cur)]) : ""
		);
		card(
			__("Open Orders"),
			d.open_orders ? String(d.open_orders.count) : none,
			d.open_orders ? this.money(d.open_orders.value, cur) : ""
		);
		card(
			__("Overdue Invoices"),
			d.overdue_invoices ? String(d.overdue_invoices.count) : none,
			d.overdue_invoices ? this.money(d.overdue_invoices.outstanding, cur) : ""
		);
		const sla = d.issues
			? Object.entries(d.issues.sla_states || {})
					.map(([state, n]) => `${__(state)}: ${n}`)
					.join(", ")
			: "";
		card(__("Open Tickets"), d.issues ? String(d.issues.count) : none, sla);
		const last = d.last_contact;
		card(
			__("Last Contact"),
			last ? frappe.datetime.prettyDate(last.timestamp) : __("Never"),
			last ? `${__(last.doctype)}: ${last.subject || last.name}` : ""
		);
		card(__("Lifecycle Stage"), d.lifecycle_stage ? __(d.lifecycle_stage) : "-", "");
		card(__("Tier"), d.tier ? __(d.tier) : "-", "");
		const m = d.metrics;
		const not_yet = __("Not computed yet");
		card(__("RFM Cell"), m && m.rfm_cell ? m.rfm_cell : not_yet, m && m.segment ? __(m.segment) : "");
		card(__("CLV"), m && m.clv != null ? this.money(m.clv, cur) : not_yet, "");
		card(
			__("Churn Risk"),
			m && m.churn_risk != null
				? __("{0} / 100", [format_number(m.churn_risk, null, 0)])
				: not_yet,
			m && m.churn_reasons ? [].concat(m.churn_reasons).join("; ") : ""
		);
		const $k = this.$root.find(".crms-360-kpis").empty();
		cards.forEach((c) => {
			$(`<div class="frappe-card crms-360-kpi">
				<div class="crms-360-kpi-label"></div>
				<div class="crms-360-kpi-value"></div>
				<div class="crms-360-kpi-sub"></div>
			</div>`)
				.find(".crms-360-kpi-label")
				.text(c.label)
				.end()
				.find(".crms-360-kpi-value")
				.text(c.value)
				.end()
				.find(".crms-360-kpi-sub")
				.text(c.sub || "")
				.end()
				.appendTo($k);
		});
	}

	load_timeline(reset) {
		if (reset) {
			this.cursor = null;
			this.$root.find(".crms-360-timeline").empty();
		}
		const token = (this.token = (this.token || 0) + 1);
		const args = { customer: this.customer, limit: this.page_size };
		if (this.cursor) args.start_after = this.cursor;
		if (this.types.size) args.types = JSON.stringify([...this.types]);
		if (this.from_date) args.from_date = this.from_date;
		if (this.to_date) args.to_date = this.to_date;
		const $btn = this.$root.find(".crms-360-load-more").prop("disabled", true);
		this.get("crm_suite.customer_360.view.get_timeline", args)
			.then((page) => {
				if (!page || token !== this.token) return;
				this.cursor = page.next_cursor;
				this.render_items(page.items);
				$btn.toggleClass("hidden", !page.next_cursor);
			})
			.finally(() => $btn.prop("disabled", false));
	}

	describe(item) {
		const cur = this.frm.doc.default_currency;
		switch (item.doctype) {
			case "Communication":
				return [item.subject, item.communication_medium, __(item.sent_or_received || "")]
					.filter(Boolean)
					.join(" · ");
			case "Comment":
				return `${item.comment_email || ""}: ${item.content || ""}`;
			case "Call Log":
				return [__(item.type || ""), item.from, item.to, __(item.status || "")]
					.filter(Boolean)
					.join(" · ");
			case "Issue":
				return [item.subject, __(item.status || ""), item.agreement_status]
					.filter(Boolean)
					.join(" · ");
			case "Lead":
				return [item.lead_name, item.company_name, __(item.status || "")]
					.filter(Boolean)
					.join(" · ");
			default: {
				const amount =
					item.base_grand_total ?? item.base_paid_amount ?? item.opportunity_amount;
				return [
					__(item.status || ""),
					amount != null ? format_currency(amount, cur) : "",
					item.posting_date || item.transaction_date || "",
				]
					.filter(Boolean)
					.join(" · ");
			}
		}
	}

	render_items(items) {
		const $t = this.$root.find(".crms-360-timeline");
		if (!items.length && !$t.children().length) {
			$t.append(`<div class="text-muted">${__("Nothing to show.")}</div>`);
			return;
		}
		items.forEach((item) => {
			const color = crm_suite.customer_360.COLORS[item.doctype] || "gray";
			const $row = $(`<div class="crms-360-item">
				<div><span class="indicator-pill ${color} crms-360-type"></span></div>
				<div class="crms-360-item-body">
					<div class="crms-360-item-title"><a></a></div>
					<div class="crms-360-item-sub"></div>
				</div>
				<div class="crms-360-item-when"></div>
			</div>`);
			$row.find(".crms-360-type").text(__(item.doctype));
			const route =
				item.doctype === "Comment"
					? `/app/customer/${encodeURIComponent(this.customer)}`
					: `/app/${frappe.router.slug(item.doctype)}/${encodeURIComponent(item.name)}`;
			$row.find("a").attr("href", route).text(item.doctype === "Comment" ? __("Comment") : item.name);
			$row.find(".crms-360-item-sub").text(this.describe(item));
			$row.find(".crms-360-item-when")
				.text(frappe.datetime.prettyDate(item.timestamp, true))
				.attr("title", frappe.datetime.str_to_user(item.timestamp));
			$t.append($row);
		});
	}
};

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new() || !frm.fields_dict.crms_360_html) return;
		if (frm.__crms_360 && frm.__crms_360.customer === frm.doc.name) {
			frm.__crms_360.load_kpis();
			return;
		}
		frm.__crms_360 = new crm_suite.customer_360.View(frm);
	},
});
