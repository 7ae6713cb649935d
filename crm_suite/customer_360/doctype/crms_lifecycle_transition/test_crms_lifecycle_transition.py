# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe

from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_sales_invoice

test_ignore = ["Customer"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestCRMSLifecycleTransition(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_log_rows_are_sequenced_per_customer(self):
		c = make_customer().name
		make_sales_invoice(c)
		rows = frappe.get_all(
			"CRMS Lifecycle Transition",
			filters={"customer": c},
			fields=["sequence", "from_stage", "to_stage", "reference_doctype"],
			order_by="sequence",
		)
		self.assertEqual([r.sequence for r in rows], [1, 2])
		self.assertEqual((rows[1].from_stage, rows[1].to_stage), ("Prospect", "Customer"))
		self.assertEqual(rows[1].reference_doctype, "Sales Invoice")

	def test_lookup_index_exists(self):
		idx = frappe.db.sql("show index from `tabCRMS Lifecycle Transition` where Column_name = 'sequence'")
		self.assertTrue(idx)
