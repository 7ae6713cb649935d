"""Data quality on save (customer_360/data_quality.py) on a real site."""

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import random_string

from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_contact, make_customer, make_lead

test_ignore = ["Company", "Item", "Customer"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

CN = {"default_phone_region": "China", "invalid_contact_data": "Warn", "warn_on_duplicate": 1}


def messages() -> str:
	return str(frappe.local.message_log)


class TestDataQuality(CRMSuiteTestCase):
	def setUp(self):
		frappe.local.message_log = []

	def tearDown(self):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		from crm_suite.crm_suite.doctype.crms_settings.crms_settings import clear_settings_cache

		clear_settings_cache()

	@change_settings("CRMS Settings", CN)
	def test_contact_phones_and_emails_normalised_on_save(self):
		email = f"Wang.{random_string(6)}@Example.COM"
		contact = make_contact(
			first_name=f"  ＷＡＮＧ　{random_string(4)}  ",
			email_ids=[{"email_id": f"  {email} ", "is_primary": 1}],
			phone_nos=[
				{"phone": "１３８ ００１３ ８０００", "is_primary_mobile_no": 1},
				{"phone": "（０２１）６２３４－５６７８转１２", "is_primary_phone": 1},
			],
		)
		contact.reload()
		self.assertEqual(contact.email_ids[0].email_id, email.lower())
		self.assertEqual(contact.email_id, email.lower())
		self.assertEqual(contact.phone_nos[0].phone, "+8613800138000")
		self.assertEqual(contact.phone_nos[1].phone, "+862162345678,12")
		self.assertEqual(contact.mobile_no, "+8613800138000")
		self.assertTrue(contact.first_name.startswith("WANG "))
		self.assertNotIn("\u3000", contact.full_name)
		self.assertEqual(contact.crms_phone_key, "00138000")
		self.assertEqual(contact.crms_email_key, email.lower())

	@change_settings("CRMS Settings", CN)
	def test_lead_normalised_and_scored(self):
		lead = make_lead(
			f"Ｌｉ {random_string(5)}",
			email_id=f"LI.{random_string(6)}@Example.com",
			mobile_no="138-0013-8000",
		)
		lead.reload()
		self.assertEqual(lead.mobile_no, "+8613800138000")
		self.assertEqual(lead.email_id, lead.email_id.lower())
		self.assertTrue(lead.first_name.startswith("Li "))
		self.assertIsInstance(lead.crms_quality_score, int)
		self.assertGreater(lead.crms_quality_score, 0)
		self.assertLess(lead.crms_quality_score, 100)  # no source
		self.assertIn("Source", lead.crms_quality_issues)
		# indexed column, stored
		self.assertEqual(
			frappe.db.get_value("Lead", lead.name, "crms_quality_score"), lead.crms_quality_score
		)

	@change_settings("CRMS Settings", CN)
	def test_customer_name_normalised_and_quality_stored(self):
		customer = make_customer(customer_name=f"  ＡＢＣ   Trading  {random_string(5)} ")
		customer.reload()
		self.assertTrue(customer.customer_name.startswith("ABC Trading "))
		self.assertNotIn("  ", customer.customer_name)
		self.assertIn("Primary Contact", customer.crms_quality_issues)
		self.assertTrue(customer.crms_quality_issues.startswith("Missing: "))
		self.assertLess(customer.crms_quality_score, 100)
		self.assertEqual(customer.crms_name_key, customer.customer_name.lower().replace(" ", ""))

	@change_settings("CRMS Settings", {**CN, "invalid_contact_data": "Block"})
	def test_block_mode_throws_and_saves_nothing(self):
		first_name = f"_Test Block {random_string(6)}"
		with self.assertRaises(frappe.ValidationError) as ctx:
			make_lead(first_name, mobile_no="12345")
		self.assertIn("12345", str(ctx.exception))
		self.assertIn("not a valid phone number", str(ctx.exception))
		self.assertFalse(frappe.db.exists("Lead", {"first_name": first_name}))

		with self.assertRaises(frappe.ValidationError) as ctx:
			make_contact(first_name, email_ids=[{"email_id": "wang@example", "is_primary": 1}])
		self.assertIn("wang@example", str(ctx.exception))
		self.assertFalse(frappe.db.exists("Contact", {"first_name": first_name}))

	@change_settings("CRMS Settings", CN)
	def test_warn_mode_keeps_value_and_saves(self):
		lead = make_lead(f"_Test Warn {random_string(6)}", mobile_no="12345")
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "mobile_no"), "12345")
		self.assertIn("12345", messages())
		self.assertIn("Invalid Contact Data", messages())
		self.assertIn("Invalid: Email or Phone", lead.crms_quality_issues)

	@change_settings("CRMS Settings", CN)
	def test_unchanged_legacy_value_does_not_block_other_edits(self):
		lead = make_lead(f"_Test Legacy {random_string(6)}", mobile_no="12345")
		with change_settings("CRMS Settings", {"invalid_contact_data": "Block"}):
			lead.reload()
			lead.source = frappe.db.get_value("Lead Source", {}, "name")
			lead.save()  # the bad number was already stored: not a new error
			lead.mobile_no = "99"
			self.assertRaises(frappe.ValidationError, lead.save)

	@change_settings("CRMS Settings", {**CN, "default_phone_region": None})
	def test_default_region_falls_back_to_company_country(self):
		from crm_suite.customer_360.data_quality import default_region
		from crm_suite.tests.utils import company

		country = frappe.db.get_value("Company", company(), "country")
		self.assertEqual(default_region(), frappe.db.get_value("Country", country, "code").upper())

	@change_settings("CRMS Settings", CN)
	def test_duplicate_warning_on_new_record(self):
		tag = random_string(6)
		email = f"dup.{tag}@example.com"
		first = make_lead(f"Duplicate Person {tag}", email_id=email, mobile_no="+8613800138000")
		frappe.local.message_log = []
		# ERPNext forbids a second lead with the same email: the phone and name give it away
		second = make_lead(
			f"DUPLICATE  person {tag}", email_id=f"other.{tag}@example.com", mobile_no="138 0013 8000"
		)
		self.assertIn("Possible Duplicate", messages())
		self.assertIn(first.name, second.flags.crms_possible_duplicates)
		# an unrelated record raises no warning
		frappe.local.message_log = []
		third = make_lead(f"Someone Else {random_string(8)}", email_id=f"x{random_string(8)}@other.org")
		self.assertNotIn("Possible Duplicate", messages())
		self.assertFalse(third.flags.crms_possible_duplicates)

	@change_settings("CRMS Settings", CN)
	def test_new_lead_warned_when_it_is_an_existing_customer(self):
		tag = random_string(6)
		email = f"hana.{tag}@example.com".lower()
		customer = make_customer(
			customer_name=f"Hana Kowalski {tag}", customer_type="Individual", email_id=email
		)
		self.assertEqual(customer.crms_email_key, email)
		frappe.local.message_log = []

		lead = make_lead(f"Hana Kowalski {tag}", email_id=email)

		self.assertIn("Possible Duplicate", messages())
		self.assertIn("Customer", messages())
		self.assertIn(("Customer", customer.name), lead.flags.crms_possible_duplicate_records)
		self.assertIn(customer.name, lead.flags.crms_possible_duplicates)
		# the Contact ERPNext creates for the new Lead itself is never reported
		own = getattr(lead, "contact_doc", None)
		if own:
			self.assertNotIn(("Contact", own.name), lead.flags.crms_possible_duplicate_records)
		# a second Lead is warned about the first, but not about the first Lead's own Contact
		frappe.local.message_log = []
		second = make_lead(f"HANA kowalski {tag}", email_id=f"other.{tag}@example.com".lower())
		found = second.flags.crms_possible_duplicate_records or []
		self.assertIn(("Lead", lead.name), found)
		if own:
			self.assertNotIn(("Contact", own.name), found)

	@change_settings("CRMS Settings", CN)
	def test_warning_uses_the_stored_model_and_threshold(self):
		import json

		from crm_suite.engine import dedupe

		name = f"Golden Harbor {random_string(6)} Trading"
		make_customer(customer_name=f"{name} Ltd")
		sceptical = dedupe.Model.default()
		sceptical.prior = 1e-6  # a site where almost no blocked pair is a duplicate
		with change_settings(
			"CRMS Settings", {"duplicate_model": json.dumps({"Customer": sceptical.to_dict()})}
		):
			second = make_customer(customer_name=f"{name.upper()} Limited")
		self.assertFalse(second.flags.crms_possible_duplicates)
		with change_settings("CRMS Settings", {"duplicate_threshold": 99.9}):
			third = make_customer(customer_name=f"{name} Co")
		self.assertFalse(third.flags.crms_possible_duplicates)  # names alone: about 94%
		fourth = make_customer(customer_name=f"{name} Corp")
		self.assertTrue(fourth.flags.crms_possible_duplicates)

	@change_settings("CRMS Settings", {**CN, "warn_on_duplicate": 0})
	def test_duplicate_warning_can_be_switched_off(self):
		name = f"Switch Off {random_string(6)}"
		make_customer(customer_name=name)
		frappe.local.message_log = []
		make_customer(customer_name=name.upper())
		self.assertNotIn("Possible Duplicate", messages())

	@change_settings("CRMS Settings", CN)
	def test_duplicate_customer_warned_by_name(self):
		name = f"Golden Harbor {random_string(6)} Trading"
		first = make_customer(customer_name=f"{name} Ltd")
		frappe.local.message_log = []
		second = make_customer(customer_name=f"{name.upper()} Limited")
		self.assertIn(first.name, second.flags.crms_possible_duplicates or [])

	@change_settings("CRMS Settings", CN)
	def test_handler_query_budget(self):
		"""On update the handler runs no query at all (settings and region come from caches); on insert
		at most one: the indexed duplicate lookup."""
		from crm_suite.customer_360.data_quality import validate_lead

		lead = make_lead(f"_Test Budget {random_string(6)}", mobile_no="13800138000")
		lead.reload()
		lead.mobile_no = "139 0013 9000"
		lead.save()  # warm caches
		lead.mobile_no = "138 0013 8000"
		with self.assertQueryCount(0):
			validate_lead(lead)
		self.assertEqual(lead.mobile_no, "+8613800138000")
		name = f"Budget New {random_string(6)}"
		new = frappe.get_doc({"doctype": "Lead", "first_name": name, "lead_name": name})
		new.set_new_name()
		with self.assertQueryCount(1):
			validate_lead(new)

	@change_settings("CRMS Settings", CN)
	def test_backfill_scores_legacy_records_like_a_save(self):
		from crm_suite.customer_360.data_quality import backfill

		fields = [
			"crms_quality_score",
			"crms_quality_issues",
			"crms_name_key",
			"crms_phone_key",
			"crms_email_key",
		]
		customer = make_customer(customer_name=f"Legacy Works {random_string(6)}", tax_id="91110000X")
		contact = make_contact(
			first_name=f"Legacy {random_string(6)}",
			customer=customer.name,
			email_ids=[{"email_id": f"legacy.{random_string(6)}@example.com", "is_primary": 1}],
			phone_nos=[{"phone": "+8613800138000", "is_primary_mobile_no": 1}],
		)
		saved = {
			"Customer": frappe.db.get_value("Customer", customer.name, fields, as_dict=True),
			"Contact": frappe.db.get_value("Contact", contact.name, fields, as_dict=True),
		}
		self.assertEqual(saved["Contact"].crms_phone_key, "00138000")
		for doctype, name in (("Customer", customer.name), ("Contact", contact.name)):
			frappe.db.set_value(
				doctype, name, {**dict.fromkeys(fields, None), "crms_quality_score": 0}, update_modified=False
			)
		self.assertGreaterEqual(backfill("Customer"), 1)
		self.assertGreaterEqual(backfill("Contact"), 1)
		self.assertEqual(
			frappe.db.get_value("Customer", customer.name, fields, as_dict=True), saved["Customer"]
		)
		self.assertEqual(frappe.db.get_value("Contact", contact.name, fields, as_dict=True), saved["Contact"])
		self.assertEqual(backfill("Contact"), 0)

	def test_duplicate_keys_and_score_are_indexed(self):
		for doctype in ("Customer", "Contact", "Lead"):
			indexed = {row[4] for row in frappe.db.sql(f"show index from `tab{doctype}`")}
			for column in ("crms_quality_score", "crms_name_key", "crms_phone_key", "crms_email_key"):
				self.assertIn(column, indexed, f"{doctype}.{column}")
		plan = frappe.db.sql(
			"explain (select name from `tabLead` where crms_phone_key = %s and name != '' limit 50)",
			("00138000",),
			as_dict=True,
		)
		self.assertEqual(plan[0]["key"], "crms_phone_key_index")
