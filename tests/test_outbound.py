from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from crm_suite.engine import outbound as o

UTC = timezone.utc
NY = ZoneInfo("America/New_York")
SH = ZoneInfo("Asia/Shanghai")


def utc(*args) -> datetime:
	return datetime(*args, tzinfo=UTC)


def contact(cid="c1", tz="America/New_York", **kw) -> o.Contact:
	kw.setdefault("phone", "+12125550100")
	kw.setdefault("consent", True)
	return o.Contact(cid, tz=tz, **kw)


def reasons(c, now, rules=None):
	return o.exclusion_reasons(c, now, rules or o.CallingRules())


def test_window_is_each_contacts_own_clock():
	sh = contact("sh", tz="Asia/Shanghai", phone="+8613800138000")
	ny = contact("ny")
	# Wed 2026-03-04 02:00 UTC = 10:00 Wed in Shanghai, 21:00 Tue in New York
	ok, excluded = o.eligible([sh, ny], utc(2026, 3, 4, 2, 0))
	assert ok == [sh]
	assert excluded == [o.Exclusion(ny, (o.OUTSIDE_WINDOW,))]
	# 14:00 UTC = 22:00 in Shanghai, 09:00 EST in New York
	ok, excluded = o.eligible([sh, ny], utc(2026, 3, 4, 14, 0))
	assert ok == [ny] and [e.contact for e in excluded] == [sh]
	# the window end is exclusive: 20:00 Shanghai = 12:00 UTC
	assert reasons(sh, utc(2026, 3, 4, 11, 59, 59)) == ()
	assert reasons(sh, utc(2026, 3, 4, 12, 0)) == (o.OUTSIDE_WINDOW,)


def test_weekdays_and_holidays_are_local():
	ny = contact()
	sh = contact("sh", tz="Asia/Shanghai", phone="+8613800138000")
	# Sun 2026-03-08 01:00 UTC = Sun 09:00 Shanghai (Sunday off) but Sat 20:00 New York (window over)
	assert reasons(sh, utc(2026, 3, 8, 1, 0)) == (o.OUTSIDE_WINDOW,)
	# Sat 2026-03-07 14:30 UTC = Sat 09:30 NY (Saturday allowed) and Sat 22:30 Shanghai
	assert reasons(ny, utc(2026, 3, 7, 14, 30)) == ()
	# a Shanghai holiday on its local date only: Thu 2026-10-01 02:00 UTC = 10:00 Oct 1 in Shanghai
	rules = o.CallingRules(holidays=frozenset({date(2026, 10, 1)}))
	assert reasons(sh, utc(2026, 10, 1, 2, 0), rules) == (o.OUTSIDE_WINDOW,)
	# 2026-10-01 14:00 UTC = 10:00 EDT Oct 1 in New York: also a holiday there ...
	assert reasons(ny, utc(2026, 10, 1, 14, 0), rules) == (o.OUTSIDE_WINDOW,)
	# ... but 2026-10-02 01:00 UTC is Oct 2 09:00 in Shanghai (callable) and Oct 1 21:00 in New York
	assert reasons(sh, utc(2026, 10, 2, 1, 0), rules) == ()


def test_dst_edge_moves_the_window_in_utc():
	ny = contact()
	# New York springs forward on Sun 2026-03-08. 13:30 UTC is 08:30 EST on Monday 03-02 ...
	assert reasons(ny, utc(2026, 3, 2, 13, 30)) == (o.OUTSIDE_WINDOW,)
	# ... but 09:30 EDT on Monday 03-09
	assert reasons(ny, utc(2026, 3, 9, 13, 30)) == ()
	# the evening edge: 20:00 local is 01:00 UTC before the change, 00:00 UTC after
	assert reasons(ny, utc(2026, 3, 7, 0, 30)) == ()  # Fri 19:30 EST
	assert reasons(ny, utc(2026, 3, 10, 0, 30)) == (o.OUTSIDE_WINDOW,)  # Mon 20:30 EDT
	# next window after Sat 20:30 EST (Sunday off): Monday 09:00 EDT = 13:00 UTC, not 14:00
	start = o.next_window_start(utc(2026, 3, 8, 1, 30), NY, o.CallingRules())
	assert start == utc(2026, 3, 9, 13, 0)
	# fall back (Sun 2026-11-01): Monday 09:00 is EST again = 14:00 UTC
	assert o.next_window_start(utc(2026, 11, 1, 1, 0), NY, o.CallingRules()) == utc(2026, 11, 2, 14, 0)


