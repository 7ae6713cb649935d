"""Per-customer metrics (RFM, CLV, churn risk), computed set-based on the long queue.

The formulas are documented in `crm_suite.engine.metrics` (the pure-Python reference); this module
is the same arithmetic as one INSERT ... SELECT ... GROUP BY into `tabCRMS Customer Metrics`:

* full run (`recompute_all`, nightly): one grouped pass over submitted Sales Invoices, quintile
  scores with RANK() / COUNT(*) OVER () window functions (integer DIV, so no decimal rounding);
* one customer (`refresh_customer`, after an invoice submit/cancel): the same aggregate restricted
  to the customer, scored against the other customers' stored values (rank = 1 + number of others
  strictly before it). Others keep their scores until the next nightly run re-ranks everyone.

Recency ranks on last_purchase ascending, which is recency_days descending for one as_of date.

Then the model step (`apply_model`): one grouped query gives every customer's weekly purchase
summary; BG/NBD + Gamma-Gamma are fitted on it (full run) or taken from the stored fit (one
customer), and clv, churn_risk, p_alive, expected purchases / spend and the k-means value cluster are
written back in chunked UPDATEs. The fitted parameters are kept with `frappe.db.set_global`.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from crm_suite.engine import metrics as engine

MODEL_KEY = "crms_clv_model"
CLUSTER_KEY = "crms_value_clusters"
MODEL_COLUMNS = ("clv", "churn_risk", "p_alive", "expected_purchases", "expected_spend")

TABLE = "`tabCRMS Customer Metrics`"
COLUMNS = (
	"first_purchase",
	"last_purchase",
	"recency_days",
	"tenure_days",
	"frequency",
	"monetary",
	"average_order_value",
	"revenue_12m",
	"avg_gap_days",
	"clv",
	"churn_recency",
	"churn_gap",
	"churn_trend",
	"churn_risk",
	"r_score",
	"f_score",
	"m_score",
	"rfm_cell",
	"segment",
)

# Half-up rounding to 2 decimals, as engine.metrics.r2.
R2 = "FLOOR(({0}) * 100 + 0.5) / 100"

SEGMENT_SQL = """CASE
	WHEN r_score >= 4 AND f_score >= 4 THEN 'Champions'
	WHEN r_score = 3 AND f_score >= 4 THEN 'Loyal'
	WHEN r_score >= 4 AND f_score >= 2 THEN 'Potential Loyalist'
	WHEN r_score = 5 THEN 'New Customers'
	WHEN r_score = 4 THEN 'Promising'
	WHEN r_score = 3 AND f_score >= 2 THEN 'Need Attention'
	WHEN r_score = 3 THEN 'About to Sleep'
	WHEN f_score = 5 THEN 'Can''t Lose Them'
	WHEN f_score >= 3 THEN 'At Risk'
	WHEN r_score = 2 THEN 'Hibernating'
	ELSE 'Lost' END"""


def params() -> engine.Params:
	from crm_suite.crm_suite.doctype.crms_settings.crms_settings import get_settings

	s = get_settings()
	return engine.Params(
		active_days=int(s.active_days or 90),
		lapsed_days=int(s.lapsed_days or 365),
		gap_factor=float(s.at_risk_gap_factor or 3),
		horizon_months=int(s.clv_horizon_months or 36),
		discount_rate=float(s.clv_discount_rate or 0),
		margin=float(s.clv_margin or 100),
	)


def _values_sql(customer_filter: str) -> str:
	"""SELECT of every non-score column per customer (derived table `v`)."""
	gap = "GREATEST(COALESCE(avg_gap_days, %(active_days)s), 1)"
	return f"""
	SELECT customer, first_purchase, last_purchase, recency_days, tenure_days, frequency,
		monetary, average_order_value, revenue_12m, avg_gap_days, clv,
		churn_recency, churn_gap, churn_trend,
		FLOOR(churn_recency + churn_gap + churn_trend + 0.5) AS churn_risk
	FROM (
		SELECT customer, first_purchase, last_purchase, recency_days, tenure_days, frequency,
			{R2.format("monetary_raw")} AS monetary,
			{R2.format("monetary_raw / frequency")} AS average_order_value,
			{R2.format("rev12_raw")} AS revenue_12m,
			COALESCE(avg_gap_days, 0) AS avg_gap_days,
			{
		R2.format(
			"GREATEST(0, monetary_raw * %(margin)s / 100 * 30 / GREATEST(tenure_days + " + gap + ", 30)"
			" * EXP(-GREATEST(recency_days - " + gap + ", 0) / (%(gap_factor)s * " + gap + "))"
			" * %(annuity)s)"
		)
	} AS clv,
			{R2.format("50 * LEAST(1, recency_days * 1e0 / %(lapsed_days)s)")} AS churn_recency,
			{
		R2.format(
			"30 * LEAST(1, GREATEST(0, (recency_days * 1e0 / " + gap + " - 1)"
			" / GREATEST(%(gap_factor)s - 1, 1)))"
		)
	} AS churn_gap,
			{
		R2.format(
			"IF(tenure_days > 365 AND monetary_raw - rev12_raw > 0,"
			" 20 * LEAST(1, GREATEST(0, 1 - rev12_raw * 1e0"
			" / ((monetary_raw - rev12_raw) * 365e0 / (tenure_days - 365)))), 0)"
		)
	} AS churn_trend
		FROM (
			SELECT customer, frequency, monetary_raw, rev12_raw, first_purchase, last_purchase,
				DATEDIFF(%(as_of)s, last_purchase) AS recency_days,
				DATEDIFF(%(as_of)s, first_purchase) AS tenure_days,
				IF(frequency >= 2,
					{R2.format("DATEDIFF(last_purchase, first_purchase) * 1e0 / (frequency - 1)")}, NULL)
					AS avg_gap_days
			FROM (
				SELECT customer,
					SUM(is_return = 0) AS frequency,
					SUM(base_net_total) AS monetary_raw,
					SUM(IF(posting_date > %(since_12m)s, base_net_total, 0)) AS rev12_raw,
					MIN(IF(is_return = 0, posting_date, NULL)) AS first_purchase,
					MAX(IF(is_return = 0, posting_date, NULL)) AS last_purchase
				FROM `tabSales Invoice`
				WHERE docstatus = 1 AND company IN %(companies)s {customer_filter}
				GROUP BY customer
				HAVING frequency > 0
			) a
		) b
	) c
	"""


def metrics_companies() -> tuple[str, ...]:
	"""Companies whose invoices feed the metrics: those booking in the default company's currency.

	Money is never added across currencies; a group with companies in other currencies sees their
	revenue per company in the 360 tab, not in these metrics."""
	companies = frappe.get_all("Company", fields=["name", "default_currency"], order_by="name")
	default = frappe.defaults.get_global_default("company")
	currency = next((c.default_currency for c in companies if c.name == default), None)
	if currency is None and companies:
		currency = companies[0].default_currency
	return tuple(c.name for c in companies if c.default_currency == currency) or ("",)


def metrics_currency() -> str | None:
	company = metrics_companies()[0]
	return frappe.get_cached_value("Company", company, "default_currency") if company else None


def _sql_params(as_of, p: engine.Params, **extra) -> dict:
	as_of = getdate(as_of or nowdate())
	return {
		"as_of": as_of,
		"since_12m": add_days(as_of, -365),
		"active_days": p.active_days,
		"lapsed_days": p.lapsed_days,
		"gap_factor": p.gap_factor,
		"margin": p.margin,
		"annuity": engine.annuity(p.horizon_months, p.discount_rate),
		"companies": metrics_companies(),
		**extra,
	}


def _insert_sql(select_sql: str) -> str:
	cols = ", ".join(COLUMNS)
	select_cols = ", ".join(COLUMNS[:-1])
	return f"""
	INSERT INTO {TABLE} (name, customer, creation, modified, owner, modified_by, docstatus, idx,
		computed_on, {cols})
	SELECT customer, customer, NOW(), NOW(), %(user)s, %(user)s, 0, 0, %(as_of)s, {select_cols},
		{SEGMENT_SQL}
	FROM ({select_sql}) s
	"""


def recompute_all(as_of=None, with_segments: bool = True) -> int:
	"""Every customer's metrics in one statement (plus the segment rules); returns the row count."""
	p = params()
	values = _values_sql("")
	scored = f"""
	SELECT v.*,
		CONCAT(r_score, f_score, m_score) AS rfm_cell
	FROM (
		SELECT v0.*,
			1 + (5 * (RANK() OVER (ORDER BY last_purchase) - 1)) DIV COUNT(*) OVER () AS r_score,
			1 + (5 * (RANK() OVER (ORDER BY frequency) - 1)) DIV COUNT(*) OVER () AS f_score,
			1 + (5 * (RANK() OVER (ORDER BY monetary) - 1)) DIV COUNT(*) OVER () AS m_score
		FROM ({values}) v0
	) v
	"""
	sql_params = _sql_params(as_of, p, user=frappe.session.user)
	frappe.db.sql(f"DELETE FROM {TABLE}")
	frappe.db.sql(_insert_sql(scored), sql_params)
	apply_model(sql_params["as_of"], p, fit=True)
	count = frappe.db.sql(f"select count(*) from {TABLE}")[0][0]
	if with_segments:
		from crm_suite.customer_analytics.segments import apply_rules

		apply_rules()
	return count


