"""Data Quality and Duplicate Candidates reports respect a Territory User Permission."""

import frappe
from frappe.permissions import add_user_permission
from frappe.utils import random_string

from crm_suite.customer_360.report.data_quality.data_quality import execute as data_quality
from crm_suite.customer_360.report.data_quality.data_quality import parse_issues
from crm_suite.customer_360.report.duplicate_candidates.duplicate_candidates import execute as candidates
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_user

test_ignore = ["Company", "Item", "Customer"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


def make_territory() -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Territory",
				"territory_name": f"_Test DQ {random_string(6)}",
				"parent_territory": frappe.db.get_value("Territory", {"is_group": 1}, "name"),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def candidate(a, b):
	return frappe.get_doc(
		{
			"doctype": "CRMS Duplicate Candidate",
			"candidate_doctype": "Customer",
			"record_a": a.name,
			"record_b": b.name,
			"record_a_title": a.customer_name,
			"record_b_title": b.customer_name,
			"score": 91,
		}
	).insert(ignore_permissions=True)


class TestDataQualityReports(CRMSuiteTestCase):
	def setUp(self):
		self.mine, self.other = make_territory(), make_territory()
		tag = random_string(5)
		self.c1 = make_customer(customer_name=f"Mine One {tag}", territory=self.mine)
		self.c2 = make_customer(customer_name=f"Mine Two {tag}", territory=self.mine)
		self.c3 = make_customer(customer_name=f"Other One {tag}", territory=self.other)
		self.c4 = make_customer(customer_name=f"Other Two {tag}", territory=self.other)
		self.user = make_user(f"dq-territory-{random_string(5)}@example.com", ("Sales User",))
		add_user_permission("Territory", self.mine, self.user)
		# within one uncommitted transaction the user's permission cache is refilled before the insert
		# is visible; production requests commit first
		frappe.cache.hdel("user_permissions", self.user)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def groups(self, **filters):
		columns, data, *_rest = data_quality({"doctype": "Customer", "group_by": "Territory", **filters})
		return columns, {row["group"]: row for row in data}

	def test_manager_sees_both_territories_with_averages(self):
		_columns, rows = self.groups()
		self.assertEqual(rows[self.mine]["records"], 2)
		self.assertEqual(rows[self.other]["records"], 2)
		expected = (self.c1.crms_quality_score + self.c2.crms_quality_score) / 2
		self.assertEqual(rows[self.mine]["average_score"], round(expected, 1))
		buckets = sum(rows[self.mine][k] for k in ("score_0_49", "score_50_79", "score_80_99", "score_100"))
		self.assertEqual(buckets, 2)

	def test_missing_items_counted(self):
		columns, rows = self.groups(territory=self.mine)
		self.assertEqual(set(rows), {self.mine})
		contact_col = next(c["fieldname"] for c in columns if c["label"] == "No valid Primary Contact")
		self.assertEqual(rows[self.mine][contact_col], 2)

	def test_territory_user_sees_only_their_customers(self):
		frappe.set_user(self.user)
		_columns, rows = self.groups()
		self.assertIn(self.mine, rows)
		self.assertNotIn(self.other, rows)
		self.assertEqual(rows[self.mine]["records"], 2)

	def test_duplicate_candidates_report_hides_other_territories(self):
		mine = candidate(self.c1, self.c2)
		other = candidate(self.c3, self.c4)
		_columns, rows = candidates({"status": "Open", "doctype": "Customer"})
		self.assertTrue({mine.name, other.name} <= {r.name for r in rows})
		frappe.set_user(self.user)
		_columns, rows = candidates({"status": "Open", "doctype": "Customer"})
		names = {r.name for r in rows}
		self.assertIn(mine.name, names)
		self.assertNotIn(other.name, names)

	def test_candidate_list_and_form_hide_other_territories(self):
		mine = candidate(self.c1, self.c2)
		other = candidate(self.c3, self.c4)
		frappe.set_user(self.user)
		visible = set(
			frappe.get_list(
				"CRMS Duplicate Candidate", filters={"name": ["in", [mine.name, other.name]]}, pluck="name"
			)
		)
		self.assertEqual(visible, {mine.name})
		self.assertTrue(frappe.has_permission("CRMS Duplicate Candidate", "read", doc=mine.name))
		self.assertFalse(frappe.has_permission("CRMS Duplicate Candidate", "read", doc=other.name))
		frappe.set_user("Administrator")
		self.assertTrue(frappe.has_permission("CRMS Duplicate Candidate", "read", doc=other.name))

	def test_parse_issues(self):
		self.assertEqual(parse_issues("Missing: Email, Tax ID; Invalid: Phone"), ["Email", "Tax ID", "Phone"])
		self.assertEqual(parse_issues(None), [])
