"""Customer value from a fitted model: BG/NBD (purchase and drop-out process) and Gamma-Gamma (spend),
both by maximum likelihood on the site's own history, plus a backtest that says how good they are.

Why a model: a historic purchase rate over-predicts one-time buyers and never shrinks a customer with
little history toward the population. BG/NBD (Fader, Hardie & Lee 2005) treats each customer as
buying at a Poisson rate (gamma-distributed across customers) until they drop out, with a drop-out
chance after each purchase (beta-distributed); Gamma-Gamma (Fader & Hardie 2013) shrinks each
customer's average spend toward the population's by how many purchases back it up.

Per customer, in whole weeks (several invoices in one week are one purchase, as the standard
weekly CDNOW fits do; a week is TO_DAYS(date) DIV 7 in SQL, so the job and this module agree):
	x   = repeat purchases (purchase weeks - 1), t_x = first -> last purchase week,
	T   = first purchase week -> the week of as_of, mean_spend = net amount / purchase weeks.
Outputs per customer: P(alive), expected purchases in the next `window_days`, P(no purchase in the
next window_days) (the churn risk), expected spend per purchase, and CLV = discounted sum over the
horizon of monthly expected purchases x expected spend x margin.

numpy and scipy only (no frappe); time is measured in weeks internally for numerical stability.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
from scipy import optimize, special

WEEK = 7.0
# weak ridge toward these log-parameters keeps tiny sites' fits finite; negligible with real data
BGNBD_DEFAULT = {"r": 0.5, "alpha": 10.0, "a": 0.8, "b": 3.0}  # alpha in weeks
GG_DEFAULT = {"p": 2.0, "q": 3.0, "v": 1.0}  # v scaled by the median spend
RIDGE = 0.01
MIN_CUSTOMERS_TO_FIT = 20


@dataclass
class Summary:
	customers: list[str]
	x: np.ndarray  # repeat purchases
	t_x: np.ndarray  # weeks, first -> last purchase
	T: np.ndarray  # weeks, first purchase -> as_of
	n: np.ndarray  # purchase days (x + 1)
	mean_spend: np.ndarray  # net amount per purchase day
	recency_days: np.ndarray


@dataclass
class ModelParams:
	r: float
	alpha: float  # weeks
	a: float
	b: float
	p: float
	q: float
	v: float
	fitted: bool = False
	customers: int = 0
	log_likelihood: float = 0.0
	notes: list[str] = field(default_factory=list)

	def to_dict(self) -> dict:
		return asdict(self)

	@classmethod
	def from_dict(cls, data: Mapping | None) -> ModelParams | None:
		if not data:
			return None
		try:
			values = {k: float(data[k]) for k in ("r", "alpha", "a", "b", "p", "q", "v")}
		except (KeyError, TypeError, ValueError):
			return None
		if not all(math.isfinite(v) and v > 0 for v in values.values()):
			return None
		return cls(
			**values,
			fitted=bool(data.get("fitted")),
			customers=int(data.get("customers") or 0),
			log_likelihood=float(data.get("log_likelihood") or 0),
			notes=list(data.get("notes") or []),
		)


def week(d: date) -> int:
	"""MariaDB's TO_DAYS(d) DIV 7."""
	return (d.toordinal() + 365) // 7


def summarise(
	purchases: Iterable[tuple[str, date, float]], as_of: date, returns: Iterable[tuple[str, float]] = ()
) -> Summary:
	"""From (customer, posting_date, net amount) of purchases (returns passed separately as
	(customer, amount) are netted into spend but are not purchases) to the model's per-customer inputs.
	Purchases after `as_of` are ignored."""
	weeks: dict[str, set[int]] = {}
	money: dict[str, float] = {}
	first_last: dict[str, list[date]] = {}
	for customer, posting_date, amount in purchases:
		if posting_date > as_of:
			continue
		weeks.setdefault(customer, set()).add(week(posting_date))
		money[customer] = money.get(customer, 0.0) + float(amount)
		fl = first_last.setdefault(customer, [posting_date, posting_date])
		fl[0], fl[1] = min(fl[0], posting_date), max(fl[1], posting_date)
	for customer, amount in returns:
		if customer in money:
			money[customer] += float(amount)
	customers = sorted(weeks)
	x, t_x, T, n, spend, rec = [], [], [], [], [], []
	as_of_week = week(as_of)
	for c in customers:
		first, last = first_last[c]
		k = len(weeks[c])
		x.append(k - 1)
		t_x.append(week(last) - week(first))
		T.append(as_of_week - week(first))
		n.append(k)
		spend.append(money[c] / k)
		rec.append((as_of - last).days)
	return Summary(
		customers,
		np.array(x, dtype=float),
		np.array(t_x, dtype=float),
		np.array(T, dtype=float),
		np.array(n, dtype=float),
		np.array(spend, dtype=float),
		np.array(rec, dtype=float),
	)


