"""Segment rules set a tier and a tag, and take them back when the customer stops matching."""

import frappe
from frappe.utils import random_string

from crm_suite.customer_analytics.segments import apply_rules, create_default_rules
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_sales_invoice


def tags_of(customer):
	return frappe.db.get_value("Customer", customer, "_user_tags") or ""


class TestSegmentRules(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def make_rule(self, **kwargs):
		tag = f"_Test CRMS {random_string(6)}"
		return frappe.get_doc(
			{
				"doctype": "CRMS Segment Rule",
				"title": f"_Test Rule {random_string(6)}",
				"priority": 100,
				"set_tier": "VIP",
				"add_tag": tag,
				"conditions": [{"metric": "monetary", "operator": ">=", "value": "987654"}],
				**kwargs,
			}
		).insert(ignore_permissions=True)

	def test_rule_sets_tier_and_tag_then_removes_them(self):
		rule = self.make_rule()
		c = make_customer().name
		si = make_sales_invoice(c, amount=987654)
		tier, tier_rule = frappe.db.get_value("Customer", c, ["crms_tier", "crms_tier_rule"])
		self.assertEqual((tier, tier_rule), ("VIP", rule.name))
		self.assertIn(rule.add_tag, tags_of(c).split(","))
		self.assertTrue(frappe.db.exists("Tag Link", {"document_name": c, "tag": rule.add_tag}))
		si.cancel()  # incremental path: the metrics row goes, the rule no longer matches
		self.assertEqual(frappe.db.get_value("Customer", c, ["crms_tier", "crms_tier_rule"]), (None, None))
		self.assertNotIn(rule.add_tag, tags_of(c))
		self.assertFalse(frappe.db.exists("Tag Link", {"document_name": c, "tag": rule.add_tag}))

	def test_hand_added_tag_is_never_removed_and_disabled_rule_cleans_up(self):
		rule = self.make_rule(set_tier="")
		c = make_customer().name
		other = make_customer().name
		frappe.get_doc("Customer", other).add_tag(rule.add_tag)
		make_sales_invoice(c, amount=987654)
		self.assertIn(rule.add_tag, tags_of(c))
		rule.enabled = 0
		rule.save()
		apply_rules()
		self.assertNotIn(rule.add_tag, tags_of(c))
		self.assertIn(rule.add_tag, tags_of(other))  # never added by a rule: kept

	def test_invalid_rule_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.make_rule(conditions=[{"metric": "monetary", "operator": ">", "value": "a lot"}])

	def test_default_rules_idempotent(self):
		create_default_rules()
		create_default_rules()
		self.assertEqual(frappe.db.count("CRMS Segment Rule", {"title": "Churn watch"}), 1)
