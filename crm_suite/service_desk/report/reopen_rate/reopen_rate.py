# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Reopen rate of tickets opened in a date range, per group: of the tickets resolved at least once
(Resolved / Closed now, or reopened before), the share reopened at least once.

Reads the Issue's reopen counter (`crms_reopen_count`, kept by the service desk on every reopen);
on a site without that field the report says so and shows nothing. Rows come from `frappe.get_list`
(only Issues the user may read), filtered on the indexed `opening_date` (crms_opening_date).
"""

import frappe
from frappe import _
from frappe.utils import cint

from crm_suite.engine.service_stats import share
from crm_suite.service_desk.report.common import (
	TIME_GROUPS,
	bar_chart,
	check_group_by,
	date_range,
	fields_for,
	group_column,
	group_keys,
	list_filters,
)

RESOLVED_STATUSES = ("Resolved", "Closed")
REOPEN_FIELD = "crms_reopen_count"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = check_group_by(filters.get("group_by") or "Team", TIME_GROUPS)
	if not frappe.get_meta("Issue").has_field(REOPEN_FIELD):
		return columns(group_by), [], _("Reopens are not tracked on this site yet.")
	data = rows(filters, group_by)
	chart = bar_chart(data, [(_("Reopen Rate %"), "reopen_rate")], ["#ff5858"])
	return columns(group_by), data, None, chart


def columns(group_by):
	return [
		group_column(group_by),
		{"fieldname": "resolved", "label": _("Resolved"), "fieldtype": "Int", "width": 100},
		{"fieldname": "reopened", "label": _("Reopened"), "fieldtype": "Int", "width": 100},
		{"fieldname": "reopen_rate", "label": _("Reopen Rate %"), "fieldtype": "Percent", "width": 130},
		{"fieldname": "reopens", "label": _("Reopens"), "fieldtype": "Int", "width": 100},
	]


def rows(filters, group_by):
	start, end = date_range(filters)
	tickets = frappe.get_list(
		"Issue",
		fields=["name", "status", REOPEN_FIELD, *fields_for(group_by)],
		filters=list_filters(filters, "opening_date", start.date(), end.date()),
		limit_page_length=0,
		order_by="opening_date asc",
	)
	groups = {}
	for ticket in tickets:
		reopens = cint(ticket.get(REOPEN_FIELD))
		if ticket.status not in RESOLVED_STATUSES and not reopens:
			continue  # never resolved: it cannot have been reopened
		for key in group_keys(ticket, group_by):
			acc = groups.setdefault(key, frappe._dict(resolved=0, reopened=0, reopens=0))
			acc.resolved += 1
			acc.reopened += reopens > 0
			acc.reopens += reopens
	data = [
		frappe._dict(
			group=key or _("Not Set"),
			resolved=acc.resolved,
			reopened=acc.reopened,
			reopen_rate=share(acc.reopened, acc.resolved),
			reopens=acc.reopens,
		)
		for key, acc in groups.items()
	]
	return sorted(data, key=lambda r: (-r.resolved, r.group))
