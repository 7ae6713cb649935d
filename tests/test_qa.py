import statistics
from collections import Counter

import pytest

from crm_suite.engine import qa

CARD = qa.Scorecard(
	"Service QA",
	2,
	(
		qa.Criterion("greeting", qa.ATTITUDE, weight=1, max_score=1),
		qa.Criterion("empathy", qa.ATTITUDE, weight=2, max_score=5),
		qa.Criterion("speed", qa.EFFICIENCY, weight=2, max_score=5),
		qa.Criterion("resolved", qa.EFFECT, weight=4, max_score=1, allow_na=False),
		qa.Criterion("identity_check", qa.COMPLIANCE, weight=1, max_score=1, auto_fail=True),
		qa.Criterion("no_data_leak", qa.COMPLIANCE, weight=0, max_score=1, auto_fail=True, allow_na=False),
	),
)
FULL = {"greeting": 1, "empathy": 5, "speed": 5, "resolved": 1, "identity_check": 1, "no_data_leak": 1}


def test_weighted_score_and_group_scores():
	r = qa.score_review(CARD, {**FULL, "empathy": 3, "speed": 4})
	# (1*1 + 2*0.6 + 2*0.8 + 4*1 + 1*1 + 0) / 10 = 8.8 / 10
	assert r.status == qa.OK and r.score == pytest.approx(88.0) and r.raw_score == pytest.approx(88.0)
	assert r.group_scores[qa.ATTITUDE] == pytest.approx(100 * (1 + 2 * 0.6) / 3)
	assert r.group_scores[qa.EFFICIENCY] == pytest.approx(80.0)
	assert r.group_scores[qa.EFFECT] == 100.0
	assert r.group_scores[qa.COMPLIANCE] == 100.0
	assert qa.score_review(CARD, FULL).score == 100.0
	assert qa.coaching_trigger(r, threshold=80) is None
	assert qa.coaching_trigger(r, threshold=90) == qa.BELOW_THRESHOLD


def test_na_criteria_are_reweighted():
	# greeting and identity check N/A: (2*0.6 + 2*0.8 + 4*1 + 0) / 8 = 6.8 / 8 = 85%
	r = qa.score_review(CARD, {**FULL, "greeting": None, "identity_check": None, "empathy": 3, "speed": 4})
	assert r.score == pytest.approx(85.0)
	assert r.not_applicable == ["greeting", "identity_check"]
	assert r.group_scores[qa.ATTITUDE] == pytest.approx(60.0)
	# a zero-weight group with only a zero-weight criterion left has no score
	assert r.group_scores[qa.COMPLIANCE] is None


def test_auto_fail_zeroes_the_score_but_keeps_the_raw_one():
	r = qa.score_review(CARD, {**FULL, "no_data_leak": 0})
	assert r.score == 0.0 and r.raw_score == pytest.approx(100.0)
	assert r.auto_failed == ["no_data_leak"]
	assert qa.coaching_trigger(r) == qa.AUTO_FAIL
	# auto-fail wins even if the threshold is 0
	assert qa.coaching_trigger(r, threshold=0) == qa.AUTO_FAIL


def test_pass_mark_on_a_scaled_auto_fail_item():
	card = qa.Scorecard(
		"c",
		1,
		(
			qa.Criterion("tone", qa.ATTITUDE, max_score=5),
			qa.Criterion("script", qa.COMPLIANCE, max_score=5, auto_fail=True, pass_mark=3),
		),
	)
	assert qa.score_review(card, {"tone": 5, "script": 3}).score == pytest.approx(80.0)
	assert qa.score_review(card, {"tone": 5, "script": 2}).score == 0.0


