"""Segmentation, lifecycle funnel and at-risk reports: figures and Territory User Permissions."""

import frappe
from frappe.utils import add_days, getdate, nowdate, random_string

from crm_suite.customer_analytics.metrics import recompute_all
from crm_suite.customer_analytics.report.at_risk_customers import at_risk_customers
from crm_suite.customer_analytics.report.customer_segmentation import customer_segmentation
from crm_suite.customer_analytics.report.lifecycle_funnel import lifecycle_funnel
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_sales_invoice, make_user


def make_territory(name):
	if not frappe.db.exists("Territory", name):
		frappe.get_doc(
			{"doctype": "Territory", "territory_name": name, "parent_territory": "All Territories"}
		).insert(ignore_permissions=True)
	return name


class TestAnalyticsReports(CRMSuiteTestCase):
	def setUp(self):
		today = getdate(nowdate())
		self.terr_a = make_territory("_Test CRMS Territory A")
		self.terr_b = make_territory("_Test CRMS Territory B")
		self.a = make_customer(territory=self.terr_a).name
		self.b = make_customer(territory=self.terr_b).name
		for c in (self.a, self.b):
			make_sales_invoice(c, posting_date=add_days(today, -300), amount=700)
			make_sales_invoice(c, posting_date=add_days(today, -280), amount=700)
		recompute_all(today)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def restricted_user(self):
		user = make_user(f"crms.terr.{random_string(6).lower()}@example.com", ("Sales User",))
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Territory", "for_value": self.terr_a}
		).insert(ignore_permissions=True)
		return user

	def test_at_risk_lists_reasons_and_respects_territory(self):
		_cols, rows = at_risk_customers.execute({"min_churn_risk": 1, "limit": 100000})
		by_customer = {r.customer: r for r in rows}
		self.assertIn(self.a, by_customer)
		self.assertIn(self.b, by_customer)
		self.assertIn("280", by_customer[self.a].reasons)
		frappe.set_user(self.restricted_user())
		_cols, rows = at_risk_customers.execute({"min_churn_risk": 1, "limit": 100000})
		names = {r.customer for r in rows}
		self.assertIn(self.a, names)
		self.assertNotIn(self.b, names)
		self.assertEqual({r.territory for r in rows}, {self.terr_a})

	def test_segmentation_grid_counts_only_permitted_customers(self):
		def total(rows):
			return sum(r["customers"] for r in rows)

		_cols, rows, _msg, chart = customer_segmentation.execute({})
		self.assertEqual(len(rows), 5)
		everyone = total(rows)
		self.assertEqual(everyone, frappe.db.count("CRMS Customer Metrics"))
		self.assertTrue(chart["data"]["labels"])
		frappe.set_user(self.restricted_user())
		_cols, rows, _msg, _chart = customer_segmentation.execute({})
		allowed = frappe.db.sql(
			"""select count(*) from `tabCRMS Customer Metrics` m join tabCustomer c on c.name = m.customer
			where c.territory = %s""",
			self.terr_a,
		)[0][0]
		self.assertEqual(total(rows), allowed)
		self.assertLess(total(rows), everyone)
		_cols, seg_rows = customer_segmentation.execute({"view": "Segments"})
		self.assertEqual(sum(r.customers for r in seg_rows), allowed)

	def test_lifecycle_funnel_stages_and_transitions(self):
		today = getdate(nowdate())
		filters = {"from_date": add_days(today, -400), "to_date": today, "territory": self.terr_a}
		_cols, rows, _msg, _chart = lifecycle_funnel.execute(filters)
		by_stage = {r["stage"]: r for r in rows}
		self.assertGreaterEqual(by_stage["Customer"]["entered"], 1)
		self.assertGreaterEqual(by_stage["Active"]["entered"], 1)
		# Customer (-300) -> Active (-280): 20 days in stage for our customer
		_cols, trans = lifecycle_funnel.execute({**filters, "view": "Transitions"})
		pair = [t for t in trans if t.from_stage == "Customer" and t.to_stage == "Active"]
		self.assertTrue(pair)
		self.assertTrue(all(0 < t.conversion <= 100 for t in trans))
		frappe.set_user(self.restricted_user())
		_cols, trans_b = lifecycle_funnel.execute(
			{**filters, "territory": self.terr_b, "view": "Transitions"}
		)
		self.assertEqual(trans_b, [])
