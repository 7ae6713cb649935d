"""Lifecycle on a real site: invoice/order events, backdating, cancel, nightly time-driven."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_suite.customer_360.lifecycle import stored_log, sync_due
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_lead, make_sales_invoice, make_sales_order


def make_return(invoice: str):
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	ret = make_sales_return(invoice)
	ret.insert(ignore_permissions=True)
	ret.submit()
	return ret


def log_of(customer):
	return [(tr.date, tr.from_stage, tr.to_stage, tr.cause, tr.reference) for _, tr in stored_log(customer)]


def stage_of(customer):
	return frappe.db.get_value("Customer", customer, ["crms_lifecycle_stage", "crms_stage_since"])


class TestLifecycleFlow(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_new_customer_is_prospect_with_one_log_row(self):
		c = make_customer().name
		self.assertEqual(stage_of(c)[0], "Prospect")
		self.assertEqual([row[2:4] for row in log_of(c)], [("Prospect", "created")])

	def test_customer_from_qualified_lead(self):
		lead = make_lead(qualification_status="Qualified")
		c = make_customer(lead_name=lead.name).name
		self.assertEqual(stage_of(c)[0], "Qualified")

	def test_submit_makes_customer_then_active(self):
		today = getdate(nowdate())
		c = make_customer().name
		si = make_sales_invoice(c, posting_date=add_days(today, -20))
		self.assertEqual(stage_of(c), ("Customer", add_days(today, -20)))
		self.assertEqual(log_of(c)[-1][2:], ("Customer", "first_purchase", f"Sales Invoice:{si.name}"))
		so = make_sales_order(c, transaction_date=today)
		self.assertEqual(stage_of(c)[0], "Active")
		self.assertEqual(log_of(c)[-1][2:], ("Active", "repeat_purchase", f"Sales Order:{so.name}"))
		self.assertEqual(len(log_of(c)), 3)

	def test_return_is_not_a_purchase(self):
		c = make_customer().name
		si = make_sales_invoice(c, posting_date=add_days(nowdate(), -5))
		before = log_of(c)
		make_return(si.name)
		self.assertEqual(log_of(c), before)

	def test_backdated_invoice_replays_and_cancel_restores_exactly(self):
		today = getdate(nowdate())
		c = make_customer().name
		make_sales_invoice(c, posting_date=add_days(today, -250))
		make_sales_invoice(c, posting_date=add_days(today, -10))
		before_log, before_stage = log_of(c), stage_of(c)
		# -250 Customer, -70 At Risk (180 days), -10 purchase while At Risk -> Active
		self.assertEqual([r[2] for r in before_log], ["Prospect", "Customer", "At Risk", "Active"])
		back = make_sales_invoice(c, posting_date=add_days(today, -200))
		# -250 Customer, -200 (gap 50 <= 90) Active, then At Risk at -20, -10 Active again
		after = log_of(c)
		self.assertEqual([r[2] for r in after], ["Prospect", "Customer", "Active", "At Risk", "Active"])
		self.assertEqual(after[2][4], f"Sales Invoice:{back.name}")
		self.assertEqual(after[3][0], add_days(today, -20))
		self.assertEqual(len(after), len(set(after)))  # nothing duplicated
		back.cancel()
		self.assertEqual(log_of(c), before_log)
		self.assertEqual(stage_of(c), before_stage)

	def test_nightly_time_driven_transition(self):
		today = getdate(nowdate())
		c = make_customer().name
		make_sales_invoice(c, posting_date=today)
		review = frappe.db.get_value("Customer", c, "crms_stage_review_on")
		self.assertEqual(review, add_days(today, 180))
		self.assertGreaterEqual(sync_due(as_of=add_days(today, 181)), 1)
		self.assertEqual(stage_of(c), ("At Risk", add_days(today, 180)))
		self.assertEqual(log_of(c)[-1][2:4], ("At Risk", "no_purchase"))
		self.assertEqual(frappe.db.get_value("Customer", c, "crms_stage_review_on"), add_days(today, 365))

	def test_customer_can_still_be_deleted(self):
		c = make_customer().name
		self.assertTrue(frappe.db.exists("CRMS Lifecycle Transition", {"customer": c}))
		frappe.delete_doc("Customer", c, ignore_permissions=True)
		self.assertFalse(frappe.db.exists("CRMS Lifecycle Transition", {"customer": c}))

	def test_merge_replays_survivor_and_keeps_one_metrics_row(self):
		from crm_suite.customer_360.lifecycle import origin, purchases, thresholds
		from crm_suite.engine.lifecycle import replay

		today = getdate(nowdate())
		a, b = make_customer().name, make_customer().name
		make_sales_invoice(a, posting_date=add_days(today, -100))
		make_sales_invoice(b, posting_date=add_days(today, -50))
		frappe.rename_doc("Customer", b, a, merge=True, force=True)
		expected = replay(purchases(a), origin(a), today, thresholds())
		self.assertEqual([tr for _, tr in stored_log(a)], expected)
		self.assertEqual(stage_of(a)[0], "Active")  # -100 then -50: repeat purchase within 90 days
		self.assertEqual(frappe.db.count("CRMS Customer Metrics", {"customer": a}), 1)
		self.assertEqual(frappe.db.get_value("CRMS Customer Metrics", {"customer": a}, "frequency"), 2)
