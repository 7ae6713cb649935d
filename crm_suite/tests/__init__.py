"""Integration-test base class and the app-scoped `before_tests` hook.

Every integration test imports `CRMSuiteTestCase` from here: frappe v16 replaces FrappeTestCase
with IntegrationTestCase (FrappeTestCase is removed in v17), and this is the one place that knows.
"""

import frappe

try:  # frappe >= 16
	from frappe.tests import IntegrationTestCase as CRMSuiteTestCase
except ImportError:  # frappe 15
	from frappe.tests.utils import FrappeTestCase as CRMSuiteTestCase

__all__ = ["CRMSuiteTestCase", "before_tests"]


def before_tests():
	"""ERPNext's before_tests does not run for `--app crm_suite`: create what our tests need."""
	from crm_suite.setup.bootstrap import ensure_erpnext_ready

	frappe.clear_cache()
	# Notification Log sends its e-mail with now=in_test, and sending commits the open transaction:
	# a test that assigns a ticket would otherwise persist its records into every later test.
	# Muted mail is still queued (Email Queue rows exist), just never sent.
	frappe.flags.mute_emails = True
	ensure_erpnext_ready()
	frappe.db.commit()  # the one expected commit: test records outlive the test run
