# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from crm_suite.engine.roster import WEEKDAY_FIELDS


class CRMSAgentShift(Document):
	def validate(self):
		self.validate_weekdays()
		self.validate_times()
		self.validate_validity()
		self.normalise_queues()

	def validate_weekdays(self):
		if not any(self.get(f) for f in WEEKDAY_FIELDS):
			frappe.throw(_("Tick at least one weekday."), title=_("Invalid Shift"))

	def validate_times(self):
		if str(self.start_time) == str(self.end_time):
			frappe.throw(_("The shift must not start and end at the same time."), title=_("Invalid Shift"))

	def validate_validity(self):
		if self.valid_from and self.valid_to and getdate(self.valid_to) < getdate(self.valid_from):
			frappe.throw(_("Valid To must be on or after Valid From."), title=_("Invalid Shift"))

	def normalise_queues(self):
		parts = [q.strip() for q in (self.queues or "").replace("\n", ",").split(",")]
		self.queues = ", ".join(dict.fromkeys(q for q in parts if q))
