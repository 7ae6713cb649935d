from datetime import date, time

import pytest

from crm_suite.engine import roster as r

MON = date(2026, 3, 2)  # a Monday


def shift(agent, start, end, days=(0, 1, 2, 3, 4), **kw):
	return r.Shift(agent, time(*start), time(*end), frozenset(days), **kw)


def test_day_shift_counts_whole_intervals_only():
	s = r.scheduled([shift("a", (9, 0), (17, 0)), shift("b", (9, 15), (12, 0))], MON)
	assert len(s) == 48
	assert s[17] == 0 and s[18] == 1  # 08:30 nobody, 09:00 a only (b starts 09:15)
	assert s[19] == 2 and s[23] == 2  # 09:30 .. 11:30 both
	assert s[24] == 1 and s[33] == 1 and s[34] == 0  # 12:00 a; 16:30 a; 17:00 nobody


def test_overnight_shift_tail_belongs_to_the_start_day():
	night = shift("n", (22, 0), (6, 0), days=(4,))  # Friday night only
	fri, sat, sun = date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8)
	assert r.scheduled([night], fri)[44:] == [1, 1, 1, 1] and r.scheduled([night], fri)[:12] == [0] * 12
	assert r.scheduled([night], sat)[:12] == [1] * 12 and r.scheduled([night], sat)[12] == 0
	assert sum(r.scheduled([night], sun)) == 0


def test_weekdays_validity_queues_and_distinct_agents():
	shifts = [
		shift("a", (8, 0), (12, 0), queues=r.parse_queues("billing, sales")),
		shift("a", (10, 0), (14, 0)),  # overlapping second shift of the same agent counts once
		shift("c", (8, 0), (12, 0), valid_from=date(2026, 3, 3)),
		shift("d", (8, 0), (12, 0), days=(5, 6)),
	]
	s = r.scheduled(shifts, MON)
	assert s[16] == 1 and s[20] == 1 and s[26] == 1 and s[28] == 0
	assert r.scheduled(shifts, date(2026, 3, 3))[16] == 2  # c valid from Tuesday
	assert r.scheduled(shifts, MON, queue="support")[16] == 0  # a's first shift is billing/sales only
	assert r.scheduled(shifts, MON, queue="support")[20] == 1  # a's second shift takes every queue
	assert r.scheduled(shifts, date(2026, 3, 7))[16] == 1  # Saturday: d
	assert r.parse_queues(" x,\ny ,, ") == {"x", "y"}
	with pytest.raises(ValueError):
		r.scheduled(shifts, MON, interval_minutes=7)
	assert r.interval_labels()[:3] == ["00:00", "00:30", "01:00"]
