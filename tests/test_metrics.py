from datetime import date, timedelta

import pytest

from crm_suite.engine.metrics import (
	Params,
	annuity,
	churn_reason_codes,
	churn_reasons,
	clv,
	compute,
	ranks,
	score,
	segment,
)

AS_OF = date(2025, 1, 1)


def ago(n: int) -> date:
	return AS_OF - timedelta(days=n)


def test_rank_ties_share_lowest_rank():
	assert ranks({"a": 1, "b": 1, "c": 2, "d": 3}) == {"a": 1, "b": 1, "c": 3, "d": 4}
	assert ranks({"a": 1, "b": 1, "c": 2}, descending=True) == {"c": 1, "a": 2, "b": 2}


def test_score_quintiles():
	assert [score(r, 10) for r in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
	assert score(1, 1) == 1


def test_equal_values_always_equal_scores():
	invoices = [(f"C{i}", ago(10), 100.0, False) for i in range(7)]
	invoices += [("X", ago(5), 500.0, False), ("X", ago(3), 500.0, False)]
	rows = compute(invoices, AS_OF)
	cells = {rows[f"C{i}"]["rfm_cell"] for i in range(7)}
	assert cells == {"111"}
	assert rows["X"]["rfm_cell"] == "555"
	assert rows["X"]["segment"] == "Champions"


def test_returns_are_netted_not_purchases():
	rows = compute(
		[("A", ago(100), 300.0, False), ("A", ago(50), -100.0, True), ("B", ago(5), -50.0, True)], AS_OF
	)
	assert "B" not in rows
	a = rows["A"]
	assert (a["frequency"], a["monetary"], a["average_order_value"]) == (1, 200.0, 200.0)
	assert a["last_purchase"] == ago(100) and a["recency_days"] == 100
	assert a["revenue_12m"] == 200.0


def test_revenue_12m_window_and_gap():
	rows = compute(
		[("A", ago(400), 100.0, False), ("A", ago(200), 50.0, False), ("A", ago(0), 50.0, False)], AS_OF
	)
	a = rows["A"]
	assert a["revenue_12m"] == 100.0
	assert a["avg_gap_days"] == 200.0
	assert a["tenure_days"] == 400


def test_segment_map_covers_grid():
	names = {segment(r, f) for r in range(1, 6) for f in range(1, 6)}
	assert len(names) == 11
	assert segment(1, 1) == "Lost" and segment(2, 5) == "Can't Lose Them" and segment(5, 1) == "New Customers"


def test_clv_model():
	p = Params(horizon_months=12, discount_rate=0, margin=50)
	assert annuity(12, 0) == 12
	# 1,200 over 365 + 30 day gap, bought recently: 1200*0.5*30/395*12
	assert clv(1200, 365, 10, 30, p) == pytest.approx(1200 * 0.5 * 30 / 395 * 12, abs=0.01)
	# long silence decays survival
	assert clv(1200, 365, 300, 30, p) < clv(1200, 365, 10, 30, p) / 10
	assert annuity(36, 10) < 36


def test_churn_components_and_model_based_risk_and_reasons():
	rows = compute(
		[("A", ago(800), 1000.0, False), ("A", ago(700), 1000.0, False), ("A", ago(400), 1000.0, False)],
		AS_OF,
	)
	a = rows["A"]
	assert a["churn_recency"] == 50.0
	assert a["churn_gap"] > 0
	assert a["churn_trend"] == 20.0
	# the risk is the model's P(no purchase in the next active_days), in percent
	assert 50 < a["churn_risk"] <= 100 and 0 <= a["p_alive"] < 100
	codes = [c for c, _ in churn_reason_codes(a)]
	assert codes[0] == "gap_above_norm" and "revenue_declining" in codes and "expected_purchases" in codes
	assert churn_reasons(a)[0] == "400 days since the last purchase, against a usual gap of 200 days"
	fresh = compute([("B", ago(1), 10.0, False), ("B", ago(30), 10.0, False)], AS_OF)["B"]
	assert fresh["churn_risk"] < a["churn_risk"]
	fresh_codes = [c for c, _ in churn_reason_codes(fresh)]
	assert "expected_purchases" in fresh_codes
	assert not {"gap_above_norm", "no_purchase_for", "single_purchase"} & set(fresh_codes)


def test_model_is_fitted_once_and_reused_when_given():
	from crm_suite.engine import clv as clv_model

	invoices = [(f"C{k}", ago(10 * (k % 30) + 5 * j), 100.0 + k, False) for k in range(60) for j in range(k % 4 + 1)]
	rows = compute(invoices, AS_OF)
	model = clv_model.fit(
		clv_model.summarise([(c, d, a) for c, d, a, _r in invoices], AS_OF)
	).to_dict()
	again = compute(invoices, AS_OF, model=model)
	assert {c: r["clv"] for c, r in rows.items()} == {c: r["clv"] for c, r in again.items()}
