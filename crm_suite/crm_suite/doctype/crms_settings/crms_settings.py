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
		duplicate_model: DF.Code | None
		duplicate_model_updated: DF.Datetime | None
		duplicate_threshold: DF.Percent
		invalid_contact_data: DF.Literal["Warn", "Block"]
		lapsed_days: DF.Int
		warn_on_duplicate: DF.Check
	# end: auto-generated types

	def validate(self):
		self.fill_unset_defaults()
		self.validate_lifecycle_thresholds()

	def fill_unset_defaults(self):
		"""Fields added after a site first saved its settings load as None: give them their default."""
		for df in self.meta.fields:
			if self.get(df.fieldname) is None and df.default not in (None, ""):
				self.set(df.fieldname, frappe.utils.cast(df.fieldtype, df.default))

	def on_update(self):
		clear_settings_cache()

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


SETTINGS_CACHE_KEY = "crms_settings"


def get_settings() -> frappe._dict:
	"""CRMS Settings with each field's default filled in where the site never stored a value.

	Singles only store saved values: a site that installed before a field existed has no row for it,
	so every reader goes through here instead of `get_single_value`. A stored 0 stays 0. Cached in
	Redis until the settings are saved.
	"""
	return frappe._dict(frappe.cache.get_value(SETTINGS_CACHE_KEY, generator=_load_settings))


def _load_settings() -> dict:
	stored = frappe.db.get_singles_dict("CRMS Settings", cast=True)
	out = {}
	for df in frappe.get_meta("CRMS Settings").fields:
		if df.fieldtype in ("Section Break", "Column Break", "Tab Break"):
			continue
		if df.fieldname in stored and stored[df.fieldname] is not None:
			out[df.fieldname] = stored[df.fieldname]
		elif df.default not in (None, ""):
			out[df.fieldname] = frappe.utils.cast(df.fieldtype, df.default)
		else:
			out[df.fieldname] = None
	return out


def store_missing_defaults():
	"""Write the default of every field the site never stored (install and migrate)."""
	stored = frappe.db.get_singles_dict("CRMS Settings")
	for df in frappe.get_meta("CRMS Settings").fields:
		if df.fieldname not in stored and df.default not in (None, ""):
			frappe.db.set_single_value("CRMS Settings", df.fieldname, df.default)
	clear_settings_cache()


def clear_settings_cache():
	frappe.cache.delete_value(SETTINGS_CACHE_KEY)
