"""The set-based metrics SQL agrees with the pure-Python reference on the same data."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_suite.customer_analytics.metrics import (
	get_customer_metrics,
	metrics_companies,
	params,
	recompute_all,
	refresh_customer,
)
from crm_suite.engine import metrics as engine
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_sales_invoice

INT_FIELDS = ("recency_days", "tenure_days", "frequency", "r_score", "f_score", "m_score", "churn_risk")
TEXT_FIELDS = ("rfm_cell", "segment", "first_purchase", "last_purchase")
MONEY_FIELDS = (
	"monetary",
	"average_order_value",
	"revenue_12m",
	"avg_gap_days",
	"clv",
	"churn_recency",
	"churn_gap",
	"churn_trend",
	"p_alive",
	"expected_purchases",
	"expected_spend",
)


def reference(as_of):
	rows = frappe.db.sql(
		"""select customer, posting_date, base_net_total, is_return from `tabSales Invoice`
		where docstatus = 1 and company in %(companies)s""",
		{"companies": metrics_companies()},
	)
	return engine.compute([(c, getdate(d), float(a), bool(r)) for c, d, a, r in rows], as_of, params())


class TestMetricsSQL(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def make_data(self):
		today = getdate(nowdate())
		cs = [make_customer().name for _ in range(5)]
		# ties: c0 and c1 identical histories; c2 a frequent buyer; c3 one old purchase; c4 has a return
		for c in cs[:2]:
			make_sales_invoice(c, posting_date=add_days(today, -30), amount=250)
		for d in (-300, -200, -100, -3):
			make_sales_invoice(cs[2], posting_date=add_days(today, d), amount=1000)
		make_sales_invoice(cs[3], posting_date=add_days(today, -320), amount=80)
		si = make_sales_invoice(cs[4], posting_date=add_days(today, -60), amount=500)
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		ret = make_sales_return(si.name)
		ret.insert(ignore_permissions=True)
		ret.submit()
		return today, cs

	def test_sql_equals_engine_reference(self):
		today, cs = self.make_data()
		count = recompute_all(today)
		expected = reference(today)
		self.assertEqual(count, len(expected))
		stored = {
			r.customer: r
			for r in frappe.get_all(
				"CRMS Customer Metrics", fields=["customer", *INT_FIELDS, *TEXT_FIELDS, *MONEY_FIELDS]
			)
		}
		self.assertEqual(set(stored), set(expected))
		for customer, exp in expected.items():
			got = stored[customer]
			for f in INT_FIELDS + TEXT_FIELDS:
				self.assertEqual(got[f], exp[f], f"{customer} {f}")
			for f in MONEY_FIELDS:
				self.assertAlmostEqual(float(got[f]), exp[f], delta=0.011, msg=f"{customer} {f}")
		# identical histories always get identical scores
		self.assertEqual(stored[cs[0]].rfm_cell, stored[cs[1]].rfm_cell)
		# the return nets the money but is no purchase
		self.assertEqual((stored[cs[4]].frequency, float(stored[cs[4]].monetary)), (1, 0.0))

	def test_incremental_refresh_matches_full_for_values(self):
		today, cs = self.make_data()
		recompute_all(today)
		fields = ["monetary", "clv", "churn_risk", "r_score", "p_alive", "cluster"]
		full = frappe.db.get_value("CRMS Customer Metrics", cs[2], fields, as_dict=True)
		refresh_customer(cs[2], today)
		inc = frappe.db.get_value("CRMS Customer Metrics", cs[2], fields, as_dict=True)
		self.assertEqual(full, inc)

	def test_invoice_submit_refreshes_customer_metrics_and_reasons(self):
		today = getdate(nowdate())
		c = make_customer().name
		make_sales_invoice(c, posting_date=add_days(today, -300), amount=400)
		row = get_customer_metrics(c)
		self.assertEqual((row["frequency"], float(row["monetary"]), row["recency_days"]), (1, 400.0, 300))
		self.assertTrue(row["churn_reasons"])
		self.assertIn("300", row["churn_reasons"][0])
		self.assertIsNone(get_customer_metrics(make_customer().name))

	def test_nightly_enqueues_one_deduplicated_job_and_run_nightly_works(self):
		from crm_suite.customer_analytics import metrics

		today = getdate(nowdate())
		c = make_customer().name
		make_sales_invoice(c, posting_date=add_days(today, -200), amount=90)
		self.assertEqual(frappe.db.get_value("Customer", c, "crms_lifecycle_stage"), "At Risk")
		# a stage left stale (as if the nightly job had not run): due today, fixed by the nightly run
		frappe.db.set_value(
			"Customer", c, {"crms_lifecycle_stage": "Customer", "crms_stage_review_on": add_days(today, -20)}
		)
		result = metrics.run_nightly(today)
		self.assertEqual(result["metrics_rows"], frappe.db.count("CRMS Customer Metrics"))
		self.assertGreaterEqual(result["lifecycle_replays"], 1)
		self.assertEqual(frappe.db.get_value("Customer", c, "crms_lifecycle_stage"), "At Risk")
		self.assertEqual(frappe.db.get_value("CRMS Customer Metrics", c, "recency_days"), 200)