def summary_from_rows(rows: Sequence[Mapping], as_of: date) -> Summary:
	"""From SQL aggregate rows (customer, purchase_weeks, first_purchase, last_purchase, monetary) and
	as_of: the same inputs `summarise` builds from invoices."""
	customers, x, t_x, T, n, spend, rec = [], [], [], [], [], [], []
	for r in rows:
		k = int(r["purchase_weeks"])
		first, last = r["first_purchase"], r["last_purchase"]
		customers.append(r["customer"])
		x.append(k - 1)
		t_x.append(week(last) - week(first))
		T.append(week(as_of) - week(first))
		n.append(k)
		spend.append(float(r["monetary"]) / k)
		rec.append((as_of - last).days)
	return Summary(
		customers,
		np.array(x, dtype=float),
		np.array(t_x, dtype=float),
		np.array(T, dtype=float),
		np.array(n, dtype=float),
		np.array(spend, dtype=float),
		np.array(rec, dtype=float),
	)


# ---------------------------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------------------------
def bgnbd_log_likelihood(params: Sequence[float], x, t_x, T) -> np.ndarray:
	r, alpha, a, b = params
	a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
	a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
	a3 = -(r + x) * np.log(alpha + T)
	with np.errstate(divide="ignore", invalid="ignore"):
		a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + t_x), -np.inf)
	return a1 + a2 + np.logaddexp(a3, a4)


def _fit(neg_ll, x0: np.ndarray) -> tuple[np.ndarray, float, bool]:
	best = None
	for start in (x0, x0 + 0.5, x0 - 0.5):
		try:
			res = optimize.minimize(neg_ll, start, method="L-BFGS-B", bounds=[(-8, 8)] * len(x0))
		except (FloatingPointError, ValueError):
			continue
		if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
			best = res
	if best is None:
		return x0, float("nan"), False
	return best.x, float(best.fun), bool(best.success)


def fit_bgnbd(s: Summary) -> tuple[dict, float, bool]:
	x, t_x, T = s.x, s.t_x, s.T
	prior = np.log([BGNBD_DEFAULT[k] for k in ("r", "alpha", "a", "b")])
	weight = RIDGE * max(len(x), 1) ** 0.5

	def neg_ll(logp):
		ll = bgnbd_log_likelihood(np.exp(logp), x, t_x, T)
		if not np.all(np.isfinite(ll)):
			return 1e12
		return -ll.sum() + weight * np.sum((logp - prior) ** 2)

	logp, fun, ok = _fit(neg_ll, prior)
	r, alpha, a, b = np.exp(logp)
	return {"r": r, "alpha": alpha, "a": a, "b": b}, -fun, ok


def p_alive(m: ModelParams, x, t_x, T) -> np.ndarray:
	with np.errstate(over="ignore"):
		ratio = np.where(
			x > 0, m.a / np.maximum(m.b + x - 1, 1e-12) * ((m.alpha + T) / (m.alpha + t_x)) ** (m.r + x), 0.0
		)
	return 1.0 / (1.0 + ratio)


def expected_purchases(m: ModelParams, t_weeks: float, x, t_x, T) -> np.ndarray:
	"""E[purchases in (T, T + t]] given the history (conditional expectation of BG/NBD)."""
	if t_weeks <= 0:
		return np.zeros_like(x)
	r, alpha, a, b = m.r, m.alpha, m.a, m.b
	if abs(a - 1) < 0.01:
		# the closed form divides by a - 1; it is continuous in a, so average the two sides
		lo = ModelParams(**{**m.to_dict(), "a": 0.99})
		hi = ModelParams(**{**m.to_dict(), "a": 1.01})
		return (expected_purchases(lo, t_weeks, x, t_x, T) + expected_purchases(hi, t_weeks, x, t_x, T)) / 2
	z = t_weeks / (alpha + T + t_weeks)
	hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
	term = 1 - ((alpha + T) / (alpha + T + t_weeks)) ** (r + x) * hyp
	first = (a + b + x - 1) / (a - 1)
	value = first * term * p_alive(m, x, t_x, T)
	return np.where(np.isfinite(value) & (value >= 0), value, 0.0)


