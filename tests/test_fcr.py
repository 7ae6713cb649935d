import math
import random
from datetime import datetime, timedelta

import pytest

from crm_suite.engine import fcr

NOW = datetime(2026, 3, 31, 12, 0)
OLD = NOW - timedelta(days=20)


def t(**kw):
	base = {"resolved_on": OLD, "agent_replies": 1}
	base.update(kw)
	return base


@pytest.mark.parametrize(
	"ticket,status,reason",
	[
		(t(), fcr.FCR, None),
		(t(agent_replies=2), fcr.NOT_FCR, fcr.MULTIPLE_INTERACTIONS),
		(t(agent_replies=0, agent_calls=1), fcr.FCR, None),
		(t(agent_replies=1, agent_calls=1), fcr.NOT_FCR, fcr.MULTIPLE_INTERACTIONS),
		(t(agent_replies=3, resolved_on_first_call=True), fcr.FCR, None),
		(t(reopened_on=OLD + timedelta(days=2)), fcr.NOT_FCR, fcr.REOPENED),
		(t(reopened_on=[OLD + timedelta(days=7)]), fcr.NOT_FCR, fcr.REOPENED),  # window is inclusive
		(t(reopened_on=[OLD + timedelta(days=8)]), fcr.FCR, None),  # later: a new problem
		(t(reopened_on=[OLD - timedelta(days=1)]), fcr.FCR, None),  # before this resolution: ignored
		(t(agent_replies=0), fcr.NO_CONTACT, None),
		(t(resolved_on=None), fcr.OPEN, None),
		(t(resolved_on=NOW - timedelta(days=3)), fcr.PENDING, None),
		(t(resolved_on=NOW - timedelta(days=3), agent_replies=4), fcr.PENDING, None),
		(
			t(resolved_on=OLD.isoformat(), reopened_on=(OLD + timedelta(days=1)).isoformat()),
			fcr.NOT_FCR,
			fcr.REOPENED,
		),
	],
)
def test_classify(ticket, status, reason):
	c = fcr.classify(ticket, NOW)
	assert (c.status, c.reason) == (status, reason)


def test_reply_timestamps_after_the_resolution_do_not_count():
	replies = [OLD - timedelta(hours=2), OLD + timedelta(days=9)]
	assert fcr.classify(t(agent_replies=replies), NOW).status == fcr.FCR
	assert fcr.classify(t(agent_replies=[OLD - timedelta(hours=2), OLD]), NOW).status == fcr.NOT_FCR


def test_window_is_configurable():
	ticket = t(resolved_on=NOW - timedelta(days=10), reopened_on=NOW - timedelta(days=1))
	assert fcr.classify(ticket, NOW, window_days=7).status == fcr.FCR
	assert fcr.classify(ticket, NOW, window_days=14).status == fcr.PENDING
	assert fcr.classify(t(reopened_on=OLD + timedelta(days=10)), NOW, window_days=14).status == fcr.NOT_FCR


def test_wilson_interval_known_values():
	low, high = fcr.wilson(68, 100)
	assert low == pytest.approx(0.5834, abs=1e-4) and high == pytest.approx(0.7633, abs=1e-4)
	assert fcr.wilson(0, 10)[0] == pytest.approx(0.0, abs=1e-12)
	assert fcr.wilson(10, 10)[1] == pytest.approx(1.0)
	assert fcr.wilson(0, 0) == (0.0, 1.0)


def test_rates_by_key_exclude_pending_open_and_no_contact():
	tickets = [
		t(agent="ann"),
		t(agent="ann"),
		t(agent="ann", agent_replies=2),
		t(agent="ann", resolved_on=NOW - timedelta(days=1)),
		t(agent="ann", resolved_on=None),
		t(agent="ann", agent_replies=0),
		t(agent="bob", reopened_on=OLD + timedelta(days=1)),
	]
	rates = fcr.fcr_rates(tickets, NOW, "agent")
	ann, bob = rates["ann"], rates["bob"]
	assert (ann.fcr, ann.not_fcr, ann.pending, ann.open, ann.no_contact) == (2, 1, 1, 1, 1)
	assert ann.rate == pytest.approx(2 / 3) and ann.eligible == 3
	assert ann.multiple_interactions == 1 and bob.reopened == 1 and bob.rate == 0.0
	d = ann.as_dict()
	assert d["ci_low"] < d["rate"] < d["ci_high"] and d["eligible"] == 3
	assert fcr.fcr_rates(tickets, NOW)["all"].eligible == 4
	assert fcr.Rate().rate is None


def test_grouping_by_tuple_callable_and_article():
	tickets = [
		t(team="A", channel="Email", article="KB-1"),
		t(team="A", channel="Phone"),
		t(team="B", channel="Email"),
	]
	by_pair = fcr.fcr_rates(tickets, NOW, ("team", "channel"))
	assert set(by_pair) == {("A", "Email"), ("A", "Phone"), ("B", "Email")}
	assert set(fcr.fcr_rates(tickets, NOW, lambda x: x["team"].lower())) == {"a", "b"}
	by_article = fcr.fcr_rates(tickets, NOW, "with_article")
	assert by_article[True].eligible == 1 and by_article[False].eligible == 2


def test_compare_matches_hand_computation():
	c = fcr.compare(89, 100, 68, 100)
	assert c.difference == pytest.approx(0.21)
	pooled = 157 / 200
	z = 0.21 / math.sqrt(pooled * (1 - pooled) * (2 / 100))
	assert c.z == pytest.approx(z)
	assert c.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
	assert c.p_value < 0.001
	# Newcombe's hybrid score interval (method 10), by hand from the two Wilson intervals
	la, ua = fcr.wilson(89, 100)
	lb, ub = fcr.wilson(68, 100)
	assert c.ci_low == pytest.approx(0.21 - math.sqrt((0.89 - la) ** 2 + (ub - 0.68) ** 2))
	assert c.ci_high == pytest.approx(0.21 + math.sqrt((ua - 0.89) ** 2 + (0.68 - lb) ** 2))
	assert 0.09 < c.ci_low < 0.11 and 0.31 < c.ci_high < 0.33


def test_compare_small_and_degenerate_groups():
	same = fcr.compare(5, 10, 5, 10)
	assert same.difference == 0 and same.p_value == pytest.approx(1.0)
	assert fcr.compare(10, 10, 10, 10).p_value == 1.0  # no variance
	empty = fcr.compare(0, 0, 3, 4)
	assert empty.difference is None and empty.rate_b == 0.75 and empty.p_value is None


def test_article_effect_report_recovers_a_planted_difference():
	rng = random.Random(4)
	tickets = []
	for _ in range(4000):
		with_article = rng.random() < 0.5
		good = rng.random() < (0.89 if with_article else 0.68)
		resolved = NOW - timedelta(days=rng.randint(8, 90))
		# a failure is either several replies or a reopen inside the window
		several = not good and rng.random() < 0.5
		tickets.append(
			{
				"resolved_on": resolved,
				"agent_replies": 3 if several else 1,
				"reopened_on": resolved + timedelta(days=2) if not good and not several else None,
				"article": "KB-1" if with_article else None,
			}
		)
	report = fcr.article_effect(tickets, NOW)
	w, wo, cmp_ = report["with_article"], report["without_article"], report["comparison"]
	assert w["eligible"] + wo["eligible"] == 4000
	assert w["ci_low"] < 0.89 < w["ci_high"] and wo["ci_low"] < 0.68 < wo["ci_high"]
	assert cmp_["ci_low"] < 0.21 < cmp_["ci_high"] and cmp_["p_value"] < 1e-6
