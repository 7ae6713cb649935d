"""The fitted CLV model on a real site: job path, stored fit reused per customer, clusters, backtest."""

import json

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_suite.customer_analytics.metrics import CLUSTER_KEY, MODEL_KEY, recompute_all, refresh_customer
from crm_suite.customer_analytics.report.clv_backtest import clv_backtest
from crm_suite.customer_analytics.report.customer_segmentation import customer_segmentation
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import company, make_customer, make_sales_invoice


class TestCLVModel(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def make_history(self):
		"""12 customers: 6 buy every ~60 days up to now, 6 stopped a year ago."""
		today = getdate(nowdate())
		loyal, gone = [], []
		for k in range(6):
			c = make_customer().name
			loyal.append(c)
			for d in range(-540, 0, 60):
				make_sales_invoice(c, posting_date=add_days(today, d + k), amount=100 + 10 * k)
		for k in range(6):
			c = make_customer().name
			gone.append(c)
			for d in (-700, -600, -500, -400):
				make_sales_invoice(c, posting_date=add_days(today, d + k), amount=300)
		return today, loyal, gone

	def test_job_stores_model_values_and_ranks_loyal_above_lapsed(self):
		today, loyal, gone = self.make_history()
		recompute_all(today)
		rows = {
			r.customer: r
			for r in frappe.get_all(
				"CRMS Customer Metrics",
				filters={"customer": ["in", loyal + gone]},
				fields=["customer", "clv", "churn_risk", "p_alive", "expected_purchases", "cluster"],
			)
		}
		self.assertEqual(set(rows), set(loyal + gone))
		self.assertGreater(min(rows[c].clv for c in loyal), max(rows[c].clv for c in gone))
		self.assertLess(max(rows[c].churn_risk for c in loyal), min(rows[c].churn_risk for c in gone))
		self.assertTrue(all(rows[c].cluster for c in loyal + gone))
		model = json.loads(frappe.db.get_global(MODEL_KEY))
		self.assertEqual(model["as_of"], str(today))
		self.assertTrue(frappe.db.get_global(CLUSTER_KEY))
		# one customer's refresh reuses the stored fit and cluster centres: same values as the full run
		before = rows[loyal[0]]
		refresh_customer(loyal[0], today)
		after = frappe.db.get_value(
			"CRMS Customer Metrics",
			loyal[0],
			["customer", "clv", "churn_risk", "p_alive", "expected_purchases", "cluster"],
			as_dict=True,
		)
		self.assertEqual(before, after)

	def test_clusters_view_sums_to_all_customers(self):
		today, loyal, gone = self.make_history()
		recompute_all(today)
		columns, rows, message = customer_segmentation.execute({"view": "Clusters"})
		self.assertEqual(sum(r.customers for r in rows), frappe.db.count("CRMS Customer Metrics"))
		self.assertIn("silhouette", message)

	def test_backtest_report_compares_with_what_happened(self):
		today, loyal, gone = self.make_history()
		cutoff = add_days(today, -180)
		columns, rows, message, chart = clv_backtest.execute(
			{"company": company(), "cutoff": cutoff, "end": today}
		)
		actual = frappe.db.sql(
			"""select sum(base_net_total) from `tabSales Invoice` where docstatus = 1 and is_return = 0
			and company = %s and posting_date > %s and posting_date <= %s
			and customer in (select customer from `tabSales Invoice` where docstatus = 1 and posting_date <= %s)""",
			(company(), cutoff, today, cutoff),
		)[0][0]
		by_measure = {r["measure"]: r for r in rows}
		self.assertEqual(
			by_measure["Actual revenue after the cut-off"]["value"],
			frappe.utils.fmt_money(actual, currency=frappe.get_cached_value("Company", company(), "default_currency")),
		)
		self.assertIn("BG/NBD", message)
		self.assertEqual(len(chart["data"]["labels"]), len(chart["data"]["datasets"][0]["values"]))

	def test_backtest_refuses_a_cutoff_after_the_end(self):
		today = getdate(nowdate())
		with self.assertRaises(frappe.ValidationError):
			clv_backtest.execute({"company": company(), "cutoff": today, "end": add_days(today, -1)})
