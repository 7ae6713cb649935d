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
