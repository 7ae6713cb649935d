"""CRMS Care Log: the unique key is what stops a care action from ever repeating."""

import frappe
from frappe.utils import random_string

from crm_suite.tests import CRMSuiteTestCase

test_ignore = ["Customer", "Contact", "CRMS Care Rule"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestCRMSCareLog(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_key_is_unique(self):
		key = f"_Test|{random_string(6)}"
		frappe.get_doc({"doctype": "CRMS Care Log", "key": key}).insert(ignore_permissions=True)
		with self.assertRaises(frappe.UniqueValidationError):
			frappe.get_doc({"doctype": "CRMS Care Log", "key": key}).insert(ignore_permissions=True)
