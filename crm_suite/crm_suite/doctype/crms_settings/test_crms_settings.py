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
