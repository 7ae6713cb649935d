"""A ticket rule: conditions (keywords, channel, tier, product) and what a match sets on the Issue."""

import frappe
from frappe import _
from frappe.model.document import Document


class CRMSTicketRule(Document):
	def validate(self):
		self.validate_rule()

	def validate_rule(self) -> None:
		"""A rule without a condition would match every ticket; one without an action does nothing."""
		if not (self.keywords or self.channel or self.customer_tier or self.item):
			frappe.throw(_("Set at least one condition: keywords, channel, customer tier or product."))
		if not (self.issue_type or self.team or self.priority or self.complaint_class):
			frappe.throw(_("Set at least one action: issue type, team, priority or complaint class."))
