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
.crms-360-kpi .crms-360-kpi-company { font-size: var(--text-xs); font-weight: normal; color: var(--text-muted); }
.crms-360-kpi .crms-360-kpi-sub { font-size: var(--text-xs); color: var(--text-muted); overflow-wrap: anywhere; }
.crms-360-filters { display: flex; flex-wrap: wrap; gap: var(--margin-xs); align-items: center; margin-bottom: var(--margin-sm); }
.crms-360-chip.active { background: var(--primary); color: var(--white); border-color: var(--primary); }
.crms-360-dates { display: flex; flex-wrap: wrap; gap: var(--margin-xs); align-items: center; margin-bottom: var(--margin-md); }
.crms-360-dates .crms-360-date { width: 150px; max-width: 45%; }
.crms-360-dates .crms-360-date .form-group { margin-bottom: 0; }
.crms-360-state { color: var(--text-muted); padding: var(--padding-sm) 0; }
.crms-360-state.crms-360-error { color: var(--red-600, var(--text-color)); }
.crms-360-item { display: flex; gap: var(--margin-sm); padding: var(--padding-sm) 0; border-bottom: 1px solid var(--border-color); min-width: 0; }
.crms-360-item .crms-360-item-body { flex: 1; min-width: 0; }
.crms-360-item .crms-360-item-head { display: flex; gap: var(--margin-sm); align-items: baseline; min-width: 0; }
.crms-360-item .crms-360-item-title { flex: 1; min-width: 0; font-weight: 500; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.crms-360-item .crms-360-item-when { flex: none; color: var(--text-muted); font-size: var(--text-xs); white-space: nowrap; }
.crms-360-item .crms-360-item-sub { color: var(--text-muted); font-size: var(--text-sm); overflow-wrap: anywhere; }
@media (max-width: 576px) {
	.crms-360-kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
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
		this.reload();
	}

	// the form's refresh (open, save, reload) brings both KPIs and timeline up to date
	reload() {
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
				<div class="crms-360-date crms-360-from"></div>
				<div class="crms-360-date crms-360-to"></div>
			</div>
			<div class="crms-360-timeline"></div>
			<div class="crms-360-more mt-3">
				<button type="button" class="btn btn-default btn-sm crms-360-load-more hidden">${__("Load more")}</button>
			</div>
		</div>`).appendTo($w);
		this.from_control = this.make_date_control("from_date", __("From"));
		this.to_control = this.make_date_control("to_date", __("To"));
		this.$root.find(".crms-360-load-more").on("click", () => this.load_timeline(false));
	}

	// Frappe's own Date control: the user's date format and datepicker; values come back as YYYY-MM-DD
	make_date_control(key, placeholder) {
		const view = this;
		const control = frappe.ui.form.make_control({
			parent: this.$root.find(key === "from_date" ? ".crms-360-from" : ".crms-360-to"),
			df: {
				fieldtype: "Date",
				fieldname: `crms_360_${key}`,
				placeholder,
				change() {
					const value = this.get_value() || null;
					if (value === view[key]) return;
					view[key] = value;
					view.load_timeline(true);
				},
			},
			render_input: true,
			only_input: true,
		});
		control.$input.attr("aria-label", placeholder);
		return control;
	}

	state($target, text, is_error, retry) {
		const $state = $(`<div class="crms-360-state"></div>`)
			.toggleClass("crms-360-error", Boolean(is_error))
			.text(text);
		if (retry) {
			$(`<button type="button" class="btn btn-xs btn-default ml-2"></button>`)
				.text(__("Retry"))
				.on("click", retry)
				.appendTo($state);
		}
		return $state.appendTo($target);
	}

	load_kpis() {
		const $k = this.$root.find(".crms-360-kpis");
		if (!$k.children(".crms-360-kpi").length) {
			$k.empty();
			this.state($k, __("Loading..."));
		}
		const token = (this.kpi_token = (this.kpi_token || 0) + 1);
		this.get("crm_suite.customer_360.view.get_customer_360", { customer: this.customer })
			.then((data) => {
				if (token !== this.kpi_token) return;
				this.render_type_chips(data.timeline_types || []);
				this.render_kpis(data);
			})
			.catch(() => {
				if (token !== this.kpi_token) return;
				$k.empty();
				this.state($k, __("The customer's figures could not be loaded."), true, () =>
					this.load_kpis()
				);
			});
	}

	// the type list comes from the server (crm_suite.engine.timeline.TYPES), so it is defined once
	render_type_chips(types) {
		const $filters = this.$root.find(".crms-360-filters").empty();
		types.forEach((type) => {
			$(`<button type="button" class="btn btn-xs btn-default crms-360-chip"></button>`)
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

	// resolves with the message, rejects on any failure (frappe shows the server's own message)
	get(method, args) {
		return new Promise((resolve, reject) => {
			frappe.call({
				method,
				args,
				type: "GET",
				callback: (r) => (r && !r.exc ? resolve(r.message) : reject(r)),
				error: (r) => reject(r),
			});
		});
	}

	money(value, currency) {
		return format_currency(value || 0, currency);
	}

	// one line per company, each in its own currency: amounts in different currencies are never added
	per_company(rows, field) {
		const multi = rows.length > 1;
		return rows.map((r) => ({
			text: this.money(r[field], r.currency),
			company: multi ? r.company : "",
		}));
	}

	render_kpis(d) {
		const cur = d.currency;
		const none = __("No access");
		const cards = [];
		const card = (label, value, sub) => cards.push({ label, value, sub });
		const revenue = d.revenue ? d.revenue.by_company : null;
		card(
			__("Lifetime Revenue"),
			!revenue ? none : revenue.length ? this.per_company(revenue, "lifetime") : this.money(0, cur),
			revenue && revenue.length
				? __("12 months: {0}", [
						revenue.map((r) => this.money(r.last_12_months, r.currency)).join(" · "),
				  ])
				: ""
		);
		card(
			__("Open Orders"),
			d.open_orders ? String(d.open_orders.count) : none,
			d.open_orders
				? d.open_orders.by_company.map((r) => this.money(r.value, r.currency)).join(" · ")
				: ""
		);
		card(
			__("Overdue Invoices"),
			d.overdue_invoices ? String(d.overdue_invoices.count) : none,
			d.overdue_invoices
				? d.overdue_invoices.by_company
						.map((r) => this.money(r.outstanding, r.currency))
						.join(" · ")
				: ""
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
			last ? this.when(last) : __("Never"),
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
			const $card = $(`<div class="frappe-card crms-360-kpi">
				<div class="crms-360-kpi-label"></div>
				<div class="crms-360-kpi-value"></div>
				<div class="crms-360-kpi-sub"></div>
			</div>`);
			$card.find(".crms-360-kpi-label").text(c.label);
			const $value = $card.find(".crms-360-kpi-value");
			if (Array.isArray(c.value)) {
				c.value.forEach((line) => {
					const $line = $("<div></div>").text(line.text).appendTo($value);
					if (line.company) {
						$(`<span class="crms-360-kpi-company ml-1"></span>`)
							.text(line.company)
							.appendTo($line);
					}
				});
			} else {
				$value.text(c.value);
			}
			$card.find(".crms-360-kpi-sub").text(c.sub || "");
			$k.append($card);
		});
	}

	load_timeline(reset) {
		const $t = this.$root.find(".crms-360-timeline");
		const $btn = this.$root.find(".crms-360-load-more");
		if (reset) {
			this.cursor = null;
			$t.empty();
			$btn.addClass("hidden");
		}
		$t.find(".crms-360-state").remove();
		const $loading = this.state($t, __("Loading..."));
		const token = (this.token = (this.token || 0) + 1);
		const args = { customer: this.customer, limit: this.page_size };
		if (this.cursor) args.start_after = this.cursor;
		if (this.types.size) args.types = JSON.stringify([...this.types]);
		if (this.from_date) args.from_date = this.from_date;
		if (this.to_date) args.to_date = this.to_date;
		$btn.prop("disabled", true);
		this.get("crm_suite.customer_360.view.get_timeline", args)
			.then((page) => {
				if (token !== this.token) return;
				$loading.remove();
				this.cursor = page.next_cursor;
				this.render_items(page.items);
				$btn.toggleClass("hidden", !page.next_cursor);
			})
			.catch(() => {
				if (token !== this.token) return;
				$loading.remove();
				this.state($t, __("The timeline could not be loaded."), true, () =>
					this.load_timeline(reset)
				);
			})
			.finally(() => $btn.prop("disabled", false));
	}

	// a document date (invoice, order ...) shows as the day in the user's format, an event as "2 hours ago"
	when(item) {
		if (item.date_only) return frappe.datetime.str_to_user(item.timestamp.slice(0, 10));
		return frappe.datetime.prettyDate(item.timestamp, true);
	}

	describe(item) {
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
			default:
				// each document's amount in its own currency
				return [
					__(item.status || ""),
					item.amount != null && item.currency ? this.money(item.amount, item.currency) : "",
				]
					.filter(Boolean)
					.join(" · ");
		}
	}

	render_items(items) {
		const $t = this.$root.find(".crms-360-timeline");
		if (!items.length && !$t.children(".crms-360-item").length) {
			this.state($t, __("Nothing to show."));
			return;
		}
		items.forEach((item) => {
			const color = crm_suite.customer_360.COLORS[item.doctype] || "gray";
			const $row = $(`<div class="crms-360-item">
				<div><span class="indicator-pill ${color} crms-360-type"></span></div>
				<div class="crms-360-item-body">
					<div class="crms-360-item-head">
						<div class="crms-360-item-title"><a></a></div>
						<div class="crms-360-item-when"></div>
					</div>
					<div class="crms-360-item-sub"></div>
				</div>
			</div>`);
			$row.find(".crms-360-type").text(__(item.doctype));
			const route =
				item.doctype === "Comment"
					? `/app/customer/${encodeURIComponent(this.customer)}`
					: `/app/${frappe.router.slug(item.doctype)}/${encodeURIComponent(item.name)}`;
			$row.find("a")
				.attr("href", route)
				.text(item.doctype === "Comment" ? __("Comment") : item.name);
			$row.find(".crms-360-item-sub").text(this.describe(item));
			$row.find(".crms-360-item-when")
				.text(this.when(item))
				.attr(
					"title",
					item.date_only
						? frappe.datetime.str_to_user(item.timestamp.slice(0, 10))
						: frappe.datetime.str_to_user(item.timestamp)
				);
			$t.append($row);
		});
	}
};

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new() || !frm.fields_dict.crms_360_html) return;
		if (frm.__crms_360 && frm.__crms_360.customer === frm.doc.name) {
			frm.__crms_360.reload();
			return;
		}
		frm.__crms_360 = new crm_suite.customer_360.View(frm);
	},
});