def refresh_customer(customer: str, as_of=None, with_segments: bool = True) -> None:
	"""One customer's row with the same SQL, scored against everyone else's stored values."""
	p = params()
	values = _values_sql("AND customer = %(customer)s")
	others = f"(SELECT last_purchase, frequency, monetary FROM {TABLE} WHERE name != %(customer)s)"
	scored = f"""
	SELECT v.*, CONCAT(r_score, f_score, m_score) AS rfm_cell
	FROM (
		SELECT v0.*,
			1 + (5 * (SELECT COUNT(*) FROM {others} o WHERE o.last_purchase < v0.last_purchase))
				DIV (1 + (SELECT COUNT(*) FROM {others} o)) AS r_score,
			1 + (5 * (SELECT COUNT(*) FROM {others} o WHERE o.frequency < v0.frequency))
				DIV (1 + (SELECT COUNT(*) FROM {others} o)) AS f_score,
			1 + (5 * (SELECT COUNT(*) FROM {others} o WHERE o.monetary < v0.monetary))
				DIV (1 + (SELECT COUNT(*) FROM {others} o)) AS m_score
		FROM ({values}) v0
	) v
	"""
	sql_params = _sql_params(as_of, p, user=frappe.session.user, customer=customer)
	# `customer = ...` also clears a row a rename-merge moved onto this customer
	frappe.db.sql(f"DELETE FROM {TABLE} WHERE name = %(customer)s OR customer = %(customer)s", sql_params)
	frappe.db.sql(_insert_sql(scored), sql_params)
	apply_model(sql_params["as_of"], p, fit=False, customer=customer)
	if with_segments:
		from crm_suite.customer_analytics.segments import apply_rules

		apply_rules(customers=[customer])


