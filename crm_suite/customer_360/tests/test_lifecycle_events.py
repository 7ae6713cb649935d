"""Lifecycle doc events: replay after the commit, once per customer per transaction, under a row lock;
the nightly sync commits in batches (outside tests only)."""

from unittest.mock import patch

import frappe
from frappe.utils import add_days, nowdate

from crm_suite.customer_360 import lifecycle
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_sales_invoice


def stage_of(customer):
	return frappe.db.get_value("Customer", customer, "crms_lifecycle_stage")


class TestLifecycleEvents(CRMSuiteTestCase):
	def tearDown(self):
		frappe.flags.crms_lifecycle_pending = None
		frappe.db.rollback()

	def test_events_queue_one_replay_per_customer_after_commit(self):
		a, b = make_customer().name, make_customer().name
		with patch.dict(frappe.local.flags, {"in_test": False}):
			# three documents of `a` and one of `b` in one transaction
			lifecycle.on_invoice_submit(frappe._dict(customer=a, is_return=0))
			lifecycle.on_order_submit(frappe._dict(customer=a))
			lifecycle.on_invoice_cancel(frappe._dict(customer=a, is_return=0))
			lifecycle.on_order_submit(frappe._dict(customer=b))
			self.assertEqual(frappe.flags.crms_lifecycle_pending, {a: True, b: False})
			with patch("frappe.enqueue") as enqueue:
				lifecycle._enqueue_pending()  # what frappe.db.commit() runs after COMMIT
		enqueue.assert_called_once()
		self.assertEqual(enqueue.call_args.kwargs["customers"], [[a, True], [b, False]])
		self.assertIsNone(frappe.flags.crms_lifecycle_pending)

		with patch.object(lifecycle, "sync_customer", wraps=lifecycle.sync_customer) as sync:
			lifecycle.replay_customers(enqueue.call_args.kwargs["customers"])
		self.assertEqual([c.args[0] for c in sync.call_args_list], [a, b])

	def test_a_rolled_back_transaction_queues_nothing(self):
		with patch.dict(frappe.local.flags, {"in_test": False}):
			lifecycle.on_order_submit(frappe._dict(customer="_Test CRMS any"))
			self.assertTrue(frappe.flags.crms_lifecycle_pending)
			frappe.db.rollback()
			self.assertIsNone(frappe.flags.crms_lifecycle_pending)

	def test_insert_and_submit_do_not_replay_inline_outside_tests(self):
		with patch.dict(frappe.local.flags, {"in_test": False}), patch("frappe.enqueue"):
			customer = make_customer().name
			self.assertFalse(stage_of(customer))  # not yet: the job runs after the commit
			make_sales_invoice(customer, amount=10)
			self.assertFalse(stage_of(customer))
			self.assertEqual(frappe.flags.crms_lifecycle_pending, {customer: True})
		lifecycle.replay_customers([[customer, True]])
		self.assertEqual(stage_of(customer), "Customer")

	def test_cancel_undoes_exactly_through_the_job(self):
		customer = make_customer().name
		make_sales_invoice(customer, posting_date=add_days(nowdate(), -40), amount=10)
		before = lifecycle.stored_log(customer)
		with patch.dict(frappe.local.flags, {"in_test": False}), patch("frappe.enqueue"):
			late = make_sales_invoice(customer, amount=10)
			lifecycle.replay_customers([[customer, False]])
			self.assertEqual(stage_of(customer), "Active")
			late.cancel()
			lifecycle.replay_customers([[customer, False]])
		self.assertEqual([tr for _n, tr in lifecycle.stored_log(customer)], [tr for _n, tr in before])
		self.assertEqual(stage_of(customer), "Customer")

	def test_replay_holds_the_customer_row_lock(self):
		customer = make_customer().name
		frappe.db.commit()  # the second connection must see the customer
		self.addCleanup(self.delete_committed_customer, customer)
		try:
			lifecycle.sync_customer(customer)  # this connection now holds the row lock
			with self.secondary_connection():
				frappe.db.sql("set session innodb_lock_wait_timeout = 1")
				with self.assertRaises(frappe.QueryTimeoutError):
					lifecycle.sync_customer(customer)
				frappe.db.rollback()
		finally:
			frappe.db.rollback()

	def delete_committed_customer(self, customer):
		frappe.db.rollback()
		frappe.delete_doc("Customer", customer, ignore_permissions=True, force=True)
		frappe.db.commit()

	def test_nightly_sync_commits_in_batches_outside_tests_only(self):
		for _i in range(3):
			frappe.db.set_value("Customer", make_customer().name, "crms_lifecycle_stage", None)
		with patch.object(frappe.db, "commit") as commit:
			self.assertGreaterEqual(lifecycle.sync_due(batch_size=1), 3)
		commit.assert_not_called()
		for _i in range(3):
			frappe.db.set_value("Customer", make_customer().name, "crms_lifecycle_stage", None)
		with patch.dict(frappe.local.flags, {"in_test": False}), patch.object(frappe.db, "commit") as commit:
			done = lifecycle.sync_due(batch_size=2)
		self.assertEqual(commit.call_count, done // 2)
