import pytest

from crm_suite.engine.segments import Condition, compile_sql, evaluate, pick_tier, validate

ROW = {"revenue_12m": 12000, "rfm_cell": "545", "churn_risk": 70, "territory": "West", "recency_days": 0}


def test_all_and_any():
	big = Condition("revenue_12m", ">=", "10000")
	risky = Condition("churn_risk", ">", "80")
	assert evaluate([big], ROW)
	assert not evaluate([big, risky], ROW, "all")
	assert evaluate([big, risky], ROW, "any")
	assert not evaluate([], ROW)


def test_in_like_and_nulls():
	assert evaluate([Condition("rfm_cell", "in", "555, 545")], ROW)
	assert evaluate([Condition("rfm_cell", "like", "5%")], ROW)
	assert not evaluate([Condition("territory", "not in", "West,East")], ROW)
	assert not evaluate([Condition("clv", ">", "0")], ROW)  # no value -> no match
	assert evaluate([Condition("recency_days", "<=", "0")], ROW)  # zero is a value


def test_compile_sql_uses_parameters_and_whitelist():
	sql, params = compile_sql(
		[Condition("revenue_12m", ">=", "10000"), Condition("territory", "in", "A,B")], "any"
	)
	assert "m.revenue_12m >= %s" in sql and " OR " in sql and "c.territory IN (%s, %s)" in sql
	assert params == [10000.0, "A", "B"]
	assert "m.revenue_12m != ''" not in sql
	assert compile_sql([]) == ("1=0", [])
	with pytest.raises(ValueError):
		compile_sql([Condition("name; drop table", "=", "1")])
	with pytest.raises(ValueError):
		validate([Condition("monetary", ">", "lots")])


def test_pick_tier_highest_priority():
	assert pick_tier([(1, "b", "Key"), (5, "a", "VIP"), (9, "c", None)]) == ("VIP", "a")
	assert pick_tier([(1, "b", None)]) is None
