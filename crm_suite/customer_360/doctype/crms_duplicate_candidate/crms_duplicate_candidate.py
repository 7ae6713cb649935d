# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import hashlib

import frappe
from frappe.model.document import Document


class CRMSDuplicateCandidate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		address_score: DF.Percent
		candidate_doctype: DF.Link
		email_score: DF.Percent
		key: DF.Data | None
		merge_log: DF.Link | None
		name_score: DF.Percent
		phone_score: DF.Percent
		record_a: DF.DynamicLink
		record_a_title: DF.Data | None
		record_b: DF.DynamicLink
		record_b_title: DF.Data | None
		review_note: DF.SmallText | None
		reviewed_by: DF.Link | None
		reviewed_on: DF.Datetime | None
		score: DF.Percent
		status: DF.Literal["Open", "Merged", "Not a Duplicate", "Refused"]
		survivor: DF.DynamicLink | None
		tax_id_score: DF.Percent
	# end: auto-generated types

	def before_insert(self):
		if self.record_b < self.record_a:
			self.record_a, self.record_b = self.record_b, self.record_a
			self.record_a_title, self.record_b_title = self.record_b_title, self.record_a_title
		self.key = candidate_key(self.candidate_doctype, self.record_a, self.record_b)


def candidate_key(doctype: str, a: str, b: str) -> str:
	"""One candidate per unordered pair and doctype (unique column, so reruns never duplicate)."""
	a, b = sorted((a, b))
	key = f"{doctype}|{a}|{b}"
	return key if len(key) <= 140 else hashlib.sha1(key.encode()).hexdigest()


def on_doctype_update():
	frappe.db.add_index("CRMS Duplicate Candidate", ["candidate_doctype", "status", "score"])