def _summary_rows(as_of, customer: str | None = None) -> list[dict]:
	condition = "AND customer = %(customer)s" if customer else ""
	return frappe.db.sql(
		f"""SELECT customer,
			COUNT(DISTINCT IF(is_return = 0, TO_DAYS(posting_date) DIV 7, NULL)) AS purchase_weeks,
			MIN(IF(is_return = 0, posting_date, NULL)) AS first_purchase,
			MAX(IF(is_return = 0, posting_date, NULL)) AS last_purchase,
			SUM(base_net_total) AS monetary
		FROM `tabSales Invoice`
		WHERE docstatus = 1 AND company IN %(companies)s AND posting_date <= %(as_of)s {condition}
		GROUP BY customer
		HAVING purchase_weeks > 0""",
		{"customer": customer, "as_of": as_of, "companies": metrics_companies()},
		as_dict=True,
	)


def stored_model() -> dict | None:
	raw = frappe.db.get_global(MODEL_KEY)
	return json.loads(raw) if raw else None


def apply_model(as_of, p: engine.Params, fit: bool, customer: str | None = None) -> dict:
	"""Model-based clv / churn risk (and the value cluster) for every stored row, or one customer."""
	from crm_suite.engine import clusters
	from crm_suite.engine import clv as clv_model

	as_of = getdate(as_of)
	rows = _summary_rows(as_of, customer)
	for r in rows:
		r["monetary"] = float(r["monetary"] or 0)
	summary = clv_model.summary_from_rows(rows, as_of)
	model = None if fit else clv_model.ModelParams.from_dict(stored_model())
	if model is None:
		model = clv_model.fit(summary)
		if fit or not stored_model():
			frappe.db.set_global(MODEL_KEY, json.dumps({**model.to_dict(), "as_of": str(as_of)}))
	if not summary.customers:
		return model.to_dict()
	pred = clv_model.predict(model, summary, **engine.predict_params(p))
	values = {c: engine.model_values(pred, k) for k, c in enumerate(summary.customers)}
	x = clusters.features(summary.recency_days, summary.n, pred["expected_spend"], pred["clv"])
	if fit:
		result = clusters.cluster(x)
		frappe.db.set_global(CLUSTER_KEY, json.dumps(result.to_dict()) if result else "")
		labels = result.labels if result else None
		descriptions = result.descriptions if result else []
	else:
		raw = frappe.db.get_global(CLUSTER_KEY)
		stored = json.loads(raw) if raw else None
		labels = clusters.assign(x, stored) if stored else None
		descriptions = stored["descriptions"] if stored else []
	for k, c in enumerate(summary.customers):
		values[c]["cluster"] = clusters.label(labels[k], descriptions[labels[k]]) if labels else None
	_write(values)
	return model.to_dict()


