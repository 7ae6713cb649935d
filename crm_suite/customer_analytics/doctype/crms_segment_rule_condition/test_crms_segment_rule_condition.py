# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe

from crm_suite.engine.segments import METRICS, OPERATORS
from crm_suite.tests import CRMSuiteTestCase


class TestCRMSSegmentRuleCondition(CRMSuiteTestCase):
	def test_select_options_match_engine_whitelist(self):
		meta = frappe.get_meta("CRMS Segment Rule Condition")
		self.assertEqual(meta.get_field("metric").options.split("\n"), list(METRICS))
		self.assertEqual(meta.get_field("operator").options.split("\n"), list(OPERATORS))
