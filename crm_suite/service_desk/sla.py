"""SLAs that tick on ERPNext's Issue: policy choice and due times on save, a set-based re-evaluation job
with warning, breach and three escalation levels.

Why not ERPNext's own SLA (Support Settings "Track Service Level Agreement"): it evaluates a ticket
only inside that ticket's save (a breach at 3 a.m. shows when somebody next saves the ticket), walks
day by day in naive server time (no DST), has no escalation, and its `apply` runs on every validate of
every SLA doctype. If both were enabled, both would write status fields on the same Issue. We leave it
off and keep our state in `crms_*` fields; ERPNext's `first_responded_on` (set by frappe when an agent
replies) and `sla_resolution_date` are reused as the response and resolution moments.

The clock arithmetic is the pure engine (crm_suite/engine/sla_clock.py, sla_policy.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import add_to_date, format_datetime, get_datetime, get_system_timezone, now_datetime

from crm_suite.engine.sla_clock import Calendar, aware
from crm_suite.engine.sla_policy import (
	ACTIVE_STATUSES,
	TicketSLA,
	Timeline,
	evaluate_ticket,
	pause_seconds,
	select_policy,
	targets_for,
)

POLICY_CACHE_KEY = "crms_sla_policies"
POLICY_CACHE_SECONDS = 300  # holiday list edits show up within five minutes
FINAL_STATUSES = ("Resolved", "Closed")
CHANNEL_FIELD = "crms_channel"  # set by the intake area, when present
COMPLAINT_FIELD = "crms_complaint_class"
JOB_ID = "crms_sla_reevaluate"
WRITE_CHUNK = 250  # CASE with k branches costs k per row: keep k small, statements few
DATETIME_FIELDS = (
	"creation",
	"service_level_agreement_creation",
	"first_responded_on",
	"crms_response_due",
	"crms_resolution_due",
	"crms_sla_paused_since",
	"sla_resolution_date",
)
STATE_FIELDS = (
	"crms_sla_status",
	"crms_response_due",
	"crms_resolution_due",
	"crms_response_left_seconds",
	"crms_resolution_left_seconds",
	"crms_escalation_level",
	"crms_sla_paused_since",
	"crms_sla_paused_seconds",
	"sla_resolution_date",
)


# ------------------------------------------------------------------------------------------------
# Policies: loaded once (cached for a few minutes), as plain dicts the engine understands


def clear_policy_cache() -> None:
	frappe.cache.delete_value(POLICY_CACHE_KEY)


def load_policies(fresh: bool = False) -> dict[str, dict]:
	"""name -> policy dict with `calendar`, `pauses`, `levels`; every enabled CRMS SLA Policy."""
	if not fresh:
		cached = frappe.cache.get_value(POLICY_CACHE_KEY)
		if cached is not None:
			return cached
	policies = _read_policies()
	frappe.cache.set_value(POLICY_CACHE_KEY, policies, expires_in_sec=POLICY_CACHE_SECONDS)
	return policies


def _read_policies() -> dict[str, dict]:
	rows = frappe.get_all(
		"CRMS SLA Policy",
		filters={"enabled": 1},
		fields=[
			"name",
			"enabled",
			"is_default",
			"sort_order",
			"issue_priority",
			"customer_tier",
			"channel",
			"complaint_class",
			"response_hours",
			"resolution_hours",
			"holiday_list",
			"time_zone",
			"pause_statuses",
			"warning_percent",
			"level_2_percent",
			"level_3_percent",
			"supervisor_user",
			"supervisor_role",
			"reassign_on_level_2",
			"manager_user",
			"manager_role",
		],
	)
	if not rows:
		return {}
	names = [r.name for r in rows]
	targets: dict[str, list[dict]] = {}
	for t in frappe.get_all(
		"CRMS SLA Target",
		filters={"parent": ("in", names), "parenttype": "CRMS SLA Policy"},
		fields=["parent", "issue_priority", "response_hours", "resolution_hours"],
	):
		targets.setdefault(t.parent, []).append(dict(t))
	hours: dict[str, list[dict]] = {}
	for h in frappe.get_all(
		"CRMS SLA Working Hour",
		filters={"parent": ("in", names), "parenttype": "CRMS SLA Policy"},
		fields=["parent", "weekday", "start_time", "end_time"],
	):
		hours.setdefault(h.parent, []).append({"workday": h.weekday, **h})
	holidays = _holidays({r.holiday_list for r in rows if r.holiday_list})
	system_tz = get_system_timezone()
	out = {}
	for r in rows:
		policy = dict(r)
		policy["targets"] = targets.get(r.name, [])
		policy["calendar"] = Calendar.from_rows(
			hours.get(r.name, []), holidays.get(r.holiday_list, ()), r.time_zone or system_tz
		)
		policy["pauses"] = tuple(s.strip() for s in (r.pause_statuses or "").splitlines() if s.strip())
		warning = (r.warning_percent or 75) / 100
		policy["warning_at"] = warning
		policy["levels"] = (warning, (r.level_2_percent or 100) / 100, (r.level_3_percent or 150) / 100)
		out[r.name] = policy
	return out


def _holidays(lists: set[str]) -> dict[str, frozenset[date]]:
	if not lists:
		return {}
	out: dict[str, set[date]] = {}
	for h in frappe.get_all(
		"Holiday",
		filters={"parent": ("in", list(lists)), "parenttype": "Holiday List"},
		fields=["parent", "holiday_date"],
	):
		out.setdefault(h.parent, set()).add(h.holiday_date)
	return {k: frozenset(v) for k, v in out.items()}


def _dt(value) -> datetime | None:
	"""A naive datetime from a datetime, an ISO string (fast path) or anything frappe can parse."""
	if not value:
		return None
	if isinstance(value, datetime):
		return value
	try:
		return datetime.fromisoformat(str(value))
	except ValueError:
		return get_datetime(value)


def ticket_facts(issue: dict, tier: str | None) -> dict:
	"""What a policy's conditions are matched against."""
	return {
		"issue_priority": issue.get("priority"),
		"customer_tier": tier,
		"channel": issue.get(CHANNEL_FIELD),
		"complaint_class": issue.get(COMPLAINT_FIELD),
	}


