"""Erlang B / C staffing maths.

Every reference figure is recomputed here from the textbook formula with exact rationals
(`_exact_c`, `_exact_b`), so a test fails if the engine or the quoted figure is wrong.
"""

import math
from fractions import Fraction

import pytest

from crm_suite.engine.erlang import (
	agents_needed,
	asa,
	compare_plan,
	erlang_b,
	erlang_c,
	occupancy,
	service_level,
	staffing_plan,
	traffic_erlangs,
)


def _terms(n: int, a: Fraction) -> list[Fraction]:
	"""A^k / k! for k = 0..n, exact (each from the previous one, to keep big n affordable)."""
	out = [Fraction(1)]
	for k in range(1, n + 1):
		out.append(out[-1] * a / k)
	return out


def _exact_c(n: int, a) -> Fraction:
	"""Erlang C straight from the definition: (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + that)."""
	a = Fraction(a)
	t = _terms(n, a)
	top = t[n] * Fraction(n) / (n - a)
	return top / (sum(t[:n]) + top)


def _exact_b(n: int, a) -> Fraction:
	a = Fraction(a)
	t = _terms(n, a)
	return t[n] / sum(t)


def _exact_sl(n, a, aht, t) -> float:
	return 1 - float(_exact_c(n, a)) * math.exp(-(n - float(a)) * t / aht)


@pytest.mark.parametrize("n,a", [(1, 0.5), (2, 1), (5, 3.7), (11, 10), (20, "31/2"), (40, 35), (60, "119/2")])
def test_erlang_c_matches_the_exact_factorial_formula(n, a):
	a = Fraction(a)
	assert erlang_c(n, float(a)) == pytest.approx(float(_exact_c(n, a)), rel=1e-12)


@pytest.mark.parametrize("n,a", [(1, 1), (7, 3), (15, 10), (30, "45/2")])
def test_erlang_b_matches_the_exact_factorial_formula(n, a):
	a = Fraction(a)
	assert erlang_b(n, float(a)) == pytest.approx(float(_exact_b(n, a)), rel=1e-12)


def test_erlang_b_table_values():
	# B(15 servers, 10 Erlangs) = 0.0365, as in standard Erlang B tables; exact value 0.036497.
	assert float(_exact_b(15, 10)) == pytest.approx(0.0365, abs=5e-5)
	assert erlang_b(15, 10.0) == pytest.approx(0.0365, abs=5e-5)
	# Standard Erlang B table, 1% grade of service column: traffic carried by N lines at B = 0.01.
	table_1pct = {5: 1.361, 10: 4.461, 20: 12.031, 50: 37.901, 100: 84.064}
	for n, a in table_1pct.items():
		assert float(_exact_b(n, Fraction(str(a)))) == pytest.approx(0.01, rel=1e-3)
		assert erlang_b(n, a) == pytest.approx(0.01, rel=1e-3)
		# more traffic on the same lines blocks more
		assert erlang_b(n, a * 1.05) > 0.01 > erlang_b(n, a * 0.95)


