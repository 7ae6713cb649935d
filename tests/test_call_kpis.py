from datetime import date, datetime, timedelta

import pytest

from crm_suite.engine import call_kpis as k

T0 = datetime(2026, 3, 2, 10, 0)


def at(minutes: float) -> datetime:
	return T0 + timedelta(minutes=minutes)


def answered(cid, arrival_min, wait, talk, hold=0, wrap=0, agent="a", queue="billing", **kw):
	arrival = at(arrival_min)
	ans = arrival + timedelta(seconds=wait)
	return k.CallFact(
		call_id=cid,
		queue=queue,
		agent=agent,
		arrival=arrival,
		answered_at=ans,
		ended_at=ans + timedelta(seconds=talk + hold),
		wait_seconds=wait,
		talk_seconds=talk,
		hold_seconds=hold,
		wrapup_seconds=wrap,
		outcome=kw.pop("outcome", "answered"),
		**kw,
	)


def abandoned(cid, arrival_min, wait, queue="billing"):
	arrival = at(arrival_min)
	return k.CallFact(
		call_id=cid,
		queue=queue,
		arrival=arrival,
		ended_at=arrival + timedelta(seconds=wait),
		abandoned=True,
		outcome="abandoned",
	)  # wait derived from ended_at - arrival


CALLS = [
	answered("c1", 0, 10, 100, hold=20, wrap=30, first_call_resolved=True),
	answered("c2", 10, 30, 200, wrap=40, agent="b", transferred=True, first_call_resolved=False),
	abandoned("c3", 20, 3),  # short abandon: not offered
	abandoned("c4", 35, 15),
	abandoned("c5", 40, 60),
	answered("c6", 65, 0, 50, wrap=10, queue="sales"),
	k.CallFact("c7", queue="billing", arrival=at(720), ended_at=at(721), outcome="voicemail"),
	k.CallFact(
		"c8",
		direction=k.OUTBOUND,
		agent="b",
		arrival=at(70),
		answered_at=at(70.5),
		ended_at=at(72.5),
		talk_seconds=120,
		outcome="answered",
	),
]
LOGGED = {"a": 600, "b": 1200}


def test_totals_hand_computed():
	t = k.kpis(CALLS, logged_in_seconds=LOGGED)[k.ALL]
	assert (t.calls, t.offered, t.answered, t.abandoned, t.short_abandoned) == (8, 5, 3, 2, 1)
	assert t.answered_within == 2
	assert t.service_level == pytest.approx(40.0)  # 2 within 20 s / 5 offered
	assert t.asa == pytest.approx(40 / 3)  # (10 + 30 + 0) / 3
	assert t.aht == pytest.approx(570 / 4)  # 150 + 240 + 60 + 120 (the outbound call too)
	assert t.abandon_rate == pytest.approx(40.0)
	assert t.transfer_rate == pytest.approx(25.0)
	assert (t.fcr_rate, t.fcr_n) == (pytest.approx(50.0), 2)
	assert t.occupancy == pytest.approx(100 * 570 / 1800)
	assert t.outcomes == {"answered": 4, "abandoned": 3, "voicemail": 1}


def test_service_level_variants_and_thresholds():
	offered = k.compute(CALLS, sl_variant=k.SL_OFFERED)
	by_answered = k.compute(CALLS, sl_variant=k.SL_ANSWERED)
	neutral = k.compute(CALLS, sl_variant=k.SL_ABANDON_NEUTRAL)
	assert offered.service_level == pytest.approx(40.0)
	assert by_answered.service_level == pytest.approx(200 / 3)  # 2 / 3 answered
	assert neutral.service_level == pytest.approx(50.0)  # 2 / (5 - c4 who left within 20 s)
	# no short-abandon exclusion: c3 is offered and abandoned
	strict = k.compute(CALLS, short_abandon_seconds=0)
	assert (strict.offered, strict.abandoned, strict.short_abandoned) == (6, 3, 0)
	assert strict.service_level == pytest.approx(100 * 2 / 6)
	# T = 30 s: c2 (30 s) counts as within (wait <= T)
	assert k.compute(CALLS, threshold_seconds=30).service_level == pytest.approx(60.0)
	with pytest.raises(ValueError):
		k.compute(CALLS, sl_variant="nope")


