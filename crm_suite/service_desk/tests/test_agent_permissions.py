"""An agent opening a ticket: ERPNext's Issue form reads Support Settings, which stock ERPNext lets only
System Manager read."""

import frappe

from crm_suite.setup.install import grant_read_permissions, revoke_read_permissions
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_user


class TestAgentPermissions(CRMSuiteTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.clear_cache(doctype="Support Settings")

	def test_agent_reads_support_settings_and_uninstall_restores_stock_rules(self):
		agent = make_user("_test_perm_agent@example.com", roles=("Support Team",))
		grant_read_permissions()
		frappe.set_user(agent)
		self.assertTrue(frappe.has_permission("Support Settings", "read"))
		self.assertFalse(frappe.has_permission("Support Settings", "write"))
		frappe.set_user("Administrator")

		revoke_read_permissions()
		self.assertFalse(frappe.db.exists("Custom DocPerm", {"parent": "Support Settings"}))
		frappe.set_user(agent)
		self.assertFalse(frappe.has_permission("Support Settings", "read"))