# ------------------------------------------------------------------------------------------------
# One ticket's step: pause bookkeeping, resolution moment, evaluation (shared by save and job)


def advance(issue: dict, policy: dict, now: datetime, timeline: Timeline | None = None) -> dict:
	"""New values of the SLA fields of one ticket (a plain dict in, a plain dict out)."""
	site_tz = get_system_timezone()
	cal = policy["calendar"]
	status = issue.get("status")
	paused_since = issue.get("crms_sla_paused_since")
	paused_total = float(issue.get("crms_sla_paused_seconds") or 0)
	resolved_on = issue.get("sla_resolution_date")
	if status in FINAL_STATUSES:
		resolved_on = resolved_on or now
	elif resolved_on:
		resolved_on = None  # reopened: the resolution clock runs again
	if status in policy["pauses"] and status not in FINAL_STATUSES:
		paused_since = paused_since or now
	elif paused_since:
		paused_total += pause_seconds(cal, _dt(paused_since), _dt(resolved_on) or now, site_tz)
		paused_since = None
	response_target, resolution_target = targets_for(policy, issue.get("priority"))
	result: TicketSLA = evaluate_ticket(
		cal,
		_dt(issue.get("service_level_agreement_creation") or issue.get("creation")) or now,
		response_target,
		resolution_target,
		now,
		site_tz=site_tz,
		first_responded_on=_dt(issue.get("first_responded_on")),
		resolved_on=_dt(resolved_on),
		paused_since=_dt(paused_since),
		paused_seconds=paused_total,
		warning_at=policy["warning_at"],
		levels=policy["levels"],
		previous_level=int(issue.get("crms_escalation_level") or 0),
		timeline=timeline,
	)
	return {
		"crms_sla_status": result.status,
		"crms_response_due": result.response_due,
		"crms_resolution_due": result.resolution_due,
		"crms_response_left_seconds": result.response_left,
		"crms_resolution_left_seconds": result.resolution_left,
		"crms_escalation_level": result.level,
		"crms_sla_paused_since": _dt(paused_since),
		"crms_sla_paused_seconds": round(paused_total, 3),
		"sla_resolution_date": _dt(resolved_on),
		"_fraction": result.fraction,
		"_reason": result.reason,
	}


# ------------------------------------------------------------------------------------------------
# On save (Issue validate): cheap, exits early


