"""Search by number, name, phone, email, tax id and tier finds the customer (MISSION 1, search).

Each search names what it looks for and checks both ways: the customer with that value is found and a
second customer created alongside, differing only in that value, is not.
"""

import random

import frappe
from frappe.desk.search import search_widget

from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer


def _values(results) -> set[str]:
	return {r[0] if isinstance(r, list | tuple) else r.get("value") for r in results}


def _berlin_number() -> str:
	"""A valid, practically unique E.164 number (Berlin: +49 30 and eight digits)."""
	return f"+4930{random.randint(20_000_000, 99_999_999)}"


class TestCustomerSearch(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# hex only: the tag can never contain a tier name ("VIP", "Key") or look like a phone number
		cls.tag = frappe.generate_hash(length=10)
		cls.phone = _berlin_number()
		cls.other_phone = _berlin_number()
		while cls.other_phone[-8:] == cls.phone[-8:]:
			cls.other_phone = _berlin_number()
		cls.customer = make_customer(
			customer_name=f"_Test CRMS Search {cls.tag}",
			email_id=f"buyer.{cls.tag}@example.com",
			mobile_no=cls.phone,
			tax_id=f"TAX-{cls.tag}",
			crms_tier="VIP",
		).name
		cls.other = make_customer(
			customer_name=f"_Test CRMS Search Other {cls.tag}",
			email_id=f"someone.{cls.tag}@example.com",
			mobile_no=cls.other_phone,
			tax_id=f"OTHER-{cls.tag}",
			crms_tier="Normal",
		).name

	def search(self, txt: str, **filters) -> set[str]:
		return _values(search_widget("Customer", txt, page_length=20, filters=filters or None))

	def assertFindsOnlyCustomer(self, txt: str, **filters):
		found = self.search(txt, **filters)
		self.assertIn(self.customer, found, f"searching {txt!r}")
		self.assertNotIn(self.other, found, f"searching {txt!r}")

	def test_search_fields_include_contact_and_tier(self):
		fields = frappe.get_meta("Customer").search_fields
		for field in ("mobile_no", "email_id", "tax_id", "crms_tier"):
			self.assertIn(field, fields)

	def test_finds_customer_by_phone(self):
		self.assertFindsOnlyCustomer(self.phone)

	def test_finds_customer_by_the_last_digits_of_the_phone(self):
		self.assertFindsOnlyCustomer(self.phone[-8:])

	def test_finds_customer_by_tier(self):
		# "VIP" alone matches every VIP customer on the site: narrow to this test's two customers
		self.assertFindsOnlyCustomer("VIP", customer_name=("like", f"%{self.tag}"))
		found = self.search("Normal", customer_name=("like", f"%{self.tag}"))
		self.assertEqual(found, {self.other})

	def test_finds_customer_by_email(self):
		self.assertFindsOnlyCustomer(f"buyer.{self.tag}@")

	def test_finds_customer_by_tax_id(self):
		self.assertFindsOnlyCustomer(f"TAX-{self.tag}")

	def test_finds_customer_by_name(self):
		self.assertFindsOnlyCustomer(f"Search {self.tag}")
