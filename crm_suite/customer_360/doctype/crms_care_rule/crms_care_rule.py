"""A care rule: on an occasion (birthday, fixed date, holiday) create a ToDo or send an email."""

import datetime

import frappe
from frappe import _
from frappe.model.document import Document


class CRMSCareRule(Document):
	def validate(self):
		self.validate_occasion()
		self.validate_action()

	def validate_occasion(self):
		if self.occasion == "Fixed Date":
			try:
				datetime.date(2000, int(self.month or 0), int(self.day or 0))
			except ValueError:
				frappe.throw(_("Month and Day must form a valid calendar date."))
		if (self.days_before or 0) < 0:
			frappe.throw(_("Days Before cannot be negative."))

	def validate_action(self):
		if self.action == "Email":
			if not self.email_template:
				frappe.throw(_("An Email Template is required for email care actions."))
			self.channel = "Email"