def p_no_purchase(m: ModelParams, t_weeks: float, x, t_x, T) -> np.ndarray:
	"""P(no purchase in the next t): dropped out, or alive with a Poisson gap longer than t."""
	alive = p_alive(m, x, t_x, T)
	quiet = ((m.alpha + T) / (m.alpha + T + t_weeks)) ** (m.r + x)
	return (1 - alive) + alive * quiet


# ---------------------------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------------------------
def gamma_gamma_log_likelihood(params: Sequence[float], n, mean_spend) -> np.ndarray:
	p, q, v = params
	return (
		special.gammaln(p * n + q)
		- special.gammaln(p * n)
		- special.gammaln(q)
		+ q * np.log(v)
		+ (p * n - 1) * np.log(mean_spend)
		+ (p * n) * np.log(n)
		- (p * n + q) * np.log(n * mean_spend + v)
	)


def fit_gamma_gamma(s: Summary) -> tuple[dict, float, bool, float]:
	"""Fitted on customers with a positive net spend; spend is scaled by its median for stability."""
	ok_rows = s.mean_spend > 0
	n, spend = s.n[ok_rows], s.mean_spend[ok_rows]
	scale = float(np.median(spend)) if len(spend) else 1.0
	scale = scale if scale > 0 else 1.0
	spend = spend / scale
	prior = np.log([GG_DEFAULT["p"], GG_DEFAULT["q"], GG_DEFAULT["v"]])
	weight = RIDGE * max(len(n), 1) ** 0.5

	def neg_ll(logp):
		if len(n) == 0:
			return float(np.sum((logp - prior) ** 2))
		ll = gamma_gamma_log_likelihood(np.exp(logp), n, spend)
		if not np.all(np.isfinite(ll)):
			return 1e12
		return -ll.sum() + weight * np.sum((logp - prior) ** 2)

	logp, fun, ok = _fit(neg_ll, prior)
	p, q, v = np.exp(logp)
	if q <= 1.01:  # the conditional mean needs q > 1
		q = 1.01
	return {"p": p, "q": q, "v": v * scale}, -fun, ok, scale


def expected_spend(m: ModelParams, n, mean_spend) -> np.ndarray:
	spend = np.maximum(mean_spend, 0.0)
	return m.p * (m.v + n * spend) / (m.p * n + m.q - 1)


# ---------------------------------------------------------------------------------------------
# fit + predict
# ---------------------------------------------------------------------------------------------
def fit(s: Summary) -> ModelParams:
	"""Both models by maximum likelihood; the built-in priors when there is too little history."""
	m = ModelParams(**BGNBD_DEFAULT, **GG_DEFAULT, customers=len(s.customers))
	if len(s.customers) < MIN_CUSTOMERS_TO_FIT or not np.any(s.x > 0):
		m.notes.append("too little history: built-in priors")
		positive = s.mean_spend[s.mean_spend > 0]
		m.v = float(np.median(positive)) * (m.q - 1) / m.p if len(positive) else m.v
		return m
	bg, ll_bg, ok_bg = fit_bgnbd(s)
	gg, ll_gg, ok_gg, _scale = fit_gamma_gamma(s)
	m.r, m.alpha, m.a, m.b = (float(bg[k]) for k in ("r", "alpha", "a", "b"))
	m.p, m.q, m.v = (float(gg[k]) for k in ("p", "q", "v"))
	m.fitted = ok_bg and ok_gg
	m.log_likelihood = float(ll_bg + ll_gg)
	if not ok_bg:
		m.notes.append("BG/NBD optimiser did not converge")
	if not ok_gg:
		m.notes.append("Gamma-Gamma optimiser did not converge")
	return m


def monthly_discount(discount_rate: float) -> float:
	return (1 + discount_rate / 100) ** (1 / 12) - 1


