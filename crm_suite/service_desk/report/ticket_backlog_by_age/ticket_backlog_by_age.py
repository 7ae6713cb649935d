# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Open tickets by age bucket, per team, agent, category or priority, with the breached count.

Rows come from `frappe.get_list`, so only Issues the user may read are counted.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_suite.service_desk.report.common import fields_for, group_keys, opened_at

CLOSED_STATUSES = ("Resolved", "Closed")
# (fieldname, upper bound in hours; None = open-ended)
BUCKETS = (("age_4h", 4), ("age_24h", 24), ("age_3d", 72), ("age_7d", 168), ("age_over_7d", None))


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = filters.get("group_by") or "Team"
	if group_by not in ("Team", "Agent", "Category", "Priority"):
		frappe.throw(_("Unknown Group By: {0}").format(group_by))
	data = rows(filters, group_by)
	return columns(group_by), data


def columns(group_by):
	labels = {"Team": _("Team"), "Agent": _("Agent"), "Category": _("Category"), "Priority": _("Priority")}
	group_col = {"fieldname": "group", "label": labels[group_by], "fieldtype": "Data", "width": 200}
	if group_by == "Team":
		group_col.update(fieldtype="Link", options="CRMS Service Team")
	elif group_by == "Agent":
		group_col.update(fieldtype="Link", options="User")
	elif group_by == "Category":
		group_col.update(fieldtype="Link", options="Issue Type")
	elif group_by == "Priority":
		group_col.update(fieldtype="Link", options="Issue Priority")
	labels = (_("< 4 h"), _("4-24 h"), _("1-3 d"), _("3-7 d"), _("> 7 d"))
	return [
		group_col,
		*(
			{"fieldname": fieldname, "label": label, "fieldtype": "Int", "width": 90}
			for (fieldname, _bound), label in zip(BUCKETS, labels, strict=True)
		),
		{"fieldname": "total", "label": _("Total"), "fieldtype": "Int", "width": 90},
		{"fieldname": "breached", "label": _("Breached"), "fieldtype": "Int", "width": 90},
	]


def bucket_of(age_hours: float) -> str:
	for fieldname, bound in BUCKETS:
		if bound is None or age_hours < bound:
			return fieldname
	return BUCKETS[-1][0]


def rows(filters, group_by, now=None):
	query_filters = {"status": ("not in", CLOSED_STATUSES)}
	if filters.get("company"):
		query_filters["company"] = filters.company
	if filters.get("channel"):
		query_filters["crms_channel"] = filters.channel
	tickets = frappe.get_list(
		"Issue",
		fields=[
			"name",
			"opening_date",
			"opening_time",
			"creation",
			"crms_sla_status",
			*fields_for(group_by),
		],
		filters=query_filters,
		limit_page_length=0,
		order_by="creation asc",
	)
	now = now or now_datetime()
	groups = {}
	for ticket in tickets:
		age_hours = (now - opened_at(ticket)).total_seconds() / 3600
		bucket = bucket_of(age_hours)
		for key in group_keys(ticket, group_by):
			row = groups.setdefault(
				key,
				frappe._dict({"group": key, **{b: 0 for b, _bound in BUCKETS}, "total": 0, "breached": 0}),
			)
			row[bucket] += 1
			row.total += 1
			if ticket.crms_sla_status == "Breached":
				row.breached += 1
	data = sorted(groups.values(), key=lambda r: (-r.total, r.group))
	for row in data:
		if not row.group:
			row.group = _("Not Set")
	return data
