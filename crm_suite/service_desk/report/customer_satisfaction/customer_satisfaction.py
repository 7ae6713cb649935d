# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""CSAT (% of 4-5 ratings, Wilson interval) or NPS (Wald interval) per agent, team, category, channel,
tier or month, with the response rate (answered / sent). Intervals come from engine/nps.py, so a
small group's score is shown with how little it proves."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from crm_suite.engine import nps as nps_engine
from crm_suite.permissions.customer_scope import customer_condition

GROUPS = {
	"Agent": "agent",
	"Team": "team",
	"Category": "category",
	"Channel": "channel",
	"Customer Tier": "tier",
	"Month": "month",
}
LINKS = {"Agent": "User", "Team": "CRMS Service Team", "Category": "Issue Type"}


def group_label(group_by: str) -> str:
	return {
		"Agent": _("Agent"),
		"Team": _("Team"),
		"Category": _("Category"),
		"Channel": _("Channel"),
		"Customer Tier": _("Customer Tier"),
		"Month": _("Month"),
	}[group_by]


def execute(filters=None):
	filters = frappe._dict(filters or {})
	survey_type = filters.get("survey_type") or "CSAT"
	if survey_type not in ("CSAT", "NPS"):
		frappe.throw(_("Survey Type must be CSAT or NPS"))
	group_by = filters.get("group_by") or "Team"
	if group_by not in GROUPS:
		frappe.throw(_("Invalid Group By: {0}").format(group_by))
	rows = load(filters, survey_type)
	groups: dict[str, list] = {}
	for r in rows:
		key = r.sent_on.strftime("%Y-%m") if group_by == "Month" else (r.get(GROUPS[group_by]) or "")
		groups.setdefault(key, []).append(r)
	data = [summarise(key, members, survey_type) for key, members in sorted(groups.items())]
	if data:
		data.append({**summarise(_("Total"), rows, survey_type), "is_total_row": 1, "bold": 1})
	return columns(group_by, survey_type), data, None, chart(data, survey_type), summary(rows, survey_type)


def load(filters, survey_type: str) -> list:
	"""Sent surveys in the period (by sent date), restricted to customers the user may read."""
	to_date = getdate(filters.get("to_date") or frappe.utils.nowdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -90))
	conditions = ["survey_type = %(survey_type)s", "sent_on >= %(from)s", "sent_on < %(to)s"]
	values = {"survey_type": survey_type, "from": from_date, "to": add_days(to_date, 1)}
	for field in ("team", "agent", "channel", "category", "tier"):
		if filters.get(field):
			conditions.append(f"`{field}` = %({field})s")
			values[field] = filters.get(field)
	conditions.append(customer_condition(None, "`customer`", with_params=True))
	return frappe.db.sql(
		"""select name, agent, team, category, channel, tier, sent_on, used_on, score
		from `tabCRMS Survey Response` where {}""".format(" and ".join(conditions)),
		values,
		as_dict=True,
	)


def summarise(key: str, members: list, survey_type: str) -> dict:
	scores = [int(m.score) for m in members if m.used_on and m.score is not None]
	sent = len(members)
	row = {
		"group": key,
		"sent": sent,
		"answered": len(scores),
		"response_rate": 100 * len(scores) / sent if sent else None,
	}
	if survey_type == "CSAT":
		res = nps_engine.csat(scores)
		row.update(
			score=res.csat, ci_low=res.ci_low, ci_high=res.ci_high, mean=res.mean, satisfied=res.satisfied
		)
	else:
		res = nps_engine.nps(scores)
		row.update(
			score=res.nps,
			ci_low=res.ci_low,
			ci_high=res.ci_high,
			promoters=res.promoters,
			passives=res.passives,
			detractors=res.detractors,
		)
	return row


def columns(group_by: str, survey_type: str) -> list[dict]:
	link = LINKS.get(group_by)
	cols = [
		{
			"fieldname": "group",
			"label": group_label(group_by),
			"fieldtype": "Link" if link else "Data",
			"options": link,
			"width": 180,
		},
		{"fieldname": "sent", "label": _("Sent"), "fieldtype": "Int", "width": 80},
		{"fieldname": "answered", "label": _("Answered"), "fieldtype": "Int", "width": 90},
		{"fieldname": "response_rate", "label": _("Response Rate %"), "fieldtype": "Percent", "width": 120},
	]
	if survey_type == "CSAT":
		cols += [
			{"fieldname": "score", "label": _("CSAT %"), "fieldtype": "Percent", "width": 90},
			{
				"fieldname": "ci_low",
				"label": _("95% CI Low"),
				"fieldtype": "Float",
				"precision": 1,
				"width": 100,
			},
			{
				"fieldname": "ci_high",
				"label": _("95% CI High"),
				"fieldtype": "Float",
				"precision": 1,
				"width": 100,
			},
			{
				"fieldname": "mean",
				"label": _("Mean Rating"),
				"fieldtype": "Float",
				"precision": 2,
				"width": 100,
			},
			{"fieldname": "satisfied", "label": _("Satisfied (4-5)"), "fieldtype": "Int", "width": 110},
		]
	else:
		cols += [
			{"fieldname": "score", "label": _("NPS"), "fieldtype": "Float", "precision": 1, "width": 80},
			{
				"fieldname": "ci_low",
				"label": _("95% CI Low"),
				"fieldtype": "Float",
				"precision": 1,
				"width": 100,
			},
			{
				"fieldname": "ci_high",
				"label": _("95% CI High"),
				"fieldtype": "Float",
				"precision": 1,
				"width": 100,
			},
			{"fieldname": "promoters", "label": _("Promoters"), "fieldtype": "Int", "width": 90},
			{"fieldname": "passives", "label": _("Passives"), "fieldtype": "Int", "width": 90},
			{"fieldname": "detractors", "label": _("Detractors"), "fieldtype": "Int", "width": 90},
		]
	return cols


def chart(data: list, survey_type: str) -> dict | None:
	points = [d for d in data if not d.get("is_total_row") and d.get("score") is not None]
	if not points:
		return None
	return {
		"data": {
			"labels": [d["group"] or _("Not Set") for d in points],
			"datasets": [
				{
					"name": _("CSAT %") if survey_type == "CSAT" else _("NPS"),
					"values": [d["score"] for d in points],
				}
			],
		},
		"type": "bar",
	}


def summary(rows: list, survey_type: str) -> list[dict]:
	total = summarise("", rows, survey_type)
	if total["score"] is None:
		return []
	label = _("CSAT %") if survey_type == "CSAT" else _("NPS")
	return [
		{"value": round(total["score"], 1), "label": label, "datatype": "Float", "indicator": "Blue"},
		{
			"value": "{0} - {1}".format(round(total["ci_low"], 1), round(total["ci_high"], 1)),
			"label": _("95% Confidence Interval"),
			"datatype": "Data",
		},
		{"value": total["answered"], "label": _("Answered"), "datatype": "Int"},
		{"value": round(total["response_rate"] or 0, 1), "label": _("Response Rate %"), "datatype": "Float"},
	]
