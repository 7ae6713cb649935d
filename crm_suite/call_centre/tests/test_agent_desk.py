"""The agent's desk: screen pop summary (known / unknown caller, permissions), agent states and their
log, the call-event hook, next agent, ticket and opportunity from a call, call script responses."""

import random
from datetime import datetime, timedelta

import frappe
from frappe.utils import add_to_date, now_datetime, random_string

from crm_suite.call_centre import agents, desk, screen_pop
from crm_suite.engine.telephony import CallRecord
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_contact, make_customer, make_user

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


def phone() -> str:
	return f"+86 139 {random.randint(1000, 9999)} {random.randint(1000, 9999)}"


def make_call(number: str, agent: str | None = None, **kwargs) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Call Log",
			"id": f"_test-call-{random_string(10)}",
			"from": number,
			"to": "+86 21 5555 0000",
			"type": "Incoming",
			"status": "Ringing",
			"crms_agent": agent,
			"crms_queue": "Billing",
			**kwargs,
		}
	)
	return doc.insert(ignore_permissions=True).name


def record(call_id: str, agent: str, answered=True, ended=False, wrapup=False, transfers=()) -> CallRecord:
	t0 = datetime(2026, 3, 2, 10, 0)
	return CallRecord(
		call_id=call_id,
		direction="inbound",
		from_number="",
		to_number="",
		status="completed" if ended else "in_progress",
		ring_at=t0,
		answered_at=t0 + timedelta(seconds=10) if answered else None,
		ended_at=t0 + timedelta(minutes=5) if ended else None,
		wait_seconds=10,
		talk_seconds=290 if ended else None,
		hold_seconds=0,
		wrapup_seconds=30 if wrapup else None,
		abandoned=False,
		transfers=tuple(transfers) or (agent,),
		agent=agent,
		queue="Billing",
		recording_url="",
		voicemail=False,
		end_reason="",
		event_count=3,
	)


