# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CRMSSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		active_days: DF.Int
		at_risk_days: DF.Int
		at_risk_gap_factor: DF.Float
		clv_discount_rate: DF.Percent
		clv_horizon_months: DF.Int
		clv_margin: DF.Percent
		default_phone_region: DF.Link | None
		duplicate_threshold: DF.Percent
		invalid_contact_data: DF.Literal["Warn", "Block"]
		lapsed_days: DF.Int
		warn_on_duplicate: DF.Check
	# end: auto-generated types

	def validate(self):
		self.validate_lifecycle_thresholds()

	def validate_lifecycle_thresholds(self):
		"""Stages are bands on one time axis: they must not overlap, or a customer is in two at once."""
		if not (0 < (self.active_days or 0) <= (self.at_risk_days or 0) < (self.lapsed_days or 0)):
			frappe.throw(
				_(
					"Lifecycle thresholds must satisfy 0 < Active ({0}) <= At Risk ({1}) < Lapsed ({2}) days."
				).format(self.active_days, self.at_risk_days, self.lapsed_days),
				title=_("Invalid Lifecycle Thresholds"),
			)
		if (self.at_risk_gap_factor or 0) and self.at_risk_gap_factor < 1:
			frappe.throw(_("The at-risk gap factor must be at least 1."))


def get_settings() -> frappe._dict:
	"""CRMS Settings with each field's default filled in where the site never stored a value.

	Singles only store saved values: a site that installed before a field existed reads 0 or None,
	so every reader goes through here instead of `get_single_value`.
	"""
	doc = frappe.get_cached_doc("CRMS Settings")
	out = frappe._dict()
	for df in frappe.get_meta("CRMS Settings").fields:
		if df.fieldtype in ("Section Break", "Column Break", "Tab Break"):
			continue
		value = doc.get(df.fieldname)
		if value in (None, "", 0) and df.default not in (None, ""):
			value = frappe.utils.cast(df.fieldtype, df.default)
		out[df.fieldname] = value
	return out