def test_invalid_answers_are_refused():
	with pytest.raises(ValueError):
		qa.score_review(CARD, {**FULL, "resolved": None})  # may not be N/A
	with pytest.raises(ValueError):
		qa.score_review(CARD, {k: v for k, v in FULL.items() if k != "speed"})
	with pytest.raises(ValueError):
		qa.score_review(CARD, {**FULL, "speed": 6})
	with pytest.raises(ValueError):
		qa.score_review(CARD, {**FULL, "bogus": 1})
	with pytest.raises(ValueError):
		qa.Scorecard("x", 1, (qa.Criterion("a", "friendliness"),))
	with pytest.raises(ValueError):
		qa.Scorecard("x", 1, (qa.Criterion("a", qa.EFFECT), qa.Criterion("a", qa.EFFECT)))
	with pytest.raises(ValueError):
		qa.Scorecard("x", 1, (qa.Criterion("a", qa.EFFECT, weight=0),))


def test_all_na_has_no_score():
	card = qa.Scorecard("c", 1, (qa.Criterion("a", qa.EFFECT), qa.Criterion("b", qa.EFFECT)))
	r = qa.score_review(card, {"a": None, "b": None})
	assert r.status == qa.ALL_NOT_APPLICABLE and r.score is None
	assert qa.coaching_trigger(r) is None


def _tickets():
	out = []
	for agent, count in (("alice", 40), ("bob", 12), ("carol", 3)):
		for i in range(count):
			channel = ("Email", "Chat", "Phone")[i % 3] if agent != "bob" else "Email"
			category = "Billing" if i % 4 == 0 else "Technical"
			out.append(qa.QaTicket(f"{agent}-{i:03d}", agent, channel, category))
	return out


def test_weekly_sample_per_agent_stratified_and_seeded():
	tickets = _tickets()
	reviewed = {"alice-000", "alice-001"}
	s = qa.weekly_sample(tickets, "2026-W49", size={"alice": 8}, default_size=4, reviewed=reviewed)
	assert sorted(s) == ["alice", "bob", "carol"]
	assert len(s["alice"].tickets) == 8 and s["alice"].available == 38
	assert len(s["bob"].tickets) == 4
	# carol has only 3 tickets: all of them, shortfall reported
	assert len(s["carol"].tickets) == 3 and s["carol"].shortfall == 1
	assert not reviewed & {t.ticket for t in s["alice"].tickets}
	assert all(t.agent == a for a, smp in s.items() for t in smp.tickets)
	# strata proportional: alice's eligible tickets by (channel, category) -> allocation sums to 8
	strata = Counter(
		(t.channel, t.category) for t in tickets if t.agent == "alice" and t.ticket not in reviewed
	)
	assert sum(s["alice"].allocation.values()) == 8
	for k, drawn in s["alice"].allocation.items():
		assert abs(drawn - 8 * strata[k] / 38) < 1
	assert Counter((t.channel, t.category) for t in s["alice"].tickets) == {
		k: v for k, v in s["alice"].allocation.items() if v
	}
	# reproducible; independent of other agents; different week -> different sample
	again = qa.weekly_sample(
		reversed(tickets), "2026-W49", size={"alice": 8}, default_size=4, reviewed=reviewed
	)
	assert [t.ticket for t in again["alice"].tickets] == [t.ticket for t in s["alice"].tickets]
	alone = qa.weekly_sample([t for t in tickets if t.agent == "bob"], "2026-W49", size=4)
	assert [t.ticket for t in alone["bob"].tickets] == [t.ticket for t in s["bob"].tickets]
	other = qa.weekly_sample(tickets, "2026-W50", size={"alice": 8}, default_size=4, reviewed=reviewed)
	assert {t.ticket for t in other["alice"].tickets} != {t.ticket for t in s["alice"].tickets}