def test_call_centre_helper_worked_example():
	# Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example": 100 calls in
	# 30 minutes, AHT 180 s, 80% in 20 s, shrinkage 30% -> A = 10 Erlangs; the walk-through starts at
	# N = A + 1 = 11. Figures below are the exact formula's, checked independently with _exact_c.
	a = traffic_erlangs(100, 1800, 180)
	assert a == 10.0
	# N = 11: PW 68.21%, SL 38.96%, ASA 122.8 s
	assert float(_exact_c(11, 10)) == pytest.approx(0.6821, abs=5e-5)
	assert erlang_c(11, a) == pytest.approx(0.6821, abs=5e-5)
	assert service_level(11, a, 180, 20) == pytest.approx(_exact_sl(11, 10, 180, 20), rel=1e-12)
	assert service_level(11, a, 180, 20) == pytest.approx(0.3896, abs=5e-5)
	assert asa(11, a, 180) == pytest.approx(122.78, abs=0.01)
	# N = 13 still misses 80/20 (79.56%), N = 14 meets it: SL 88.84%, ASA 7.84 s, occupancy 71.4%
	assert service_level(13, a, 180, 20) == pytest.approx(0.7956, abs=5e-5)
	r = agents_needed(100, 1800, 180, target_sl=0.8, target_seconds=20, shrinkage=0.3)
	assert r.agents == 14
	assert r.service_level == pytest.approx(_exact_sl(14, 10, 180, 20), rel=1e-12)
	assert r.service_level == pytest.approx(0.8884, abs=5e-5)
	assert r.prob_wait == pytest.approx(float(_exact_c(14, 10)), rel=1e-12)
	assert r.asa == pytest.approx(7.84, abs=0.005)
	assert r.occupancy == pytest.approx(0.7143, abs=5e-5)
	# 14 / (1 - 0.3) = 20 exactly; float division gives 20.000000000000004, which must not become 21
	assert r.scheduled == 20


def test_westbay_erlang_c_example():
	# erlang.com (Westbay Engineers) "The Erlang-C formula" walk-through: 360 calls per half hour,
	# 4-minute calls, 55 agents, 15 s target -> A = 48 Erlangs, occupancy 0.873.
	a = traffic_erlangs(360, 1800, 240)
	assert a == 48.0
	assert occupancy(55, a) == pytest.approx(0.8727, abs=5e-5)
	assert float(_exact_c(55, 48)) == pytest.approx(0.2387, abs=5e-5)
	assert erlang_c(55, a) == pytest.approx(0.2387, abs=5e-5)
	assert asa(55, a, 240) == pytest.approx(8.18, abs=0.005)
	assert service_level(55, a, 240, 15) == pytest.approx(0.8459, abs=5e-5)


def test_large_traffic_is_stable_and_exact():
	# 20,000 calls of 90 s in 30 minutes = 1,000 Erlangs; A**N / N! would overflow a float here.
	r = agents_needed(20000, 1800, 90)
	assert r.traffic == 1000.0
	assert r.prob_wait == pytest.approx(float(_exact_c(r.agents, 1000)), rel=1e-9)
	assert service_level(r.agents - 1, 1000.0, 90, 20) < 0.8 <= r.service_level
	assert 0 < erlang_c(5000, 4900.0) < 1
	assert erlang_b(2000, 1950.0) == pytest.approx(float(_exact_b(2000, 1950)), rel=1e-9)


def test_unstable_queue():
	assert erlang_c(10, 10.0) == 1.0 and erlang_c(9, 10.0) == 1.0
	assert service_level(10, 10.0, 180, 20) == 0.0
	assert asa(10, 10.0, 180) == math.inf
	assert occupancy(8, 10.0) == 1.0 and occupancy(0, 0.0) == 0.0
	assert erlang_c(0, 0.0) == 0.0 and service_level(3, 0.0, 180, 20) == 1.0


@pytest.mark.parametrize("calls", [3, 17.5, 100, 240, 777])
def test_agents_needed_is_the_fewest_meeting_the_target(calls):
	r = agents_needed(calls, 1800, 300, target_sl=0.9, target_seconds=30)
	assert r.service_level >= 0.9
	assert r.agents - 1 <= r.traffic or service_level(r.agents - 1, r.traffic, 300, 30) < 0.9


def test_asa_and_occupancy_caps_add_agents():
	base = agents_needed(100, 1800, 180)
	assert base.agents == 14 and base.asa > 5
	by_asa = agents_needed(100, 1800, 180, max_asa=5)
	assert by_asa.asa <= 5 and asa(by_asa.agents - 1, 10.0, 180) > 5
	assert by_asa.agents == 15
	# occupancy cap 70%: 14 agents are at 71.4%, 15 at 66.7%
	by_occ = agents_needed(100, 1800, 180, max_occupancy=0.7)
	assert by_occ.agents == 15 and by_occ.occupancy <= 0.7
	# a loose cap changes nothing
	assert agents_needed(100, 1800, 180, max_occupancy=0.85).agents == 14
	# high volume: occupancy cap binds before service level
	big = agents_needed(2000, 1800, 180, max_occupancy=0.85)
	assert big.agents == math.ceil(200 / 0.85)
	assert agents_needed(2000, 1800, 180).agents < big.agents


