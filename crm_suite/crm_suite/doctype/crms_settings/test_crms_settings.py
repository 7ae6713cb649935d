import frappe

from crm_suite.tests import CRMSuiteTestCase


class TestCRMSSettings(CRMSuiteTestCase):
	def test_defaults_and_roles(self):
		settings = frappe.get_single("CRMS Settings")
		self.assertEqual(settings.invalid_contact_data, "Warn")
		perms = {p.role for p in frappe.get_meta("CRMS Settings").permissions}
		self.assertIn("Service Supervisor", perms)

	def test_rejects_an_unknown_option(self):
		settings = frappe.get_single("CRMS Settings")
		settings.invalid_contact_data = "Explode"
		with self.assertRaises(frappe.ValidationError):
			settings.save()
		frappe.db.rollback()

	def test_lifecycle_thresholds_must_be_ordered(self):
		settings = frappe.get_single("CRMS Settings")
		settings.active_days, settings.at_risk_days, settings.lapsed_days = 90, 400, 365
		with self.assertRaises(frappe.ValidationError):
			settings.save()
		frappe.db.rollback()

	def test_get_settings_fills_defaults_for_unsaved_fields(self):
		from crm_suite.crm_suite.doctype.crms_settings.crms_settings import clear_settings_cache, get_settings

		frappe.db.delete("Singles", {"doctype": "CRMS Settings", "field": "lapsed_days"})
		clear_settings_cache()
		self.assertEqual(get_settings().lapsed_days, 365)
		frappe.db.rollback()
		clear_settings_cache()

	def test_a_stored_zero_is_not_replaced_by_the_default(self):
		from crm_suite.crm_suite.doctype.crms_settings.crms_settings import get_settings

		settings = frappe.get_single("CRMS Settings")
		settings.warn_on_duplicate = 0
		settings.save()
		self.assertEqual(get_settings().warn_on_duplicate, 0)
		settings.warn_on_duplicate = 1
		settings.save()
		self.assertEqual(get_settings().warn_on_duplicate, 1)

	def test_duplicate_threshold_is_a_probability_defaulting_to_50(self):
		from crm_suite.crm_suite.doctype.crms_settings.crms_settings import clear_settings_cache, get_settings
		from crm_suite.patches.v1_0.duplicate_threshold_as_match_probability import execute

		try:
			frappe.db.delete("Singles", {"doctype": "CRMS Settings", "field": "duplicate_threshold"})
			clear_settings_cache()
			self.assertEqual(get_settings().duplicate_threshold, 50)
			frappe.db.set_single_value("CRMS Settings", "duplicate_threshold", 85)  # the old score default
			execute()
			self.assertEqual(frappe.db.get_single_value("CRMS Settings", "duplicate_threshold"), 50)
			frappe.db.set_single_value("CRMS Settings", "duplicate_threshold", 70)  # the site's own choice
			execute()
			self.assertEqual(frappe.db.get_single_value("CRMS Settings", "duplicate_threshold"), 70)
		finally:
			frappe.db.rollback()
			clear_settings_cache()