def test_krippendorff_alpha_published_example():
	# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units with
	# missing values: nominal alpha = 0.743, interval alpha = 0.849
	n = None
	a = [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n]
	b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3]
	c = [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n]
	d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]
	units = list(zip(a, b, c, d, strict=True))
	assert qa.krippendorff_alpha(units, qa.INTERVAL) == pytest.approx(0.849, abs=5e-4)
	assert qa.krippendorff_alpha(units, qa.NOMINAL) == pytest.approx(0.743, abs=5e-4)
	# perfect agreement -> 1; no variation at all -> undefined
	assert qa.krippendorff_alpha([[1, 1], [3, 3], [2, 2]]) == pytest.approx(1.0)
	assert qa.krippendorff_alpha([[2, 2], [2, 2]]) is None
	assert qa.krippendorff_alpha([[1, None], [None, 2]]) is None
	with pytest.raises(ValueError):
		qa.krippendorff_alpha(units, "ratio")


def test_calibration_spread():
	ratings = {
		"ISS-1": {
			"ann": {**FULL, "empathy": 5},
			"ben": {**FULL, "empathy": 3},
			"cat": {**FULL, "empathy": 4, "greeting": None},
		},
		"ISS-2": {
			"ann": {**FULL, "speed": 2},
			"ben": {**FULL, "speed": 2},
			"cat": {**FULL, "speed": 2, "no_data_leak": 0},
		},
	}
	cal = qa.calibrate(CARD, ratings, tolerance=20)
	by = {c.criterion: c for c in cal.criteria}
	# empathy on ISS-1: 100 / 60 / 80 -> SD 20, range 40; on ISS-2 all 100 -> SD 0; mean SD 10
	assert by["empathy"].max_range == pytest.approx(40.0) and by["empathy"].disagrees
	assert by["empathy"].stdev == pytest.approx(10.0)
	assert by["empathy"].mean == pytest.approx((100 + 60 + 80 + 300) / 6)
	assert by["greeting"].n == 5 and not by["greeting"].disagrees
	assert by["no_data_leak"].max_range == 100 and by["no_data_leak"].disagrees
	assert not by["speed"].disagrees and by["speed"].mean == pytest.approx((3 * 100 + 3 * 40) / 6)
	# totals: ISS-2 speed 2/5 -> (1 + 2 + 0.8 + 4 + 1) / 10 = 88, cat auto-failed -> 0
	assert cal.inspector_scores["ISS-2"] == {
		"ann": pytest.approx(88.0),
		"ben": pytest.approx(88.0),
		"cat": 0.0,
	}
	assert cal.score_range["ISS-2"] == pytest.approx(88.0)
	assert cal.score_stdev["ISS-2"] == pytest.approx(statistics.stdev([88, 88, 0]))
	# ISS-1: ann 100, ben (1 + 1.2 + 2 + 4 + 1) / 10 = 92, cat greeting N/A: 8.6 / 9 = 95.6
	assert cal.inspector_scores["ISS-1"]["cat"] == pytest.approx(860 / 9)
	assert cal.score_range["ISS-1"] == pytest.approx(8.0)
	# alpha over (item, criterion) units on a 0..1 scale, inspectors ann / ben / cat
	units = [
		[1, 1, None],
		[1, 1, 1],  # greeting
		[1, 0.6, 0.8],
		[1, 1, 1],  # empathy
		[1, 1, 1],
		[0.4, 0.4, 0.4],  # speed
		[1, 1, 1],
		[1, 1, 1],  # resolved
		[1, 1, 1],
		[1, 1, 1],  # identity_check
		[1, 1, 1],
		[1, 1, 0],  # no_data_leak
	]
	assert cal.alpha == pytest.approx(qa.krippendorff_alpha(units))
	assert 0 < cal.alpha < 0.5  # the data-leak disagreement dominates


def test_error_rate():
	good = qa.score_review(CARD, FULL)
	low = qa.score_review(CARD, {**FULL, "resolved": 0})
	fail = qa.score_review(CARD, {**FULL, "identity_check": 0})
	assert low.score == pytest.approx(60.0)
	assert qa.error_rate([good, low, fail, good]) == pytest.approx(0.5)
	assert qa.error_rate([]) is None
