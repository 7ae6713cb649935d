# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe

from crm_suite.tests import CRMSuiteTestCase

test_ignore = ["Customer"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestCRMSCustomerMetrics(CRMSuiteTestCase):
	def test_composite_purchase_indexes_exist(self):
		for doctype, date_field in (("Sales Invoice", "posting_date"), ("Sales Order", "transaction_date")):
			cols = frappe.db.sql(
				f"show index from `tab{doctype}` where Key_name = 'crms_customer_docstatus_date'",
				as_dict=True,
			)
			self.assertEqual(
				[c.Column_name for c in sorted(cols, key=lambda c: c.Seq_in_index)],
				["customer", "docstatus", date_field],
			)

	def test_named_after_customer(self):
		meta = frappe.get_meta("CRMS Customer Metrics")
		self.assertEqual(meta.autoname, "field:customer")
