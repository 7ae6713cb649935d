"""The demo builder against a real site: documents go through ERPNext's controllers.

The builder commits (it is a bench command), so each run uses customer names no other run has.
"""

import frappe
from frappe.utils import flt, random_string

from crm_suite.demo.builder import DemoBuilder
from crm_suite.engine.demo_plan import build_plan
from crm_suite.tests import CRMSuiteTestCase

test_ignore = ["Customer", "Item", "Lead", "Issue"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestDemoBuilder(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from frappe.utils import getdate, nowdate

		cls.tag = random_string(6)
		cls.plan = build_plan(2, 11, getdate(nowdate()))
		for c in cls.plan.customers:
			c.name = f"{c.name} {cls.tag}"
			c.email = c.email.replace("@", f".{cls.tag.lower()}@")
		for lead in cls.plan.leads:
			lead.email = lead.email.replace("@", f".{cls.tag.lower()}@")
		# two days of calls, not the command's month: what the builder commits stays on the test site
		cls.builder = DemoBuilder(
			cls.plan, seed=int.from_bytes(cls.tag.encode(), "big") % 10**6, quiet=True, call_days=2
		)
		cls.timings = cls.builder.build()

	def customers(self):
		return [self.builder.customer_names[c.key] for c in self.plan.customers]

	def test_customers_have_contact_address_and_profile(self):
		for c in self.plan.customers:
			name = self.builder.customer_names[c.key]
			doc = frappe.get_doc("Customer", name)
			self.assertEqual(doc.territory, c.territory)
			self.assertEqual(doc.crms_customer_type, c.segment)
			self.assertTrue(doc.customer_primary_contact)
			self.assertTrue(doc.customer_primary_address)
			self.assertEqual(
				frappe.db.get_value("Contact", doc.customer_primary_contact, "email_id"), c.email
			)
			self.assertEqual(str(doc.creation.date()), str(c.since))

	def test_every_planned_invoice_is_submitted_with_planned_totals(self):
		rows = frappe.get_all(
			"Sales Invoice",
			filters={"customer": ("in", self.customers())},
			fields=["name", "docstatus", "grand_total", "posting_date", "is_pos", "outstanding_amount"],
		)
		self.assertEqual(len(rows), len(self.plan.invoices))
		self.assertTrue(all(r.docstatus == 1 for r in rows))
		self.assertAlmostEqual(
			sum(r.grand_total for r in rows), sum(i.total for i in self.plan.invoices), places=2
		)
		self.assertEqual(
			sorted(str(r.posting_date) for r in rows), sorted(str(i.posting_date) for i in self.plan.invoices)
		)

	def test_outstanding_follows_payments(self):
		paid = {i for p in self.plan.payments for i in p.invoices}
		for idx, inv in enumerate(self.plan.invoices):
			name = self.builder.invoice_names[idx]
			outstanding = flt(frappe.db.get_value("Sales Invoice", name, "outstanding_amount"))
			if inv.paid_at_sale or idx in paid:
				self.assertEqual(outstanding, 0, name)
			else:
				self.assertAlmostEqual(outstanding, inv.total, places=2, msg=name)

	def test_invoices_post_to_the_ledger(self):
		name = self.builder.invoice_names[0]
		debit = frappe.db.sql(
			"select sum(debit) from `tabGL Entry` where voucher_type='Sales Invoice' and voucher_no=%s and is_cancelled=0",
			name,
		)[0][0]
		self.assertAlmostEqual(
			flt(debit) / 2 if self.plan.invoices[0].paid_at_sale else flt(debit),
			self.plan.invoices[0].total,
			places=2,
		)

	def test_rerun_creates_nothing_new(self):
		before = {
			dt: frappe.db.count(dt) for dt in ("Customer", "Sales Invoice", "Lead", "Issue", "Call Log")
		}
		again = DemoBuilder(self.plan, seed=self.builder.seed, quiet=True, call_days=2)
		again.build()
		after = {dt: frappe.db.count(dt) for dt in before}
		self.assertEqual(before, after)
