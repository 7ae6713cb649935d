import pytest

from crm_suite.engine import agent_kpis as k

T = k.TicketRecord
S = k.SurveyRecord
R = k.ReviewRecord


def current():
	return k.PeriodData(
		tickets=[
			T("alice", "L1", 1.0, 10.0, True, False, True),
			T("alice", "L1", 2.0, 20.0, True, False, True),
			T("alice", "L1", 3.0, 30.0, False, True, False),
			T("alice", "L1", 4.0, None, None, None, True),  # still open
			T("bob", "L2", 0.5, 5.0, True, False, None),  # no SLA
			T("bob", "L2", None, 8.0, False, False, True),
		],
		surveys=[
			S("alice", "csat", 5, "L1"),
			S("alice", "csat", 4, "L1"),
			S("alice", "csat", 2, "L1"),
			S("alice", "nps", 10, "L1"),
			S("alice", "nps", 9, "L1"),
			S("alice", "nps", 5, "L1"),
			S("alice", "nps", 7, "L1"),
			S("bob", "csat", 5, "L2"),
		],
		reviews=[R("alice", 90.0, "L1"), R("alice", 70.0, "L1"), R("bob", 0.0, "L2")],
	)


def previous():
	return k.PeriodData(
		tickets=[
			T("alice", "L1", 3.0, 40.0, True, False, True),
			T("alice", "L1", 3.0, 40.0, False, True, False),
			T("alice", "L1", 3.0, 40.0, True, False, True),
		],
		surveys=[S("alice", "csat", 5), S("alice", "csat", 5), S("alice", "nps", 6)],
		reviews=[R("alice", 79.5)],
	)


def test_kpi_values_per_agent():
	rows = {r.key: r for r in k.scorecard(current(), previous())}
	assert list(rows) == ["alice", "bob", k.ALL]
	a = rows["alice"].cells
	assert a[k.VOLUME].value == 4
	assert a[k.FIRST_RESPONSE].value == pytest.approx(2.5) and a[k.FIRST_RESPONSE].n == 4
	assert a[k.RESOLUTION].value == pytest.approx(20.0) and a[k.RESOLUTION].n == 3  # open ticket ignored
	assert a[k.FCR].value == pytest.approx(200 / 3) and a[k.FCR].n == 3
	assert a[k.REOPEN].value == pytest.approx(100 / 3)
	assert a[k.SLA].value == pytest.approx(75.0) and a[k.SLA].n == 4
	assert a[k.CSAT].value == pytest.approx(200 / 3) and a[k.CSAT].n == 3
	assert a[k.CSAT].ci_low < a[k.CSAT].value < a[k.CSAT].ci_high
	# NPS: 2 promoters, 1 passive, 1 detractor of 4 -> 25
	assert a[k.NPS].value == pytest.approx(25.0) and a[k.NPS].n == 4
	assert a[k.QA].value == pytest.approx(80.0) and a[k.QA].n == 2
	b = rows["bob"].cells
	assert b[k.FIRST_RESPONSE].value == 0.5 and b[k.FIRST_RESPONSE].n == 1
	assert b[k.SLA].value == 100.0 and b[k.SLA].n == 1
	assert b[k.NPS].value is None and b[k.NPS].n == 0
	assert b[k.QA].value == 0.0
	total = rows[k.ALL].cells
	assert total[k.VOLUME].value == 6
	assert total[k.FCR].value == pytest.approx(60.0)  # 3 of 5 measurable
	assert total[k.CSAT].value == pytest.approx(75.0)  # 3 of 4


def test_trend_arrows_and_whether_they_are_good():
	a = {r.key: r for r in k.scorecard(current(), previous())}["alice"].cells
	# volume 3 -> 4: up, neutral KPI
	assert (a[k.VOLUME].previous, a[k.VOLUME].trend, a[k.VOLUME].good) == (3, k.UP, None)
	# first response 3.0 -> 2.5 h: down, good (lower is better)
	assert (a[k.FIRST_RESPONSE].trend, a[k.FIRST_RESPONSE].good) == (k.DOWN, True)
	assert (a[k.RESOLUTION].trend, a[k.RESOLUTION].good) == (k.DOWN, True)
	# FCR 66.7 -> 66.7 and reopen 33.3 -> 33.3: flat
	assert a[k.FCR].trend == k.FLAT and a[k.FCR].good is None
	assert a[k.REOPEN].trend == k.FLAT
	# CSAT 100 -> 66.7: down, bad; NPS -100 -> 25: up, good
	assert (a[k.CSAT].trend, a[k.CSAT].good) == (k.DOWN, False)
	assert (a[k.NPS].previous, a[k.NPS].trend, a[k.NPS].good) == (-100.0, k.UP, True)
	# QA 79.5 -> 80 is within the 1-point tolerance
	assert a[k.QA].trend == k.FLAT
	# bob had no previous period: no arrows
	b = {r.key: r for r in k.scorecard(current(), previous())}["bob"].cells
	assert all(c.trend is None and c.previous is None for c in b.values())


def test_tolerance_can_be_overridden():
	rows = k.scorecard(current(), previous(), tolerance={k.QA: k.Tolerance(absolute=0.1)})
	a = {r.key: r for r in rows}["alice"].cells
	assert (a[k.QA].trend, a[k.QA].good) == (k.UP, True)
	assert k.Tolerance(absolute=1, relative=0.05).band(100) == 5
	assert k.trend(k.RESOLUTION, 10.4, 10.0, k.Tolerance(relative=0.05)) == (k.FLAT, None)
	assert k.trend(k.RESOLUTION, 10.6, 10.0, k.Tolerance(relative=0.05)) == (k.UP, False)
	assert k.trend(k.CSAT, None, 80.0, k.Tolerance()) == (None, None)


def test_targets_floor_or_ceiling_and_row_overrides():
	targets = {k.FIRST_RESPONSE: 2.0, k.CSAT: 60.0, k.REOPEN: 10.0, k.VOLUME: 3, k.QA: 85}
	rows = {r.key: r for r in k.scorecard(current(), previous(), targets, row_targets={"bob": {k.QA: 0}})}
	a, b = rows["alice"].cells, rows["bob"].cells
	assert a[k.FIRST_RESPONSE].target == 2.0 and a[k.FIRST_RESPONSE].meets_target is False  # 2.5 h > 2 h
	assert b[k.FIRST_RESPONSE].meets_target is True  # 0.5 h
	assert a[k.CSAT].meets_target is True
	assert a[k.REOPEN].meets_target is False
	assert a[k.VOLUME].meets_target is True and b[k.VOLUME].meets_target is False
	assert a[k.QA].meets_target is False and b[k.QA].meets_target is True and b[k.QA].target == 0
	assert a[k.NPS].target is None and a[k.NPS].meets_target is None
	assert b[k.NPS].meets_target is None  # no value


def test_by_team_and_without_total():
	rows = k.scorecard(current(), previous(), by="team", total=False)
	assert [r.key for r in rows] == ["L1", "L2"]
	assert rows[0].cells[k.VOLUME].value == 4
	# previous surveys/reviews carry no team: they form their own "" group, L1 gets only the tickets
	assert rows[0].cells[k.VOLUME].previous == 3 and rows[0].cells[k.CSAT].previous is None
	with pytest.raises(ValueError):
		k.scorecard(current(), by="channel")


def test_empty_period():
	rows = k.scorecard(k.PeriodData())
	assert [r.key for r in rows] == [k.ALL]
	cells = rows[0].cells
	assert cells[k.VOLUME].value == 0
	assert all(cells[x].value is None for x in k.KPIS if x != k.VOLUME)
