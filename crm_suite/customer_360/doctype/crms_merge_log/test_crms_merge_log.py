# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe.utils import now_datetime, random_string

from crm_suite.tests import CRMSuiteTestCase

test_ignore = ["Company", "Item", "Customer"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestCRMSMergeLog(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_log_is_immutable(self):
		log = frappe.get_doc(
			{
				"doctype": "CRMS Merge Log",
				"merged_doctype": "Customer",
				"merged_record": f"gone {random_string(5)}",
				"survivor": frappe.db.get_value("Customer", {}, "name") or "x",
				"merged_by": "Administrator",
				"merged_on": now_datetime(),
				"snapshot": "{}",
			}
		).insert(ignore_permissions=True, ignore_links=True)
		log.merged_record = "edited"
		self.assertRaises(frappe.ValidationError, log.save, ignore_permissions=True)

	def test_sales_user_cannot_read_logs_but_a_sales_manager_can(self):
		from crm_suite.tests.utils import make_user

		user = make_user(f"crms-merge-log-sales-{random_string(6)}@example.com", roles=("Sales User",))
		manager = make_user(f"crms-merge-log-mgr-{random_string(6)}@example.com", roles=("Sales Manager",))
		self.assertFalse(frappe.has_permission("CRMS Merge Log", "read", user=user))
		self.assertTrue(frappe.has_permission("CRMS Merge Log", "read", user=manager))
		frappe.set_user(user)
		try:
			self.assertRaises(frappe.PermissionError, frappe.get_list, "CRMS Merge Log", limit=1)
		finally:
			frappe.set_user("Administrator")
		self.assertFalse(any(p.write for p in frappe.get_meta("CRMS Merge Log").permissions))
