"""A service team: its members with skills, languages, products, capacity and availability."""

from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.model.document import Document


class CRMSServiceTeam(Document):
	def validate(self):
		self.validate_time_zone()
		self.validate_members()

	def validate_time_zone(self) -> None:
		self.time_zone = (self.time_zone or "").strip()
		if not self.time_zone:
			return
		try:
			ZoneInfo(self.time_zone)
		except Exception:
			frappe.throw(_("Unknown time zone: {0}").format(self.time_zone))

	def validate_members(self) -> None:
		"""One row per agent, so load and round robin are counted once per person."""
		seen = set()
		for row in self.members:
			if row.user in seen:
				frappe.throw(_("Row {0}: {1} is already a member of this team.").format(row.idx, row.user))
			seen.add(row.user)
			if (row.capacity or 0) < 0:
				frappe.throw(_("Row {0}: capacity cannot be negative.").format(row.idx))
