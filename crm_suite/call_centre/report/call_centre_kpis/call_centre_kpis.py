"""Call Centre KPIs: offered, answered, abandoned, service level, ASA, AHT, FCR, transfers, occupancy and
calls by outcome, grouped by queue, agent, team, hour of day, 30-minute interval of day or day.

One GROUP BY query (crm_suite.call_centre.call_data.totals_by) gives the sufficient statistics per group;
crm_suite.engine.call_kpis.from_totals turns them into the KPIs (definitions in that module).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, nowdate

from crm_suite.call_centre import call_data
from crm_suite.engine import call_kpis

GROUPS = {
	"Queue": "queue",
	"Agent": "agent",
	"Team": "team",
	"Hour": "hour",
	"30-min Interval": "interval30",
	"Day": "day",
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	from_date = getdate(filters.from_date or add_days(nowdate(), -30))
	to_date = getdate(filters.to_date or nowdate())
	if to_date < from_date:
		frappe.throw(_("To Date must be on or after From Date."))
	group = GROUPS.get(filters.group_by or "Queue")
	if not group:
		frappe.throw(_("Unknown grouping {0}.").format(filters.group_by))
	threshold = flt(filters.sl_threshold) if filters.sl_threshold not in (None, "") else 20
	target = flt(filters.target_sl) if filters.target_sl not in (None, "") else 80
	start, end = call_data.day_bounds(from_date, to_date)
	totals = call_data.totals_by(
		group,
		start,
		end,
		queue=filters.queue,
		agent=filters.agent,
		team=filters.team,
		threshold_seconds=threshold,
	)
	staffed = call_data.staffed_seconds(start, end) if group == "agent" or filters.agent else {}
	if filters.agent:
		staffed = {filters.agent: staffed.get(filters.agent, 0.0)} if staffed else {}
	rows = kpi_rows(totals, group, staffed)
	outcomes = _outcome_keys(totals[call_kpis.ALL])
	columns = get_columns(group, outcomes)
	data = [_row(r, outcomes, target) for r in rows]
	total = rows[-1]["kpis"]
	return columns, data, None, get_chart(rows[:-1]), get_summary(total, threshold, target)


def kpi_rows(totals: dict, group: str, staffed: dict[str, float]) -> list[dict]:
	"""One dict per group (key, label, kpis), the total last. Staffed time splits only by agent."""
	out = []
	for key, t in totals.items():
		if key == call_kpis.ALL:
			continue
		secs = staffed.get(key) if group == "agent" and key else None
		out.append(
			{
				"key": key,
				"label": group_label(group, key),
				"kpis": call_kpis.from_totals(t, staffed_seconds=secs),
			}
		)
	all_staffed = sum(staffed.values()) if staffed else None
	out.append(
		{
			"key": call_kpis.ALL,
			"label": _("Total"),
			"kpis": call_kpis.from_totals(totals[call_kpis.ALL], staffed_seconds=all_staffed),
		}
	)
	return out


def group_label(group: str, key) -> str:
	if group == "hour":
		return f"{cint(key):02d}:00"
	if group == "interval30":
		minutes = cint(key) * 30
		return f"{minutes // 60:02d}:{minutes % 60:02d}"
	if group == "agent":
		return key or _("(no agent)")
	if not key:
		return _("(none)")
	return str(key)


def _outcome_keys(total: call_kpis.CallTotals) -> list[str]:
	from crm_suite.setup.fields.call_centre import DISPOSITIONS

	seen = set(total.outcomes)
	ordered = [d for d in DISPOSITIONS if d in seen]
	ordered += sorted(k for k in seen if k and k not in DISPOSITIONS)
	if "" in seen:
		ordered.append("")
	return ordered


def _outcome_field(outcome: str) -> str:
	return "outcome_" + (frappe.scrub(outcome) if outcome else "none")


def _round(v, digits=1):
	return None if v is None else round(v, digits)


def _row(r: dict, outcomes: list[str], target: float) -> dict:
	k: call_kpis.CallKpis = r["kpis"]
	row = {
		"group": r["label"],
		"group_key": "" if r["key"] == call_kpis.ALL else str(r["key"]),
		"is_total": 1 if r["key"] == call_kpis.ALL else 0,
		"calls": k.calls,
		"offered": k.offered,
		"answered": k.answered,
		"abandoned": k.abandoned,
		"short_abandoned": k.short_abandoned,
		"abandon_rate": _round(k.abandon_rate),
		"service_level": _round(k.service_level),
		"sl_met": None if k.service_level is None else int(k.service_level >= target),
		"asa": _round(k.asa),
		"aht": _round(k.aht),
		"fcr_rate": _round(k.fcr_rate),
		"transfer_rate": _round(k.transfer_rate),
		"occupancy": _round(k.occupancy),
	}
	for o in outcomes:
		row[_outcome_field(o)] = k.outcomes.get(o, 0)
	return row


def get_columns(group: str, outcomes: list[str]) -> list[dict]:
	label = {
		"queue": _("Queue"),
		"agent": _("Agent"),
		"team": _("Team"),
		"hour": _("Hour"),
		"interval30": _("Interval"),
		"day": _("Day"),
	}[group]
	cols = [
		{"fieldname": "group", "label": label, "fieldtype": "Data", "width": 180},
		{"fieldname": "offered", "label": _("Offered"), "fieldtype": "Int", "width": 90},
		{"fieldname": "answered", "label": _("Answered"), "fieldtype": "Int", "width": 90},
		{"fieldname": "abandoned", "label": _("Abandoned"), "fieldtype": "Int", "width": 90},
		{"fieldname": "abandon_rate", "label": _("Abandonment %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "service_level", "label": _("Service Level %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "sl_met", "label": _("SL Target Met"), "fieldtype": "Check", "width": 90},
		{"fieldname": "asa", "label": _("ASA (s)"), "fieldtype": "Float", "precision": 1, "width": 90},
		{"fieldname": "aht", "label": _("AHT (s)"), "fieldtype": "Float", "precision": 1, "width": 90},
		{"fieldname": "fcr_rate", "label": _("FCR %"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "transfer_rate", "label": _("Transfer %"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "occupancy", "label": _("Occupancy %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "short_abandoned", "label": _("Short Abandons"), "fieldtype": "Int", "width": 100},
		{"fieldname": "calls", "label": _("All Calls"), "fieldtype": "Int", "width": 90},
	]
	for o in outcomes:
		cols.append(
			{
				"fieldname": _outcome_field(o),
				"label": _(o) if o else _("No Disposition"),
				"fieldtype": "Int",
				"width": 110,
			}
		)
	return cols


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [r["label"] for r in rows],
			"datasets": [
				{"name": _("Answered"), "values": [r["kpis"].answered for r in rows]},
				{"name": _("Abandoned"), "values": [r["kpis"].abandoned for r in rows]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"colors": ["#2490ef", "#e24c4c"],
	}


def get_summary(k: call_kpis.CallKpis, threshold: float, target: float) -> list[dict]:
	sl = k.service_level
	return [
		{"value": k.offered, "label": _("Offered"), "datatype": "Int"},
		{"value": k.answered, "label": _("Answered"), "datatype": "Int"},
		{
			"value": sl if sl is not None else 0,
			"label": _("Service Level ({0} s)").format(cint(threshold)),
			"datatype": "Percent",
			"indicator": "Green" if sl is not None and sl >= target else "Red",
		},
		{"value": round(k.asa or 0, 1), "label": _("ASA (s)"), "datatype": "Float"},
		{"value": round(k.aht or 0, 1), "label": _("AHT (s)"), "datatype": "Float"},
		{
			"value": k.abandon_rate or 0,
			"label": _("Abandonment %"),
			"datatype": "Percent",
			"indicator": "Red" if (k.abandon_rate or 0) > 5 else "Green",
		},
	]
