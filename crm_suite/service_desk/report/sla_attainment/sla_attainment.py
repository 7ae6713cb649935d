# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""SLA attainment of tickets resolved in a date range, per team, agent, category, tier or channel.

Response SLA met: first response at or before the response due time (tickets with both).
Resolution SLA met: SLA status Met out of Met + Missed. Hours are wall-clock from opening.
Rows come from `frappe.get_list`, so only Issues the user may read are counted.
"""

import frappe
from frappe import _
from frappe.utils import add_days, flt, get_datetime, getdate

from crm_suite.service_desk.report.common import fields_for, group_keys, opened_at

GROUPS = ("Team", "Agent", "Category", "Customer Tier", "Channel")
LINKS = {"Team": "CRMS Service Team", "Agent": "User", "Category": "Issue Type"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = filters.get("group_by") or "Team"
	if group_by not in GROUPS:
		frappe.throw(_("Unknown Group By: {0}").format(group_by))
	data = rows(filters, group_by)
	return columns(group_by), data, None, chart(data)


def columns(group_by):
	labels = {
		"Team": _("Team"),
		"Agent": _("Agent"),
		"Category": _("Category"),
		"Customer Tier": _("Customer Tier"),
		"Channel": _("Channel"),
	}
	group_col = {"fieldname": "group", "label": labels[group_by], "fieldtype": "Data", "width": 200}
	if group_by in LINKS:
		group_col.update(fieldtype="Link", options=LINKS[group_by])
	return [
		group_col,
		{"fieldname": "tickets", "label": _("Tickets"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "response_met_pct",
			"label": _("Response SLA Met %"),
			"fieldtype": "Percent",
			"width": 150,
		},
		{
			"fieldname": "resolution_met_pct",
			"label": _("Resolution SLA Met %"),
			"fieldtype": "Percent",
			"width": 150,
		},
		{
			"fieldname": "avg_response_hours",
			"label": _("Avg First Response (h)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 160,
		},
		{
			"fieldname": "avg_resolution_hours",
			"label": _("Avg Resolution (h)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 150,
		},
	]


def _range(filters):
	to_date = getdate(filters.get("to_date")) if filters.get("to_date") else getdate()
	from_date = getdate(filters.get("from_date")) if filters.get("from_date") else add_days(to_date, -30)
	return get_datetime(from_date), get_datetime(add_days(to_date, 1))


def _pct(hits, total):
	return flt(100.0 * hits / total, 1) if total else None


def _avg(values):
	return flt(sum(values) / len(values), 1) if values else None


def rows(filters, group_by):
	start, end = _range(filters)
	query_filters = {"status": ("in", ("Resolved", "Closed")), "modified": (">=", start)}
	if filters.get("company"):
		query_filters["company"] = filters.company
	tickets = frappe.get_list(
		"Issue",
		fields=[
			"name",
			"opening_date",
			"opening_time",
			"creation",
			"modified",
			"first_responded_on",
			"sla_resolution_date",
			"crms_response_due",
			"crms_sla_status",
			*fields_for(group_by),
		],
		filters=query_filters,
		limit_page_length=0,
		order_by="modified asc",
	)
	groups = {}
	for ticket in tickets:
		# sla_resolution_date is set in the save that resolves; modified is never earlier
		resolved_at = get_datetime(ticket.sla_resolution_date or ticket.modified)
		if not (start <= resolved_at < end):
			continue
		opened = opened_at(ticket)
		for key in group_keys(ticket, group_by):
			acc = groups.setdefault(
				key,
				frappe._dict(
					tickets=0, resp_met=0, resp_total=0, res_met=0, res_total=0, resp_h=[], res_h=[]
				),
			)
			acc.tickets += 1
			if ticket.first_responded_on:
				responded = get_datetime(ticket.first_responded_on)
				acc.resp_h.append((responded - opened).total_seconds() / 3600)
				if ticket.crms_response_due:
					acc.resp_total += 1
					acc.resp_met += responded <= get_datetime(ticket.crms_response_due)
			if ticket.sla_resolution_date:
				acc.res_h.append((resolved_at - opened).total_seconds() / 3600)
			if ticket.crms_sla_status in ("Met", "Missed"):
				acc.res_total += 1
				acc.res_met += ticket.crms_sla_status == "Met"
	data = [
		frappe._dict(
			group=key or _("Not Set"),
			tickets=acc.tickets,
			response_met_pct=_pct(acc.resp_met, acc.resp_total),
			resolution_met_pct=_pct(acc.res_met, acc.res_total),
			avg_response_hours=_avg(acc.resp_h),
			avg_resolution_hours=_avg(acc.res_h),
		)
		for key, acc in groups.items()
	]
	return sorted(data, key=lambda r: (-r.tickets, r.group))


def chart(data):
	if not data:
		return None
	return {
		"data": {
			"labels": [row.group for row in data],
			"datasets": [
				{"name": _("Response SLA Met %"), "values": [row.response_met_pct or 0 for row in data]},
				{"name": _("Resolution SLA Met %"), "values": [row.resolution_met_pct or 0 for row in data]},
			],
		},
		"type": "bar",
		"colors": ["#5e64ff", "#29cd42"],
		"barOptions": {"spaceRatio": 0.4},
	}
