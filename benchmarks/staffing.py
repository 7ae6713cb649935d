"""Call-centre staffing maths: Erlang C reference values, speed against the textbook formula, and the
volume forecast against a seasonal-naive baseline. Plain Python, no site needed:

	python3 benchmarks/staffing.py [--out benchmarks/results/staffing.json] [--plans 1000] [--rounds 3]

1. Reference: worked examples (Call Centre Helper, Westbay's erlang.com) and Erlang B table values,
   each with the exact rational-arithmetic value and what crm_suite.engine.erlang computes.
2. Speed: `agents_needed` for 48 half-hour intervals x `plans` day plans against a naive search that
   evaluates A**N / N! with math.factorial for each candidate N (the spreadsheet way). Both search
   from floor(A) + 1 and must agree on every interval. Rounds alternate which side goes first (ABBA);
   reported per call and as a ratio of medians. Traffic stays below ~100 Erlangs so the naive side
   does not overflow a float (A**N passes 1e308 near 100 Erlangs and 155 agents).
3. Forecast: synthetic Poisson call history with a weekly and intraday pattern and mild growth, 9 weeks
   per seed; the last 28 days (a month) are backtested as 4 rolling weekly folds.
4. Erlang A (callers who hang up): the exact solution against a discrete-event simulation of the same
   queue (engine/queue_sim.py, 400,000 calls per scenario), and what planning with it changes on 20 of the
   day plans above with 2-minute patience: agent-hours against Erlang C, and what Erlang C's head count
   really delivers once callers do hang up. Speed per `agents_needed` call against Erlang C's.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

from crm_suite.benchmarks import machine_info  # stdlib only, shared by every benchmark
from crm_suite.engine import erlang, forecast, queue_sim
from crm_suite.engine.benchstats import interleaved_order, summarize


def _exact_c(n: int, a) -> Fraction:
	a = Fraction(a)
	terms = [Fraction(1)]
	for k in range(1, n + 1):
		terms.append(terms[-1] * a / k)
	top = terms[n] * n / (n - a)
	return top / (sum(terms[:n]) + top)


def _exact_b(n: int, a) -> Fraction:
	a = Fraction(a)
	terms = [Fraction(1)]
	for k in range(1, n + 1):
		terms.append(terms[-1] * a / k)
	return terms[n] / sum(terms)


def references() -> list[dict]:
	rows = []

	def add(source, quantity, reference, exact, computed, tol):
		rows.append(
			{
				"source": source,
				"quantity": quantity,
				"reference": reference,
				"exact": round(float(exact), 6),
				"computed": round(float(computed), 6),
				"match": abs(float(computed) - reference) <= tol and abs(float(exact) - reference) <= tol,
			}
		)

	cch = "Call Centre Helper worked example: 100 calls / 30 min, AHT 180 s, 80% in 20 s, shrinkage 30%"
	a = erlang.traffic_erlangs(100, 1800, 180)
	add(cch, "traffic (Erlangs)", 10.0, Fraction(10), a, 1e-9)
	add(cch, "PW at 11 agents", 0.6821, _exact_c(11, 10), erlang.erlang_c(11, a), 5e-5)
	r = erlang.agents_needed(100, 1800, 180, shrinkage=0.3)
	sl14 = 1 - float(_exact_c(14, 10)) * math.exp(-4 * 20 / 180)
	add(cch, "agents needed", 14, Fraction(14), r.agents, 0)
	add(cch, "SL at 14 agents", 0.8884, sl14, r.service_level, 5e-5)
	add(cch, "ASA at 14 agents (s)", 7.84, _exact_c(14, 10) * 180 / 4, r.asa, 0.005)
	add(cch, "scheduled with 30% shrinkage", 20, Fraction(20), r.scheduled, 0)
	wb = "erlang.com (Westbay) Erlang-C example: 360 calls / 30 min, 240 s calls, 55 agents, 15 s target"
	a = erlang.traffic_erlangs(360, 1800, 240)
	add(wb, "PW", 0.2387, _exact_c(55, 48), erlang.erlang_c(55, a), 5e-5)
	add(wb, "ASA (s)", 8.18, _exact_c(55, 48) * 240 / 7, erlang.asa(55, a, 240), 0.005)
	sl = 1 - float(_exact_c(55, 48)) * math.exp(-7 * 15 / 240)
	add(wb, "SL in 15 s", 0.8459, sl, erlang.service_level(55, a, 240, 15), 5e-5)
	add(
		"Erlang B table", "B(15 lines, 10 Erlangs)", 0.0365, _exact_b(15, 10), erlang.erlang_b(15, 10.0), 5e-5
	)
	for n, load in {5: "1.361", 10: "4.461", 20: "12.031", 50: "37.901", 100: "84.064"}.items():
		add(
			"Erlang B table, 1% grade of service",
			f"B({n} lines, {load} Erlangs)",
			0.01,
			_exact_b(n, load),
			erlang.erlang_b(n, float(load)),
			1e-5,
		)
	return rows


def _naive_c(n: int, a: float) -> float:
	top = a**n / math.factorial(n) * n / (n - a)
	return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def naive_agents_needed(calls, interval_seconds, aht, target_sl=0.8, target_seconds=20) -> int:
	if calls == 0:
		return 0
	a = calls * aht / interval_seconds
	n = math.floor(a) + 1
	while True:
		if 1 - _naive_c(n, a) * math.exp(-(n - a) * target_seconds / aht) >= target_sl:
			return n
		n += 1


def make_plans(count: int, seed: int = 20261202) -> list[list[tuple[float, float]]]:
	"""Day plans of 48 (calls, aht) pairs for a 24-hour centre: a night trough and two daytime peaks."""
	rng = random.Random(seed)
	plans = []
	for _ in range(count):
		daily = rng.uniform(500, 6000)
		aht = rng.uniform(150, 420)
		weights = [
			0.08
			+ (0.0 if not 16 <= i < 40 else 1.0)
			+ 0.8 * math.exp(-((i / 2 - 10.5) ** 2) / 2)
			+ 0.6 * math.exp(-((i / 2 - 14.5) ** 2) / 3)
			for i in range(48)
		]
		total = sum(weights)
		plans.append([(round(daily * w / total * rng.uniform(0.8, 1.2)), aht) for w in weights])
	return plans


def speed(plans, rounds: int) -> dict:
	ours_t, naive_t = [], []
	calls = sum(len(p) for p in plans)
	max_traffic = max(c * aht / 1800 for p in plans for c, aht in p)
	for order in interleaved_order(["ours", "naive"], rounds):
		for side in order:
			t0 = time.perf_counter()
			if side == "ours":
				ours = [erlang.agents_needed(c, 1800, aht).agents for p in plans for c, aht in p]
			else:
				naive = [naive_agents_needed(c, 1800, aht) for p in plans for c, aht in p]
			(ours_t if side == "ours" else naive_t).append((time.perf_counter() - t0) / calls)
	disagree = sum(1 for x, y in zip(ours, naive, strict=True) if x != y)
	o, n = summarize(ours_t), summarize(naive_t)
	return {
		"plans": len(plans),
		"intervals_per_plan": 48,
		"calls_per_round": calls,
		"rounds": rounds,
		"max_traffic_erlangs": round(max_traffic, 1),
		"ours_us_per_call": {"median": round(o["median"] * 1e6, 2), "min": round(o["min"] * 1e6, 2)},
		"naive_us_per_call": {"median": round(n["median"] * 1e6, 2), "min": round(n["min"] * 1e6, 2)},
		"ratio_naive_over_ours": round(n["median"] / o["median"], 2),
		"agent_counts_disagreeing": disagree,
	}


def large_traffic() -> list[dict]:
	"""Where the textbook formula breaks: 180 s calls per half hour at growing volume."""
	rows = []
	for calls in (1000, 2000, 4000, 10000, 20000):
		r = erlang.agents_needed(calls, 1800, 180)
		try:
			naive = naive_agents_needed(calls, 1800, 180)
		except (OverflowError, ZeroDivisionError) as e:
			naive = f"{type(e).__name__}: {e}"
		rows.append(
			{
				"traffic_erlangs": r.traffic,
				"ours_agents": r.agents,
				"ours_sl": round(r.service_level, 4),
				"naive": naive,
			}
		)
	return rows


def _synth_history(seed: int, weeks: int = 9, growth: float = 0.01) -> dict:
	import numpy as np

	rng = np.random.default_rng(seed)
	start = date(2026, 1, 5)
	day_factor = [1.0, 0.9, 0.9, 0.85, 0.8, 0.35, 0.0]
	out = {}
	for k in range(weeks * 7):
		d = start + timedelta(days=k)
		for i in range(16, 40):
			h = i / 2
			shape = 1 + 0.8 * math.exp(-((h - 10.5) ** 2) / 2) + 0.6 * math.exp(-((h - 14.5) ** 2) / 3)
			lam = 20 * day_factor[d.weekday()] * shape * (1 + growth) ** (k / 7)
			n = int(rng.poisson(lam))
			if n:
				out[(d, i)] = n
	return out


def forecast_backtest(seeds=(1, 2, 3, 4, 5)) -> dict:
	per_seed = []
	for s in seeds:
		r = forecast.backtest(_synth_history(s), horizon_days=7, folds=4)
		per_seed.append(
			{
				"seed": s,
				"model_wape": round(r["model"]["wape"], 4),
				"naive_wape": round(r["seasonal_naive"]["wape"], 4),
				"model_mape": round(r["model"]["mape"], 4),
				"naive_mape": round(r["seasonal_naive"]["mape"], 4),
				"model_bias": round(r["model"]["bias"], 4),
				"naive_bias": round(r["seasonal_naive"]["bias"], 4),
				"wape_ratio": round(r["wape_ratio"], 4),
			}
		)
	return {
		"data": "synthetic Poisson, 9 weeks per seed, open 08:00-20:00 Mon-Sat, 2 intraday peaks, +1%/week",
		"backtest": "last 28 days as 4 rolling folds of 7 days, half-hour intervals",
		"per_seed": per_seed,
		"median_model_wape": statistics.median(p["model_wape"] for p in per_seed),
		"median_naive_wape": statistics.median(p["naive_wape"] for p in per_seed),
		"median_wape_ratio": statistics.median(p["wape_ratio"] for p in per_seed),
	}


ERLANG_A_SCENARIOS = [
	# agents, Erlangs, AHT s, patience s, target s
	(10, 10.0, 180, 120, 20),
	(20, 22.0, 300, 60, 30),
	(8, 6.0, 120, 300, 20),
	(50, 48.0, 240, 180, 20),
	(5, 4.5, 200, 45, 15),
]


def erlang_a_checks(sim_calls: int = 400_000, day_plans: int = 20, patience: float = 120) -> dict:
	accuracy = []
	for n, a, aht, pat, t in ERLANG_A_SCENARIOS:
		f = erlang.erlang_a(n, a, aht, pat, t)
		sim = queue_sim.simulate(n, a, aht, pat, t, calls=sim_calls, seed=n)
		accuracy.append(
			{
				"agents": n,
				"erlangs": a,
				"aht_s": aht,
				"patience_s": pat,
				"target_s": t,
				"sl": round(f.service_level, 4),
				"sl_sim": round(sim.service_level, 4),
				"abandon": round(f.abandon, 4),
				"abandon_sim": round(sim.abandon, 4),
				"asa_s": round(f.asa, 2),
				"asa_sim_s": round(sim.asa, 2),
			}
		)
	plans = make_plans(day_plans, seed=7)
	hours_c = hours_a = 0.0
	c_sl, c_ab, a_sl, a_ab = [], [], [], []
	t_c = t_a = 0.0
	for p in plans:
		for calls, aht in p:
			t0 = time.perf_counter()
			c = erlang.agents_needed(calls, 1800, aht)
			t1 = time.perf_counter()
			a = erlang.agents_needed(calls, 1800, aht, patience_seconds=patience, max_abandon=0.05)
			t2 = time.perf_counter()
			t_c, t_a = t_c + t1 - t0, t_a + t2 - t1
			hours_c += c.agents / 2
			hours_a += a.agents / 2
			if calls:
				# what Erlang C's head count gives when the callers do hang up
				real = erlang.erlang_a(c.agents, c.traffic, aht, patience, 20)
				c_sl.append(real.service_level)
				c_ab.append(real.abandon)
				a_sl.append(a.service_level)
				a_ab.append(a.abandon)
	intervals = sum(len(p) for p in plans)
	return {
		"accuracy_vs_simulation": accuracy,
		"max_abs_sl_error": round(max(abs(r["sl"] - r["sl_sim"]) for r in accuracy), 4),
		"max_abs_abandon_error": round(max(abs(r["abandon"] - r["abandon_sim"]) for r in accuracy), 4),
		"max_rel_asa_error": round(max(abs(r["asa_s"] / r["asa_sim_s"] - 1) for r in accuracy), 4),
		"simulated_calls_per_scenario": sim_calls,
		"planning": {
			"day_plans": day_plans,
			"patience_s": patience,
			"targets": "80% in 20 s; Erlang A also keeps abandonment <= 5%",
			"agent_hours_erlang_c": hours_c,
			"agent_hours_erlang_a": hours_a,
			"ratio_a_over_c": round(hours_a / hours_c, 4),
			"erlang_c_staffing_real_median_sl": round(statistics.median(c_sl), 4),
			"erlang_c_staffing_real_median_abandon": round(statistics.median(c_ab), 4),
			"erlang_a_staffing_min_sl": round(min(a_sl), 4),
			"erlang_a_staffing_max_abandon": round(max(a_ab), 4),
		},
		"speed_us_per_agents_needed": {
			"erlang_c": round(t_c / intervals * 1e6, 1),
			"erlang_a": round(t_a / intervals * 1e6, 1),
			"ratio_a_over_c": round(t_a / t_c, 1),
		},
	}


def run(plans: int = 1000, rounds: int = 3) -> dict:
	return {
		"benchmark": "staffing",
		"finished": datetime.now().isoformat(timespec="seconds"),
		"machine": machine_info(),
		"reference": references(),
		"speed": speed(make_plans(plans), rounds),
		"large_traffic": large_traffic(),
		"forecast": forecast_backtest(),
		"erlang_a": erlang_a_checks(),
	}


if __name__ == "__main__":
	args = sys.argv[1:]

	def opt(name, default):
		return args[args.index(name) + 1] if name in args else default

	out = Path(opt("--out", ROOT / "benchmarks" / "results" / "staffing.json"))
	res = run(int(opt("--plans", 1000)), int(opt("--rounds", 3)))
	out.parent.mkdir(parents=True, exist_ok=True)
	out.write_text(json.dumps(res, indent=1, default=str) + "\n")
	bad = [r for r in res["reference"] if not r["match"]]
	print(f"reference values: {len(res['reference']) - len(bad)}/{len(res['reference'])} match")
	for r in bad:
		print("  MISMATCH", r)
	s = res["speed"]
	print(
		f"agents_needed: {s['ours_us_per_call']['median']} us/call vs naive {s['naive_us_per_call']['median']} "
		f"us/call (x{s['ratio_naive_over_ours']}), {s['agent_counts_disagreeing']} disagreements"
	)
	f = res["forecast"]
	print(
		f"forecast WAPE {f['median_model_wape']} vs seasonal naive {f['median_naive_wape']} "
		f"(ratio {f['median_wape_ratio']})"
	)
	ea = res["erlang_a"]
	print(
		f"Erlang A vs simulation: SL error <= {ea['max_abs_sl_error']}, abandon error <= "
		f"{ea['max_abs_abandon_error']}, ASA error <= {ea['max_rel_asa_error']:.1%}; agent-hours A/C "
		f"{ea['planning']['ratio_a_over_c']}; {ea['speed_us_per_agents_needed']['erlang_a']} us per call"
	)
	print("wrote", out)
