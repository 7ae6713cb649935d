# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Agent (or team) scorecard: volume, first response, resolution, FCR, reopen rate, CSAT, NPS, QA score
and SLA attainment against the targets of CRMS Quality Settings, with a trend arrow against the period
of the same length just before (engine/agent_kpis.py decides arrows, targets and tolerances).

Tickets are those opened in the period (as in the FCR report: first resolution, replies up to it,
reopens within the window); CSAT and NPS are answers given in the period, attributed to the agent the
survey names; QA is the mean of submitted reviews in the period (calibration reviews excluded).
Support agents without a supervisor role see only their own row and the total.
"""

import json

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, now_datetime

from crm_suite.engine import agent_kpis as k
from crm_suite.engine import fcr
from crm_suite.service_desk import quality
from crm_suite.service_desk.report.common import date_range, opened_at
from crm_suite.service_desk.report.first_contact_resolution.first_contact_resolution import (
	RESOLVED_STATUSES,
	load_tickets,
)

TARGET_FIELDS = {
	k.FIRST_RESPONSE: "target_first_response_hours",
	k.RESOLUTION: "target_resolution_hours",
	k.FCR: "target_fcr",
	k.REOPEN: "target_reopen",
	k.CSAT: "target_csat",
	k.NPS: "target_nps",
	k.QA: "target_qa",
	k.SLA: "target_sla",
}


def kpi_labels() -> dict[str, str]:
	return {
		k.VOLUME: _("Tickets"),
		k.FIRST_RESPONSE: _("First Response (Median h)"),
		k.RESOLUTION: _("Resolution (Median h)"),
		k.FCR: _("FCR %"),
		k.REOPEN: _("Reopen %"),
		k.CSAT: _("CSAT %"),
		k.NPS: _("NPS"),
		k.QA: _("QA Score"),
		k.SLA: _("SLA Met %"),
	}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	by = "team" if filters.get("group_by") == "Team" else "agent"
	start, end = date_range(filters)
	span = end - start
	current = period(filters, start, end)
	previous = period(filters, start - span, start)
	targets = load_targets()
	rows = k.scorecard(current, previous, targets=targets, by=by)
	data = [to_row(r, by) for r in rows if visible(r.key, by)]
	return columns(by), data, message(targets), chart(data)


def visible(key: str, by: str) -> bool:
	if quality.is_manager() or "Service Supervisor" in frappe.get_roles():
		return True
	return key == k.ALL or (by == "agent" and key == frappe.session.user)


def load_targets() -> dict[str, float]:
	settings = frappe.get_cached_doc("CRMS Quality Settings")
	out = {}
	for kpi, field in TARGET_FIELDS.items():
		value = settings.get(field)
		if value not in (None, ""):
			out[kpi] = flt(value)
	return out


def _agent(row) -> str:
	try:
		users = json.loads(row.get("_assign") or "[]")
	except ValueError:
		users = []
	return users[0] if users else ""


def _hours(a, b) -> float | None:
	return None if a is None or b is None else max((b - a).total_seconds() / 3600, 0.0)


def period(filters, start, end) -> k.PeriodData:
	now = now_datetime()
	window = cint(filters.get("window_days")) or fcr.DEFAULT_WINDOW_DAYS
	team = filters.get("team")
	tickets = []
	for t in load_tickets(
		filters,
		extra_fields=("opening_date", "opening_time", "creation", "first_responded_on", "crms_sla_status"),
		start=start,
		end=end,
	):
		t = frappe._dict(t)
		opened = opened_at(t)
		responded = get_datetime(t.first_responded_on) if t.first_responded_on else None
		status = fcr.classify(t, now, window).status
		resolved = t.resolved_on if t.status in RESOLVED_STATUSES or t.reopened_on else None
		tickets.append(
			k.TicketRecord(
				agent=_agent(t),
				team=t.crms_team or "",
				first_response_hours=_hours(opened, responded),
				resolution_hours=_hours(opened, resolved) if resolved else None,
				fcr=None if status in (fcr.OPEN, fcr.PENDING, fcr.NO_CONTACT) else status == fcr.FCR,
				reopened=(cint(t.crms_reopen_count) > 0) if (resolved or t.reopened_on) else None,
				sla_met=(t.crms_sla_status == "Met") if t.crms_sla_status in ("Met", "Missed") else None,
			)
		)
	surveys = [
		k.SurveyRecord(
			r.agent or "", "csat" if r.survey_type == "CSAT" else "nps", cint(r.score), r.team or ""
		)
		for r in frappe.get_all(
			"CRMS Survey Response",
			filters=[
				["status", "=", "Answered"],
				["used_on", ">=", start],
				["used_on", "<", end],
				*([["team", "=", team]] if team else []),
			],
			fields=["agent", "team", "survey_type", "score"],
			limit_page_length=0,
		)
	]
	reviews = [
		k.ReviewRecord(r.agent or "", flt(r.score), r.team or "")
		for r in frappe.get_all(
			"CRMS QA Review",
			filters=[
				["docstatus", "=", 1],
				["source", "!=", "Calibration"],
				["review_date", ">=", start.date()],
				["review_date", "<", end.date()],
				*([["team", "=", team]] if team else []),
			],
			fields=["agent", "team", "score"],
			limit_page_length=0,
		)
	]
	return k.PeriodData(tickets, surveys, reviews)


def to_row(row: k.ScorecardRow, by: str) -> dict:
	small = cint(quality.setting("small_sample"))
	out = frappe._dict(
		group=_("Total") if row.key == k.ALL else (row.key or _("Not Set")), is_total=row.key == k.ALL
	)
	for kpi, cell in row.cells.items():
		out[kpi] = None if cell.value is None else flt(cell.value, 1)
		out[f"{kpi}_n"] = cell.n
		out[f"{kpi}_prev"] = None if cell.previous is None else flt(cell.previous, 1)
		out[f"{kpi}_trend"] = cell.trend
		out[f"{kpi}_good"] = cell.good
		out[f"{kpi}_meets"] = cell.meets_target
		out[f"{kpi}_small"] = kpi in (k.CSAT, k.NPS, k.QA) and 0 < cell.n < small
	return out


def columns(by: str) -> list[dict]:
	group = (
		{
			"fieldname": "group",
			"label": _("Team"),
			"fieldtype": "Link",
			"options": "CRMS Service Team",
			"width": 170,
		}
		if by == "team"
		else {"fieldname": "group", "label": _("Agent"), "fieldtype": "Link", "options": "User", "width": 200}
	)
	cols = [group]
	for kpi, label in kpi_labels().items():
		cols.append(
			{
				"fieldname": kpi,
				"label": label,
				"fieldtype": "Int" if kpi == k.VOLUME else "Float",
				"precision": 1,
				"width": 125,
			}
		)
	return cols


def message(targets: dict[str, float]) -> str:
	labels = kpi_labels()
	parts = [f"{labels[kpi]} {flt(value, 1)}" for kpi, value in targets.items()]
	return _("Targets: {0}. Arrows compare with the previous period of the same length.").format(
		", ".join(parts) or _("none set")
	)


def chart(data: list) -> dict | None:
	rows = [r for r in data if not r.is_total][:20]
	if not rows:
		return None
	return {
		"data": {
			"labels": [r.group for r in rows],
			"datasets": [
				{"name": _("CSAT %"), "values": [r.get(k.CSAT) or 0 for r in rows]},
				{"name": _("QA Score"), "values": [r.get(k.QA) or 0 for r in rows]},
				{"name": _("FCR %"), "values": [r.get(k.FCR) or 0 for r in rows]},
			],
		},
		"type": "bar",
		"colors": ["#5e64ff", "#ff9f43", "#29cd42"],
	}
