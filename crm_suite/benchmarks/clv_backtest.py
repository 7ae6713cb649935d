"""CLV and churn backtest on public retail data (CDNOW) against the standard tool and the old formula.

CDNOW (Fader & Hardie's 1/10 sample: 2,357 customers who first bought in Q1 1997, 78 weeks of
purchases) ships with the PyPI package `lifetimes`. Split as in the literature: fit on purchases up
to 1997-09-30, compare predictions for 1997-10-01 .. 1998-06-30 with what happened.

Compared per method: total holdout revenue predicted vs actual, Spearman rank correlation, top-20%
capture, churn AUC ("no purchase in the holdout"). Methods: crm_suite's engine (engine/clv.py),
lifetimes' BetaGeoFitter + GammaGammaFitter (the standard), the previous rate-based CLV
(engine/metrics.py: `clv` and its churn score) and days-since-last-purchase for churn.

	python -m crm_suite.benchmarks.clv_backtest [--out benchmarks/results/clv_backtest.json]
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from datetime import date, datetime

import numpy as np

CUTOFF = date(1997, 9, 30)
END = date(1998, 6, 30)


def load_cdnow(path: str | None = None) -> list[tuple[str, date, float]]:
	if path is None:
		import lifetimes

		path = os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "CDNOW_sample.txt")
	rows = []
	with open(path) as f:
		for line in f:
			parts = line.split()
			if len(parts) < 5:
				continue
			# CDNOW_sample: customer id, id in the master file, date, quantity, amount
			rows.append((parts[0], datetime.strptime(parts[2], "%Y%m%d").date(), float(parts[4])))
	return rows


def _old_formula(purchases, cutoff: date, end: date) -> dict:
	from crm_suite.engine import clv as model
	from crm_suite.engine import metrics

	p = metrics.Params(horizon_months=9, discount_rate=0)
	rows = metrics.compute([(c, d, a, False) for c, d, a in purchases if d <= cutoff], cutoff, p)
	customers = sorted(rows)
	actual = {c: 0.0 for c in customers}
	bought = {c: False for c in customers}
	for c, d, a in purchases:
		if c in actual and cutoff < d <= end:
			actual[c] += a
			bought[c] = True
	# the rate-based formula and three-part churn score used before the model (still in the engine)
	def old_clv(r):
		gap = r["avg_gap_days"] if r["frequency"] >= 2 else None
		return metrics.clv(r["monetary"], r["tenure_days"], r["recency_days"], gap, p)

	pred = np.array([old_clv(rows[c]) for c in customers])
	act = np.array([actual[c] for c in customers])
	churn = np.array([rows[c]["churn_recency"] + rows[c]["churn_gap"] + rows[c]["churn_trend"] for c in customers])
	lost = ~np.array([bought[c] for c in customers])
	return {
		"predicted_revenue": round(float(pred.sum()), 2),
		"actual_revenue": round(float(act.sum()), 2),
		"revenue_error": round(float(pred.sum() / act.sum() - 1), 4),
		"spearman": round(model.spearman(pred, act), 4),
		"top20_capture": round(model.top_share_capture(pred, act), 4),
		"churn_auc": round(model.auc(churn, lost), 4),
	}


def _lifetimes(purchases, cutoff: date, end: date) -> dict:
	import pandas as pd
	from lifetimes import BetaGeoFitter, GammaGammaFitter
	from lifetimes.utils import summary_data_from_transaction_data

	from crm_suite.engine import clv as model

	df = pd.DataFrame(purchases, columns=["customer", "date", "amount"])
	df["date"] = pd.to_datetime(df["date"])
	cal = df[df["date"] <= pd.Timestamp(cutoff)]
	summary = summary_data_from_transaction_data(
		cal, "customer", "date", monetary_value_col="amount", observation_period_end=pd.Timestamp(cutoff), freq="W"
	)
	bgf = BetaGeoFitter(penalizer_coef=0.0)
	bgf.fit(summary["frequency"], summary["recency"], summary["T"])
	returning = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
	ggf = GammaGammaFitter(penalizer_coef=0.0)
	ggf.fit(returning["frequency"], returning["monetary_value"])
	weeks = (end - cutoff).days / 7
	expected = bgf.conditional_expected_number_of_purchases_up_to_time(
		weeks, summary["frequency"], summary["recency"], summary["T"]
	)
	spend = ggf.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
	pred = (expected * spend).to_numpy()
	hold = df[(df["date"] > pd.Timestamp(cutoff)) & (df["date"] <= pd.Timestamp(end))]
	actual = hold.groupby("customer")["amount"].sum().reindex(summary.index, fill_value=0).to_numpy()
	p_alive = bgf.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
	# P(no purchase in the window) as BG/NBD implies it, for a like-for-like churn AUC
	r, alpha, a, b = (bgf.params_[k] for k in ("r", "alpha", "a", "b"))
	quiet = ((alpha + summary["T"]) / (alpha + summary["T"] + weeks)) ** (r + summary["frequency"])
	p_none = (1 - p_alive) + p_alive * quiet
	lost = actual <= 0
	return {
		"params": {**{k: float(v) for k, v in bgf.params_.items()}, **{k: float(v) for k, v in ggf.params_.items()}},
		"predicted_revenue": round(float(pred.sum()), 2),
		"actual_revenue": round(float(actual.sum()), 2),
		"revenue_error": round(float(pred.sum() / actual.sum() - 1), 4),
		"spearman": round(model.spearman(pred, actual), 4),
		"top20_capture": round(model.top_share_capture(pred, actual), 4),
		"churn_auc": round(model.auc(p_none.to_numpy(), lost), 4),
	}


def run(out: str | None = None) -> dict:
	from crm_suite.engine import clv as model

	purchases = load_cdnow()
	t0 = time.perf_counter()
	ours = model.backtest(purchases, CUTOFF, END)
	ours["seconds"] = round(time.perf_counter() - t0, 3)
	try:
		t0 = time.perf_counter()
		peer = _lifetimes(purchases, CUTOFF, END)
		peer["seconds"] = round(time.perf_counter() - t0, 3)
	except Exception as e:  # the peer is optional: say why it did not run
		peer = {"error": repr(e)}
	result = {
		"benchmark": "clv_backtest",
		"finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
		"machine": {"cpu": platform.processor() or platform.machine(), "python": platform.python_version()},
		"data": "CDNOW sample (lifetimes package), fit <= 1997-09-30, holdout to 1998-06-30",
		"transactions": len(purchases),
		"crm_suite": ours,
		"peer_lifetimes_bgnbd_gg": peer,
		"previous_formula": _old_formula(purchases, CUTOFF, END),
	}
	if out:
		with open(out, "w") as f:
			json.dump(result, f, indent=1, default=str)
	return result


if __name__ == "__main__":
	args = sys.argv[1:]
	res = run(args[args.index("--out") + 1] if "--out" in args else None)
	for key in ("crm_suite", "peer_lifetimes_bgnbd_gg", "previous_formula"):
		r = res[key]
		print(
			f"{key}: revenue {r.get('predicted_revenue')} vs {r.get('actual_revenue')} "
			f"(error {r.get('revenue_error')}), spearman {r.get('spearman')}, top20 {r.get('top20_capture')}, "
			f"churn AUC {r.get('churn_auc')} {r.get('error', '')}"
		)
	print("recency baseline churn AUC", res["crm_suite"]["churn_auc_recency_baseline"])
