"""Staffing Plan: calls forecast per interval from Call Log history, the agents each interval needs for the
target service level (with occupancy and abandonment caps and shrinkage), against the agents scheduled in
CRMS Agent Shift, and the service level, ASA and abandonment those scheduled agents would give.

The default model is Erlang A: callers hang up after a patience estimated from the same history (abandoned
calls / total time callers waited). Erlang C, where nobody hangs up, is the other choice, and the fallback
when the history has no abandoned call.

The maths is in the engine: forecast.fit / forecast.backtest (weekly volume x weekday share x intraday
profile, backtested against the seasonal-naive baseline), erlang.staffing_plan / compare_plan,
roster.scheduled. History is read with one GROUP BY per (date, interval) over the start_time index.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, nowdate

from crm_suite.call_centre import call_data
from crm_suite.engine import erlang, forecast, roster

SHIFT = "CRMS Agent Shift"
MIN_AHT_SAMPLES = 5  # fewer answered calls in an interval's history: use the overall AHT instead

_HISTORY_SQL = """
select date(cl.start_time) as d,
	(hour(cl.start_time) * 60 + minute(cl.start_time)) div %(interval)s as i,
	sum(cl.type = 'Incoming' and (cl.crms_answered_at is not null or cl.crms_abandoned = 1)) as offered,
	sum(cl.crms_answered_at is not null) as handled,
	sum(if(cl.crms_answered_at is not null,
		cl.crms_talk_seconds + cl.crms_hold_seconds + cl.crms_wrapup_seconds, 0)) as handle_seconds,
	sum(cl.type = 'Incoming' and cl.crms_abandoned = 1) as abandoned,
	sum(if(cl.type = 'Incoming' and (cl.crms_answered_at is not null or cl.crms_abandoned = 1),
		ifnull(cl.crms_wait_seconds, 0), 0)) as waiting_seconds
