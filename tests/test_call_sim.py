import itertools
import math
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from crm_suite.engine import call_sim as cs

START = datetime(2026, 3, 2)  # a Monday


def run(config=None, days=7, seed=7, start=START):
	return cs.simulate(config or cs.SimConfig(), start, days, seed)


def test_arrivals_per_hour_follow_the_profile():
	days = 28
	calls = run(days=days, seed=11)
	profile = cs.default_profile()
	observed = Counter((c.arrival.weekday() >= 5, c.arrival.hour) for c in calls)
	for hour in range(24):
		# 20 weekdays, 4 Saturdays and 4 Sundays in 28 days from a Monday
		weekday_exp = 20 * profile[0][hour]
		weekend_exp = 4 * (profile[5][hour] + profile[6][hour])
		for weekend, exp in ((False, weekday_exp), (True, weekend_exp)):
			obs = observed[(weekend, hour)]
			# Poisson: sd = sqrt(mean); 4 sd keeps 48 cells from failing by chance
			assert abs(obs - exp) <= 4 * math.sqrt(exp) + 2, (weekend, hour, obs, exp)
	total_exp = 20 * sum(profile[0]) + 4 * (sum(profile[5]) + sum(profile[6]))
	assert abs(len(calls) - total_exp) <= 4 * math.sqrt(total_exp)


def test_peak_hours_and_quiet_night():
	calls = run(days=14, seed=3)
	by_hour = Counter(c.arrival.hour for c in calls if c.arrival.weekday() < 5)
	assert by_hour[10] > 10 * by_hour[3]
	assert by_hour[14] + by_hour[15] > by_hour[12] + by_hour[13]
	weekend = sum(1 for c in calls if c.arrival.weekday() >= 5) / 4
	weekday = sum(1 for c in calls if c.arrival.weekday() < 5) / 10
	assert weekend < 0.5 * weekday


def test_same_seed_same_output_and_other_seed_differs():
	a = run(seed=5, days=3)
	b = run(seed=5, days=3)
	c = run(seed=6, days=3)
	assert a == b
	assert [x.call_id for x in a][:3] == ["SIM5-000001", "SIM5-000002", "SIM5-000003"]
	assert [x.arrival for x in a] != [x.arrival for x in c]


def test_removing_agents_raises_abandonment_with_the_same_callers():
	full = cs.SimConfig()
	thin = replace(full, shifts=full.shifts[::2])
	a = run(full, days=7, seed=2)
	b = run(thin, days=7, seed=2)
	assert [(x.arrival, x.skill, x.from_number) for x in a] == [
		(x.arrival, x.skill, x.from_number) for x in b
	]
	rate_a = cs.summary(a)["abandon_rate"]
	rate_b = cs.summary(b)["abandon_rate"]
	assert rate_b > rate_a + 5
	assert cs.summary(b)["asa"] > cs.summary(a)["asa"]


def test_agents_never_handle_two_calls_at_once_and_only_their_skills_on_shift():
	config = cs.SimConfig()
	calls = run(config, days=7, seed=4)
	spans = cs.agent_busy_intervals(calls)
	assert len(spans) >= 15
	for agent, items in spans.items():
		for (_, end1), (start2, _) in itertools.pairwise(items):
			assert start2 >= end1, agent
	skills: dict[str, set[str]] = {}
	for sh in config.shifts:
		skills.setdefault(sh.agent, set()).update(sh.skills)
	for c in calls:
		if c.answered_at is None:
			continue
		assert c.skill in skills[c.agent]
		day = c.answered_at.replace(hour=0, minute=0, second=0)
		hour = (c.answered_at - day).total_seconds() / 3600
		assert any(
			sh.agent == c.agent
			and c.answered_at.weekday() in sh.weekdays
			and sh.start_hour <= hour < sh.end_hour
			for sh in config.shifts
		), c
		if c.transferred_to:
			assert c.transferred_to != c.agent and c.skill in skills[c.transferred_to]


def test_fifo_per_skill():
	thin = replace(cs.SimConfig(), shifts=cs.DEFAULT_SHIFTS[::2])  # long queues make FIFO matter
	calls = run(thin, days=5, seed=9)
	queued = [c for c in calls if c.answered_at is not None or c.abandoned]
	waited = 0
	for skill in ("billing", "technical", "sales"):
		latest_leave = None
		for c in sorted((c for c in queued if c.skill == skill), key=lambda c: c.call_id):
			if c.answered_at is not None:
				waited += c.answered_at > c.arrival
				# everyone of this skill who came earlier had already been answered or had hung up
				assert latest_leave is None or c.answered_at >= latest_leave, c
			leave = c.answered_at or c.ended_at
			latest_leave = leave if latest_leave is None else max(latest_leave, leave)
	assert waited > 100


