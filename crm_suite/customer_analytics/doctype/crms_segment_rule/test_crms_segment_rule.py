# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe.utils import random_string

from crm_suite.tests import CRMSuiteTestCase


class TestCRMSSegmentRule(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def rule(self, **kwargs):
		return frappe.get_doc(
			{
				"doctype": "CRMS Segment Rule",
				"title": f"_Test Rule {random_string(6)}",
				"conditions": [{"metric": "churn_risk", "operator": ">=", "value": "80"}],
				**kwargs,
			}
		)

	def test_needs_an_action(self):
		with self.assertRaises(frappe.ValidationError):
			self.rule().insert()

	def test_tag_is_created(self):
		tag = f"_Test CRMS {random_string(6)}"
		self.rule(add_tag=tag).insert()
		self.assertTrue(frappe.db.exists("Tag", tag))

	def test_like_only_on_text_metrics(self):
		with self.assertRaises(frappe.ValidationError):
			self.rule(
				set_tier="Key", conditions=[{"metric": "clv", "operator": "like", "value": "1%"}]
			).insert()
