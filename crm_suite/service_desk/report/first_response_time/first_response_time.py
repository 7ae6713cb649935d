# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""First response time of tickets opened in a date range: median, 90th percentile and mean, per group.

Hours are wall-clock hours from the ticket's opening to its first response (`first_responded_on`),
not business hours: the SLA Attainment report judges tickets against their policy's business
calendar; this one shows what the customer waited. Tickets without a response are counted but not
measured. Rows come from `frappe.get_list` (only Issues the user may read), filtered on the indexed
`opening_date` (crms_opening_date).
"""

import frappe
from frappe import _
from frappe.utils import get_datetime

from crm_suite.engine.service_stats import hours_between
from crm_suite.service_desk.report.common import (
	TIME_GROUPS,
	bar_chart,
	base_filters,
	check_group_by,
	date_range,
	duration_columns,
	duration_rows,
	fields_for,
	list_filters,
	opened_at,
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = check_group_by(filters.get("group_by") or "Team", TIME_GROUPS)
	data = rows(filters, group_by)
	columns = duration_columns(group_by, _("Responded"))
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
			"first_responded_on",
			*fields_for(group_by),
		],
		filters=list_filters(filters, "opening_date", start.date(), end.date()),
		limit_page_length=0,
		order_by="opening_date asc",
	)

	def hours(ticket):
		if not ticket.first_responded_on:
			return None
		return hours_between(opened_at(ticket), get_datetime(ticket.first_responded_on))

	return duration_rows(tickets, group_by, hours)