def test_zero_calls_need_nobody():
	r = agents_needed(0, 1800, 180, shrinkage=0.3)
	assert (r.agents, r.scheduled, r.traffic, r.occupancy, r.prob_wait) == (0, 0, 0.0, 0.0, 0.0)


def test_shrinkage_rounds_up():
	r = agents_needed(100, 1800, 180, shrinkage=0.25)
	assert r.agents == 14 and r.scheduled == 19  # 14 / 0.75 = 18.67


@pytest.mark.parametrize(
	"kwargs",
	[
		{"calls": -1},
		{"calls": math.nan},
		{"interval_seconds": 0},
		{"aht_seconds": 0},
		{"aht_seconds": -5},
		{"target_sl": 1.0},
		{"target_sl": -0.1},
		{"target_seconds": -1},
		{"max_asa": 0},
		{"max_occupancy": 0},
		{"max_occupancy": 1.2},
		{"shrinkage": 1.0},
		{"shrinkage": -0.1},
	],
)
def test_invalid_inputs_raise(kwargs):
	args = {"calls": 100, "interval_seconds": 1800, "aht_seconds": 180, **kwargs}
	with pytest.raises(ValueError):
		agents_needed(**args)


def test_invalid_low_level_inputs_raise():
	for bad in [lambda: erlang_c(-1, 1.0), lambda: erlang_c(2, -1.0), lambda: erlang_c(2.5, 1.0)]:
		with pytest.raises(ValueError):
			bad()
	with pytest.raises(ValueError):
		service_level(5, 1.0, 0, 20)


def test_staffing_plan_and_roster_gap():
	intervals = [("08:00", 40), ("08:30", 100), ("09:00", 0), ("09:30", 100, 240)]
	plan = staffing_plan(intervals, 1800, 180, shrinkage=0.3)
	assert [r.label for r in plan] == ["08:00", "08:30", "09:00", "09:30"]
	assert plan[1].agents == 14 and plan[1].scheduled == 20
	assert plan[2].agents == 0
	# per-interval handle time: 100 calls x 240 s = 13.33 Erlangs
	assert plan[3].traffic == pytest.approx(100 * 240 / 1800)
	assert plan[3].agents == agents_needed(100, 1800, 240).agents
	for r in plan:
		assert r == agents_needed(r.calls, 1800, r.aht_seconds, shrinkage=0.3, label=r.label)

	gaps = compare_plan(plan, {"08:00": plan[0].scheduled, "08:30": 17, "09:30": plan[3].scheduled + 2})
	assert [g.status for g in gaps] == ["ok", "short", "ok", "over"]
	assert gaps[1].gap == -3 and gaps[1].required == 20 and gaps[1].rostered == 17
	# 17 rostered with 30% shrinkage leaves 11 on the phones: the worked example's 38.96% SL
	assert gaps[1].on_phones == 11
	assert gaps[1].service_level == pytest.approx(0.3896, abs=5e-5)
	assert gaps[3].gap == 2
	assert gaps[0].service_level >= 0.8
	# by position; an empty interval with nobody rostered is fine
	by_pos = compare_plan(plan, [0, 0, 0, 0])
	assert [g.status for g in by_pos] == ["short", "short", "ok", "short"]
	assert by_pos[1].service_level == 0.0 and by_pos[1].asa == math.inf
	with pytest.raises(ValueError):
		compare_plan(plan, [1, 2])
	with pytest.raises(ValueError):
		staffing_plan([("x",)])