def on_issue_validate(doc, method=None) -> None:
	"""Choose the policy (new ticket, priority/customer/class change), book pauses, refresh the state."""
	flags = frappe.local.flags
	if flags.in_install or flags.in_migrate or flags.in_patch or doc.flags.crms_skip_sla:
		return
	policies = load_policies()
	if not policies and not doc.get("crms_sla_policy"):
		return
	before = doc.get_doc_before_save() if not doc.is_new() else None
	if _needs_policy(doc, before, policies):
		tier = frappe.get_cached_value("Customer", doc.customer, "crms_tier") if doc.customer else None
		chosen = select_policy(policies.values(), ticket_facts(doc.as_dict(), tier))
		doc.crms_sla_policy = chosen["name"] if chosen else None
	policy = policies.get(doc.crms_sla_policy) if doc.crms_sla_policy else None
	if not policy:
		doc.crms_sla_status = "No Target" if doc.crms_sla_policy is None and policies else doc.crms_sla_status
		return
	now = now_datetime()
	issue = doc.as_dict()
	if before is not None:
		# the job may have raised the level since this form was loaded: never go below the database
		issue["crms_escalation_level"] = max(
			int(doc.crms_escalation_level or 0), int(before.crms_escalation_level or 0)
		)
	if not doc.service_level_agreement_creation:
		# ERPNext's "SLA start" field: the creation moment, or when the ticket first got a policy
		doc.service_level_agreement_creation = doc.creation or now
	issue["service_level_agreement_creation"] = doc.service_level_agreement_creation
	values = advance(issue, policy, now)
	for field in STATE_FIELDS:
		doc.set(field, values[field])
	doc.crms_sla_evaluated_on = now


def _needs_policy(doc, before, policies: dict) -> bool:
	if before is None:
		return not doc.crms_sla_policy or doc.crms_sla_policy not in policies
	if doc.crms_sla_policy != before.crms_sla_policy:
		return False  # chosen by hand
	watched = ("priority", "customer", CHANNEL_FIELD, COMPLAINT_FIELD)
	return not doc.crms_sla_policy or any(doc.get(f) != before.get(f) for f in watched)


# ------------------------------------------------------------------------------------------------
# The scheduled job: every open ticket, set-based


def schedule_reevaluation() -> None:
	"""Scheduler entry (cron, every five minutes): one deduplicated job on the long queue."""
	frappe.enqueue(
		"crm_suite.service_desk.sla.reevaluate_open_tickets",
		queue="long",
		timeout=1500,
		job_id=JOB_ID,
		deduplicate=True,
	)


def load_open_tickets(names: list[str] | None = None) -> list[dict]:
	"""Open tickets (and tickets whose SLA state is still active) with what the engine needs: one query."""
	issue_columns = frappe.db.get_table_columns("Issue")
	extra = [f for f in (CHANNEL_FIELD, COMPLAINT_FIELD) if f in issue_columns]
	# datetimes come back as text and are parsed with datetime.fromisoformat: frappe's converter
	# (strptime) would otherwise be the largest cost of the whole job
	datetimes = [f for f in (*DATETIME_FIELDS, "crms_sla_evaluated_on")]
	plain = [f for f in (*STATE_FIELDS, *extra) if f not in datetimes]
	select = ", ".join(
		[
			"i.name",
			"i.status",
			"i.priority",
			"i.customer",
			"i._assign",
			"i.crms_sla_policy",
			*[f"cast(i.`{f}` as char) as `{f}`" for f in datetimes],
			*[f"i.`{f}`" for f in plain],
			"c.crms_tier as customer_tier",
		]
	)
	active = ", ".join(["%s"] * len(ACTIVE_STATUSES))
	where = f"""ifnull(i.crms_sla_policy, '') != ''
		and (i.status not in ('Resolved', 'Closed') or i.crms_sla_status in ({active}))"""
	params: list = list(ACTIVE_STATUSES)
	if names is not None:
		if not names:
			return []
		where += f" and i.name in ({', '.join(['%s'] * len(names))})"
		params.extend(names)
	rows = frappe.db.sql(
		f"select {select} from `tabIssue` i left join `tabCustomer` c on c.name = i.customer where {where}",
		params,
		as_dict=True,
	)
	for row in rows:
		for f in datetimes:
			if row[f]:
				row[f] = datetime.fromisoformat(row[f])
	return rows


