# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CRMSMergeLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		candidate: DF.Link | None
		merged_by: DF.Link | None
		merged_doctype: DF.Link
		merged_on: DF.Datetime | None
		merged_record: DF.Data
		score: DF.Percent
		scores: DF.Code | None
		snapshot: DF.Code | None
		survivor: DF.DynamicLink
	# end: auto-generated types

	def validate(self):
		if not self.is_new():
			frappe.throw(_("A merge log is an audit record and cannot be changed."))
