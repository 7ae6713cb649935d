"""Erlang A (M/M/n+M, callers who hang up): the engine's exact solution against an independent
discrete-event simulation, its two limits (endless patience is Erlang C, no patience is Erlang B) and
Little's law, and the staffing search built on it."""

import math
import random
from fractions import Fraction

import pytest

from crm_suite.engine.erlang import (
	PATIENT_FOREVER,
	agents_needed,
	asa,
	compare_plan,
	erlang_a,
	erlang_b,
	erlang_c,
	patience_estimate,
	service_level,
	staffing_plan,
)
from crm_suite.engine.queue_sim import simulate


@pytest.mark.parametrize(
	"n, traffic, aht, patience, target",
	[
		(10, 10.0, 180, 120, 20),  # as many agents as Erlangs: only abandonment keeps it stable
		(20, 22.0, 300, 60, 30),  # overloaded, impatient callers
		(8, 6.0, 120, 300, 20),  # comfortable queue, patient callers
	],
)
def test_matches_a_simulation(n, traffic, aht, patience, target):
	f = erlang_a(n, traffic, aht, patience, target)
	sim = simulate(n, traffic, aht, patience, target, calls=200_000, seed=7)
	assert f.service_level == pytest.approx(sim.service_level, abs=0.006)
	assert f.abandon == pytest.approx(sim.abandon, abs=0.004)
	assert f.asa == pytest.approx(sim.asa, rel=0.03)


def _exact_queue(n: int, a: Fraction, th: Fraction, states: int) -> list[Fraction]:
	"""Stationary probabilities of the birth-death chain, exactly, over `states` states."""
	w = [Fraction(1)]
	for k in range(1, states):
		w.append(w[-1] * a / (k if k <= n else n + (k - n) * th))
	total = sum(w)
	return [x / total for x in w]


def test_abandonment_obeys_littles_law():
	# abandoned calls per second = theta x mean queue length, with the chain solved in exact rationals
	n, a, aht, patience = 6, Fraction(7), 200, 100
	th = Fraction(aht, patience)
	p = _exact_queue(n, a, th, 160)
	mean_queue = sum((k - n) * pk for k, pk in enumerate(p) if k > n)
	assert erlang_a(n, 7.0, aht, patience, 20).abandon == pytest.approx(float(th * mean_queue / a), rel=1e-9)
	assert erlang_a(n, 7.0, aht, patience, 20).prob_wait == pytest.approx(float(sum(p[n:])), rel=1e-9)


@pytest.mark.parametrize("n, traffic", [(12, 10.0), (30, 25.0), (5, 2.0), (230, 210.0)])
def test_endless_patience_is_erlang_c(n, traffic):
	f = erlang_a(n, traffic, 180, 180 * 900, 20)
	assert f.prob_wait == pytest.approx(erlang_c(n, traffic), abs=2e-3)
	assert f.service_level == pytest.approx(service_level(n, traffic, 180, 20), abs=2e-3)
	assert f.asa == pytest.approx(asa(n, traffic, 180), rel=0.02)
	assert f.abandon < 1e-3


@pytest.mark.parametrize("n, traffic", [(3, 2.0), (10, 12.0), (50, 45.0)])
def test_no_patience_is_erlang_b(n, traffic):
	# callers who hang up at once: those finding every agent busy are lost, as with no queue at all
	f = erlang_a(n, traffic, 180, 0.001, 20)
	assert f.abandon == pytest.approx(erlang_b(n, traffic), abs=1e-4)
	assert f.service_level == pytest.approx(1 - erlang_b(n, traffic), abs=1e-4)


def test_edges():
	assert erlang_a(5, 0.0, 180, 60, 20).service_level == 1.0
	nobody = erlang_a(0, 3.0, 180, 60, 20)
	assert nobody.service_level == 0.0 and nobody.abandon == 1.0 and nobody.asa == math.inf
	# a target of 0 s: only the calls answered at once count
	f = erlang_a(8, 7.0, 180, 90, 0)
	assert f.service_level == pytest.approx(1 - f.prob_wait)
	# thousands of agents: no overflow, sensible figures
	big = erlang_a(2100, 2000.0, 180, 120, 20)
	assert 0.9 < big.service_level <= 1.0 and 0 <= big.abandon < 0.05 and big.occupancy <= 1.0
	for bad in (0, -5, math.inf, math.nan):
		with pytest.raises(ValueError):
			erlang_a(5, 3.0, 180, bad, 20)


def test_staffing_with_abandonment():
	# 100 calls / 30 min at 180 s: Erlang C needs 14 agents for 80/20; with 2-minute patience the
	# callers who give up relieve the queue and 12 do, losing about 6% of the calls
	c = agents_needed(100, 1800, 180)
	a = agents_needed(100, 1800, 180, patience_seconds=120)
	assert (c.agents, a.agents) == (14, 12)
	assert a.service_level >= 0.8 and 0.05 < a.abandon < 0.07
	assert erlang_a(11, a.traffic, 180, 120, 20).service_level < 0.8  # the fewest
	# capping abandonment at 3% adds agents; the fewest again
	capped = agents_needed(100, 1800, 180, patience_seconds=120, max_abandon=0.03)
	assert capped.agents > a.agents and capped.abandon <= 0.03
	assert erlang_a(capped.agents - 1, a.traffic, 180, 120, 20).abandon > 0.03
	# ASA here is over answered calls, and the cap is met
	assert agents_needed(100, 1800, 180, patience_seconds=120, max_asa=5).asa <= 5
	# patience beyond PATIENT_FOREVER handle times: plain Erlang C
	forever = agents_needed(100, 1800, 180, patience_seconds=180 * PATIENT_FOREVER)
	assert forever.agents == c.agents and forever.abandon == 0.0
	with pytest.raises(ValueError):
		agents_needed(100, 1800, 180, patience_seconds=-1)
	with pytest.raises(ValueError):
		agents_needed(100, 1800, 180, patience_seconds=120, max_abandon=0)


def test_plan_and_roster_with_abandonment():
	plan = staffing_plan([("08:00", 40), ("08:30", 100)], 1800, 180, shrinkage=0.3, patience_seconds=120)
	assert plan[1].agents == 12 and plan[1].scheduled == 18 and plan[1].patience_seconds == 120
	gaps = compare_plan(plan, [plan[0].scheduled, 14])
	# 14 rostered, 9 on the phones after shrinkage: the Erlang A figures for 9 agents
	f = erlang_a(9, plan[1].traffic, 180, 120, 20)
	assert gaps[1].on_phones == 9 and gaps[1].status == "short"
	assert (gaps[1].service_level, gaps[1].asa, gaps[1].abandon) == (f.service_level, f.asa, f.abandon)


def test_patience_estimate():
	# 12 callers hung up over 1,440 s of waiting in all: mean patience 120 s
	assert patience_estimate(12, 1440.0) == 120.0
	assert patience_estimate(0, 1440.0) is None
	assert patience_estimate(3, 0) is None
	# the estimator recovers the patience of simulated callers (answered waits are censored)
	rng = random.Random(3)
	waits, hung_up = 0.0, 0
	for _ in range(50_000):
		patience, answer_in = rng.expovariate(1 / 90), rng.expovariate(1 / 40)
		waits += min(patience, answer_in)
		hung_up += patience < answer_in
	assert patience_estimate(hung_up, waits) == pytest.approx(90, rel=0.03)
