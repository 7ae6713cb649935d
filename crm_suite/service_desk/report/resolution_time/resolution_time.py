# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Resolution time of tickets resolved in a date range: median, 90th percentile and mean, per group.

Hours are wall-clock hours from the ticket's opening to its resolution (`sla_resolution_date`, set
in the save that resolves), not business hours and without subtracting pauses: the time the customer
waited. A reopened ticket counts once it is resolved again. Rows come from `frappe.get_list` (only
Issues the user may read), filtered on the indexed `sla_resolution_date` (crms_sla_resolution_date).
"""

import frappe
from frappe import _
from frappe.utils import get_datetime

from crm_suite.engine.service_stats import hours_between
from crm_suite.service_desk.report.common import (
	TIME_GROUPS,
	bar_chart,
	check_group_by,
	date_range,
	duration_columns,
	duration_rows,
	fields_for,
	list_filters,
	opened_at,
)

RESOLVED_STATUSES = ("Resolved", "Closed")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = check_group_by(filters.get("group_by") or "Team", TIME_GROUPS)
	data = rows(filters, group_by)
	columns = duration_columns(group_by, _("Resolved"))
	chart = bar_chart(data, [(_("Median (h)"), "median_hours"), (_("90th Percentile (h)"), "p90_hours")])
	return columns, data, None, chart


def rows(filters, group_by):
	start, end = date_range(filters)
	tickets = frappe.get_list(
		"Issue",
		fields=[
			"name",
			"opening_date",
			"opening_time",
			"creation",
			"sla_resolution_date",
			*fields_for(group_by),
		],
		filters=[
			*list_filters(filters, "sla_resolution_date", start, end),
			["Issue", "status", "in", RESOLVED_STATUSES],
		],
		limit_page_length=0,
		order_by="sla_resolution_date asc",
	)

	def hours(ticket):
		return hours_between(opened_at(ticket), get_datetime(ticket.sla_resolution_date))

	return duration_rows(tickets, group_by, hours)
