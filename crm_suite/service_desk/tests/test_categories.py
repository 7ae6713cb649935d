"""Issue Type as a category tree: roots kept, loops refused, a moved subtree moves its roots."""

import frappe
from frappe.utils import random_string

from crm_suite.tests import CRMSuiteTestCase


def issue_type(name: str, parent: str | None = None) -> str:
	return (
		frappe.get_doc({"doctype": "Issue Type", "name": name, "crms_parent_issue_type": parent})
		.insert(ignore_permissions=True)
		.name
	)


def root_of(name: str) -> str:
	return frappe.db.get_value("Issue Type", name, "crms_root_issue_type")


class TestCategoryTree(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_tree_roots_and_loops(self):
		tag = random_string(5)
		delivery = issue_type(f"_Test Delivery {tag}")
		late = issue_type(f"_Test Late {tag}", delivery)
		abroad = issue_type(f"_Test Abroad {tag}", late)
		self.assertEqual(root_of(abroad), delivery)
		self.assertEqual(root_of(delivery), delivery)

		top = frappe.get_doc("Issue Type", delivery)
		top.crms_parent_issue_type = abroad
		with self.assertRaises(frappe.ValidationError):
			top.save()
		self.assertFalse(frappe.db.get_value("Issue Type", delivery, "crms_parent_issue_type"))

		# moving "Late" under another top-level category moves "Abroad" with it
		billing = issue_type(f"_Test Billing {tag}")
		moved = frappe.get_doc("Issue Type", late)
		moved.crms_parent_issue_type = billing
		moved.save()
		self.assertEqual(root_of(late), billing)
		self.assertEqual(root_of(abroad), billing)