def reevaluate_open_tickets(now: datetime | None = None, names: list[str] | None = None) -> dict:
	"""Evaluate every open ticket in memory, write changed rows in chunked UPDATEs, escalate risers."""
	now = get_datetime(now) if now else now_datetime()
	policies = load_policies(fresh=True)
	tickets = load_open_tickets(names)
	updates: dict[str, dict] = {}
	escalations: list[tuple[dict, dict, dict, int]] = []
	timelines = _timelines(tickets, policies, now)
	for issue in tickets:
		policy = policies.get(issue.crms_sla_policy)
		if not policy:
			continue
		values = advance(issue, policy, now, timelines.get(issue.crms_sla_policy))
		old_level = int(issue.crms_escalation_level or 0)
		changed = [f for f in STATE_FIELDS if _differs(issue.get(f), values[f])]
		if changed:
			values["_changed"] = changed
			updates[issue.name] = values
		if values["crms_escalation_level"] > old_level:
			escalations.append((issue, policy, values, old_level))
	write_states(updates, now)
	for issue, policy, values, old_level in escalations:
		for level in range(old_level + 1, values["crms_escalation_level"] + 1):
			escalate(issue, policy, values, level)
	_publish(tickets, updates)
	return {"evaluated": len(tickets), "updated": len(updates), "escalations": len(escalations)}


def _timelines(tickets: list[dict], policies: dict[str, dict], now: datetime) -> dict[str, Timeline]:
	"""One precomputed business-time line per policy, from its oldest open ticket to 120 days ahead."""
	site_tz = get_system_timezone()
	oldest: dict[str, datetime] = {}
	for t in tickets:
		start = t.service_level_agreement_creation or t.creation
		if t.crms_sla_policy in policies and start:
			oldest[t.crms_sla_policy] = min(oldest.get(t.crms_sla_policy, start), start)
	return {
		name: Timeline(
			policies[name]["calendar"],
			aware(add_to_date(start, days=-1), site_tz),
			aware(add_to_date(now, days=120), site_tz),
		)
		for name, start in oldest.items()
	}


def _differs(old, new) -> bool:
	if isinstance(new, datetime) or isinstance(old, datetime):
		return _dt(old) != _dt(new)
	if isinstance(new, float) or isinstance(old, float):
		return abs(float(old or 0) - float(new or 0)) > 0.001
	if new is None or old is None:
		return (old or None) != (new or None)
	return old != new


def write_states(updates: dict[str, dict], now: datetime, chunk: int = WRITE_CHUNK) -> None:
	"""Chunked UPDATE ... SET col = CASE name WHEN ... : a few statements for thousands of tickets.
	`modified` is left alone, so an agent's open form is not invalidated by a clock tick."""
	names = list(updates)
	for start in range(0, len(names), chunk):
		part = names[start : start + chunk]
		# only the columns that changed in this chunk (a clock tick changes the seconds left, not the rest)
		changed = {c for name in part for c in updates[name].get("_changed", STATE_FIELDS)}
		params: list = [now]
		sets = ["`crms_sla_evaluated_on` = %s"]
		for col in STATE_FIELDS:
			if col not in changed:
				continue
			cases = []
			for name in part:
				cases.append("WHEN %s THEN %s")
				params.extend((name, updates[name][col]))
			sets.append(f"`{col}` = CASE `name` {' '.join(cases)} ELSE `{col}` END")
		params.extend(part)
		placeholders = ", ".join(["%s"] * len(part))
		frappe.db.sql(f"UPDATE `tabIssue` SET {', '.join(sets)} WHERE `name` IN ({placeholders})", params)
	_clear_cached_issues(names)


def _clear_cached_issues(names: list[str]) -> None:
	"""frappe.clear_document_cache, for many tickets in one Redis call (now and after commit)."""
	if not names:
		return
	keys = [frappe.get_document_cache_key("Issue", name) for name in names]

	def clear():
		frappe.cache.delete_value(keys)

	clear()
	frappe.db.after_commit.add(clear)


