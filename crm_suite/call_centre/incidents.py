"""Incidents and surge mode (the call-centre operations plan's emergency flow).

- An incident starts at Warning (or wherever it is created) and moves forward through the plan's
  stages (engine/incident_flow.py decides what is allowed); each move closes the current stage's log
  row and opens the next with its owner and time, so the post-mortem has a true timeline.
- A contingency plan fills the incident's checklist (each step with its stage, owner role and due time
  counted from the incident's start) and its surge messages.
- Surge mode: while an incident has it on, every desk shows the agent banner (boot info + a realtime
  event on change), and the phone system asks `routing_state` for the routing mode and announcement
  (Overflow or Callback Only) before queueing a call.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, now_datetime

from crm_suite.engine import incident_flow as flow
from crm_suite.permissions.users import users_with_roles

DOCTYPE = "CRMS Incident"
PLAN = "CRMS Contingency Plan"
SURGE_EVENT = "crms_surge"
MANAGER_ROLES = {"Call Centre Supervisor", "Service Supervisor", "System Manager"}


def refusal(code: str) -> str:
	return {
		flow.UNKNOWN_STAGE: _("That is not a stage of the incident flow."),
		flow.BACKWARDS: _("An incident cannot move back to an earlier stage."),
		flow.SAME_STAGE: _("The incident is already in that stage."),
		flow.ALREADY_CLOSED: _("The incident is closed."),
		flow.OPEN_TASKS: _("Finish or remove the open checklist tasks of the earlier stages first."),
	}.get(code, code)


# ------------------------------------------------------------------------------------------------
# Controller hooks
# ------------------------------------------------------------------------------------------------
def validate(doc) -> None:
	doc.started_on = doc.started_on or now_datetime()
	if doc.is_new():
		if doc.contingency_plan and not doc.tasks:
			apply_plan(doc)
		doc.routing_mode = doc.routing_mode or "Overflow"
		if not doc.stage_log:
			doc.append(
				"stage_log",
				{
					"stage": doc.stage or flow.WARNING,
					"started_on": doc.started_on,
					"stage_owner": doc.commander,
				},
			)
	else:
		before = doc.get_doc_before_save()
		if before and before.stage != doc.stage and not doc.flags.stage_move:
			frappe.throw(_("Use Move to Stage to change the stage."), title=_("Incident"))
	for task in doc.tasks:
		if cint(task.done) and not task.done_on:
			task.done_on = now_datetime()
			task.done_by = frappe.session.user
		elif not cint(task.done):
			task.done_on = None
			task.done_by = None
	surge_changes(doc)


def on_update(doc) -> None:
	before = doc.get_doc_before_save()
	changed = (
		before is None
		or cint(before.surge_active) != cint(doc.surge_active)
		or (
			cint(doc.surge_active)
			and (before.banner != doc.banner or before.routing_mode != doc.routing_mode)
		)
	)
	if changed:
		frappe.cache.delete_value("crms_active_surge")
		frappe.publish_realtime(SURGE_EVENT, active_surge() or {"active": False}, after_commit=True)


def surge_changes(doc) -> None:
	before = None if doc.is_new() else doc.get_doc_before_save()
	was_on = bool(before and cint(before.surge_active))
	if cint(doc.surge_active) and doc.stage == flow.CLOSED:
		doc.surge_active = 0
	if cint(doc.surge_active) and not was_on:
		doc.surge_started_on = now_datetime()
		doc.surge_ended_on = None
		if not doc.banner:
			doc.banner = _("Surge mode: {0}. Keep calls short and offer callbacks.").format(doc.title)
	elif not cint(doc.surge_active) and was_on:
		doc.surge_ended_on = now_datetime()


def apply_plan(doc) -> None:
	plan = frappe.get_doc(PLAN, doc.contingency_plan)
	start = get_datetime(doc.started_on)
	users = users_with_roles(s.owner_role for s in plan.steps)
	for step in plan.steps:
		doc.append(
			"tasks",
			{
				"step": step.step,
				"stage": step.stage,
				"owner_role": step.owner_role,
				"assigned_to": (users.get(step.owner_role) or [None])[0],
				"due_on": add_to_date(start, minutes=cint(step.due_minutes)) if step.due_minutes else None,
			},
		)
	doc.routing_mode = doc.routing_mode or plan.routing_mode
	doc.announcement = doc.announcement or plan.announcement
	doc.banner = doc.banner or plan.banner
	doc.incident_type = doc.incident_type or plan.incident_type


# ------------------------------------------------------------------------------------------------
# Moving through the flow
# ------------------------------------------------------------------------------------------------
@frappe.whitelist()
def move_to_stage(incident: str, stage: str, owner: str | None = None, note: str | None = None) -> str:
	"""Close the current stage and open `stage` (forward only; earlier stages' tasks done first)."""
	doc = frappe.get_doc(DOCTYPE, incident)
	doc.check_permission("write")
	code = flow.check_move(
		doc.stage,
		stage,
		flow.tasks_blocking([t.as_dict() for t in doc.tasks], doc.stage, stage)
		if stage in flow.STAGES
		else 0,
	)
	if code:
		frappe.throw(refusal(code), title=_("Cannot Move Incident"))
	now = now_datetime()
	for row in doc.stage_log:
		if not row.ended_on:
			row.ended_on = now
	doc.append(
		"stage_log",
		{
			"stage": stage,
			"started_on": now,
			"stage_owner": owner or frappe.session.user,
			"note": (note or "")[:1000],
		},
	)
	doc.stage = stage
	if stage == flow.CLOSED:
		doc.closed_on = now
		doc.stage_log[-1].ended_on = now
		doc.surge_active = 0
	doc.flags.stage_move = True
	doc.save()
	return doc.stage


# ------------------------------------------------------------------------------------------------
# Surge mode: what the desk and the phone system read
# ------------------------------------------------------------------------------------------------
def active_surge() -> dict | None:
	"""The most recent incident with surge mode on (cached until an incident's surge changes)."""

	def load():
		row = frappe.get_all(
			DOCTYPE,
			filters={"surge_active": 1},
			fields=["name", "title", "banner", "routing_mode", "announcement", "affected_queues", "severity"],
			order_by="surge_started_on desc",
			limit=1,
		)
		return dict(row[0], active=True) if row else {}

	value = frappe.cache.get_value("crms_active_surge", generator=load)
	return value or None


@frappe.whitelist()
def routing_state(queue: str | None = None) -> dict:
	"""For the phone system (API key of a system user): routing mode and announcement for a queue."""
	surge = active_surge()
	if not surge:
		return {"mode": "Normal", "announcement": None, "incident": None}
	queues = [q.strip().lower() for q in (surge.get("affected_queues") or "").split(",") if q.strip()]
	if queue and queues and queue.strip().lower() not in queues:
		return {"mode": "Normal", "announcement": None, "incident": None}
	return {
		"mode": surge.get("routing_mode") or "Overflow",
		"announcement": surge.get("announcement"),
		"incident": surge["name"],
	}


def boot_session(bootinfo) -> None:
	if frappe.session.user == "Guest":
		return
	surge = active_surge()
	if surge:
		bootinfo.crms_surge = {
			k: surge.get(k) for k in ("name", "title", "banner", "routing_mode", "severity")
		}


# ------------------------------------------------------------------------------------------------
# Default plans (one per incident type of the operations plan), created once
# ------------------------------------------------------------------------------------------------
def default_steps() -> tuple[tuple[str, str, str, int], ...]:
	return (
		(
			_("Confirm the facts and the affected area, customers and queues"),
			flow.WARNING,
			"Call Centre Supervisor",
			15,
		),
		(
			_("Turn on surge mode and agree the caller announcement"),
			flow.FIRST_RESPONSE,
			"Call Centre Supervisor",
			20,
		),
		(
			_("Brief all agents on what to say (banner and script)"),
			flow.FIRST_RESPONSE,
			"Call Centre Supervisor",
			30,
		),
		(_("Report to management and the relevant authority"), flow.REPORTING, "Service Supervisor", 60),
		(_("Call in extra agents or open overflow"), flow.RESOURCES, "Call Centre Supervisor", 60),
		(_("Work the callback list from abandoned calls"), flow.HANDLING, "Call Centre Agent", 240),
		(_("Tell affected customers what was done"), flow.AFTERMATH, "Service Supervisor", 1440),
		(_("Write the post-mortem"), flow.AFTERMATH, "Call Centre Supervisor", 4320),
	)


def incident_type_label(incident_type: str) -> str:
	return {
		"Natural Disaster": _("Natural Disaster"),
		"Accident": _("Accident"),
		"Public Health": _("Public Health"),
		"Security": _("Security"),
		"Outage / Cyber": _("Outage / Cyber"),
	}.get(incident_type, incident_type)


def create_default_plans() -> None:
	if frappe.db.count(PLAN):
		return
	for incident_type in flow.INCIDENT_TYPES:
		frappe.get_doc(
			{
				"doctype": PLAN,
				"plan_name": _("{0} response").format(incident_type_label(incident_type)),
				"incident_type": incident_type,
				"routing_mode": "Callback Only" if incident_type == "Outage / Cyber" else "Overflow",
				"announcement": _(
					"We are aware of the situation and are working on it. Leave your number and we will call you back."
				),
				"banner": _("Surge: {0}. Keep calls short, log every caller, offer callbacks.").format(
					incident_type_label(incident_type)
				),
				"steps": [
					{"step": step, "stage": stage, "owner_role": role, "due_minutes": minutes}
					for step, stage, role, minutes in default_steps()
				],
			}
		).insert(ignore_permissions=True)
