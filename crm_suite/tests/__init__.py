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
	# a test that assigns a ticket would otherwise persist its records into every later test. A
	# suspended queue still gets its Email Queue rows, it just never sends (or commits). Muting mail
	# instead breaks frappe 15's dummy sender (no email_id) wherever no outgoing account exists.
	frappe.db.set_default("suspend_email_queue", 1)
	# the suite creates more than Frappe's 60 users a minute (User.throttle_user_creation): this process only
	frappe.local.conf.throttle_user_limit = 10_000
	ensure_erpnext_ready()
	frappe.db.commit()  # the one expected commit: test records outlive the test run
