from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from crm_suite.engine import sla_clock as s

UTC = timezone.utc
H = 3600
NINE_TO_FIVE = {d: ((time(9), time(17)),) for d in range(5)}  # Monday-Friday


def cal(tz="UTC", holidays=(), hours=None):
	return s.Calendar(NINE_TO_FIVE if hours is None else hours, frozenset(holidays), tz)


def utc(*args):
	return datetime(*args, tzinfo=UTC)


def test_add_within_a_day_and_across_the_night():
	c = cal()
	assert s.add(c, utc(2026, 12, 1, 10), 2 * H) == utc(2026, 12, 1, 12)  # Tuesday
	# 4 h asked at 15:00: 2 h today, 2 h tomorrow from 09:00
	assert s.add(c, utc(2026, 12, 1, 15), 4 * H) == utc(2026, 12, 2, 11)
	# asked at night: the clock starts at the next opening
	assert s.add(c, utc(2026, 12, 1, 22), 1 * H) == utc(2026, 12, 2, 10)


def test_weekend_and_holiday_are_skipped():
	c = cal(holidays=[date(2026, 12, 7)])  # Monday holiday
	# Friday 16:00 + 2 h -> 1 h Friday, Monday is a holiday, 1 h Tuesday
	assert s.add(c, utc(2026, 12, 4, 16), 2 * H) == utc(2026, 12, 8, 10)
	assert s.between(c, utc(2026, 12, 4, 16), utc(2026, 12, 8, 10)) == 2 * H


def test_between_is_the_inverse_of_add():
	c = cal(tz="Asia/Shanghai", holidays=[date(2026, 10, 1), date(2026, 10, 2)])
	start = utc(2026, 9, 30, 7, 13)
	for hours in (0.5, 3, 8, 17, 40, 100):
		due = s.add(c, start, hours * H)
		assert s.between(c, start, due) == pytest.approx(hours * H)


def test_local_hours_in_another_zone():
	c = cal(tz="Asia/Shanghai")  # 09:00-17:00 Shanghai = 01:00-09:00 UTC
	assert s.add(c, utc(2026, 12, 1, 0), 1 * H) == utc(2026, 12, 1, 2)
	naive = datetime(2026, 12, 1, 9, 30)  # a naive site time read in the site zone
	assert s.aware(naive, "Asia/Shanghai") == utc(2026, 12, 1, 1, 30)


def test_dst_spring_forward_keeps_eight_working_hours():
	c = cal(tz="Europe/London")
	# 29 March 2026 is the Sunday clocks go forward; Monday 30 March opens at 09:00 BST = 08:00 UTC
	friday_close = datetime(2026, 3, 27, 17, tzinfo=ZoneInfo("Europe/London"))
	due = s.add(c, friday_close, 8 * H)
	assert due == datetime(2026, 3, 30, 17, tzinfo=ZoneInfo("Europe/London"))
	assert due.astimezone(UTC) == utc(2026, 3, 30, 16)


def test_dst_day_itself_in_a_seven_day_calendar():
	every_day = {d: ((time(0), time(0)),) for d in range(7)}  # whole days, local midnight to midnight
	c = cal(tz="America/New_York", hours=every_day)
	start = datetime(2026, 3, 8, 0, tzinfo=ZoneInfo("America/New_York"))  # 23-hour day
	end = datetime(2026, 3, 9, 0, tzinfo=ZoneInfo("America/New_York"))
	assert s.between(c, start, end) == 23 * H


def test_pauses_stop_the_clock_and_an_open_pause_has_no_due_time():
	c = cal()
	start = utc(2026, 12, 1, 9)
	pause = (utc(2026, 12, 1, 10), utc(2026, 12, 1, 12))
	assert s.add(c, start, 3 * H, [pause]) == utc(2026, 12, 1, 14)
	assert s.between(c, start, utc(2026, 12, 1, 14), [pause]) == 3 * H
	open_pause = (utc(2026, 12, 1, 10), None)
	assert s.add(c, start, 3 * H, [open_pause]) == datetime.max.replace(tzinfo=UTC)
	assert s.between(c, start, utc(2026, 12, 1, 16), [open_pause]) == 1 * H


def test_always_on_calendar():
	c = s.Calendar()
	assert s.add(c, utc(2026, 12, 5, 23), 2 * H) == utc(2026, 12, 6, 1)
	assert s.between(c, utc(2026, 12, 5, 23), utc(2026, 12, 6, 1)) == 2 * H


def test_evaluate_states_and_escalation_levels():
	c = cal()
	start = utc(2026, 12, 1, 9)
	assert s.evaluate(c, start, 4 * H, utc(2026, 12, 1, 10)).status == "Running"
	warn = s.evaluate(c, start, 4 * H, utc(2026, 12, 1, 12))
	assert warn.status == "Warning" and warn.fraction == 0.75 and warn.left == H
	late = s.evaluate(c, start, 4 * H, utc(2026, 12, 1, 16))
	assert late.status == "Breached" and late.due == utc(2026, 12, 1, 13)
	assert s.evaluate(c, start, 4 * H, utc(2026, 12, 2, 9), met_on=utc(2026, 12, 1, 12)).status == "Met"
	assert s.evaluate(c, start, 4 * H, utc(2026, 12, 2, 9), met_on=utc(2026, 12, 1, 14)).status == "Missed"
	paused = s.evaluate(c, start, 4 * H, utc(2026, 12, 1, 16), pauses=[(utc(2026, 12, 1, 10), None)])
	assert paused.status == "Paused" and paused.elapsed == H
	assert s.evaluate(c, start, None, utc(2026, 12, 1, 16)).status == "No Target"
	assert [s.escalation_level(f) for f in (0.5, 0.75, 0.99, 1.0, 1.49, 1.5, 3)] == [0, 1, 1, 2, 2, 3, 3]


def test_calendar_from_erpnext_service_day_rows():
	rows = [
		{"workday": "Monday", "start_time": timedelta(hours=9), "end_time": timedelta(hours=12)},
		{"workday": "Monday", "start_time": "13:00:00", "end_time": "18:00:00"},
	]
	c = s.Calendar.from_rows(rows, tz="UTC")
	assert c.hours[0] == ((time(9), time(12)), (time(13), time(18)))
	# Monday 11:00 + 2 h -> 1 h before lunch, 1 h after
	assert s.add(c, utc(2026, 11, 30, 11), 2 * H) == utc(2026, 11, 30, 14)


def test_no_working_time_is_a_clear_error():
	with pytest.raises(ValueError):
		s.add(s.Calendar({0: ((time(9), time(17)),)}, frozenset(date(2026, 1, 5) + timedelta(weeks=k) for k in range(600)), "UTC"), utc(2026, 1, 1), H)
