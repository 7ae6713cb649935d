"""CRMS Care Rule validation (the daily job is tested in customer_360/tests/test_care.py)."""

import frappe

from crm_suite.customer_360.tests.test_care import make_rule
from crm_suite.tests import CRMSuiteTestCase

test_ignore = ["Customer", "Email Template", "Holiday List"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestCRMSCareRule(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_email_rules_use_the_email_channel(self):
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": "_Test CRMS Care Rule Tpl",
				"subject": "Hi",
				"response": "Hi",
			}
		).insert(ignore_permissions=True, ignore_if_duplicate=True)
		rule = make_rule(action="Email", channel="Phone", email_template="_Test CRMS Care Rule Tpl")
		self.assertEqual(rule.channel, "Email")

	def test_negative_days_before_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_rule(days_before=-1)