def _publish(tickets: list[dict], updates: dict[str, dict]) -> None:
	"""Live refresh after commit: one event to the Issue doctype room naming the tickets whose state or
	level changed (open forms of those tickets reload), and one list_update. Never one event per
	ticket: frappe de-duplicates pending events with a list scan, so thousands would be quadratic."""
	from frappe.realtime import get_doctype_room

	by_name = {t.name: t for t in tickets}
	changed = [
		n
		for n, v in updates.items()
		if v["crms_sla_status"] != by_name[n].crms_sla_status
		or v["crms_escalation_level"] != int(by_name[n].crms_escalation_level or 0)
	]
	room = get_doctype_room("Issue")
	for start in range(0, len(changed), 2000):
		frappe.publish_realtime(
			"crms_sla_update", {"names": changed[start : start + 2000]}, room=room, after_commit=True
		)
	if changed:
		frappe.publish_realtime("list_update", {"doctype": "Issue", "name": None}, after_commit=True)


# ------------------------------------------------------------------------------------------------
# Escalation: Notification Log + queued e-mail, optional reassignment, a Comment; once per level


def recipients_for(issue: dict, policy: dict, level: int) -> list[str]:
	"""Level 1: the assigned agents; 2: the supervisor (or the supervisor role); 3: the manager."""
	if level == 1:
		return _assigned(issue)
	user, role = (
		(policy.get("supervisor_user"), policy.get("supervisor_role"))
		if level == 2
		else (policy.get("manager_user"), policy.get("manager_role"))
	)
	if user:
		return [user]
	if role:
		return _users_with_role(role)
	return []


def _assigned(issue: dict) -> list[str]:
	try:
		return [u for u in json.loads(issue.get("_assign") or "[]") if u]
	except ValueError:
		return []


def _users_with_role(role: str) -> list[str]:
	users = frappe.get_all("Has Role", filters={"role": role, "parenttype": "User"}, pluck="parent")
	if not users:
		return []
	enabled = frappe.get_all("User", filters={"name": ("in", users), "enabled": 1}, pluck="name")
	return sorted(u for u in enabled if u not in ("Guest", "Administrator"))


def escalation_message(issue: dict, values: dict, level: int) -> str:
	clock = values.get("_reason") or "resolution"
	due = values["crms_response_due"] if clock == "response" else values["crms_resolution_due"]
	clock_label = _("first response") if clock == "response" else _("resolution")
	return _("Escalated to level {0}: {1} {2}% used, due {3}").format(
		level,
		clock_label,
		int(round((values.get("_fraction") or 0) * 100)),
		format_datetime(due) if due else _("not set"),
	)


def escalate(issue: dict, policy: dict, values: dict, level: int) -> None:
	"""Notify, optionally reassign, and log one escalation level of one ticket."""
	message = escalation_message(issue, values, level)
	users = recipients_for(issue, policy, level)
	subject = _("SLA escalation level {0}: Issue {1}").format(level, issue.name)
	if users:
		from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification

		enqueue_create_notification(
			users,
			{
				"type": "Alert",
				"document_type": "Issue",
				"document_name": issue.name,
				"subject": subject,
				"email_content": message,
				"from_user": "Administrator",
			},
		)
		emails = [e for e in frappe.get_all("User", {"name": ("in", users)}, pluck="email") if e]
		if emails:
			try:
				frappe.sendmail(
					recipients=emails,
					subject=subject,
					message=message,
					reference_doctype="Issue",
					reference_name=issue.name,
					delayed=True,
				)
			except Exception:
				frappe.log_error(title=_("SLA escalation e-mail failed"), reference_doctype="Issue")
	if level == 2 and policy.get("reassign_on_level_2") and policy.get("supervisor_user"):
		_reassign(issue, policy["supervisor_user"], message)
	comment = message
	if users:
		comment += " " + _("Notified: {0}").format(", ".join(users))
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Comment",
			"reference_doctype": "Issue",
			"reference_name": issue.name,
			"comment_email": "Administrator",
			"comment_by": _("SLA"),
			"content": comment,
		}
	).insert(ignore_permissions=True)


def _reassign(issue: dict, user: str, message: str) -> None:
	from frappe.desk.form.assign_to import add

	if user in _assigned(issue):
		return
	try:
		add(
			{"assign_to": [user], "doctype": "Issue", "name": issue.name, "description": message},
			ignore_permissions=True,
		)
	except Exception:
		frappe.log_error(title=_("SLA reassignment failed"), reference_doctype="Issue")


def hours_from_now(hours: float) -> datetime:
	"""Helper for tests and the demo: a naive site-time moment `hours` from now."""
	return add_to_date(now_datetime(), hours=hours)
