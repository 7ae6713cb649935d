"""Per-customer metrics: RFM, CLV and churn risk. The pure-Python reference of the SQL in
`crm_suite.customer_analytics.metrics`; an integration test checks that both agree.

Input: submitted Sales Invoices as (customer, posting_date, base_net_total, is_return), in company
currency. Returns and credit notes carry a negative base_net_total and are netted into money, but
are not purchases (they count in neither frequency nor first/last purchase). Only customers with at
least one purchase get a metrics row.

Definitions (as_of = the day of computation):

* ``recency_days`` = as_of - last purchase; ``frequency`` = number of purchases;
  ``monetary`` = sum of base_net_total, returns netted; ``average_order_value`` = monetary / frequency;
  ``revenue_12m`` = the same sum over posting_date > as_of - 365 days; ``tenure_days`` = as_of - first.
* ``avg_gap_days`` = (last - first) / (frequency - 1) when frequency >= 2, else 0 (stored; no gap).
  ``expected_gap`` = avg_gap_days, or ``active_days`` for one-time buyers (and at least 1 day).
* **Scores (quintiles, deterministic ties).** Over all customers with a purchase (n of them):
  ``score = 1 + floor(5 * (rank - 1) / n)`` where rank is SQL ``RANK()`` (ties share the lowest
  rank, so equal values always get equal scores; the next distinct value skips ranks). Recency ranks
  descending (most days since purchase -> rank 1 -> score 1), frequency and monetary ascending.
  ``rfm_cell`` = "RFM" digits, e.g. "545".
* **Segment** from (R, F): Champions (R>=4, F>=4), Loyal (R=3, F>=4), Potential Loyalist (R>=4,
  F 2-3), New Customers (R=5, F=1), Promising (R=4, F=1), Need Attention (R=3, F 2-3), About to Sleep
  (R=3, F=1), Can't Lose Them (R<=2, F=5), At Risk (R<=2, F 3-4), Hibernating (R=2, F<=2),
  Lost (R=1, F<=2).
* **CLV** (historic rate x survival, discounted monthly; all of it is plain SQL arithmetic):
  ``monthly_value = monetary * margin% * 30 / max(tenure_days + expected_gap, 30)``;
  ``p_alive = exp(-max(recency_days - expected_gap, 0) / (gap_factor * expected_gap))`` (survival is
  full within one usual gap and decays after it); monthly discount ``i = (1 + rate%)^(1/12) - 1``;
  ``annuity = (1 - (1 + i)^-H) / i`` (H = horizon months; H when i = 0);
  ``clv = max(0, monthly_value * p_alive * annuity)``.
* **Churn risk** 0-100 = sum of three stored components:
  ``churn_recency = 50 * min(1, recency_days / lapsed_days)``;
  ``churn_gap = 30 * clamp((recency_days / expected_gap - 1) / max(gap_factor - 1, 1), 0, 1)``;
  ``churn_trend = 20 * clamp(1 - revenue_12m / prior_annual, 0, 1)`` where
  ``prior_annual = (monetary - revenue_12m) * 365 / (tenure_days - 365)`` when tenure_days > 365 and
  prior_annual > 0, else 0. ``churn_risk = floor(sum + 0.5)``.

**Model-based CLV and churn risk** (replace the two above once the model step runs; see
``crm_suite.engine.clv``): BG/NBD + Gamma-Gamma fitted by maximum likelihood on every customer's
weekly purchases; ``clv`` = discounted expected purchases over the horizon x expected spend x margin;
``churn_risk`` = round(100 x P(no purchase in the next ``active_days``)); ``p_alive`` (percent),
``expected_purchases`` (next ``active_days``) and ``expected_spend`` are stored beside them. The
three churn parts above stay as descriptive components for the reasons and the At-Risk report.

Money is rounded to 2 decimals, components and gaps to 2 decimals, all with half-up rounding
(``floor(x * 100 + 0.5) / 100``), as the SQL does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

SEGMENTS = (
	"Champions",
	"Loyal",
	"Potential Loyalist",
	"New Customers",
	"Promising",
	"Need Attention",
	"About to Sleep",
	"Can't Lose Them",
	"At Risk",
	"Hibernating",
	"Lost",
)


@dataclass(frozen=True)
class Params:
	active_days: int = 90
	lapsed_days: int = 365
	gap_factor: float = 3.0
	horizon_months: int = 36
	discount_rate: float = 10.0  # percent per year
	margin: float = 100.0  # percent


def r2(x: float) -> float:
	"""Half-up to 2 decimals (floor(x * 100 + 0.5) / 100), the same expression as the SQL."""
	return math.floor(x * 100 + 0.5) / 100


def score(rank: int, n: int) -> int:
	"""Quintile 1-5 from a 1-based RANK() among n."""
	return 1 + (5 * (rank - 1)) // n


def ranks(values: dict[str, float], descending: bool = False) -> dict[str, int]:
	"""SQL RANK(): 1 + number of values strictly before this one in the ordering."""
	ordered = sorted(values.values(), reverse=descending)
	first: dict[float, int] = {}
	for i, v in enumerate(ordered, 1):
		first.setdefault(v, i)
	return {k: first[v] for k, v in values.items()}


def segment(r: int, f: int) -> str:
	if r >= 4 and f >= 4:
		return "Champions"
	if r == 3 and f >= 4:
		return "Loyal"
	if r >= 4 and f >= 2:
		return "Potential Loyalist"
	if r == 5:
		return "New Customers"
	if r == 4:
		return "Promising"
	if r == 3 and f >= 2:
		return "Need Attention"
	if r == 3:
		return "About to Sleep"
	if f == 5:
		return "Can't Lose Them"
	if f >= 3:
		return "At Risk"
	if r == 2:
		return "Hibernating"
	return "Lost"


def annuity(horizon_months: int, discount_rate: float) -> float:
	i = (1 + discount_rate / 100) ** (1 / 12) - 1
	return (1 - (1 + i) ** -horizon_months) / i if i > 0 else float(horizon_months)


def expected_gap(avg_gap_days: float | None, p: Params) -> float:
	return max(avg_gap_days if avg_gap_days is not None else p.active_days, 1)


def clv(monetary: float, tenure_days: int, recency_days: int, avg_gap_days: float | None, p: Params) -> float:
	gap = expected_gap(avg_gap_days, p)
	monthly_value = monetary * p.margin / 100 * 30 / max(tenure_days + gap, 30)
	p_alive = math.exp(-max(recency_days - gap, 0) / (p.gap_factor * gap))
	return r2(max(0.0, monthly_value * p_alive * annuity(p.horizon_months, p.discount_rate)))


def churn_components(
	recency_days: int,
	avg_gap_days: float | None,
	monetary: float,
	revenue_12m: float,
	tenure_days: int,
	p: Params,
) -> tuple[float, float, float]:
	gap = expected_gap(avg_gap_days, p)
	rec = 50 * min(1.0, recency_days / p.lapsed_days)
	gap_part = 30 * min(1.0, max(0.0, (recency_days / gap - 1) / max(p.gap_factor - 1, 1)))
	trend = 0.0
	if tenure_days > 365:
		prior_annual = (monetary - revenue_12m) * 365 / (tenure_days - 365)
		if prior_annual > 0:
			trend = 20 * min(1.0, max(0.0, 1 - revenue_12m / prior_annual))
	return r2(rec), r2(gap_part), r2(trend)


def compute(
	invoices: list[tuple[str, date, float, bool]],
	as_of: date,
	p: Params | None = None,
	model: dict | None = None,
) -> dict[str, dict]:
	"""Metrics rows keyed by customer (the reference for the set-based SQL)."""
	p = p or Params()
	acc: dict[str, dict] = {}
	since_12m = as_of - timedelta(days=365)
	for customer, posting_date, amount, is_return in invoices:
		a = acc.setdefault(customer, {"frequency": 0, "monetary": 0.0, "revenue_12m": 0.0, "dates": []})
		a["monetary"] += amount
		if posting_date > since_12m:
			a["revenue_12m"] += amount
		if not is_return:
			a["frequency"] += 1
			a["dates"].append(posting_date)
	rows: dict[str, dict] = {}
	for customer, a in acc.items():
		if not a["frequency"]:
			continue
		first, last, n = min(a["dates"]), max(a["dates"]), a["frequency"]
		monetary = r2(a["monetary"])
		revenue_12m = r2(a["revenue_12m"])
		avg_gap = r2((last - first).days / (n - 1)) if n >= 2 else None
		recency, tenure = (as_of - last).days, (as_of - first).days
		rows[customer] = {
			"customer": customer,
			"first_purchase": first,
			"last_purchase": last,
			"recency_days": recency,
			"tenure_days": tenure,
			"frequency": n,
			"monetary": monetary,
			"average_order_value": r2(a["monetary"] / n),
			"revenue_12m": revenue_12m,
			"avg_gap_days": avg_gap if avg_gap is not None else 0.0,
			"clv": clv(a["monetary"], tenure, recency, avg_gap, p),
		}
		rec, gap, trend = churn_components(recency, avg_gap, a["monetary"], a["revenue_12m"], tenure, p)
		rows[customer].update(
			churn_recency=rec,
			churn_gap=gap,
			churn_trend=trend,
			churn_risk=math.floor(rec + gap + trend + 0.5),
		)
	apply_model(rows, invoices, as_of, p, model)
	n = len(rows)
	r_rank = ranks({c: r["recency_days"] for c, r in rows.items()}, descending=True)
	f_rank = ranks({c: r["frequency"] for c, r in rows.items()})
	m_rank = ranks({c: r["monetary"] for c, r in rows.items()})
	for c, row in rows.items():
		rs, fs, ms = score(r_rank[c], n), score(f_rank[c], n), score(m_rank[c], n)
		row.update(r_score=rs, f_score=fs, m_score=ms, rfm_cell=f"{rs}{fs}{ms}", segment=segment(rs, fs))
	return rows


def model_values(pred: dict, k: int) -> dict:
	"""The stored columns of customer k from `clv.predict` arrays (same rounding as the job)."""
	return {
		"clv": r2(float(pred["clv"][k])),
		"churn_risk": int(math.floor(100 * float(pred["p_no_purchase"][k]) + 0.5)),
		"p_alive": r2(100 * float(pred["p_alive"][k])),
		"expected_purchases": r2(float(pred["expected_purchases"][k])),
		"expected_spend": r2(float(pred["expected_spend"][k])),
	}


def predict_params(p: Params) -> dict:
	return {
		"window_days": p.active_days,
		"horizon_months": p.horizon_months,
		"discount_rate": p.discount_rate,
		"margin": p.margin,
	}


def apply_model(rows: dict[str, dict], invoices, as_of: date, p: Params, model: dict | None = None) -> dict:
	"""Overwrite clv / churn_risk with the fitted model's values (fitting it unless `model` is given);
	returns the model used, as a dict."""
	from crm_suite.engine import clv as clv_model

	purchases = [(c, d, a) for c, d, a, is_return in invoices if not is_return and d <= as_of]
	returns = [(c, a) for c, d, a, is_return in invoices if is_return]
	summary = clv_model.summarise(purchases, as_of, returns)
	fitted = clv_model.ModelParams.from_dict(model) or clv_model.fit(summary)
	if not summary.customers:
		return fitted.to_dict()
	pred = clv_model.predict(fitted, summary, **predict_params(p))
	for k, customer in enumerate(summary.customers):
		if customer in rows:
			rows[customer].update(model_values(pred, k))
	return fitted.to_dict()


# Reason codes; the API layer maps each code to a translated sentence (see customer_analytics.metrics).
def churn_reason_codes(row: dict, p: Params | None = None) -> list[tuple[str, tuple]]:
	"""Why the churn risk is what it is, in order: the purchase pattern first, then the model's view
	(chance still active, purchases expected in the window), then a falling 12-month revenue."""
	p = p or Params()
	if not row:
		return []
	out: list[tuple[str, tuple]] = []
	recency = row.get("recency_days") or 0
	frequency = row.get("frequency") or 0
	if frequency == 1:
		out.append(("single_purchase", (recency,)))
	elif frequency >= 2 and recency > (row.get("avg_gap_days") or 0):
		out.append(("gap_above_norm", (recency, round(expected_gap(row.get("avg_gap_days"), p)))))
	elif recency >= p.active_days:
		out.append(("no_purchase_for", (recency,)))
	if row.get("p_alive") is not None and float(row["p_alive"]) < 90:
		out.append(("p_alive", (round(float(row["p_alive"])),)))
	if row.get("expected_purchases") is not None:
		out.append(("expected_purchases", (p.active_days, f"{float(row['expected_purchases']):.1f}")))
	if (row.get("churn_trend") or 0) > 0:
		out.append(("revenue_declining", (round(row["churn_trend"] / 20 * 100),)))
	return out


REASON_TEXT = {
	"no_purchase_for": "No purchase for {0} days",
	"gap_above_norm": "{0} days since the last purchase, against a usual gap of {1} days",
	"single_purchase": "Bought only once, {0} days ago",
	"revenue_declining": "12-month revenue {0}% below its earlier yearly average",
	"p_alive": "{0}% chance the customer is still buying",
	"expected_purchases": "Expected purchases in the next {0} days: {1}",
}


def churn_reasons(row: dict, p: Params | None = None) -> list[str]:
	"""Reasons in (untranslated) English; `get_customer_metrics` returns them translated."""
	return [REASON_TEXT[code].format(*args) for code, args in churn_reason_codes(row, p)]
