"""Set-based reads of Call Logs for the KPI report, the wallboard, the number cards and staffing.

Every figure comes from one GROUP BY over `tabCall Log` that returns the sufficient statistics of
crm_suite.engine.call_kpis.CallTotals per group (and per disposition, for "calls by outcome"); the
engine turns them into KPIs. Nothing here loads calls one by one, so a month of a million-call table
stays a range scan of one of the indexes in ERPNEXT_INDEXES: (start_time), (crms_queue, start_time),
(crms_agent, start_time).

Field mapping (the webhook ingestion writes them): arrival = start_time, inbound = type "Incoming",
answered = crms_answered_at set, abandoned = crms_abandoned, wait = crms_wait_seconds, handle =
talk + hold + wrap-up seconds, transferred = crms_transferred, outcome = crms_disposition. First-call
resolution is "known" when the agent closed the call with a disposition (an Int/Check column cannot
say "unknown" by itself); it is then crms_first_call_resolution.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import frappe
from frappe.utils import cint, flt, get_datetime, getdate

from crm_suite.engine import call_kpis

AGENT_STATE_LOG = "CRMS Agent State Log"
AGENT_STATUS = "CRMS Agent Status"

# group code -> SQL expression of the group key (fixed strings, never user input)
GROUP_SQL = {
	"queue": "ifnull(cl.crms_queue, '')",
	"agent": "ifnull(cl.crms_agent, '')",
	"team": "ifnull(cl.crms_team, '')",
	"hour": "hour(cl.start_time)",
	"interval30": "(hour(cl.start_time) * 2 + minute(cl.start_time) div 30)",
	"day": "date(cl.start_time)",
}

# An optimizer hint placed after the table in every query here. Empty in production; the benchmark
# (benchmarks/call_reports.py) sets "ignore index (...)" to time the same report without our indexes.
INDEX_HINT = ""

_TOTALS_SQL = """
select {key} as grp, ifnull(cl.crms_disposition, '') as outcome,
	count(*) as calls,
	sum(cl.type = 'Incoming' and cl.crms_answered_at is not null) as answered,
	sum(cl.type = 'Incoming' and cl.crms_answered_at is null and cl.crms_abandoned = 1
		and cl.crms_wait_seconds > %(short)s) as abandoned,
	sum(cl.type = 'Incoming' and cl.crms_answered_at is null and cl.crms_abandoned = 1
		and cl.crms_wait_seconds <= %(short)s) as short_abandoned,
	sum(cl.type = 'Incoming' and cl.crms_answered_at is not null
		and cl.crms_wait_seconds <= %(threshold)s) as answered_within,
	sum(cl.type = 'Incoming' and cl.crms_answered_at is null and cl.crms_abandoned = 1
		and cl.crms_wait_seconds > %(short)s and cl.crms_wait_seconds <= %(threshold)s) as abandoned_within,
	sum(if(cl.type = 'Incoming' and cl.crms_answered_at is not null, cl.crms_wait_seconds, 0)) as wait_sum,
	sum(cl.crms_answered_at is not null) as handled,
	sum(if(cl.crms_answered_at is not null,
		cl.crms_talk_seconds + cl.crms_hold_seconds + cl.crms_wrapup_seconds, 0)) as handle_seconds,
	sum(cl.crms_answered_at is not null and cl.crms_transferred = 1) as transferred,
	sum(cl.crms_answered_at is not null and ifnull(cl.crms_disposition, '') != ''
		and cl.crms_first_call_resolution = 1) as fcr_yes,
	sum(cl.crms_answered_at is not null and ifnull(cl.crms_disposition, '') != '') as fcr_n
