"""A service team: its members with skills, languages, products, capacity and availability."""

import frappe
from frappe import _
from frappe.model.document import Document


class CRMSServiceTeam(Document):
	def validate(self):
		self.validate_members()

	def validate_members(self) -> None:
		"""One row per agent, so load and round robin are counted once per person."""
		seen = set()
		for row in self.members:
			if row.user in seen:
				frappe.throw(_("Row {0}: {1} is already a member of this team.").format(row.idx, row.user))
			seen.add(row.user)
			if (row.capacity or 0) < 0:
				frappe.throw(_("Row {0}: capacity cannot be negative.").format(row.idx))
