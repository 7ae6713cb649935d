# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Lifecycle funnel from the CRMS Lifecycle Transition log.

Stages view: customers in each stage now, stays entered in the date range, their average days in
the stage (an open stay counts until today) and where they went next. Transitions view: every
(from, to) pair in the range with its share of all exits from `from` (stage-to-stage conversion).
"""

import frappe
from frappe import _
from frappe.utils import add_months, getdate, nowdate

from crm_suite.engine.lifecycle import STAGES
from crm_suite.permissions.customer_scope import customer_condition


def execute(filters=None):
	filters = frappe._dict(filters or {})
	filters.from_date = getdate(filters.get("from_date") or add_months(nowdate(), -12))
	filters.to_date = getdate(filters.get("to_date") or nowdate())
	if filters.get("view") == "Transitions":
		return transition_columns(), transition_rows(filters)
	data = stage_rows(filters)
	return stage_columns(), data, None, chart(data)


def _scope(filters, alias: str) -> tuple[str, dict]:
	where = [customer_condition(None, f"{alias}.customer", with_params=True)]
	params = {"from_date": filters.from_date, "to_date": filters.to_date, "today": getdate(nowdate())}
	if filters.get("territory"):
		where.append(f"{alias}.customer IN (SELECT name FROM tabCustomer WHERE territory = %(territory)s)")
		params["territory"] = filters.territory
	return " AND ".join(where), params


def _stays(filters) -> str:
	"""Each transition as a stay: entered on transition_date, left on the next transition (or today)."""
	where, _params = _scope(filters, "t")
	return f"""SELECT t.customer, t.to_stage AS stage, t.transition_date AS entered,
			LEAD(t.to_stage) OVER w AS next_stage,
			DATEDIFF(COALESCE(LEAD(t.transition_date) OVER w, %(today)s), t.transition_date) AS days
		FROM `tabCRMS Lifecycle Transition` t WHERE {where}
		WINDOW w AS (PARTITION BY t.customer ORDER BY t.sequence)"""


def stage_columns():
	return [
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 120},
		{"fieldname": "current", "label": _("Customers Now"), "fieldtype": "Int", "width": 120},
		{"fieldname": "entered", "label": _("Entered in Period"), "fieldtype": "Int", "width": 130},
		{"fieldname": "avg_days", "label": _("Average Days in Stage"), "fieldtype": "Float", "width": 150},
		{"fieldname": "moved_on", "label": _("Moved On"), "fieldtype": "Int", "width": 100},
		{"fieldname": "top_next", "label": _("Most Common Next Stage"), "fieldtype": "Data", "width": 170},
		{"fieldname": "top_next_pct", "label": _("Next Stage Share %"), "fieldtype": "Percent", "width": 130},
	]


def stage_rows(filters):
	where, params = _scope(filters, "c")
	current = dict(
		frappe.db.sql(
			f"""SELECT c.crms_lifecycle_stage, COUNT(*) FROM (SELECT name AS customer, crms_lifecycle_stage
				FROM tabCustomer) c WHERE {where} GROUP BY c.crms_lifecycle_stage""",
			params,
		)
	)
	_w, params = _scope(filters, "t")
	stays = frappe.db.sql(
		f"""SELECT stage, COUNT(*) AS entered, ROUND(AVG(days), 1) AS avg_days, COUNT(next_stage) AS moved_on
		FROM ({_stays(filters)}) s WHERE entered BETWEEN %(from_date)s AND %(to_date)s GROUP BY stage""",
		params,
		as_dict=True,
	)
	nexts = frappe.db.sql(
		f"""SELECT stage, next_stage, COUNT(*) FROM ({_stays(filters)}) s
		WHERE entered BETWEEN %(from_date)s AND %(to_date)s AND next_stage IS NOT NULL
		GROUP BY stage, next_stage ORDER BY COUNT(*) DESC, next_stage""",
		params,
	)
	top = {}
	for stage, next_stage, n in nexts:
		top.setdefault(stage, (next_stage, n))
	by_stage = {s.stage: s for s in stays}
	out = []
	for stage in STAGES:
		s = by_stage.get(stage) or frappe._dict(entered=0, avg_days=None, moved_on=0)
		nxt, n = top.get(stage, (None, 0))
		out.append(
			{
				"stage": _(stage),
				"current": current.get(stage, 0),
				"entered": s.entered,
				"avg_days": s.avg_days,
				"moved_on": s.moved_on,
				"top_next": _(nxt) if nxt else None,
				"top_next_pct": round(100 * n / s.moved_on, 1) if s.moved_on else None,
			}
		)
	return out


def chart(data):
	return {
		"data": {
			"labels": [r["stage"] for r in data],
			"datasets": [{"name": _("Customers Now"), "values": [r["current"] for r in data]}],
		},
		"type": "bar",
	}


def transition_columns():
	return [
		{"fieldname": "from_stage", "label": _("From Stage"), "fieldtype": "Data", "width": 130},
		{"fieldname": "to_stage", "label": _("To Stage"), "fieldtype": "Data", "width": 130},
		{"fieldname": "transitions", "label": _("Transitions"), "fieldtype": "Int", "width": 110},
		{"fieldname": "conversion", "label": _("Share of Exits %"), "fieldtype": "Percent", "width": 130},
		{
			"fieldname": "avg_days_before",
			"label": _("Average Days in From Stage"),
			"fieldtype": "Float",
			"width": 180,
		},
	]


def transition_rows(filters):
	where, params = _scope(filters, "t")
	rows = frappe.db.sql(
		f"""SELECT from_stage, to_stage, COUNT(*) AS transitions, ROUND(AVG(days_before), 1) AS avg_days_before
		FROM (
			SELECT t.from_stage, t.to_stage, t.transition_date,
				DATEDIFF(t.transition_date, LAG(t.transition_date) OVER
					(PARTITION BY t.customer ORDER BY t.sequence)) AS days_before
			FROM `tabCRMS Lifecycle Transition` t WHERE {where}
		) x
		WHERE transition_date BETWEEN %(from_date)s AND %(to_date)s AND IFNULL(from_stage, '') != ''
		GROUP BY from_stage, to_stage""",
		params,
		as_dict=True,
	)
	exits = {}
	for r in rows:
		exits[r.from_stage] = exits.get(r.from_stage, 0) + r.transitions
	order = {s: i for i, s in enumerate(STAGES)}
	rows.sort(key=lambda r: (order.get(r.from_stage, 99), -r.transitions, order.get(r.to_stage, 99)))
	for r in rows:
		r.conversion = round(100 * r.transitions / exits[r.from_stage], 1)
		r.from_stage, r.to_stage = _(r.from_stage), _(r.to_stage)
	return rows
