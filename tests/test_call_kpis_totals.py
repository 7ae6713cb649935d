"""CallTotals / from_totals: the SQL-shaped path gives exactly what compute() gives from the calls."""

import random
from datetime import datetime, timedelta

import pytest

from crm_suite.engine import call_kpis as k
from test_call_kpis import CALLS, LOGGED  # tests/ is on sys.path (pytest rootdir-relative imports)


def _random_calls(n: int, seed: int) -> list[k.CallFact]:
	rng = random.Random(seed)
	out = []
	t0 = datetime(2026, 3, 2, 8, 0)
	for i in range(n):
		arrival = t0 + timedelta(seconds=rng.randint(0, 36000))
		wait = rng.choice([None, rng.uniform(0, 120)])
		kind = rng.random()
		direction = k.OUTBOUND if rng.random() < 0.15 else k.INBOUND
		answered_at = arrival + timedelta(seconds=wait or 0) if kind < 0.7 else None
		out.append(
			k.CallFact(
				call_id=str(i),
				direction=direction,
				queue=rng.choice("abc"),
				agent=rng.choice(["x", "y", None]) if answered_at else None,
				arrival=arrival,
				answered_at=answered_at,
				ended_at=arrival + timedelta(seconds=300) if rng.random() < 0.9 else None,
				wait_seconds=wait,
				talk_seconds=rng.uniform(0, 400),
				hold_seconds=rng.choice([0, 30]),
				wrapup_seconds=rng.uniform(0, 60),
				abandoned=answered_at is None and kind < 0.9,
				transferred=rng.random() < 0.1,
				first_call_resolved=rng.choice([None, True, False]),
				outcome=rng.choice(["Resolved", "", "Ticket Created"]),
			)
		)
	return out


@pytest.mark.parametrize("variant", k.SL_VARIANTS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_from_totals_equals_compute(seed, variant):
	calls = _random_calls(400, seed)
	want = k.compute(calls, 20, 5, variant, staffed_seconds=50000)
	got = k.from_totals(k.totals(calls, 20, 5), variant, staffed_seconds=50000)
	for f in want.__dataclass_fields__:
		a, b = getattr(want, f), getattr(got, f)
		assert a == pytest.approx(b) if isinstance(a, float) else a == b, f


def test_totals_add_like_the_union_of_groups():
	calls = _random_calls(300, 7)
	parts = [k.totals([c for c in calls if c.queue == q]) for q in "abc"]
	whole = k.totals(calls)
	summed = parts[0] + parts[1] + parts[2]
	assert summed.outcomes == whole.outcomes
	assert summed.handle_seconds == pytest.approx(whole.handle_seconds)
	assert (summed.offered, summed.answered, summed.abandoned, summed.fcr_n) == (
		whole.offered,
		whole.answered,
		whole.abandoned,
		whole.fcr_n,
	)


def test_hand_computed_set_through_totals():
	t = k.totals(CALLS)
	assert (t.calls, t.offered, t.answered, t.abandoned, t.short_abandoned) == (8, 5, 3, 2, 1)
	assert (t.answered_within, t.abandoned_within, t.wait_n, t.wait_sum) == (2, 1, 3, 40)
	assert (t.handled, t.handle_seconds, t.transferred, t.fcr_yes, t.fcr_n) == (4, 570, 1, 1, 2)
	kp = k.from_totals(t, staffed_seconds=sum(LOGGED.values()))
	assert kp.service_level == pytest.approx(40.0)
	assert kp.occupancy == pytest.approx(100 * 570 / 1800)
	assert k.from_totals(t, k.SL_ABANDON_NEUTRAL).service_level == pytest.approx(50.0)  # 2 / (5 - 1)
	assert k.from_totals(k.CallTotals()).service_level is None
