# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_system_timezone, get_time

ISSUE_STATUSES = ("Open", "Replied", "On Hold", "Resolved", "Closed")
FINAL_STATUSES = ("Resolved", "Closed")


class CRMSSLAPolicy(Document):
	def validate(self):
		self.validate_time_zone()
		self.validate_working_hours()
		self.validate_pause_statuses()
		self.validate_thresholds()
		self.validate_targets()

	def validate_time_zone(self):
		self.time_zone = (self.time_zone or "").strip() or get_system_timezone()
		try:
			ZoneInfo(self.time_zone)
		except (ZoneInfoNotFoundError, ValueError):
			frappe.throw(_("Unknown time zone: {0}").format(self.time_zone))

	def validate_working_hours(self):
		for row in self.working_hours:
			start, end = get_time(row.start_time), get_time(row.end_time)
			if end != get_time("00:00:00") and end <= start:
				frappe.throw(
					_("Row {0}: the end time must be after the start time (00:00 means midnight).").format(
						row.idx
					)
				)

	def validate_pause_statuses(self):
		statuses = [s.strip() for s in (self.pause_statuses or "").splitlines() if s.strip()]
		for status in statuses:
			if status not in ISSUE_STATUSES or status in FINAL_STATUSES:
				frappe.throw(_("{0} cannot be a pause status.").format(status))
		self.pause_statuses = "\n".join(statuses)

	def validate_thresholds(self):
		levels = [self.warning_percent, self.level_2_percent, self.level_3_percent]
		if not all(levels) or levels != sorted(levels) or len(set(levels)) < 3:
			frappe.throw(_("Escalation thresholds must be positive and increasing (e.g. 75, 100, 150)."))

	def validate_targets(self):
		if not (self.response_hours or self.resolution_hours) and not self.targets:
			frappe.throw(_("Set a first response or resolution target."))
		seen = set()
		for row in self.targets:
			if row.issue_priority in seen:
				frappe.throw(_("Priority {0} has more than one target row.").format(row.issue_priority))
			seen.add(row.issue_priority)

	def on_update(self):
		clear_policy_cache()

	def on_trash(self):
		clear_policy_cache()


def clear_policy_cache(*args, **kwargs) -> None:
	from crm_suite.service_desk.sla import clear_policy_cache as clear

	clear()
