from datetime import date, timedelta

from crm_suite.engine.lifecycle import (
	Origin,
	Purchase,
	Thresholds,
	Transition,
	current,
	diff,
	next_review_date,
	replay,
	time_in_stage,
)

D0 = date(2024, 1, 1)
T = Thresholds(active_days=90, at_risk_days=180, lapsed_days=365, gap_factor=3)


def d(n: int) -> date:
	return D0 + timedelta(days=n)


def stages(log):
	return [(tr.date, tr.to_stage, tr.cause) for tr in log]


def test_no_purchases_is_prospect_or_lead():
	assert current(replay([], Origin(D0), d(10), T))[0] == "Prospect"
	assert current(replay([], Origin(D0, from_lead=True), d(10), T))[0] == "Lead"
	assert current(replay([], Origin(D0, from_lead=True, qualified=True), d(10), T))[0] == "Qualified"


def test_first_purchase_then_active_then_time_driven():
	ps = [Purchase(d(10), "SI:1"), Purchase(d(40), "SI:2")]
	log = replay(ps, Origin(D0), d(600), T)
	assert stages(log) == [
		(D0, "Prospect", "created"),
		(d(10), "Customer", "first_purchase"),
		(d(40), "Active", "repeat_purchase"),
		(d(40 + 180), "At Risk", "no_purchase"),
		(d(40 + 365), "Lapsed", "lapsed"),
	]
	assert log[1].reference == "SI:1"
	assert log[2].from_stage == "Customer"


def test_as_of_cuts_future_and_review_date():
	ps = [Purchase(d(10), "SI:1")]
	log = replay(ps, Origin(D0), d(100), T)
	assert current(log) == ("Customer", d(10))
	assert next_review_date(ps, Origin(D0), d(100), T) == d(190)
	assert next_review_date(ps, Origin(D0), d(190), T) == d(375)
	assert next_review_date(ps, Origin(D0), d(400), T) is None


def test_reactivated_after_lapse():
	ps = [Purchase(d(0), "a"), Purchase(d(500), "b")]
	log = replay(ps, Origin(D0), d(501), T)
	assert [tr.to_stage for tr in log] == ["Prospect", "Customer", "At Risk", "Lapsed", "Reactivated"]
	assert log[-1].date == d(500) and log[-1].reference == "b"


def test_purchase_while_at_risk_is_active_again():
	ps = [Purchase(d(0), "a"), Purchase(d(200), "b")]
	log = replay(ps, Origin(D0), d(201), T)
	assert [tr.to_stage for tr in log][-2:] == ["At Risk", "Active"]


def test_gap_above_own_norm_is_at_risk_early():
	# purchases every 10 days: median gap 10, factor 3 -> at risk after 31 days, not 180
	ps = [Purchase(d(i * 10), str(i)) for i in range(4)]
	log = replay(ps, Origin(D0), d(100), T)
	assert log[-1] == Transition(d(30 + 31), "Active", "At Risk", "gap_above_norm")


def test_same_day_documents_count_once():
	ps = [Purchase(d(5), "Sales Order:1"), Purchase(d(5), "Sales Invoice:1")]
	log = replay(ps, Origin(D0), d(6), T)
	assert [tr.to_stage for tr in log] == ["Prospect", "Customer"]
	assert log[-1].reference == "Sales Invoice:1"


def test_backdated_purchase_before_creation_moves_start():
	log = replay([Purchase(d(-30), "x")], Origin(D0), d(0), T)
	assert log[0].date == d(-30)


def test_backdated_invoice_and_cancel_diff_restores_log():
	base = [Purchase(d(0), "a"), Purchase(d(300), "b")]
	before = replay(base, Origin(D0), d(310), T)
	after = replay([*base, Purchase(d(60), "back")], Origin(D0), d(310), T)
	keep, tail = diff(before, after)
	assert keep == 2  # Prospect, Customer untouched
	assert tail[0] == Transition(d(60), "Customer", "Active", "repeat_purchase", "back")
	assert before[keep:] != tail
	# cancelling the backdated invoice replays back to exactly the old log
	restored = before[:0] + replay(base, Origin(D0), d(310), T)
	keep2, tail2 = diff(after, restored)
	assert after[:keep2] + tail2 == before


def test_diff_identical_is_noop():
	log = replay([Purchase(d(0), "a")], Origin(D0), d(10), T)
	assert diff(log, log) == (len(log), [])


def test_time_in_stage():
	log = replay([Purchase(d(10), "a")], Origin(D0), d(20), T)
	assert time_in_stage(log, d(20)) == [("Prospect", D0, 10), ("Customer", d(10), 10)]