def test_vip_priority_serves_vips_first():
	# one queue at ~95% load with patient callers, so a queue is there to jump
	base = cs.SimConfig(
		profile=((57.0,) * 24,) * 7,
		skills=(cs.Skill("billing", 1.0, 180.0, 0.5),),
		shifts=tuple(cs.Shift(f"a{i}", ("billing",), 0, 24, tuple(range(7))) for i in range(3)),
		hold_probability=0.0,
		transfer_probability=0.0,
		wrapup_mean_seconds=5.0,
		patience_mean_seconds=1200.0,
		vip_share=0.2,
	)

	def mean_waits(calls):
		vip = [c.wait_seconds for c in calls if c.vip and c.answered_at]
		other = [c.wait_seconds for c in calls if not c.vip and c.answered_at]
		return sum(vip) / len(vip), sum(other) / len(other)

	vip_fifo, other_fifo = mean_waits(run(base, days=3, seed=1))
	vip_first, other_first = mean_waits(run(replace(base, vip_priority=True), days=3, seed=1))
	assert abs(vip_fifo - other_fifo) < 0.3 * other_fifo  # FIFO: a VIP waits like anyone else
	assert vip_first < 0.3 * other_first
	assert vip_first < 0.5 * vip_fifo


def test_after_hours_calls_go_to_voicemail_or_hang_up():
	calls = run(days=14, seed=8)
	night = [c for c in calls if c.arrival.hour < 6]
	assert night and all(c.outcome in (cs.OUTCOME_VOICEMAIL, cs.OUTCOME_CLOSED) for c in night)
	share = sum(c.voicemail for c in night) / len(night)
	assert abs(share - 0.4) < 0.15
	day = [c for c in calls if 11 <= c.arrival.hour < 15 and c.arrival.weekday() < 5]
	assert not any(c.voicemail for c in day)


def test_caller_pool_and_unknown_numbers():
	pool = tuple(f"+4930555{i:04d}" for i in range(50))
	calls = run(replace(cs.SimConfig(), caller_numbers=pool, vip_numbers=frozenset(pool[:5])), days=3)
	known = [c for c in calls if c.from_number in pool]
	assert abs(len(known) / len(calls) - 0.8) < 0.05
	assert all(c.vip == (c.from_number in pool[:5]) for c in calls)
	assert {c.to_number for c in calls} == {"+493010000", "+493010001", "+493010002"}


def test_call_records_are_consistent():
	calls = run(days=3, seed=12)
	outcomes = Counter(c.outcome for c in calls)
	assert (
		outcomes[cs.OUTCOME_ANSWERED] and outcomes[cs.OUTCOME_ABANDONED] and outcomes[cs.OUTCOME_TRANSFERRED]
	)
	for c in calls:
		if c.answered_at is not None:
			assert c.ended_at == c.answered_at + timedelta(seconds=c.talk_seconds + c.hold_seconds)
			assert c.wrapup_seconds > 0 and not c.abandoned
		if c.abandoned:
			assert c.answered_at is None and c.agent is None and c.ended_at > c.arrival


def test_events_of_a_transferred_call_with_hold():
	calls = run(replace(cs.SimConfig(), hold_probability=0.5, transfer_probability=0.3), days=2, seed=3)
	call = next(c for c in calls if c.transferred_to and c.hold_seconds)
	evs = cs.events(call)
	kinds = [e["kind"] for e in evs]
	assert kinds[:4] == [cs.RINGING, cs.ANSWERED, cs.HOLD, cs.UNHOLD]
	assert kinds.count(cs.WRAPUP_DONE) == 2 and kinds.index(cs.TRANSFER) < kinds.index(cs.ENDED)
	assert kinds[-1] == cs.WRAPUP_DONE
	times = [e["at"] for e in evs]
	assert times == sorted(times)
	tr = evs[kinds.index(cs.TRANSFER)]
	assert (tr["agent"], tr["to_agent"]) == (call.agent, call.transferred_to)
	ended = evs[kinds.index(cs.ENDED)]
	assert ended["agent"] == call.transferred_to and ended["outcome"] == cs.OUTCOME_TRANSFERRED
	assert all(e["call_id"] == call.call_id and e["queue"] == call.skill for e in evs)
	assert set(kinds) <= set(cs.EVENT_KINDS)


def test_events_of_abandoned_and_voicemail_calls():
	calls = run(days=2, seed=3)
	ab = next(c for c in calls if c.abandoned)
	assert [e["kind"] for e in cs.events(ab)] == [cs.RINGING, cs.ENDED]
	vm = next(c for c in calls if c.voicemail)
	evs = cs.events(vm)
	assert [e["kind"] for e in evs] == [cs.RINGING, cs.VOICEMAIL, cs.ENDED]
	assert evs[1]["duration_seconds"] == (vm.ended_at - vm.arrival).total_seconds()


def test_a_month_is_fast():
	t0 = time.perf_counter()
	calls = run(days=30, seed=1, start=datetime(2026, 3, 1))
	elapsed = time.perf_counter() - t0
	assert 13000 < len(calls) < 17000
	assert elapsed < 2.0
