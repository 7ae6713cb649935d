"""Care rules on a real site: birthday ToDos, fixed-date emails, do-not-contact, never twice."""

import datetime

import frappe
from frappe.utils import getdate, nowdate, random_string

from crm_suite.customer_360.care import run_rule
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_contact, make_customer, make_user


def make_rule(**kwargs):
	return frappe.get_doc(
		{
			"doctype": "CRMS Care Rule",
			"__newname": f"_Test CRMS Care {random_string(6)}",
			"enabled": 1,
			"occasion": "Birthday",
			"days_before": 0,
			"action": "ToDo",
			"channel": "Phone",
			**kwargs,
		}
	).insert(ignore_permissions=True)


def ensure_outgoing_email_account():
	if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test CRMS Outgoing",
				"email_id": "crms-outgoing@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)


def make_template():
	name = f"_Test CRMS Greeting {random_string(5)}"
	frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": name,
			"subject": "Happy New Year {{ customer_name }}",
			"response": "Hello",
		}
	).insert(ignore_permissions=True)
	return name


class TestCare(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.manager = make_user("crms-care-am@example.com", ("Sales User",))

	def tearDown(self):
		frappe.db.rollback()

	def test_birthday_todo_respects_do_not_contact_and_runs_once(self):
		today = getdate(nowdate())
		birthday = datetime.date(1990, today.month, min(today.day, 28))
		day = datetime.date(today.year, birthday.month, birthday.day)
		reachable = make_customer(account_manager=self.manager)
		blocked = make_customer(account_manager=self.manager, crms_dnc_phone=1)
		email_only_blocked = make_customer(account_manager=self.manager, crms_dnc_email=1)
		for c in (reachable, blocked, email_only_blocked):
			make_contact(customer=c.name, crms_birthday=birthday)
		rule = make_rule()

		result = run_rule(rule.name, today=day)
		acted = {a["customer"] for a in result["actions"]}
		self.assertEqual(acted, {reachable.name, email_only_blocked.name})
		todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Customer", "reference_name": ["in", [reachable.name, blocked.name]]},
			fields=["reference_name", "allocated_to"],
		)
		self.assertEqual(
			[(t.reference_name, t.allocated_to) for t in todos], [(reachable.name, self.manager)]
		)

		again = run_rule(rule.name, today=day)
		self.assertEqual(again["actions"], [])
		self.assertEqual(frappe.db.count("CRMS Care Log", {"care_rule": rule.name}), 2)

	def test_fixed_date_email_skips_do_not_contact_email(self):
		ensure_outgoing_email_account()
		ok = make_customer(email_id=f"ok-{random_string(5)}@example.com")
		blocked = make_customer(email_id=f"no-{random_string(5)}@example.com", crms_dnc_email=1)
		rule = make_rule(
			occasion="Fixed Date",
			month=1,
			day=1,
			days_before=2,
			action="Email",
			email_template=make_template(),
		)
		self.assertEqual(rule.channel, "Email")

		self.assertEqual(run_rule(rule.name, today=datetime.date(2026, 12, 28))["actions"], [])
		result = run_rule(rule.name, today=datetime.date(2026, 12, 30))
		acted = {a["customer"] for a in result["actions"]}
		self.assertIn(ok.name, acted)
		self.assertNotIn(blocked.name, acted)
		self.assertIn(
			(blocked.name, None, "do-not-contact: Email"), [(s[0], None, s[2]) for s in result["skipped"]]
		)
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Customer", "reference_name": ["in", [ok.name, blocked.name]]},
			pluck="reference_name",
		)
		self.assertEqual(queued, [ok.name])
		log = frappe.get_all(
			"CRMS Care Log", filters={"care_rule": rule.name, "customer": ok.name}, pluck="key"
		)
		self.assertEqual(len(log), 1)
		self.assertTrue(log[0].startswith(f"{rule.name}|2027|{ok.name}|"), log)
		self.assertEqual(run_rule(rule.name, today=datetime.date(2026, 12, 30))["actions"], [])

	def test_holiday_rule_follows_the_holiday_list(self):
		holiday = datetime.date(2026, 5, 1)
		hl = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": f"_Test CRMS HL {random_string(5)}",
				"from_date": "2026-01-01",
				"to_date": "2026-12-31",
				"holidays": [{"holiday_date": holiday, "description": "Labour Day"}],
			}
		).insert(ignore_permissions=True)
		customer = make_customer(account_manager=self.manager)
		rule = make_rule(occasion="Holiday", holiday_list=hl.name, days_before=1)
		self.assertEqual(run_rule(rule.name, today=datetime.date(2026, 5, 1))["actions"], [])
		acted = {a["customer"] for a in run_rule(rule.name, today=datetime.date(2026, 4, 30))["actions"]}
		self.assertIn(customer.name, acted)

	def test_invalid_rules_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_rule(occasion="Fixed Date", month=2, day=30)
		with self.assertRaises(frappe.ValidationError):
			make_rule(action="Email")
