"""Intake from REST, phone and email: validation, idempotency, matching, classification, routing."""

import json
import random
from unittest.mock import patch

import frappe
from frappe.utils import add_days, random_string, today

from crm_suite.api.tickets import create
from crm_suite.engine import classify
from crm_suite.service_desk import classifier, intake
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import (
	make_contact,
	make_customer,
	make_issue_type,
	make_service_team,
	make_ticket_rule,
	make_user,
)

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


def issue_count() -> int:
	return frappe.db.count("Issue")


def assignees(issue: str) -> list[str]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "Issue", "reference_name": issue, "status": "Open"},
		pluck="allocated_to",
	)


def comments(issue: str) -> list[str]:
	return frappe.get_all(
		"Comment", filters={"reference_doctype": "Issue", "reference_name": issue}, pluck="content"
	)


class TestIntake(CRMSuiteTestCase):
	SHOW_TRANSACTION_COMMIT_WARNINGS = True

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.cache.delete_value(classifier.MODEL_KEY)
		frappe.db.set_global(classifier.MODEL_KEY, "")
		# rules are site-wide and first-match-wins: each test sees only its own (rolled back after)
		frappe.db.delete("CRMS Ticket Rule")
		frappe.db.set_value("CRMS Service Team", {"enabled": 1}, "enabled", 0)  # only this test's teams
		self.billing = make_issue_type("_Test Billing")
		self.delivery = make_issue_type("_Test Delivery")
		self.agents = [
			make_user(f"_test_agent_{n}@example.com", roles=("Support Team",)) for n in ("a", "b", "c", "d")
		]

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def make_team(self, **overrides):
		a, b, c, d = self.agents
		members = [
			{"user": a, "skills": self.billing, "capacity": 5},
			{"user": b, "skills": self.billing, "capacity": 5},
			{"user": c, "skills": self.delivery, "capacity": 5},
			{"user": d, "skills": self.billing, "capacity": 5, "absent": 1},
		]
		return make_service_team(members=members, **overrides)

	def test_rest_create_is_idempotent(self):
		key = f"key-{random_string(10)}"
		before = issue_count()
		first = create(subject="App crashes", description="on start", idempotency_key=key)
		second = create(subject="App crashes", description="on start", idempotency_key=key)
		self.assertEqual(first["name"], second["name"])
		self.assertEqual(issue_count(), before + 1)
		self.assertEqual(frappe.db.get_value("Issue", first["name"], "crms_channel"), "API")

	def test_concurrent_retry_returns_the_winner(self):
		"""Two retries both miss the lookup; the unique index refuses the second insert."""
		key = f"race-{random_string(10)}"
		winner = intake.create_ticket({"subject": "Race"}, "API", key)
		with patch.object(intake, "existing_ticket", return_value=None):
			loser = intake.create_ticket({"subject": "Race"}, "API", key)
		self.assertEqual(loser.name, winner.name)
		self.assertEqual(frappe.db.count("Issue", {"crms_idempotency_key": key}), 1)

	def test_bad_payloads_are_refused_and_nothing_saved(self):
		before = issue_count()
		bad = [
			({}, "API"),
			({"subject": ""}, "API"),
			({"subject": "x" * 200}, "API"),
			({"subject": "ok", "description": 5}, "API"),
			({"subject": "ok", "colour": "red"}, "API"),
			({"subject": "ok", "raised_by": "not-an-email"}, "API"),
			({"subject": "ok", "phone": "12"}, "API"),
			({"subject": "ok", "customer": "_Test No Such Customer"}, "API"),
			({"subject": "ok", "impact": "Enormous"}, "API"),
			({"subject": "ok"}, "Pigeon"),
			(["subject"], "API"),
		]
		for payload, channel in bad:
			with self.assertRaises(frappe.ValidationError, msg=str(payload)) as ctx:
				intake.create_ticket(payload, channel, f"bad-{random_string(8)}")
			self.assertEqual(ctx.exception.http_status_code, 400)
		self.assertEqual(issue_count(), before)

	def test_guest_cannot_create(self):
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			create(subject="Hello")

	def test_contact_and_customer_matched_by_phone_and_email(self):
		customer = make_customer(crms_tier="VIP")
		email = f"{random_string(8)}@example.com".lower()
		digits = str(random.randint(10_000_000, 99_999_999))
		contact = make_contact(
			customer=customer.name,
			email_ids=[{"email_id": email, "is_primary": 1}],
			phone_nos=[{"phone": f"+86 138 {digits[:4]} {digits[4:]}", "is_primary_mobile_no": 1}],
		)
		by_phone = create(
			subject="Where is my order", phone=f"138{digits}", urgency="Medium", impact="Medium"
		)
		self.assertEqual(by_phone["contact"], contact.name)
		self.assertEqual(by_phone["customer"], customer.name)
		self.assertEqual(by_phone["customer_tier"], "VIP")
		# VIP raises Medium x Medium one step
		self.assertEqual(by_phone["priority"], "High")
		by_email = create(subject="Another question", raised_by=email.upper())
		self.assertEqual(by_email["customer"], customer.name)
		self.assertEqual(frappe.db.get_value("Issue", by_email["name"], "crms_open_tickets"), 1)

	def test_rules_then_classifier(self):
		team = self.make_team()
		make_ticket_rule(
			keywords="refund, 退款", issue_type=self.billing, team=team.name, complaint_class="Urgent"
		)
		by_rule = frappe.get_doc("Issue", create(subject="I want a refund now")["name"])
		self.assertEqual(by_rule.issue_type, self.billing)
		self.assertEqual(by_rule.crms_classified_by, "Rule")
		self.assertEqual(by_rule.crms_team, team.name)
		self.assertEqual(by_rule.crms_complaint_class, "Urgent")

		samples = [(f"快递 物流 延迟 包裹 {i}", self.delivery) for i in range(5)]
		samples += [(f"invoice charged twice {i}", self.billing) for i in range(5)]
		model = classify.train(samples)
		frappe.db.set_global(classifier.MODEL_KEY, json.dumps(model.to_dict(), ensure_ascii=False))
		frappe.cache.delete_value(classifier.MODEL_KEY)
		by_model = frappe.get_doc("Issue", create(subject="我的快递还没到", description="物流太慢")["name"])
		self.assertEqual(by_model.issue_type, self.delivery)
		self.assertEqual(by_model.crms_classified_by, "Model")
		self.assertGreater(by_model.crms_category_confidence, 60)
		# an agent's correction is recorded as such (and is the label the next training reads)
		by_model.issue_type = self.billing
		by_model.save()
		self.assertEqual(by_model.crms_classified_by, "Agent")

	def test_training_stores_held_out_accuracy(self):
		for i in range(30):
			label = self.billing if i % 2 else self.delivery
			text = "invoice refund charged" if i % 2 else "快递 物流 包裹"
			frappe.get_doc(
				{"doctype": "Issue", "subject": f"{text} {i}", "issue_type": label, "status": "Closed"}
			).insert(ignore_permissions=True)
		values = classifier.train()
		self.assertGreaterEqual(values["training_samples"], 30)
		self.assertGreater(values["held_out_tickets"], 0)
		self.assertEqual(values["held_out_accuracy"], 100)
		self.assertIsNotNone(classifier.load_model())

	def test_routing_picks_least_loaded_skilled_available_agent(self):
		a, b, c, d = self.agents
		# the busy ticket exists before the team, so routing can't hand it to b as well
		busy = frappe.get_doc({"doctype": "Issue", "subject": "busy"}).insert(ignore_permissions=True)
		team = self.make_team()
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": a,
				"reference_type": "Issue",
				"reference_name": busy.name,
				"description": "busy",
			}
		).insert(ignore_permissions=True)
		make_ticket_rule(keywords="invoice", issue_type=self.billing, team=team.name)
		name = create(subject="Wrong invoice total")["name"]
		self.assertEqual(assignees(name), [b])
		self.assertTrue(any(b in text for text in comments(name)))

	def test_vip_goes_to_senior(self):
		a, b, c, d = self.agents
		team = make_service_team(
			members=[
				{"user": a, "skills": self.billing, "capacity": 5},
				{"user": b, "skills": self.billing, "capacity": 5, "senior": 1},
			]
		)
		customer = make_customer(crms_tier="VIP")
		make_ticket_rule(keywords="invoice", issue_type=self.billing, team=team.name)
		name = create(subject="invoice question", customer=customer.name)["name"]
		self.assertEqual(assignees(name), [b])

	def test_team_on_holiday_gets_no_new_tickets(self):
		a, b, c, d = self.agents
		holidays = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": f"_Test Team Holidays {random_string(6)}",
				"from_date": add_days(today(), -30),
				"to_date": add_days(today(), 30),
				"holidays": [{"holiday_date": today(), "description": "Team day off"}],
			}
		).insert(ignore_permissions=True)
		resting = make_service_team(
			members=[{"user": a, "skills": self.billing, "capacity": 5}], holiday_list=holidays.name
		)
		make_ticket_rule(keywords="invoice", issue_type=self.billing, team=resting.name)
		# the ticket waits unassigned in the resting team's queue instead of reaching an agent on leave
		name = create(subject="invoice on a holiday")["name"]
		self.assertEqual(assignees(name), [])
		self.assertEqual(frappe.db.get_value("Issue", name, "crms_team"), resting.name)
		resting.holiday_list = None
		resting.save()
		self.assertEqual(assignees(create(subject="invoice after the holiday")["name"]), [a])
		with self.assertRaises(frappe.ValidationError):
			make_service_team(members=[{"user": c}], time_zone="Mars/Olympus")

	def test_absent_agent_reassigned(self):
		a, b, c, d = self.agents
		team = self.make_team()
		make_ticket_rule(keywords="invoice", issue_type=self.billing, team=team.name)
		name = create(subject="invoice missing")["name"]
		first = assignees(name)[0]
		team.reload()
		for row in team.members:
			if row.user == first:
				row.absent = 1
				row.absent_until = add_days(today(), 2)
		team.save()
		self.assertGreaterEqual(intake.reassign_absent(), 1)
		now = assignees(name)
		self.assertEqual(len(now), 1)
		self.assertNotIn(now[0], (first, d))
		self.assertTrue(any("Reassigned" in text for text in comments(name)))

	def test_phone_intake_links_call_log(self):
		customer = make_customer()
		number = f"+86139{random.randint(10_000_000, 99_999_999)}"
		make_contact(customer=customer.name, phone_nos=[{"phone": number, "is_primary_phone": 1}])
		call = frappe.get_doc(
			{
				"doctype": "Call Log",
				"id": f"call-{random_string(8)}",
				"from": number,
				"to": "100",
				"type": "Incoming",
				"status": "Completed",
			}
		).insert(ignore_permissions=True)
		issue = intake.create_ticket_from_call(call.name)
		again = intake.create_ticket_from_call(call.name)
		self.assertEqual(issue.name, again.name)
		self.assertEqual(issue.crms_channel, "Phone")
		self.assertEqual(issue.customer, customer.name)
		links = frappe.get_doc("Call Log", call.name).links
		issue_links = [(r.link_doctype, r.link_name) for r in links if r.link_doctype == "Issue"]
		self.assertEqual(issue_links, [("Issue", issue.name)])

	def test_email_issue_goes_through_intake(self):
		customer = make_customer(crms_tier="Key")
		email = f"{random_string(8)}@example.com".lower()
		make_contact(customer=customer.name, email_ids=[{"email_id": email, "is_primary": 1}])
		# what frappe's InboundMail does for an Email Account appending to Issue
		doc = frappe.new_doc("Issue")
		doc.subject = "Help please"
		doc.raised_by = email
		doc.flags.ignore_mandatory = True
		doc.insert(ignore_permissions=True)
		self.assertEqual(doc.crms_channel, "Email")
		self.assertEqual(doc.customer, customer.name)
		self.assertEqual(doc.crms_customer_tier, "Key")
		plain = frappe.get_doc({"doctype": "Issue", "subject": "desk"}).insert(ignore_permissions=True)
		self.assertFalse(plain.crms_channel)
