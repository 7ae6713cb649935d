from datetime import datetime, time

from crm_suite.engine import sla_policy as p
from crm_suite.engine.sla_clock import Calendar

H = 3600
NINE_TO_FIVE = Calendar({d: ((time(9), time(17)),) for d in range(5)}, frozenset(), "Asia/Shanghai")
ALWAYS = Calendar()


def policy(name, **kw):
	return {"name": name, "enabled": 1, **kw}


def test_most_specific_policy_wins_then_order_then_default_last():
	policies = [
		policy("Default", is_default=1),
		policy("High", issue_priority="High", sort_order=5),
		policy("VIP", customer_tier="VIP", sort_order=9),
		policy("VIP High", customer_tier="VIP", issue_priority="High", sort_order=50),
		policy("Major", complaint_class="Major"),
		policy("Off", enabled=0, customer_tier="VIP", issue_priority="High", channel="Email"),
	]
	pick = lambda **t: p.select_policy(policies, t)["name"]  # noqa: E731
	assert pick(priority="Low", issue_priority="High", customer_tier="VIP") == "VIP High"
	assert pick(issue_priority="High", customer_tier="Normal") == "High"
	assert pick(issue_priority="Low", customer_tier="Normal") == "Default"
	assert pick(issue_priority="Low", complaint_class="Major") == "Major"
	# equal specificity: lower sort_order first
	assert pick(issue_priority="High", customer_tier="VIP", channel="Email") == "VIP High"
	assert p.select_policy([policy("A", issue_priority="Low", sort_order=2), policy("B", customer_tier="VIP", sort_order=1)],
		{"issue_priority": "Low", "customer_tier": "VIP"})["name"] == "B"
	assert p.select_policy([policy("X", channel="Phone")], {"channel": "Email"}) is None


def test_targets_per_priority_fall_back_to_the_policy_defaults():
	pol = {"response_hours": 8, "resolution_hours": 72, "targets": [{"issue_priority": "High", "response_hours": 1, "resolution_hours": 0}]}
	assert p.targets_for(pol, "High") == (1 * H, 72 * H)
	assert p.targets_for(pol, "Low") == (8 * H, 72 * H)
	assert p.targets_for({}, "Low") == (None, None)


def test_due_times_in_the_calendar_zone_come_back_naive_in_the_site_zone():
	# Tuesday 2026-12-01 16:00 in Shanghai (08:00 UTC), 2 h response: 1 h today, 1 h tomorrow
	start = datetime(2026, 12, 1, 8, 0)  # naive, site in UTC
	r = p.evaluate_ticket(NINE_TO_FIVE, start, 2 * H, 10 * H, datetime(2026, 12, 1, 8, 30), site_tz="UTC")
	assert r.response_due == datetime(2026, 12, 2, 2, 0)  # 10:00 Shanghai
	assert r.resolution_due == datetime(2026, 12, 3, 2, 0)  # 1 + 8 + 1 h: Thursday 10:00
	assert r.status == "Running" and r.response_left == int(1.5 * H) and r.level == 0


def test_warning_breach_and_levels():
	start = datetime(2026, 12, 1, 0, 0)
	ev = lambda hours, **kw: p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, datetime(2026, 12, 1, hours), **kw)  # noqa: E731
	assert ev(1).status == "Running"
	assert (ev(3).status, ev(3).level, ev(3).reason) == ("Warning", 1, "response")
	assert (ev(4).status, ev(4).level) == ("Breached", 2)
	assert ev(6).level == 3 and ev(6).response_left == -2 * H
	# the level never goes down (e.g. after a priority change that lengthens the target)
	assert ev(1, previous_level=2).level == 2


def test_response_met_and_resolution():
	start = datetime(2026, 12, 1, 0, 0)
	now = datetime(2026, 12, 1, 7)
	r = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, now, first_responded_on=datetime(2026, 12, 1, 1))
	assert (r.status, r.reason, r.level, r.response_left) == ("Warning", "resolution", 1, 0)
	late = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, datetime(2026, 12, 1, 5), first_responded_on=datetime(2026, 12, 1, 4, 30))
	assert late.status == "Breached"  # the missed response stays visible while the ticket is open
	done = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, now, first_responded_on=datetime(2026, 12, 1, 1), resolved_on=datetime(2026, 12, 1, 6))
	assert done.status == "Met" and done.resolution_left == 0
	missed = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, now, first_responded_on=datetime(2026, 12, 1, 1), resolved_on=datetime(2026, 12, 1, 9))
	assert missed.status == "Missed"


def test_pauses_stop_the_resolution_clock_only():
	start = datetime(2026, 12, 1, 0, 0)
	kw = {"first_responded_on": datetime(2026, 12, 1, 1)}
	paused = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, datetime(2026, 12, 1, 10), paused_since=datetime(2026, 12, 1, 2), **kw)
	assert paused.status == "Paused"
	assert paused.resolution_due == datetime(2026, 12, 1, 16)  # 8 h + 8 h on hold so far
	assert paused.resolution_left == 6 * H
	# resumed after 8 h on hold: due moved by 8 h, time left as when paused
	resumed = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, datetime(2026, 12, 1, 10), paused_seconds=8 * H, **kw)
	assert resumed.status == "Running" and resumed.resolution_due == datetime(2026, 12, 1, 16)
	assert p.pause_seconds(NINE_TO_FIVE, datetime(2026, 12, 4, 8), datetime(2026, 12, 7, 2), "UTC") == 1 * H + 1 * H
	# a pause does not hide a breach that happened before it
	late = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, datetime(2026, 12, 1, 12), paused_since=datetime(2026, 12, 1, 11), **kw)
	assert late.status == "Breached"


def test_no_target():
	r = p.evaluate_ticket(ALWAYS, datetime(2026, 12, 1), None, None, datetime(2026, 12, 2))
	assert r.status == "No Target" and r.response_due is None


def test_paused_before_the_first_response_shows_paused():
	start = datetime(2026, 12, 1, 0, 0)
	r = p.evaluate_ticket(ALWAYS, start, 4 * H, 8 * H, datetime(2026, 12, 1, 1), paused_since=datetime(2026, 12, 1, 0, 30))
	assert r.status == "Paused"


def test_timeline_gives_the_same_answers_as_the_clock():
	import random
	from datetime import date, timedelta, timezone

	from crm_suite.engine import sla_clock

	rng = random.Random(3)
	cal = Calendar(
		{d: ((time(9), time(12)), (time(13), time(18))) for d in range(5)},
		frozenset({date(2026, 3, 9), date(2026, 3, 10)}),
		"America/New_York",  # DST starts 2026-03-08
	)
	lo = datetime(2026, 3, 1, tzinfo=timezone.utc)
	tl = p.Timeline(cal, lo, lo + timedelta(days=40))
	for _ in range(500):
		a = lo + timedelta(seconds=rng.randint(0, 30 * 86400))
		b = a + timedelta(seconds=rng.randint(0, 12 * 86400))
		assert tl.between(cal, a, b) == sla_clock.between(cal, a, b)
		secs = rng.choice((60, 3600, 4 * H, 8 * H, 40 * H, rng.randint(1, 200 * H)))
		assert tl.add(cal, a, secs) == sla_clock.add(cal, a, secs), (a, secs)
	# outside the window: falls back to the clock
	early = lo - timedelta(days=5)
	assert tl.add(cal, early, 3 * H) == sla_clock.add(cal, early, 3 * H)
	assert tl.between(cal, early, lo + timedelta(days=45)) == sla_clock.between(cal, early, lo + timedelta(days=45))
