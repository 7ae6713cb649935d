# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Shared helpers of the service-desk reports: when a ticket opened, and its group key."""

import json
from datetime import datetime, time

from frappe.utils import get_datetime, get_time, getdate

# Group By filter value -> Issue field
GROUP_FIELDS = {
	"Team": "crms_team",
	"Category": "issue_type",
	"Priority": "priority",
	"Customer Tier": "crms_customer_tier",
	"Channel": "crms_channel",
}


def opened_at(row) -> datetime:
	"""The ticket's opening date and time; its creation when those are missing."""
	if row.get("opening_date"):
		opening_time = get_time(row.opening_time) if row.get("opening_time") else time()
		return datetime.combine(getdate(row.opening_date), opening_time)
	return get_datetime(row.creation)


def group_keys(row, group_by: str) -> list[str]:
	"""The group(s) a ticket counts in: every assignee for "Agent", else one field value."""
	if group_by == "Agent":
		try:
			users = json.loads(row.get("_assign") or "[]")
		except ValueError:
			users = []
		return users or [""]
	return [row.get(GROUP_FIELDS[group_by]) or ""]


def fields_for(group_by: str) -> list[str]:
	return ["_assign"] if group_by == "Agent" else [GROUP_FIELDS[group_by]]


# Group By choices of the time / rate reports, with the link type of their group column
TIME_GROUPS = ("Team", "Agent", "Category", "Priority", "Customer Tier", "Channel")
GROUP_LINKS = {
	"Team": "CRMS Service Team",
	"Agent": "User",
	"Category": "Issue Type",
	"Priority": "Issue Priority",
}


def group_label(group_by: str) -> str:
	from frappe import _

	return {
		"Team": _("Team"),
		"Agent": _("Agent"),
		"Category": _("Category"),
		"Priority": _("Priority"),
		"Customer Tier": _("Customer Tier"),
		"Channel": _("Channel"),
		"Complaint Class": _("Complaint Class"),
		"Month": _("Month"),
	}[group_by]


def group_column(group_by: str) -> dict:
	col = {"fieldname": "group", "label": group_label(group_by), "fieldtype": "Data", "width": 200}
	if group_by in GROUP_LINKS:
		col.update(fieldtype="Link", options=GROUP_LINKS[group_by])
	return col


def check_group_by(group_by: str, allowed: tuple[str, ...]) -> str:
	import frappe
	from frappe import _

	if group_by not in allowed:
		frappe.throw(_("Unknown Group By: {0}").format(group_by))
	return group_by


def date_range(filters) -> tuple[datetime, datetime]:
	"""[start, end) of the From / To Date filters (whole days; the last 30 days by default)."""
	from frappe.utils import add_days

	to_date = getdate(filters.get("to_date")) if filters.get("to_date") else getdate()
	from_date = getdate(filters.get("from_date")) if filters.get("from_date") else add_days(to_date, -30)
	return get_datetime(from_date), get_datetime(add_days(to_date, 1))


def base_filters(filters) -> dict:
	"""Filters every service-desk report accepts: company, team, channel (all indexed on Issue)."""
	out = {}
	for key, field in (("company", "company"), ("team", "crms_team"), ("channel", "crms_channel")):
		if filters.get(key):
			out[field] = filters.get(key)
	return out


def bar_chart(data: list, datasets: list[tuple[str, str]], colors: list[str] | None = None) -> dict | None:
	"""A frappe report chart: one bar per group, one dataset per (label, row key)."""
	if not data:
		return None
	return {
		"data": {
			"labels": [row.group for row in data],
			"datasets": [
				{"name": label, "values": [row.get(key) or 0 for row in data]} for label, key in datasets
			],
		},
		"type": "bar",
		"colors": colors or ["#5e64ff", "#ff5858", "#29cd42"],
		"barOptions": {"spaceRatio": 0.4},
	}


def duration_rows(tickets: list, group_by: str, hours_of) -> list:
	"""Median / p90 / mean hours per group; `hours_of(ticket)` gives a ticket's hours or None."""
	import frappe
	from frappe import _

	from crm_suite.engine.service_stats import summarize

	groups: dict[str, list] = {}
	for ticket in tickets:
		hours = hours_of(ticket)
		for key in group_keys(ticket, group_by):
			bucket = groups.setdefault(key, [0, []])
			bucket[0] += 1
			if hours is not None:
				bucket[1].append(hours)
	data = []
	for key, (count, values) in groups.items():
		s = summarize(values)
		data.append(
			frappe._dict(
				group=key or _("Not Set"),
				tickets=count,
				measured=s.count,
				median_hours=s.median,
				p90_hours=s.p90,
				mean_hours=s.mean,
			)
		)
	return sorted(data, key=lambda r: (-r.tickets, r.group))


def duration_columns(group_by: str, measured_label: str) -> list[dict]:
	from frappe import _

	def hours(fieldname, label):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Float", "precision": 1, "width": 130}

	return [
		group_column(group_by),
		{"fieldname": "tickets", "label": _("Tickets"), "fieldtype": "Int", "width": 90},
		{"fieldname": "measured", "label": measured_label, "fieldtype": "Int", "width": 110},
		hours("median_hours", _("Median (h)")),
		hours("p90_hours", _("90th Percentile (h)")),
		hours("mean_hours", _("Mean (h)")),
	]


def list_filters(filters, field: str, start, end) -> list[list]:
	"""frappe.get_list filters: the indexed base filters plus start <= field < end."""
	return [
		*(["Issue", key, "=", value] for key, value in base_filters(filters).items()),
		["Issue", field, ">=", start],
		["Issue", field, "<", end],
	]
