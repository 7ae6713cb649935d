# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.engine.segments import validate as validate_conditions


class CRMSSegmentRule(Document):
	def validate(self):
		self.validate_conditions()
		self.validate_actions()

	def validate_conditions(self):
		try:
			validate_conditions(self.engine_conditions())
		except ValueError as e:
			frappe.throw(_("Invalid condition: {0}").format(str(e)), title=_("Invalid Segment Rule"))

	def validate_actions(self):
		self.add_tag = (self.add_tag or "").strip()
		if not self.set_tier and not self.add_tag:
			frappe.throw(_("A segment rule must set a tier, add a tag, or both."))
		if "," in self.add_tag:
			frappe.throw(_("A tag cannot contain a comma."))

	def engine_conditions(self):
		from crm_suite.engine.segments import Condition

		return [Condition(c.metric, c.operator, c.value) for c in self.conditions]

	def on_update(self):
		if self.add_tag and not frappe.db.exists("Tag", self.add_tag):
			frappe.get_doc({"doctype": "Tag", "name": self.add_tag}).insert(ignore_permissions=True)