from `tabCall Log` cl {hint}
where cl.start_time >= %(start)s and cl.start_time < %(end)s {conditions}
group by grp, outcome
order by null
"""


def day_bounds(from_date, to_date) -> tuple[datetime, datetime]:
	"""[from 00:00, day after to 00:00): a half-open range the start_time index can seek."""
	start = datetime.combine(getdate(from_date), time.min)
	end = datetime.combine(getdate(to_date) + timedelta(days=1), time.min)
	return start, end


def totals_by(
	group: str | None,
	start: datetime,
	end: datetime,
	queue: str | None = None,
	agent: str | None = None,
	team: str | None = None,
	threshold_seconds: float = 20,
	short_abandon_seconds: float = 5,
) -> dict[object, call_kpis.CallTotals]:
	"""CallTotals per group key (one query), plus call_kpis.ALL for the whole selection."""
	key = GROUP_SQL[group] if group else "''"
	conditions = []
	params = {
		"start": start,
		"end": end,
		"threshold": flt(threshold_seconds),
		"short": flt(short_abandon_seconds),
	}
	for field, value in (("crms_queue", queue), ("crms_agent", agent), ("crms_team", team)):
		if value:
			conditions.append(f"and cl.{field} = %({field})s")
			params[field] = value
	rows = frappe.db.sql(
		_TOTALS_SQL.format(key=key, conditions=" ".join(conditions), hint=INDEX_HINT), params, as_dict=True
	)
	out: dict[object, call_kpis.CallTotals] = {}
	total = call_kpis.CallTotals()
	for r in rows:
		t = _row_totals(r)
		grp = r.grp if r.grp is not None else ""
		out[grp] = out[grp] + t if grp in out else t
		total = total + t
	result = {k: out[k] for k in sorted(out, key=lambda k: (str(type(k)), k))} if group else {}
	result[call_kpis.ALL] = total
	return result


def _row_totals(r) -> call_kpis.CallTotals:
	answered = cint(r.answered)
	abandoned = cint(r.abandoned)
	return call_kpis.CallTotals(
		calls=cint(r.calls),
		offered=answered + abandoned,
		answered=answered,
		abandoned=abandoned,
		short_abandoned=cint(r.short_abandoned),
		answered_within=cint(r.answered_within),
		abandoned_within=cint(r.abandoned_within),
		wait_sum=flt(r.wait_sum),
		wait_n=answered,
		handled=cint(r.handled),
		handle_seconds=flt(r.handle_seconds),
		transferred=cint(r.transferred),
		fcr_yes=cint(r.fcr_yes),
		fcr_n=cint(r.fcr_n),
		outcomes={r.outcome: cint(r.calls)},
	)


def staffed_seconds(start: datetime, end: datetime) -> dict[str, float]:
	"""Agent -> logged-in (not Offline) seconds in [start, end) from CRMS Agent State Log, clipped to
	the period; empty when that doctype is not installed."""
	if not frappe.db.exists("DocType", AGENT_STATE_LOG):
		return {}
	rows = frappe.db.sql(
		"""select user, sum(greatest(0, timestampdiff(second,
				greatest(`from`, %(start)s), least(ifnull(`to`, %(now)s), %(end)s)))) as secs
		from `tabCRMS Agent State Log`
		where `from` < %(end)s and ifnull(`to`, %(now)s) > %(start)s and state != 'Offline'
		group by user""",
		{"start": start, "end": end, "now": frappe.utils.now_datetime()},
	)
	return {u: flt(s) for u, s in rows if u and s}


def agent_states() -> dict[str, str]:
	"""User -> current state from CRMS Agent Status (empty when that doctype is not installed)."""
	if not frappe.db.exists("DocType", AGENT_STATUS):
		return {}
	return {r.user: r.state for r in frappe.get_all(AGENT_STATUS, fields=["user", "state"]) if r.user}


def calls_today_facts(day: date, now: datetime, queue: str | None = None) -> list[call_kpis.CallFact]:
	"""The day's inbound calls as CallFacts for the engine's wallboard (a day is thousands of rows,
	read through the start_time index with only the columns the board needs)."""
	start, end = day_bounds(day, day)
	conditions = "and crms_queue = %(queue)s" if queue else ""
	rows = frappe.db.sql(
		f"""select name, ifnull(crms_queue, '') as queue, crms_agent, start_time, crms_answered_at,
			end_time, crms_wait_seconds, crms_abandoned
		from `tabCall Log` {INDEX_HINT}
		where start_time >= %(start)s and start_time < %(end)s and type = 'Incoming' {conditions}""",
		{"start": start, "end": min(end, get_datetime(now) + timedelta(seconds=1)), "queue": queue},
		as_dict=True,
	)
	facts = []
	for r in rows:
		done = r.crms_answered_at is not None or r.crms_abandoned or r.end_time is not None
		facts.append(
			call_kpis.CallFact(
				call_id=r.name,
				queue=r.queue,
				agent=r.crms_agent,
				arrival=r.start_time,
				answered_at=r.crms_answered_at,
				ended_at=r.end_time,
				# a caller still waiting has no final wait yet: the engine measures it from arrival
				wait_seconds=flt(r.crms_wait_seconds) if done else None,
				abandoned=bool(r.crms_abandoned),
			)
		)
	return facts
