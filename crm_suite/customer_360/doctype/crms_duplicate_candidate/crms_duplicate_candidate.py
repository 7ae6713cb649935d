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

		birth_date_score: DF.Float
		candidate_doctype: DF.Link
		city_score: DF.Float
		email_score: DF.Float
		explanation: DF.SmallText | None
		house_no_score: DF.Float
		key: DF.Data | None
		match_weight: DF.Float
		merge_log: DF.Link | None
		name_score: DF.Float
		phone_score: DF.Float
		postcode_score: DF.Float
		record_a: DF.DynamicLink
		record_a_title: DF.Data | None
		record_b: DF.DynamicLink
		record_b_doctype: DF.Link | None
		record_b_title: DF.Data | None
		review_note: DF.SmallText | None
		reviewed_by: DF.Link | None
		reviewed_on: DF.Datetime | None
		score: DF.Percent
		status: DF.Literal["Open", "Merged", "Linked", "Not a Duplicate", "Refused"]
		street_score: DF.Float
		survivor: DF.DynamicLink | None
		tax_id_score: DF.Float
	# end: auto-generated types

	def _validate_links(self):
		# insert() checks links before before_insert and validate, and record_b's Dynamic Link needs
		# its doctype by then
		self.set_record_b_doctype()
		super()._validate_links()

	def validate(self):
		self.set_record_b_doctype()

	def before_insert(self):
		if not self.is_cross_doctype() and self.record_b < self.record_a:
			self.record_a, self.record_b = self.record_b, self.record_a
			self.record_a_title, self.record_b_title = self.record_b_title, self.record_a_title
		self.key = candidate_key(self.candidate_doctype, self.record_a, self.record_b, self.record_b_doctype)

	def set_record_b_doctype(self):
		if not self.record_b_doctype:
			self.record_b_doctype = self.candidate_doctype

	def is_cross_doctype(self) -> bool:
		return is_cross_doctype(self.candidate_doctype, self.record_b_doctype)


def is_cross_doctype(doctype: str, b_doctype: str | None) -> bool:
	return bool(b_doctype) and b_doctype != doctype


def candidate_key(doctype: str, a: str, b: str, b_doctype: str | None = None) -> str:
	"""One candidate per unordered pair and doctype (unique column, so reruns never duplicate). A
	cross-doctype candidate (a Lead against a Customer or Contact) names both doctypes, in order."""
	if is_cross_doctype(doctype, b_doctype):
		key = f"{doctype}|{a}|{b_doctype}|{b}"
	else:
		a, b = sorted((a, b))
		key = f"{doctype}|{a}|{b}"
	return key if len(key) <= 140 else hashlib.sha1(key.encode()).hexdigest()


def on_doctype_update():
	frappe.db.add_index("CRMS Duplicate Candidate", ["candidate_doctype", "status", "score"])