class TestAgentDesk(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.suffix = random_string(6).lower()
		self.number = phone()
		self.customer = make_customer(customer_name=f"_Test Pop {self.suffix}", crms_tier="VIP").name
		self.contact = make_contact(
			customer=self.customer, phone_nos=[{"phone": self.number, "is_primary_mobile_no": 1}]
		).name
		# an agent with no Customer read access, and a sales user who has it
		self.agent = make_user(f"_test_pop_agent_{self.suffix}@example.com", ("Call Centre Agent",))
		self.sales = make_user(
			f"_test_pop_sales_{self.suffix}@example.com", ("Call Centre Agent", "Sales User", "Support Team")
		)
		self.supervisor = make_user(f"_test_pop_sup_{self.suffix}@example.com", ("Call Centre Supervisor",))

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	# ---- screen pop ------------------------------------------------------------------------------

	def test_summary_known_caller(self):
		call = make_call(self.number, agent=self.sales)
		issue = frappe.get_doc(
			{"doctype": "Issue", "subject": "Broken invoice", "customer": self.customer}
		).insert(ignore_permissions=True)
		frappe.set_user(self.sales)
		# the number as another format of the same phone: the phone key matches
		out = screen_pop.summary(self.number.replace(" ", "").replace("+86", "0086"), call_log=call)
		self.assertFalse(out["unknown"])
		self.assertEqual(out["customer"]["name"], self.customer)
		self.assertEqual(out["customer"]["tier"], "VIP")
		self.assertEqual(out["contact"]["name"], self.contact)
		self.assertEqual(out["open_tickets"]["count"], 1)
		self.assertEqual(out["open_tickets"]["latest"][0]["name"], issue.name)
		self.assertEqual(out["call"]["name"], call)

	def test_summary_without_customer_permission_hides_customer(self):
		frappe.set_user(self.agent)
		out = screen_pop.summary(self.number)
		self.assertFalse(out["unknown"])
		self.assertTrue(out["hidden"])
		self.assertIsNone(out["customer"])
		self.assertIsNone(out["open_tickets"])
		self.assertEqual(out["orders"], [])
		self.assertNotIn(self.customer, frappe.as_json(out))

	def test_summary_unknown_number(self):
		frappe.set_user(self.sales)
		out = screen_pop.summary(phone())
		self.assertTrue(out["unknown"])
		self.assertTrue(out["valid_number"])
		self.assertIsNone(out["customer"])
		out = screen_pop.summary("12")
		self.assertTrue(out["unknown"])
		self.assertFalse(out["valid_number"])

	def test_summary_needs_a_call_centre_role(self):
		nobody = make_user(f"_test_pop_none_{self.suffix}@example.com", ("Blogger",))
		frappe.set_user(nobody)
		with self.assertRaises(frappe.PermissionError):
			screen_pop.summary(self.number)

	# ---- agent states --------------------------------------------------------------------------

	def _log(self, user):
		return frappe.get_all(
			agents.LOG,
			filters={"user": user},
			fields=["state", "from", "to", "seconds", "call_log"],
			order_by="creation asc",
		)

	def test_state_changes_and_log(self):
		frappe.set_user(self.agent)
		agents.set_state("Available")
		self.assertEqual(frappe.db.get_value(agents.STATUS, self.agent, "state"), "Available")
		# backdate the open interval: its seconds are measured when it closes
		frappe.db.set_value(
			agents.LOG, {"user": self.agent, "to": None}, "from", add_to_date(now_datetime(), minutes=-3)
		)
		agents.set_state("Break")
		agents.set_state("Break")  # no change, no new row
		log = self._log(self.agent)
		self.assertEqual([r.state for r in log], ["Available", "Break"])
		self.assertTrue(175 <= log[0].seconds <= 190, log[0].seconds)
		self.assertIsNotNone(log[0].to)
		self.assertIsNone(log[1].to)
		self.assertEqual(agents.my_state()["state"], "Break")
		with self.assertRaises(frappe.ValidationError):
			agents.set_state("Asleep")

	def test_only_supervisor_sets_others(self):
		frappe.set_user(self.agent)
		with self.assertRaises(frappe.PermissionError):
			agents.set_state("Offline", user=self.sales)
		frappe.set_user(self.supervisor)
		agents.set_state("Available", user=self.agent)
		self.assertEqual(frappe.db.get_value(agents.STATUS, self.agent, "state"), "Available")
		self.assertEqual(self._log(self.agent)[-1].state, "Available")

	def test_call_events_move_the_agent(self):
		agents.change_state(self.agent, "Available")
		call = make_call(self.number, agent=self.agent)
		agents.on_call_updated(call, record(call, self.agent), "Ringing")
		self.assertEqual(
			frappe.db.get_value(agents.STATUS, self.agent, ["state", "current_call"]), ("On Call", call)
		)
		agents.on_call_updated(call, record(call, self.agent), "In Progress")  # replay: no new row
		agents.on_call_updated(call, record(call, self.agent, ended=True), "In Progress")
		self.assertEqual(frappe.db.get_value(agents.STATUS, self.agent, "state"), "Wrap-up")
		agents.on_call_updated(call, record(call, self.agent, ended=True, wrapup=True), "Completed")
		self.assertEqual(frappe.db.get_value(agents.STATUS, self.agent, "state"), "Available")
		self.assertEqual(
			[r.state for r in self._log(self.agent)], ["Available", "On Call", "Wrap-up", "Available"]
		)
		# the hook is registered for the ingestion
		self.assertIn("crm_suite.call_centre.agents.on_call_updated", frappe.get_hooks("crms_call_updated"))

	def test_transfer_frees_the_first_agent(self):
		for user in (self.agent, self.sales):
			agents.change_state(user, "Available")
		call = make_call(self.number, agent=self.agent)
		agents.on_call_updated(call, record(call, self.agent), "Ringing")
		frappe.db.set_value("Call Log", call, "crms_agent", self.sales)
		agents.on_call_updated(
			call, record(call, self.sales, transfers=(self.agent, self.sales)), "In Progress"
		)
		self.assertEqual(frappe.db.get_value(agents.STATUS, self.agent, "state"), "Available")
		self.assertEqual(frappe.db.get_value(agents.STATUS, self.sales, "state"), "On Call")

	# ---- next agent ----------------------------------------------------------------------------

	def test_next_agent(self):
		frappe.db.set_value(
			agents.STATUS, {"state": "Available"}, "state", "Offline"
		)  # this test's agents only
		senior = make_user(f"_test_pop_senior_{self.suffix}@example.com", ("Call Centre Agent",))
		for user, ext, minutes, is_senior in (
			(self.agent, "7101", 30, 0),
			(self.sales, "7102", 50, 0),
			(senior, "7103", 5, 1),
		):
			agents.change_state(user, "Available")
			frappe.db.set_value(
				agents.STATUS,
				user,
				{
					"extension": f"{ext}{self.suffix}",
					"skills": "Billing, Sales",
					"senior": is_senior,
					"since": add_to_date(now_datetime(), minutes=-minutes),
				},
			)
		out = agents.choose("billing")
		self.assertEqual(
			(out["user"], out["extension"], out["reason"]), (self.sales, f"7102{self.suffix}", "longest_idle")
		)
		# the VIP customer's number goes to the senior agent
		out = agents.choose("Billing", caller=self.number)
		self.assertEqual((out["user"], out["vip"], out["reason"]), (senior, True, "vip_senior"))
		self.assertEqual(agents.choose("Billing", exclude=self.sales)["user"], self.agent)
		self.assertIsNone(agents.choose("Claims")["user"])
		# the endpoint: a logged-in user must be a supervisor
		frappe.set_user(self.agent)
		with self.assertRaises(frappe.PermissionError):
			agents.next_agent("Billing")
		frappe.set_user(self.supervisor)
		self.assertEqual(agents.next_agent("Billing")["user"], self.sales)

	def test_next_agent_signed_by_the_pbx(self):
		"""A guest request signed with the provider's secret (generic HMAC over the query string)."""
		import time

		from frappe.utils import set_request

		from crm_suite.engine.telephony import sign

		provider = frappe.get_doc(
			{
				"doctype": "CRMS Telephony Provider",
				"provider_name": f"_Test PBX {self.suffix}",
				"adapter": "generic",
				"enabled": 1,
				"secret": "s3cret-for-tests",
			}
		).insert(ignore_permissions=True)
		query = f"queue=Billing&provider={provider.name.replace(' ', '+')}"
		ts = str(int(time.time()))
		try:
			frappe.set_user("Guest")
			set_request(
				method="GET",
				path="/api/method/crm_suite.call_centre.agents.next_agent",
				query_string=query,
				headers={"X-CRMS-Timestamp": ts, "X-CRMS-Signature": sign("s3cret-for-tests", ts, query)},
			)
			self.assertIn("user", agents.next_agent("Billing", provider=provider.name))
			set_request(
				method="GET",
				path="/api/method/crm_suite.call_centre.agents.next_agent",
				query_string=query,
				headers={"X-CRMS-Timestamp": ts, "X-CRMS-Signature": sign("wrong", ts, query)},
			)
			with self.assertRaises(frappe.AuthenticationError):
				agents.next_agent("Billing", provider=provider.name)
			with self.assertRaises(frappe.AuthenticationError):
				agents.next_agent("Billing")  # no provider
		finally:
			frappe.local.request = None
			frappe.set_user("Administrator")

	# ---- one click from a call -----------------------------------------------------------------

	def test_ticket_from_call(self):
		call = make_call(self.number, agent=self.sales)
		frappe.set_user(self.sales)
		issue = desk.create_ticket(call, subject="Invoice question")
		frappe.set_user("Administrator")
		doc = frappe.get_doc("Issue", issue)
		self.assertEqual(
			(doc.crms_channel, doc.customer, doc.subject), ("Phone", self.customer, "Invoice question")
		)
		self.assertEqual(frappe.db.get_value("Call Log", call, "crms_issue"), issue)
		links = frappe.get_all(
			"Dynamic Link", {"parenttype": "Call Log", "parent": call}, ["link_doctype", "link_name"]
		)
		self.assertIn(("Issue", issue), [(link.link_doctype, link.link_name) for link in links])
		frappe.set_user(self.sales)
		self.assertEqual(desk.create_ticket(call), issue)  # one ticket per call

	def test_only_the_calls_agent_acts(self):
		call = make_call(self.number, agent=self.sales)
		frappe.set_user(self.agent)
		with self.assertRaises(frappe.PermissionError):
			desk.create_ticket(call)

	def test_opportunity_from_call(self):
		call = make_call(self.number, agent=self.sales)
		frappe.set_user(self.sales)
		opp = desk.create_opportunity(call)
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Opportunity", opp, ["opportunity_from", "party_name"]),
			("Customer", self.customer),
		)
		self.assertEqual(frappe.db.get_value("Call Log", call, "crms_opportunity"), opp)
		# an unknown caller becomes a Lead first
		unknown = make_call(phone(), agent=self.sales)
		frappe.set_user(self.sales)
		opp2 = desk.create_opportunity(unknown)
		frappe.set_user("Administrator")
		lead = frappe.db.get_value("Call Log", unknown, "crms_lead")
		self.assertTrue(lead)
		self.assertEqual(
			frappe.db.get_value("Opportunity", opp2, ["opportunity_from", "party_name"]), ("Lead", lead)
		)

	def test_outcome(self):
		call = make_call(self.number, agent=self.sales)
		frappe.set_user(self.sales)
		desk.save_outcome(call, disposition="Resolved", notes="Explained the invoice", resolved=1)
		self.assertEqual(
			frappe.db.get_value(
				"Call Log", call, ["crms_disposition", "crms_first_call_resolution", "summary"]
			),
			("Resolved", 1, "Explained the invoice"),
		)
		with self.assertRaises(frappe.ValidationError):
			desk.save_outcome(call, disposition="Made up")

	# ---- call scripts --------------------------------------------------------------------------

	def _script(self):
		return frappe.get_doc(
			{
				"doctype": "CRMS Call Script",
				"title": f"_Test Renewal {self.suffix}",
				"queue": "Billing",
				"questions": [
					{"key": "happy", "question": "Happy?", "type": "Yes-No", "rules": "= No -> reason"},
					{"key": "seats", "question": "How many users?", "type": "Number", "next_key": "end"},
					{"key": "reason", "question": "Why not?", "type": "Select", "options": "Price\nSupport"},
				],
			}
		).insert(ignore_permissions=True)

	def test_script_validation(self):
		doc = frappe.get_doc(
			{
				"doctype": "CRMS Call Script",
				"title": f"_Test Bad {self.suffix}",
				"questions": [{"key": "a", "question": "A?", "type": "Yes-No", "rules": "= Yes -> nowhere"}],
			}
		)
		with self.assertRaises(frappe.ValidationError):
			doc.insert(ignore_permissions=True)

	def test_script_response_stored(self):
		script = self._script().name
		call = make_call(self.number, agent=self.sales)
		frappe.set_user(self.sales)
		self.assertEqual(desk.next_question(script, "happy", "no")["next"], "reason")
		self.assertIn(script, [s["name"] for s in desk.scripts_for_call(call)])
		# "seats" is off the path the answers take: dropped
		out = desk.save_script_response(
			call, script, frappe.as_json({"happy": "no", "seats": "5", "reason": "price"})
		)
		self.assertTrue(out["complete"])
		frappe.set_user("Administrator")
		doc = frappe.get_doc("CRMS Call Script Response", out["name"])
		self.assertEqual([(a.key, a.answer) for a in doc.answers], [("happy", "No"), ("reason", "Price")])
		self.assertEqual((doc.agent, doc.customer, doc.call_log), (self.sales, self.customer, call))
		# saving again replaces the answers of the same call and script
		frappe.set_user(self.sales)
		again = desk.save_script_response(call, script, {"happy": "yes", "seats": "12"})
		self.assertEqual(again["name"], out["name"])
		frappe.set_user("Administrator")
		doc = frappe.get_doc("CRMS Call Script Response", out["name"])
		self.assertEqual([(a.key, a.answer) for a in doc.answers], [("happy", "Yes"), ("seats", "12")])
		frappe.set_user(self.sales)
		with self.assertRaises(frappe.ValidationError):
			desk.save_script_response(call, script, {"happy": "maybe"})