def predict(
	m: ModelParams,
	s: Summary,
	window_days: int = 90,
	horizon_months: int = 36,
	discount_rate: float = 10.0,
	margin: float = 100.0,
) -> dict[str, np.ndarray]:
	"""Per customer (arrays in `s.customers` order): p_alive, expected purchases and P(none) in the
	next window, expected spend per purchase, CLV (discounted monthly over the horizon)."""
	x, t_x, T = s.x, s.t_x, s.T
	spend = expected_spend(m, s.n, s.mean_spend)
	i = monthly_discount(discount_rate)
	clv = np.zeros_like(x)
	prev = np.zeros_like(x)
	month_weeks = 365.25 / 12 / WEEK
	for month in range(1, int(horizon_months) + 1):
		cum = expected_purchases(m, month * month_weeks, x, t_x, T)
		clv += (cum - prev) / (1 + i) ** month
		prev = cum
	window = window_days / WEEK
	return {
		"p_alive": p_alive(m, x, t_x, T),
		"expected_purchases": expected_purchases(m, window, x, t_x, T),
		"p_no_purchase": p_no_purchase(m, window, x, t_x, T),
		"expected_spend": spend,
		"clv": np.maximum(clv * spend * margin / 100, 0.0),
	}


# ---------------------------------------------------------------------------------------------
# backtest
# ---------------------------------------------------------------------------------------------
def spearman(a: Sequence[float], b: Sequence[float]) -> float:
	from scipy.stats import spearmanr

	if len(a) < 3:
		return float("nan")
	value = spearmanr(a, b).statistic
	return float(value) if value == value else float("nan")


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
	"""Area under the ROC curve (Mann-Whitney, ties count half)."""
	from scipy.stats import rankdata

	scores = np.asarray(scores, dtype=float)
	labels = np.asarray(labels, dtype=bool)
	pos, neg = labels.sum(), (~labels).sum()
	if not pos or not neg:
		return float("nan")
	ranks = rankdata(scores)
	return float((ranks[labels].sum() - pos * (pos + 1) / 2) / (pos * neg))


def top_share_capture(predicted: Sequence[float], actual: Sequence[float], share: float = 0.2) -> float:
	"""Share of the actual top `share` customers (by holdout revenue) the prediction also puts there."""
	predicted, actual = np.asarray(predicted, dtype=float), np.asarray(actual, dtype=float)
	k = max(int(round(len(actual) * share)), 1)
	top_actual = set(np.argsort(-actual, kind="stable")[:k])
	top_pred = set(np.argsort(-predicted, kind="stable")[:k])
	return len(top_actual & top_pred) / k


def backtest(
	purchases: Sequence[tuple[str, date, float]], cutoff: date, end: date, margin: float = 100.0
) -> dict:
	"""Fit on purchases up to `cutoff`, predict (cutoff, end], compare with what happened.

	Compared: total revenue, Spearman rank correlation of predicted vs actual customer revenue,
	top-20% capture, and churn AUC (P(no purchase) against "did not buy in the holdout"), with
	days-since-last-purchase as the naive churn baseline."""
	s = summarise(purchases, cutoff)
	m = fit(s)
	days = (end - cutoff).days
	pred = predict(m, s, window_days=days, horizon_months=0, discount_rate=0, margin=margin)
	predicted_revenue = pred["expected_purchases"] * pred["expected_spend"] * margin / 100
	index = {c: k for k, c in enumerate(s.customers)}
	actual = np.zeros(len(s.customers))
	bought = np.zeros(len(s.customers), dtype=bool)
	for customer, posting_date, amount in purchases:
		k = index.get(customer)
		if k is not None and cutoff < posting_date <= end:
			actual[k] += float(amount) * margin / 100
			bought[k] = True
	total_pred, total_actual = float(predicted_revenue.sum()), float(actual.sum())
	order = np.argsort(-predicted_revenue, kind="stable")
	deciles = [
		{
			"decile": k + 1,
			"customers": len(part),
			"predicted": round(float(predicted_revenue[part].sum()), 2),
			"actual": round(float(actual[part].sum()), 2),
		}
		for k, part in enumerate(np.array_split(order, 10))
		if len(part)
	]
	return {
		"cutoff": str(cutoff),
		"end": str(end),
		"customers": len(s.customers),
		"model": m.to_dict(),
		"predicted_revenue": round(total_pred, 2),
		"actual_revenue": round(total_actual, 2),
		"revenue_error": round(total_pred / total_actual - 1, 4) if total_actual else None,
		"predicted_purchases": round(float(pred["expected_purchases"].sum()), 1),
		"actual_purchasers": int(bought.sum()),
		"spearman": round(spearman(predicted_revenue, actual), 4),
		"top20_capture": round(top_share_capture(predicted_revenue, actual), 4),
		"churn_auc": round(auc(pred["p_no_purchase"], ~bought), 4),
		"churn_auc_recency_baseline": round(auc(s.recency_days, ~bought), 4),
		"deciles": deciles,
	}