from `tabCall Log` cl {hint}
where cl.start_time >= %(start)s and cl.start_time < %(end)s {conditions}
group by d, i
order by null
"""


def _f(filters, key, default):
	v = filters.get(key)
	return default if v in (None, "") else flt(v)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	first = getdate(filters.date or add_days(nowdate(), 1))
	n_days = 7 if filters.period == "Week" else 1
	days = [first + timedelta(days=k) for k in range(n_days)]
	interval = cint(filters.interval or 30)
	if interval <= 0 or 1440 % interval:
		frappe.throw(_("The interval must divide a day into whole intervals."))
	weeks = max(1, cint(filters.history_weeks or 8))
	params = {
		"target_sl": _f(filters, "target_sl", 80) / 100,
		"target_seconds": _f(filters, "target_seconds", 20),
		"max_occupancy": (_f(filters, "max_occupancy", 0) / 100) or None,
		"shrinkage": _f(filters, "shrinkage", 30) / 100,
	}
	fixed_aht = _f(filters, "aht_seconds", 180)
	use_history_aht = (filters.aht_source or "History") == "History"

	counts, actual, aht_by_interval, overall_aht, patience_stats = load_history(
		first, days[-1], weeks, interval, filters.queue
	)
	messages = []
	params.update(patience_params(filters, patience_stats, messages))
	if counts:
		predicted = forecast.forecast(counts, days, end=first - timedelta(days=1), interval_minutes=interval)
		messages.append(backtest_message(counts, interval))
	else:
		predicted = {(d, i): 0.0 for d in days for i in range(1440 // interval)}
		messages.append(_("No call history before {0}: the forecast is zero.").format(frappe.format(first)))
	if use_history_aht and overall_aht is None:
		messages.append(_("No answered calls in the history: using the fixed AHT."))

	shifts = load_shifts(days[0], days[-1])
	labels = roster.interval_labels(interval)
	items, rostered, keys = [], [], []
	for d in days:
		on_shift = roster.scheduled(shifts, d, interval, filters.queue or None)
		for i, label in enumerate(labels):
			aht = fixed_aht
			if use_history_aht and overall_aht is not None:
				aht = aht_by_interval.get(i) or overall_aht
			items.append(((d, i), predicted.get((d, i), 0.0), aht))
			rostered.append(on_shift[i])
			keys.append((d, label))
	try:
		plan = erlang.staffing_plan(items, interval_seconds=interval * 60, **params)
		gaps = erlang.compare_plan(plan, rostered)
	except ValueError as e:
		frappe.throw(_("Cannot compute the staffing plan: {0}").format(str(e)))

	status_labels = {"short": _("Short"), "over": _("Over"), "ok": _("OK")}
	data = []
	for (d, label), r, g in zip(keys, plan, gaps, strict=True):
		data.append(
			{
				"day": d,
				"interval": label,
				"forecast_calls": round(r.calls, 1),
				"actual_calls": actual.get(r.label),
				"aht": round(r.aht_seconds),
				"traffic": round(r.traffic, 2),
				"required_on_phones": r.agents,
				"required": r.scheduled,
				"scheduled": g.rostered,
				"gap": g.gap,
				"status": status_labels[g.status],
				"status_code": g.status,
				"expected_sl": None if r.calls == 0 else round(100 * g.service_level, 1),
				"expected_asa": None if r.calls == 0 or g.asa == float("inf") else round(g.asa, 1),
				"expected_abandon": None if r.calls == 0 else round(100 * g.abandon, 1),
			}
		)
	return (
		get_columns(n_days > 1, bool(actual), params.get("patience_seconds") is not None),
		data,
		"<br>".join(messages),
		get_chart(data, n_days > 1),
		get_summary(data, interval),
	)


def patience_params(filters, stats: tuple[int, float], messages: list[str]) -> dict:
	"""Erlang A's inputs from the filters: the callers' patience (given, or estimated from the history's
	abandoned calls) and the abandonment cap. Empty for Erlang C."""
	if (filters.model or "Erlang A") != "Erlang A":
		return {}
	abandoned, waiting = stats
	patience = _f(filters, "patience_seconds", 0) or None
	if patience is None:
		patience = erlang.patience_estimate(abandoned, waiting)
		if patience is None:
			messages.append(_("No abandoned calls in the history: planned with Erlang C (nobody hangs up)."))
			return {}
		messages.append(
			_(
				"Erlang A: callers hang up after {0} s on average, estimated from {1} abandoned calls over {2} hours of waiting."
			).format(round(patience), abandoned, round(waiting / 3600, 1))
		)
	else:
		messages.append(_("Erlang A: callers hang up after {0} s on average.").format(round(patience)))
	max_abandon = _f(filters, "max_abandon", 5) / 100
	return {"patience_seconds": patience, "max_abandon": max_abandon or None}


def load_history(first: date, last: date, weeks: int, interval: int, queue: str | None):
	"""Offered calls per (date, interval) for the `weeks` before `first` (the forecast's history) and
	for the plan days themselves when they are past (actuals), the AHT per interval of day, and the
	history's (abandoned calls, seconds callers waited) for the patience estimate."""
	start = datetime.combine(first - timedelta(days=7 * weeks), time.min)
	end = datetime.combine(last + timedelta(days=1), time.min)
	conditions = "and cl.crms_queue = %(queue)s" if queue else ""
	rows = frappe.db.sql(
		_HISTORY_SQL.format(conditions=conditions, hint=call_data.INDEX_HINT),
		{"start": start, "end": end, "interval": interval, "queue": queue},
		as_dict=True,
	)
	counts: dict[tuple[date, int], float] = {}
	actual: dict[tuple[date, int], int] = {}
	handled: dict[int, int] = {}
	handle: dict[int, float] = {}
	abandoned, waiting = 0, 0.0
	for r in rows:
		key = (getdate(r.d), cint(r.i))
		if key[0] >= first:
			actual[key] = cint(r.offered)
			continue
		counts[key] = flt(r.offered)
		abandoned += cint(r.abandoned)
		waiting += flt(r.waiting_seconds)
		handled[key[1]] = handled.get(key[1], 0) + cint(r.handled)
		handle[key[1]] = handle.get(key[1], 0.0) + flt(r.handle_seconds)
	n, total = sum(handled.values()), sum(handle.values())
	overall = total / n if n else None
	by_interval = {i: handle[i] / c for i, c in handled.items() if c >= MIN_AHT_SAMPLES and handle[i] > 0}
	if counts and not any(counts.values()):
		counts = {}
	return counts, actual, by_interval, overall, (abandoned, waiting)


def backtest_message(counts, interval: int) -> str:
	try:
		bt = forecast.backtest(counts, horizon_days=7, folds=4, interval_minutes=interval)
	except ValueError:
		return _("Too little history for a backtest (needs 5 weeks).")
	model, naive = bt["model"]["wape"], bt["seasonal_naive"]["wape"]
	if model is None or naive is None:
		return _("Backtest: no calls in the tested weeks.")
	return _(
		"Forecast backtest over the last 4 weeks (weekly folds): WAPE {0}% against {1}% for the seasonal-naive forecast (same interval last week)."
	).format(round(100 * model, 1), round(100 * naive, 1))


def load_shifts(first: date, last: date) -> list[roster.Shift]:
	if not frappe.db.exists("DocType", SHIFT):
		return []
	rows = frappe.get_all(
		SHIFT,
		filters={"enabled": 1},
		fields=[
			"agent",
			"start_time",
			"end_time",
			"queues",
			"valid_from",
			"valid_to",
			*roster.WEEKDAY_FIELDS,
		],
		limit_page_length=0,
	)
	shifts = []
	for r in rows:
		# the day before `first` too: its overnight shifts run into the first plan day
		if r.valid_from and getdate(r.valid_from) > last:
			continue
		if r.valid_to and getdate(r.valid_to) < first - timedelta(days=1):
			continue
		shifts.append(
			roster.Shift(
				agent=r.agent,
				start=_time(r.start_time),
				end=_time(r.end_time),
				weekdays=frozenset(k for k, f in enumerate(roster.WEEKDAY_FIELDS) if cint(r.get(f))),
				queues=roster.parse_queues(r.queues),
				valid_from=getdate(r.valid_from) if r.valid_from else None,
				valid_to=getdate(r.valid_to) if r.valid_to else None,
			)
		)
	return shifts


def _time(v) -> time:
	"""Time columns come back as timedelta from MariaDB."""
	if isinstance(v, timedelta):
		secs = int(v.total_seconds()) % 86400
		return time(secs // 3600, secs % 3600 // 60)
	if isinstance(v, time):
		return v
	h, m, *_rest = str(v).split(":")
	return time(int(h), int(m))


def get_columns(week: bool, with_actual: bool, with_abandon: bool = False) -> list[dict]:
	cols = []
	if week:
		cols.append({"fieldname": "day", "label": _("Day"), "fieldtype": "Date", "width": 100})
	cols += [
		{"fieldname": "interval", "label": _("Interval"), "fieldtype": "Data", "width": 80},
		{"fieldname": "forecast_calls", "label": _("Forecast Calls"), "fieldtype": "Float", "precision": 1},
	]
	if with_actual:
		cols.append({"fieldname": "actual_calls", "label": _("Actual Calls"), "fieldtype": "Int"})
	cols += [
		{"fieldname": "aht", "label": _("AHT (s)"), "fieldtype": "Int", "width": 80},
		{"fieldname": "traffic", "label": _("Erlangs"), "fieldtype": "Float", "precision": 2, "width": 80},
		{"fieldname": "required_on_phones", "label": _("Agents on Phones"), "fieldtype": "Int"},
		{"fieldname": "required", "label": _("Required Agents"), "fieldtype": "Int"},
		{"fieldname": "scheduled", "label": _("Scheduled"), "fieldtype": "Int"},
		{"fieldname": "gap", "label": _("Gap"), "fieldtype": "Int", "width": 70},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 70},
		{"fieldname": "expected_sl", "label": _("Expected SL %"), "fieldtype": "Percent"},
		{"fieldname": "expected_asa", "label": _("Expected ASA (s)"), "fieldtype": "Float", "precision": 1},
	]
	if with_abandon:
		cols.append(
			{"fieldname": "expected_abandon", "label": _("Expected Abandon %"), "fieldtype": "Percent"}
		)
	return cols


def get_chart(data: list[dict], week: bool) -> dict:
	labels = [(f"{r['day'].strftime('%a')} {r['interval']}" if week else r["interval"]) for r in data]
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Required"), "values": [r["required"] for r in data]},
				{"name": _("Scheduled"), "values": [r["scheduled"] for r in data]},
			],
		},
		"type": "line",
		"lineOptions": {"regionFill": 0, "hideDots": 1},
		"axisOptions": {"xIsSeries": 1},
		"colors": ["#e24c4c", "#2490ef"],
	}


def get_summary(data: list[dict], interval: int) -> list[dict]:
	short = [r for r in data if r["gap"] < 0]
	return [
		{
			"value": round(sum(r["forecast_calls"] for r in data)),
			"label": _("Forecast Calls"),
			"datatype": "Int",
		},
		{
			"value": max((r["required"] for r in data), default=0),
			"label": _("Peak Required"),
			"datatype": "Int",
		},
		{
			"value": max((r["scheduled"] for r in data), default=0),
			"label": _("Peak Scheduled"),
			"datatype": "Int",
		},
		{
			"value": len(short),
			"label": _("Intervals Short"),
			"datatype": "Int",
			"indicator": "Red" if short else "Green",
		},
		{
			"value": round(sum(r["required"] for r in data) * interval / 60, 1),
			"label": _("Required Agent-Hours"),
			"datatype": "Float",
		},
	]
