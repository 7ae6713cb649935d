"""An agent opening a ticket and replying: ERPNext's Issue form reads Support Settings and Frappe's
e-mail composer reads Email Account, which stock roles don't let an agent read."""

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
		# Frappe's e-mail composer reads Email Account for the signature
		self.assertTrue(frappe.has_permission("Email Account", "read"))
		self.assertFalse(frappe.has_permission("Email Account", "write"))
		frappe.set_user("Administrator")

		revoke_read_permissions()
		self.assertFalse(frappe.db.exists("Custom DocPerm", {"parent": "Support Settings"}))
		self.assertFalse(frappe.db.exists("Custom DocPerm", {"parent": "Email Account"}))
		frappe.set_user(agent)
		self.assertFalse(frappe.has_permission("Support Settings", "read"))
		self.assertFalse(frappe.has_permission("Email Account", "read"))