def test_window_start_inside_the_spring_forward_gap():
	rules = o.CallingRules(window_start=time(2, 30), window_end=time(6, 0), weekdays=frozenset(range(7)))
	# 02:30 does not exist in New York on 2026-03-08: the window opens at 03:30 EDT = 07:30 UTC
	assert o.next_window_start(utc(2026, 3, 8, 5, 0), NY, rules) == utc(2026, 3, 8, 7, 30)


def test_every_exclusion_reason():
	now = utc(2026, 3, 4, 15, 0)  # Wed 10:00 EST
	assert reasons(contact(), now) == ()
	assert reasons(contact(do_not_call=True), now) == (o.DO_NOT_CALL,)
	assert reasons(contact(consent=None), now) == (o.NO_CONSENT,)
	assert reasons(contact(consent=False), now) == (o.NO_CONSENT,)
	assert reasons(contact(consent=None), now, o.CallingRules(require_consent=False)) == ()
	assert reasons(contact(do_not_contact=True), now) == (o.DO_NOT_CONTACT,)
	for bad in ("", "2125550100", "+0125550100", "+1 212 555 0100", "+12"):
		assert reasons(contact(phone=bad), now) == (o.INVALID_NUMBER,), bad
	assert reasons(contact(tz="Mars/Olympus"), now) == (o.INVALID_TIMEZONE,)
	assert reasons(contact(last_disposition=o.COMPLETED), now) == (o.ALREADY_DONE,)
	assert reasons(contact(last_disposition=o.NO_ANSWER), now) == ()
	assert reasons(contact(tz=None), now) == ()  # default zone UTC: 15:00
	everything = contact(do_not_call=True, consent=None, phone="x", last_disposition=o.REFUSED)
	assert reasons(everything, utc(2026, 3, 4, 3, 0)) == (
		o.DO_NOT_CALL,
		o.NO_CONSENT,
		o.INVALID_NUMBER,
		o.ALREADY_DONE,
		o.OUTSIDE_WINDOW,
	)
	with pytest.raises(ValueError):
		reasons(contact(), datetime(2026, 3, 4, 15, 0))


def test_frequency_cap():
	now = utc(2026, 3, 11, 15, 0)
	three = tuple(now - timedelta(days=d) for d in (1, 3, 6))
	assert reasons(contact(attempts=three), now) == (o.FREQUENCY_CAP,)
	# exactly 7 days ago has left the period (now - 7 days, now]
	older = (now - timedelta(days=7), now - timedelta(days=3), now - timedelta(days=1))
	assert reasons(contact(attempts=older), now) == ()
	assert reasons(contact(attempts=three), now, o.CallingRules(max_attempts=4)) == ()
	assert reasons(contact(attempts=three[:1]), now, o.CallingRules(max_attempts=1, period_days=2)) == (
		o.FREQUENCY_CAP,
	)


def test_back_off_schedule_for_no_answer():
	p = o.RetryPolicy()
	tz = "America/New_York"
	t1 = utc(2026, 3, 4, 15, 0)  # Wed 10:00 EST
	assert o.next_attempt(1, o.NO_ANSWER, t1, p, tz) == utc(2026, 3, 4, 17, 0)  # +2 h
	assert o.next_attempt(2, o.NO_ANSWER, t1, p, tz) == utc(2026, 3, 5, 15, 0)  # +1 day
	# +3 days = Sat 10:00 EST
	assert o.next_attempt(3, o.NO_ANSWER, t1, p, tz) == utc(2026, 3, 7, 15, 0)
	assert o.next_attempt(4, o.NO_ANSWER, t1, p, tz) is None  # max 4 attempts
	# +3 days from Thu 12:00 EST = Sun (off) -> Mon 09:00 EDT, after the DST change = 13:00 UTC
	assert o.next_attempt(3, o.NO_ANSWER, utc(2026, 3, 5, 17, 0), p, tz) == utc(2026, 3, 9, 13, 0)


