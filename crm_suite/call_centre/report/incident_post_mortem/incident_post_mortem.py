# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Post-mortem of one incident: how long each stage took and who owned it, how the checklist went, and
the call centre during the incident against the same hours one week earlier (offered, abandoned,
service level, ASA), so the report says what the incident did to callers."""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import flt, format_duration, get_datetime, now_datetime

from crm_suite.call_centre import call_data
from crm_suite.engine import call_kpis
from crm_suite.engine import incident_flow as flow


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.get("incident"):
		return columns(), [], _("Choose an incident."), None, []
	doc = frappe.get_doc("CRMS Incident", filters.incident)
	doc.check_permission("read")
	data = stage_rows(doc)
	during, before = call_comparison(doc)
	return columns(), data, message(doc), chart(during, before), summary(doc, during, before)


def columns():
	return [
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 150},
		{"fieldname": "started_on", "label": _("Started On"), "fieldtype": "Datetime", "width": 170},
		{"fieldname": "ended_on", "label": _("Ended On"), "fieldtype": "Datetime", "width": 170},
		{"fieldname": "duration", "label": _("Duration"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "stage_owner",
			"label": _("Owner"),
			"fieldtype": "Link",
			"options": "User",
			"width": 180,
		},
		{"fieldname": "tasks", "label": _("Tasks"), "fieldtype": "Int", "width": 80},
		{"fieldname": "tasks_done", "label": _("Done"), "fieldtype": "Int", "width": 80},
		{"fieldname": "tasks_late", "label": _("Done Late or Overdue"), "fieldtype": "Int", "width": 150},
		{"fieldname": "note", "label": _("Note"), "fieldtype": "Data", "width": 220},
	]


def stage_rows(doc) -> list[dict]:
	now = now_datetime()
	owners = {}
	for row in doc.stage_log:
		owners[(row.stage, get_datetime(row.started_on))] = row
	spans = flow.spans(
		[{"stage": r.stage, "started_on": get_datetime(r.started_on)} for r in doc.stage_log],
		now=None if doc.stage == flow.CLOSED else now,
	)
	out = []
	for span in spans:
		log = owners.get((span.stage, span.started))
		tasks = [t for t in doc.tasks if (t.stage or flow.WARNING) == span.stage]
		late = sum(
			1
			for t in tasks
			if t.due_on
			and (
				(t.done and t.done_on and get_datetime(t.done_on) > get_datetime(t.due_on))
				or (not t.done and get_datetime(t.due_on) < now)
			)
		)
		out.append(
			frappe._dict(
				stage=_(span.stage),
				started_on=span.started,
				ended_on=span.ended,
				duration=format_duration(span.seconds) if span.seconds is not None else "",
				stage_owner=log.stage_owner if log else None,
				tasks=len(tasks),
				tasks_done=sum(1 for t in tasks if t.done),
				tasks_late=late,
				note=log.note if log else "",
			)
		)
	return out


def window(doc):
	start = get_datetime(doc.started_on)
	end = get_datetime(doc.closed_on) if doc.closed_on else now_datetime()
	return start, max(end, start + timedelta(minutes=1))


def call_comparison(doc):
	start, end = window(doc)
	during = call_kpis.from_totals(call_data.totals_by(None, start, end)[call_kpis.ALL])
	week = timedelta(days=7)
	before = call_kpis.from_totals(call_data.totals_by(None, start - week, end - week)[call_kpis.ALL])
	return during, before


def message(doc) -> str:
	start, end = window(doc)
	hours = (end - start).total_seconds() / 3600
	state = _("closed") if doc.stage == flow.CLOSED else _("still open, now at {0}").format(_(doc.stage))
	return _("{0}: {1} hours, {2}. Calls compared with the same hours one week earlier.").format(
		doc.title, flt(hours, 1), state
	)


def _fmt(value, suffix=""):
	return "" if value is None else f"{flt(value, 1)}{suffix}"


def summary(doc, during, before) -> list[dict]:
	done = sum(1 for t in doc.tasks if t.done)
	return [
		{"label": _("Calls Offered"), "value": during.offered, "indicator": "blue"},
		{"label": _("Offered a Week Earlier"), "value": before.offered, "indicator": "gray"},
		{
			"label": _("Abandoned %"),
			"value": _fmt(during.abandon_rate, "%"),
			"indicator": "red" if (during.abandon_rate or 0) > (before.abandon_rate or 0) else "green",
		},
		{"label": _("Service Level %"), "value": _fmt(during.service_level, "%"), "indicator": "blue"},
		{"label": _("ASA (Seconds)"), "value": _fmt(during.asa), "indicator": "blue"},
		{
			"label": _("Checklist Done"),
			"value": f"{done} / {len(doc.tasks)}",
			"indicator": "green" if done == len(doc.tasks) else "orange",
		},
	]


def chart(during, before) -> dict:
	return {
		"data": {
			"labels": [_("Offered"), _("Answered"), _("Abandoned")],
			"datasets": [
				{
					"name": _("During the Incident"),
					"values": [during.offered, during.answered, during.abandoned],
				},
				{
					"name": _("Same Hours a Week Earlier"),
					"values": [before.offered, before.answered, before.abandoned],
				},
			],
		},
		"type": "bar",
		"colors": ["#ff5858", "#a3a3a3"],
	}
