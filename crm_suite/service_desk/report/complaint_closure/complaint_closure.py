# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Complaints (tickets with a complaint class) opened in a date range, closed within their class limit:
Normal 72 h, Urgent 24 h, Major 4 h of wall-clock time from opening to resolution (`sla_resolution_date`).

Per complaint class, team or opening month. "Within limit %" counts the decided complaints: closed
ones, and open ones already past their limit (they can no longer make it); open complaints still
inside their limit are shown but not judged. Rows come from `frappe.get_list` (only Issues the user
may read), filtered on the indexed `opening_date` and `crms_complaint_class`.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_suite.engine.service_stats import (
	COMPLAINT_LIMIT_HOURS,
	closed_within_limit,
	hours_between,
	open_over_limit,
	percentile,
	share,
)
from crm_suite.service_desk.report.common import (
	bar_chart,
	check_group_by,
	date_range,
	group_column,
	list_filters,
	opened_at,
)

GROUPS = ("Complaint Class", "Team", "Month")
RESOLVED_STATUSES = ("Resolved", "Closed")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = check_group_by(filters.get("group_by") or "Complaint Class", GROUPS)
	data = rows(filters, group_by)
	chart = bar_chart(data, [(_("Within Limit %"), "within_limit_pct")], ["#29cd42"])
	return columns(group_by), data, None, chart


def columns(group_by):
	group_col = group_column(group_by)
	if group_by == "Team":
		group_col.update(fieldtype="Link", options="CRMS Service Team")
	return [
		group_col,
		{"fieldname": "complaints", "label": _("Complaints"), "fieldtype": "Int", "width": 100},
		{"fieldname": "closed", "label": _("Closed"), "fieldtype": "Int", "width": 90},
		{"fieldname": "within_limit", "label": _("Closed Within Limit"), "fieldtype": "Int", "width": 150},
		{"fieldname": "open_over_limit", "label": _("Open Past Limit"), "fieldtype": "Int", "width": 130},
		{"fieldname": "within_limit_pct", "label": _("Within Limit %"), "fieldtype": "Percent", "width": 130},
		{
			"fieldname": "median_hours",
			"label": _("Median Closure (h)"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 150,
		},
	]


def group_key(ticket, group_by) -> str:
	if group_by == "Complaint Class":
		return ticket.crms_complaint_class
	if group_by == "Team":
		return ticket.crms_team or ""
	return opened_at(ticket).strftime("%Y-%m")


def rows(filters, group_by, now=None):
	now = now or now_datetime()
	start, end = date_range(filters)
	query_filters = list_filters(filters, "opening_date", start.date(), end.date())
	query_filters.append(["Issue", "crms_complaint_class", "in", tuple(COMPLAINT_LIMIT_HOURS)])
	if filters.get("complaint_class"):
		query_filters.append(["Issue", "crms_complaint_class", "=", filters.complaint_class])
	tickets = frappe.get_list(
		"Issue",
		fields=[
			"name",
			"status",
			"opening_date",
			"opening_time",
			"creation",
			"sla_resolution_date",
			"crms_complaint_class",
			"crms_team",
		],
		filters=query_filters,
		limit_page_length=0,
		order_by="opening_date asc",
	)
	groups = {}
	for ticket in tickets:
		opened = opened_at(ticket)
		acc = groups.setdefault(
			group_key(ticket, group_by), frappe._dict(complaints=0, closed=0, within=0, over=0, hours=[])
		)
		acc.complaints += 1
		closed = (
			get_datetime(ticket.sla_resolution_date)
			if ticket.status in RESOLVED_STATUSES and ticket.sla_resolution_date
			else None
		)
		if closed:
			acc.closed += 1
			acc.within += bool(closed_within_limit(ticket.crms_complaint_class, opened, closed))
			acc.hours.append(hours_between(opened, closed))
		elif open_over_limit(ticket.crms_complaint_class, opened, now):
			acc.over += 1
	data = []
	for key, acc in groups.items():
		median = percentile(acc.hours, 50)
		data.append(
			frappe._dict(
				group=(_(key) if group_by == "Complaint Class" else key) or _("Not Set"),
				complaints=acc.complaints,
				closed=acc.closed,
				within_limit=acc.within,
				open_over_limit=acc.over,
				within_limit_pct=share(acc.within, acc.closed + acc.over),
				median_hours=None if median is None else round(median, 1),
			)
		)
	order = {c: i for i, c in enumerate(COMPLAINT_LIMIT_HOURS)}
	if group_by == "Month":
		return sorted(data, key=lambda r: r.group)
	if group_by == "Complaint Class":
		keys = {(_(k) if k else _("Not Set")): order.get(k, 99) for k in groups}
		return sorted(data, key=lambda r: keys.get(r.group, 99))
	return sorted(data, key=lambda r: (-r.complaints, r.group))
