"""Outbound Campaign Results: per campaign (or per campaign and agent) the list size, attempts,
connect rate, outcomes by disposition, conversions and exclusions by reason.

Two grouped queries, whatever the number of calls: attempts by (campaign, agent, disposition) on the
(campaign, agent, attempted_at) index of CRMS Call Attempt (the date-only case on (attempted_at)), and
targets by (campaign, status, exclusion_reason) on the target's (campaign, status, next_attempt_at)
index. The connect rate is the engine's (engine/outbound.py connect_rate).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, cint, getdate

from crm_suite.call_centre import outbound
from crm_suite.engine import outbound as ob


def execute(filters=None):
	filters = frappe._dict(filters or {})
	by_agent = filters.get("group_by") == "Agent"
	rows = results(filters, by_agent)
	return columns(by_agent), rows


def _key(label: str) -> str:
	return "d_" + frappe.scrub(label)


def columns(by_agent: bool) -> list[dict]:
	cols = [
		{
			"fieldname": "campaign",
			"label": _("Campaign"),
			"fieldtype": "Link",
			"options": "CRMS Call Campaign",
			"width": 180,
		},
	]
	if by_agent:
		cols.append(
			{"fieldname": "agent", "label": _("Agent"), "fieldtype": "Link", "options": "User", "width": 180}
		)
	cols += [
		{"fieldname": "targets", "label": _("Targets"), "fieldtype": "Int", "width": 80},
		{"fieldname": "attempted", "label": _("Targets Called"), "fieldtype": "Int", "width": 110},
		{"fieldname": "attempts", "label": _("Calls"), "fieldtype": "Int", "width": 80},
		{"fieldname": "connected", "label": _("Connected"), "fieldtype": "Int", "width": 90},
		{"fieldname": "connect_rate", "label": _("Connect Rate %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "done", "label": _("Targets Done"), "fieldtype": "Int", "width": 100},
	]
	cols += [
		{"fieldname": _key(d), "label": outbound.disposition_label(d), "fieldtype": "Int", "width": 100}
		for d in outbound.DISPOSITIONS
	]
	cols += [
		{"fieldname": "leads", "label": _("Leads Created"), "fieldtype": "Int", "width": 100},
		{"fieldname": "opportunities", "label": _("Opportunities Created"), "fieldtype": "Int", "width": 120},
		{"fieldname": "surveys", "label": _("Survey Answers"), "fieldtype": "Int", "width": 100},
	]
	if not by_agent:
		cols.append({"fieldname": "excluded", "label": _("Excluded"), "fieldtype": "Int", "width": 90})
		cols += [
			{"fieldname": "x_" + code, "label": outbound.reason_label(code), "fieldtype": "Int", "width": 110}
			for code in ob.REASONS
			if code != ob.OUTSIDE_WINDOW
		]
	return cols


def results(filters, by_agent: bool) -> list[dict]:
	frappe.has_permission(outbound.CAMPAIGN, "read", throw=True)
	A = frappe.qb.DocType(outbound.ATTEMPT)
	q = (
		frappe.qb.from_(A)
		.select(
			A.campaign,
			A.agent,
			A.disposition,
			A.disposition_code,
			Count("*").as_("n"),
			Count(A.lead).as_("leads"),
			Count(A.opportunity).as_("opportunities"),
			Count(A.survey_response).as_("surveys"),
		)
		.groupby(A.campaign, A.agent, A.disposition, A.disposition_code)
	)
	conditions = [A.campaign.isnotnull()]
	if filters.get("campaign"):
		conditions.append(A.campaign == filters.campaign)
	if filters.get("agent"):
		conditions.append(A.agent == filters.agent)
	if filters.get("from_date"):
		conditions.append(A.attempted_at >= getdate(filters.from_date))
	if filters.get("to_date"):
		conditions.append(A.attempted_at < add_days(getdate(filters.to_date), 1))
	for c in conditions:
		q = q.where(c)
	rows: dict[tuple, dict] = {}
	codes: dict[tuple, list[str]] = {}

	def row_for(campaign, agent=None):
		key = (campaign, agent if by_agent else None)
		if key not in rows:
			rows[key] = {
				"campaign": campaign,
				**({"agent": agent} if by_agent else {}),
				"targets": 0,
				"attempted": 0,
				"attempts": 0,
				"connected": 0,
				"connect_rate": None,
				"done": 0,
				"leads": 0,
				"opportunities": 0,
				"surveys": 0,
				**{_key(d): 0 for d in outbound.DISPOSITIONS},
			}
			codes[key] = []
		return key, rows[key]

	for r in q.run(as_dict=True):
		key, row = row_for(r.campaign, r.agent)
		row["attempts"] += r.n
		row[_key(r.disposition)] = row.get(_key(r.disposition), 0) + r.n
		row["leads"] += r.leads
		row["opportunities"] += r.opportunities
		row["surveys"] += r.surveys
		codes[key] += [r.disposition_code] * r.n
	# targets called, per campaign (and agent): a target called by two agents counts for each
	dq = frappe.qb.from_(A).select(A.campaign, A.agent, A.target).distinct()
	if not by_agent:
		dq = frappe.qb.from_(A).select(A.campaign, A.target).distinct()
	for c in conditions:
		dq = dq.where(c)
	for found in dq.run():
		_k, row = row_for(found[0], found[1] if by_agent else None)
		row["attempted"] += 1
	if not by_agent:
		add_targets(rows, row_for, filters)
	else:
		T = frappe.qb.DocType(outbound.TARGET)
		tq = (
			frappe.qb.from_(T)
			.select(T.assigned_to, T.campaign, T.status, Count("*"))
			.where(T.status == "Done")
			.groupby(T.campaign, T.assigned_to, T.status)
		)
		if filters.get("campaign"):
			tq = tq.where(T.campaign == filters.campaign)
		for agent, campaign, _status, n in tq.run():
			if (campaign, agent) in rows:
				rows[(campaign, agent)]["done"] += n
		for row in rows.values():
			row["targets"] = row["attempted"]
	for key, row in rows.items():
		rate = ob.connect_rate(codes[key], outbound.CONNECTED)
		row["connect_rate"] = round(rate, 1) if rate is not None else None
		row["connected"] = sum(1 for c in codes[key] if c in outbound.CONNECTED)
	return sorted(rows.values(), key=lambda r: (r["campaign"] or "", r.get("agent") or ""))


def add_targets(rows, row_for, filters) -> None:
	"""List size, done and excluded by reason per campaign (date filters apply to calls only)."""
	T = frappe.qb.DocType(outbound.TARGET)
	tq = (
		frappe.qb.from_(T)
		.select(T.campaign, T.status, T.exclusion_reason, Count("*").as_("n"))
		.groupby(T.campaign, T.status, T.exclusion_reason)
	)
	if filters.get("campaign"):
		tq = tq.where(T.campaign == filters.campaign)
	for r in tq.run(as_dict=True):
		if filters.get("agent") or filters.get("from_date") or filters.get("to_date"):
			if (r.campaign, None) not in rows:
				continue
		_k, row = row_for(r.campaign)
		row["targets"] += r.n
		if r.status == "Done":
			row["done"] += r.n
		if r.status == "Excluded":
			row["excluded"] = row.get("excluded", 0) + r.n
			for code in (r.exclusion_reason or "").split(","):
				if code:
					row["x_" + code] = row.get("x_" + code, 0) + cint(r.n)
	for row in rows.values():
		row.setdefault("excluded", 0)
		for code in ob.REASONS:
			if code != ob.OUTSIDE_WINDOW:
				row.setdefault("x_" + code, 0)