def _write(values: dict[str, dict], chunk: int = 2000) -> None:
	"""Chunked UPDATE ... CASE name WHEN ...: a few statements for the whole table."""
	columns = (*MODEL_COLUMNS, "cluster")
	names = list(values)
	for start in range(0, len(names), chunk):
		part = names[start : start + chunk]
		params: list = []
		sets = []
		for col in columns:
			cases = []
			for name in part:
				cases.append("WHEN %s THEN %s")
				params.extend((name, values[name][col]))
			sets.append(f"`{col}` = CASE `name` {' '.join(cases)} ELSE `{col}` END")
		params.extend(part)
		placeholders = ", ".join(["%s"] * len(part))
		frappe.db.sql(f"UPDATE {TABLE} SET {', '.join(sets)} WHERE `name` IN ({placeholders})", params)


def enqueue_customer_refresh(customer: str) -> None:
	# batch writers (demo, imports) set the flag and run one recompute_all / run_nightly afterwards
	if not customer or frappe.flags.crms_skip_metrics_refresh:
		return
	frappe.enqueue(
		"crm_suite.customer_analytics.metrics.refresh_customer",
		queue="default",
		customer=customer,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
	)


def nightly():
	"""Scheduler entry (daily_long): one deduplicated long-queue job for the whole recompute."""
	frappe.enqueue(
		"crm_suite.customer_analytics.metrics.run_nightly",
		queue="long",
		timeout=3600,
		job_id="crms_customer_metrics_nightly",
		deduplicate=True,
	)


def run_nightly(as_of=None) -> dict:
	"""Metrics for all customers, then due time-driven lifecycle transitions, then segment rules
	(after the lifecycle, so rules on the stage see today's stage)."""
	from crm_suite.customer_360.lifecycle import sync_due
	from crm_suite.customer_analytics.segments import apply_rules

	rows = recompute_all(as_of, with_segments=False)
	transitions = sync_due(as_of)
	apply_rules()
	return {"metrics_rows": rows, "lifecycle_replays": transitions}


# --- read API for the 360 view -------------------------------------------------------------------

REASON_TEXT = {
	"no_purchase_for": lambda a: _("No purchase for {0} days").format(*a),
	"gap_above_norm": lambda a: _("{0} days since the last purchase, against a usual gap of {1} days").format(
		*a
	),
	"single_purchase": lambda a: _("Bought only once, {0} days ago").format(*a),
	"revenue_declining": lambda a: _("12-month revenue {0}% below its earlier yearly average").format(*a),
	"p_alive": lambda a: _("{0}% chance the customer is still buying").format(*a),
	"expected_purchases": lambda a: _("Expected purchases in the next {0} days: {1}").format(*a),
}


def get_customer_metrics(customer: str) -> dict | None:
	"""The stored metrics row of a customer with translated churn reasons, or None.

	No permission check here: callers (the 360 view) check read access on the Customer first."""
	fields = ["customer", "computed_on", *COLUMNS, "p_alive", "expected_purchases", "expected_spend", "cluster"]
	row = frappe.db.get_value("CRMS Customer Metrics", customer, fields, as_dict=True)
	if not row:
		return None
	codes = engine.churn_reason_codes(row, params())
	row["churn_reasons"] = [REASON_TEXT[code](args) for code, args in codes]
	return row


def permitted_customers_sql(user: str | None = None) -> str:
	"""SELECT of the Customer names `user` may read (roles, User Permissions such as Territory,
	permission query conditions), built by frappe.get_list itself (run=0), for `IN (...)`."""
	return frappe.get_list("Customer", fields=["`tabCustomer`.`name`"], user=user, order_by=None, run=0)
