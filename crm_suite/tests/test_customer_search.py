"""Search by number, name, phone, email, tax id and tier finds the customer (MISSION 1, search)."""

import frappe
from frappe.desk.search import search_widget
from frappe.utils import random_string

from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer


def _values(results) -> set[str]:
	return {r[0] if isinstance(r, list | tuple) else r.get("value") for r in results}


class TestCustomerSearch(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = random_string(8).lower()
		cls.customer = make_customer(
			customer_name=f"_Test CRMS Search {cls.tag}",
			email_id=f"buyer.{cls.tag}@example.com",
			mobile_no="+14155550" + str(100 + len(cls.tag)),
			tax_id=f"TAX-{cls.tag}",
			crms_tier="VIP",
		).name

	def test_search_fields_include_contact_and_tier(self):
		fields = frappe.get_meta("Customer").search_fields
		for field in ("mobile_no", "email_id", "tax_id", "crms_tier"):
			self.assertIn(field, fields)

	def test_finds_customer_by_email_and_tax_id(self):
		self.assertIn(self.customer, _values(search_widget("Customer", f"buyer.{self.tag}@", page_length=10)))
		self.assertIn(self.customer, _values(search_widget("Customer", f"TAX-{self.tag}", page_length=10)))