def test_back_off_busy_and_window():
	p = o.RetryPolicy()
	tz = "America/New_York"
	assert o.next_attempt(1, o.BUSY, utc(2026, 3, 4, 15, 0), p, tz) == utc(2026, 3, 4, 15, 15)
	# busy at 19:50 EST: +15 min is 20:05, after the window -> Thu 09:00 EST
	assert o.next_attempt(1, o.BUSY, utc(2026, 3, 5, 0, 50), p, tz) == utc(2026, 3, 5, 14, 0)
	# the same instant for a Shanghai contact (Thu 08:50): +15 min = 09:05, inside
	assert o.next_attempt(1, o.BUSY, utc(2026, 3, 5, 0, 50), p, "Asia/Shanghai") == utc(2026, 3, 5, 1, 5)
	# a disposition without its own back-off uses the default (4 h)
	assert o.next_attempt(1, "odd", utc(2026, 3, 4, 15, 0), p, tz) == utc(2026, 3, 4, 19, 0)


def test_final_dispositions_stop():
	for d in (o.CONNECTED, o.COMPLETED, o.REFUSED, o.WRONG_NUMBER, o.DNC_REQUESTED):
		assert o.next_attempt(1, d, utc(2026, 3, 4, 15, 0)) is None
	assert o.next_attempt(1, o.NO_ANSWER, utc(2026, 3, 4, 15, 0), tz="Nowhere/Land") is None


def test_next_attempt_respects_the_frequency_cap():
	p = o.RetryPolicy()
	tz = "America/New_York"
	a1 = utc(2026, 3, 4, 15, 0)  # Wed 10:00 EST
	a2 = a1 + timedelta(hours=2)
	a3 = utc(2026, 3, 5, 17, 0)  # Thu 12:00 EST
	# the back-off says Mon 2026-03-09 09:00 EDT, but 3 attempts in 7 days are used up until a1 leaves
	# the period: Wed 2026-03-11 15:00 UTC (11:00 EDT)
	assert o.next_attempt([a1, a2, a3], o.NO_ANSWER, a3, p, tz) == utc(2026, 3, 11, 15, 0)
	# the cap lifts at Mon 2026-03-09 19:30 EST clock time, which after the DST change is 20:30 EDT,
	# outside the window: the next window is Tue 09:00 EDT = 13:00 UTC
	b = [utc(2026, 3, 3, 0, 30), utc(2026, 3, 3, 0, 40), utc(2026, 3, 3, 0, 50)]  # Mon 19:30-19:50 EST
	assert o.next_attempt(b, o.BUSY, b[-1], p, tz) == utc(2026, 3, 10, 13, 0)


def test_connect_rate_and_outcomes():
	assert o.connect_rate([]) is None
	assert o.connect_rate([o.NO_ANSWER, o.CONNECTED, o.BUSY, o.REFUSED]) == 50.0
	s = o.outcomes(
		[
			("c1", o.NO_ANSWER),
			("c2", o.BUSY),
			("c1", o.NO_ANSWER),
			("c2", o.COMPLETED),
			("c3", o.ANSWERING_MACHINE),
			("c1", o.CONNECTED),
		]
	)
	assert s.attempts == 6 and s.contacts == 3 and s.contacts_done == 2
	assert s.by_disposition == {
		o.NO_ANSWER: 2,
		o.ANSWERING_MACHINE: 1,
		o.BUSY: 1,
		o.COMPLETED: 1,
		o.CONNECTED: 1,
	}
	assert s.connect_rate == pytest.approx(100 * 2 / 6)
