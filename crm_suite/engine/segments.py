"""Segment rules: conditions over customer metrics, evaluated in Python or compiled to SQL.

A rule is a list of conditions (metric, operator, value) joined by "all" or "any". Metrics are a
closed whitelist mapping to SQL expressions over ``m`` (CRMS Customer Metrics) and ``c`` (Customer),
so user input never reaches SQL text: values are always parameters.

A customer without a metrics row (no purchase yet) has NULL metrics: numeric conditions on it are
false, as in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

# metric -> (SQL expression, kind)
METRICS: dict[str, tuple[str, str]] = {
	"recency_days": ("m.recency_days", "number"),
	"frequency": ("m.frequency", "number"),
	"monetary": ("m.monetary", "number"),
	"average_order_value": ("m.average_order_value", "number"),
	"revenue_12m": ("m.revenue_12m", "number"),
	"r_score": ("m.r_score", "number"),
	"f_score": ("m.f_score", "number"),
	"m_score": ("m.m_score", "number"),
	"rfm_cell": ("m.rfm_cell", "text"),
	"segment": ("m.segment", "text"),
	"clv": ("m.clv", "number"),
	"churn_risk": ("m.churn_risk", "number"),
	"lifecycle_stage": ("c.crms_lifecycle_stage", "text"),
	"customer_group": ("c.customer_group", "text"),
	"territory": ("c.territory", "text"),
}
OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "in", "not in", "like")


@dataclass(frozen=True)
class Condition:
	metric: str
	operator: str
	value: str


def _check(cond: Condition) -> None:
	if cond.metric not in METRICS:
		raise ValueError(f"unknown metric {cond.metric!r}")
	if cond.operator not in OPERATORS:
		raise ValueError(f"unknown operator {cond.operator!r}")
	if cond.operator == "like" and METRICS[cond.metric][1] != "text":
		raise ValueError("'like' needs a text metric")


def _values(cond: Condition) -> list:
	parts = (
		[v.strip() for v in str(cond.value).split(",")] if cond.operator in ("in", "not in") else [cond.value]
	)
	if METRICS[cond.metric][1] == "number":
		return [float(v) for v in parts]
	return [str(v).strip() for v in parts]


def validate(conditions: list[Condition]) -> None:
	"""Raise ValueError for an unknown metric/operator or a non-numeric value on a number metric."""
	for cond in conditions:
		_check(cond)
		_values(cond)


def _like(value: str, pattern: str) -> bool:
	import re

	rx = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
	return re.fullmatch(rx, value, flags=re.IGNORECASE | re.DOTALL) is not None


def evaluate_condition(cond: Condition, row: dict) -> bool:
	_check(cond)
	actual = row.get(cond.metric)
	if actual is None or actual == "":
		return False
	values = _values(cond)
	if METRICS[cond.metric][1] == "number":
		actual = float(actual)
	else:
		actual = str(actual)
	op, v = cond.operator, values[0]
	if op == "=":
		return actual == v
	if op == "!=":
		return actual != v
	if op == ">":
		return actual > v
	if op == ">=":
		return actual >= v
	if op == "<":
		return actual < v
	if op == "<=":
		return actual <= v
	if op == "in":
		return actual in values
	if op == "not in":
		return actual not in values
	return _like(actual, v)


def evaluate(conditions: list[Condition], row: dict, match: str = "all") -> bool:
	"""True when the row satisfies the rule (an empty rule matches nothing)."""
	if not conditions:
		return False
	results = (evaluate_condition(c, row) for c in conditions)
	return all(results) if match == "all" else any(results)


def compile_sql(conditions: list[Condition], match: str = "all") -> tuple[str, list]:
	"""(WHERE fragment, parameters) over aliases m and c; NULLs never match, as in `evaluate`."""
	if not conditions:
		return "1=0", []
	parts, params = [], []
	for cond in conditions:
		_check(cond)
		expr, kind = METRICS[cond.metric]
		values = _values(cond)
		guard = f"{expr} IS NOT NULL" + (f" AND {expr} != ''" if kind == "text" else "")
		if cond.operator in ("in", "not in"):
			marks = ", ".join(["%s"] * len(values))
			parts.append(f"({guard} AND {expr} {cond.operator.upper()} ({marks}))")
			params.extend(values)
		else:
			op = "LIKE" if cond.operator == "like" else cond.operator
			parts.append(f"({guard} AND {expr} {op} %s)")
			params.append(values[0])
	joiner = " AND " if match == "all" else " OR "
	return "(" + joiner.join(parts) + ")", params


def pick_tier(matches: list[tuple[int, str, str | None]]) -> tuple[str, str] | None:
	"""From (priority, rule, tier) of the matching rules: (tier, rule) of the highest priority rule
	that sets a tier (ties broken by rule name), or None."""
	with_tier = [(-prio, rule, tier) for prio, rule, tier in matches if tier]
	if not with_tier:
		return None
	_, rule, tier = min(with_tier)
	return tier, rule