def test_by_queue_agent_interval_hour_day():
	q = k.kpis(CALLS, by=k.BY_QUEUE, total=False)
	assert list(q) == ["", "billing", "sales"]
	assert q["billing"].offered == 4 and q["billing"].service_level == pytest.approx(25.0)
	assert q["sales"].service_level == pytest.approx(100.0)
	assert q[""].offered == 0 and q[""].service_level is None and q[""].aht == pytest.approx(120.0)

	a = k.kpis(CALLS, by=k.BY_AGENT, logged_in_seconds=LOGGED)
	assert a["a"].occupancy == pytest.approx(35.0)  # (150 + 60) / 600
	assert a["b"].occupancy == pytest.approx(30.0)  # (240 + 120) / 1200
	assert a[""].abandoned == 2 and a[""].occupancy is None
	assert list(a)[-1] == k.ALL

	iv = k.kpis(CALLS, by=k.BY_INTERVAL, total=False)
	assert list(iv) == [at(0), at(30), at(60), at(720)]
	assert iv[at(0)].service_level == pytest.approx(50.0)  # c1 in, c2 out, c3 short
	assert iv[at(30)].abandon_rate == pytest.approx(100.0)
	assert iv[at(720)].offered == 0 and iv[at(720)].service_level is None

	h = k.kpis(CALLS, by=k.BY_HOUR, total=False)
	assert [x.offered for x in h.values()] == [4, 1, 0]
	d = k.kpis(CALLS, by=k.BY_DAY, total=False)
	assert list(d) == [date(2026, 3, 2)] and d[date(2026, 3, 2)].offered == 5
	with pytest.raises(ValueError):
		k.kpis(CALLS, by="week")


def test_occupancy_per_agent_includes_staffed_agents_without_calls():
	occ = k.occupancy(CALLS, {"a": 600, "b": 1200, "c": 3600})
	assert occ == {"a": pytest.approx(35.0), "b": pytest.approx(30.0), "c": 0.0}


def test_empty_input_gives_none_not_zero():
	t = k.compute([])
	assert t.offered == 0 and t.service_level is None and t.asa is None and t.aht is None
	assert t.abandon_rate is None and t.occupancy is None


def test_wallboard():
	now = at(80)
	waiting = [
		k.CallFact("w1", queue="billing", arrival=at(78)),
		k.CallFact("w2", queue="sales", arrival=at(79.5)),
		k.CallFact("w3", queue="sales", arrival=at(79.9)),
		k.CallFact("future", queue="sales", arrival=at(85)),
	]
	states = {"a": "talking", "b": "available", "c": "available", "d": "wrap_up"}
	wb = k.wallboard(CALLS + waiting, now, states)
	assert wb.waiting == 3 and wb.waiting_by_queue == {"billing": 1, "sales": 2}
	assert wb.longest_wait_seconds == pytest.approx(120.0)
	assert wb.agent_states == {"available": 2, "talking": 1, "wrap_up": 1}
	assert wb.service_level == pytest.approx(40.0)  # waiting callers are not misses yet
	assert wb.asa == pytest.approx(40 / 3)
	assert (wb.answered, wb.abandoned, wb.offered) == (3, 2, 5)
	quiet = k.wallboard([], now, {})
	assert quiet.waiting == 0 and quiet.longest_wait_seconds is None and quiet.service_level is None


def test_simulated_calls_convert_and_agree_with_the_simulator():
	from crm_suite.engine import call_sim as cs

	sim = cs.simulate(cs.SimConfig(), datetime(2026, 3, 2), 2, 3)
	facts = [
		k.CallFact(
			call_id=c.call_id,
			queue=c.skill,
			agent=c.agent,
			arrival=c.arrival,
			answered_at=c.answered_at,
			ended_at=c.ended_at,
			talk_seconds=c.talk_seconds,
			hold_seconds=c.hold_seconds,
			wrapup_seconds=c.wrapup_seconds,
			abandoned=c.abandoned,
			transferred=c.transferred_to is not None,
			outcome=c.outcome,
		)
		for c in sim
	]
	s = cs.summary(sim)
	t = k.compute(facts, short_abandon_seconds=0)
	assert t.offered == s["answered"] + s["transferred"] + s["abandoned"]
	assert t.service_level == pytest.approx(s["sl20"])
	assert t.asa == pytest.approx(s["asa"])
	assert t.abandon_rate == pytest.approx(s["abandon_rate"])
