"""Ticket lifecycle on Issue: stage, first response, reopen on reply, auto-close, merge, split, internal
notes, and the closed loop of complaints (checklist, CAPA, customer confirmation)."""

from datetime import timedelta

import frappe
from frappe.utils import add_days, get_datetime, now_datetime, random_string

from crm_suite.engine import ticket_lifecycle as tl
from crm_suite.service_desk import lifecycle
from crm_suite.service_desk.sla import clear_policy_cache
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_issue, make_sla_policy, make_user

test_ignore = ["Customer", "Company", "Item"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

AGENT = "lifecycle-agent@crms.test"
AGENT_2 = "lifecycle-agent-2@crms.test"
SUPERVISOR = "lifecycle-supervisor@crms.test"
CUSTOMER_EMAIL = "lifecycle-customer@crms.test"
ALL_CHECKED = {field: 1 for field, _label in tl.CHECKLIST}


def message(issue: str, direction: str = "Received", sender: str = CUSTOMER_EMAIL, **kwargs):
	return frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": direction,
			"subject": f"Re: {issue}",
			"content": f"message {random_string(6)}",
			"sender": sender,
			"reference_doctype": "Issue",
			"reference_name": issue,
			**kwargs,
		}
	).insert(ignore_permissions=True)


def assign(args: dict, ignore_permissions=True):
	"""What frappe's assign_to.add writes (a ToDo per user, _assign via ToDo.on_update), without the
	notification e-mail a test site has no outgoing account for."""
	for user in args["assign_to"]:
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"reference_type": args["doctype"],
				"reference_name": args["name"],
				"description": "test assignment",
			}
		).insert(ignore_permissions=ignore_permissions)


def comments(issue: str) -> list[str]:
	return frappe.get_all(
		"Comment", filters={"reference_doctype": "Issue", "reference_name": issue}, pluck="content"
	)


def value(issue: str, field: str):
	return frappe.db.get_value("Issue", issue, field)


def set_status(issue: str, status: str, **values):
	doc = frappe.get_doc("Issue", issue)
	doc.status = status
	doc.update(values)
	doc.flags.ignore_permissions = True
	return doc.save()


class TestTicketLifecycle(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		# this test's SLA policies only (rolled back after)
		frappe.db.set_value("CRMS SLA Policy", {"enabled": 1}, "enabled", 0)
		clear_policy_cache()
		make_user(AGENT, ("Support Team",))
		make_user(AGENT_2, ("Support Team",))
		make_user(SUPERVISOR, ("Support Team", "Service Supervisor"))
		self.customer = make_customer().name

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		clear_policy_cache()

	# -- stage and first response -------------------------------------------------------------------

	def test_stage_follows_status_assignment_and_hand_edits(self):
		issue = make_issue(customer=self.customer)
		self.assertEqual(issue.crms_stage, "Pending")
		assign({"assign_to": [AGENT], "doctype": "Issue", "name": issue.name}, ignore_permissions=True)
		self.assertEqual(value(issue.name, "crms_stage"), "In Progress")
		doc = set_status(issue.name, "On Hold")
		self.assertEqual(doc.crms_stage, "Waiting on Customer")
		doc = set_status(issue.name, "Replied")
		self.assertEqual(doc.crms_stage, "Waiting on Customer")
		# the stage edited by hand drives the status
		doc.crms_stage = "Resolved"
		doc.save()
		self.assertEqual((doc.status, doc.crms_stage), ("Resolved", "Resolved"))
		self.assertTrue(doc.crms_resolved_on)
		doc = set_status(issue.name, "Closed")
		self.assertEqual(doc.crms_stage, "Closed")
		self.assertTrue(doc.crms_resolved_on)

	def test_first_agent_reply_sets_first_responded_on_and_in_progress(self):
		issue = make_issue(customer=self.customer)
		message(issue.name, "Received")
		self.assertIsNone(value(issue.name, "first_responded_on"))
		self.assertEqual(value(issue.name, "crms_stage"), "Pending")
		reply = message(issue.name, "Sent", sender="admin@example.com")
		first = value(issue.name, "first_responded_on")
		self.assertEqual(
			first, get_datetime(reply.creation)
		)  # frappe's update_first_response_time, kept as is
		self.assertEqual(value(issue.name, "crms_stage"), "In Progress")
		message(issue.name, "Sent", sender="admin@example.com")
		self.assertEqual(value(issue.name, "first_responded_on"), first)

	# -- reopen on a customer's reply -----------------------------------------------------------------

	def test_customer_reply_reopens_a_resolved_ticket_once(self):
		issue = make_issue(customer=self.customer)
		set_status(issue.name, "Resolved")
		reply = message(issue.name)
		row = frappe.db.get_value(
			"Issue",
			issue.name,
			["status", "crms_stage", "crms_reopen_count", "crms_reopened_on"],
			as_dict=True,
		)
		self.assertEqual(row.status, "Open")
		self.assertEqual(row.crms_reopen_count, 1)
		self.assertTrue(row.crms_reopened_on)
		self.assertIsNone(value(issue.name, "crms_resolved_on"))
		self.assertTrue(any("Reopened" in c and reply.name in c for c in comments(issue.name)))
		message(issue.name)  # already Open: nothing more to count
		self.assertEqual(value(issue.name, "crms_reopen_count"), 1)

	def test_reply_to_a_closed_ticket_by_email_threads_into_it_and_reopens(self):
		"""frappe's InboundMail finds the ticket by "(#ISS-...)" in the subject, closed or not: no new Issue."""
		from frappe.email.receive import InboundMail

		issue = make_issue(customer=self.customer, raised_by=CUSTOMER_EMAIL)
		set_status(issue.name, "Closed")
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_id": "support-lifecycle@crms.test",
				"append_to": "Issue",
				"use_imap": 0,
			}
		)
		raw = (
			f"From: Customer <{CUSTOMER_EMAIL}>\r\nTo: support-lifecycle@crms.test\r\n"
			f"Subject: Re: {issue.subject} (#{issue.name})\r\n"
			f"Message-ID: <{random_string(12)}@customer.test>\r\n"
			"Content-Type: text/plain; charset=utf-8\r\n\r\nIt broke again.\r\n"
		)
		before = frappe.db.count("Issue")
		comm = InboundMail(raw, account).process()
		self.assertEqual(frappe.db.count("Issue"), before)
		self.assertEqual((comm.reference_doctype, comm.reference_name), ("Issue", issue.name))
		self.assertEqual(value(issue.name, "status"), "Open")
		self.assertEqual(value(issue.name, "crms_reopen_count"), 1)

	def test_customer_reply_ends_an_sla_pause(self):
		policy = make_sla_policy(is_default=1, response_hours=4, resolution_hours=8)
		clear_policy_cache()
		issue = make_issue(customer=self.customer)
		self.assertEqual(issue.crms_sla_policy, policy.name)
		doc = set_status(issue.name, "Replied")
		self.assertTrue(doc.crms_sla_paused_since)
		self.assertEqual(doc.crms_sla_status, "Paused")
		message(issue.name)
		row = frappe.db.get_value(
			"Issue",
			issue.name,
			["status", "crms_stage", "crms_sla_paused_since", "crms_sla_status"],
			as_dict=True,
		)
		self.assertEqual(row.status, "Open")
		self.assertEqual(row.crms_stage, "Pending")
		self.assertIsNone(row.crms_sla_paused_since)
		self.assertNotEqual(row.crms_sla_status, "Paused")
		self.assertEqual(value(issue.name, "crms_reopen_count"), 0)

	# -- auto-close ---------------------------------------------------------------------------------------

	def test_auto_close_closes_tickets_resolved_longer_than_support_settings_days(self):
		frappe.db.set_single_value("Support Settings", "close_issue_after_days", 3)
		now = now_datetime()
		old, recent, complaint, legacy = (make_issue(customer=self.customer).name for _ in range(4))
		for name in (old, recent, complaint, legacy):
			set_status(name, "Resolved")
		frappe.db.set_value("Issue", old, "crms_resolved_on", now - timedelta(days=5))
		frappe.db.set_value("Issue", recent, "crms_resolved_on", now - timedelta(days=1))
		frappe.db.set_value(
			"Issue",
			complaint,
			{"crms_resolved_on": now - timedelta(days=5), "crms_complaint_class": "Normal"},
		)
		frappe.db.set_value(
			"Issue",
			legacy,
			{"crms_resolved_on": None, "modified": now - timedelta(days=9)},
			update_modified=False,
		)
		result = lifecycle.auto_close_resolved(now)
		self.assertEqual(value(old, "status"), "Closed")
		self.assertEqual(value(old, "crms_stage"), "Closed")
		self.assertEqual(value(legacy, "status"), "Closed")
		self.assertEqual(value(recent, "status"), "Resolved")
		self.assertEqual(value(complaint, "status"), "Resolved")  # not confirmed, checklist open
		self.assertGreaterEqual(result["closed"], 2)
		self.assertGreaterEqual(result["kept"], 1)
		self.assertTrue(any("Closed automatically" in c for c in comments(old)))
		self.assertFalse(any("Closed automatically" in c for c in comments(recent)))
		# a complaint that is complete closes too
		frappe.db.set_value("Issue", complaint, {**ALL_CHECKED, "crms_customer_confirmed": 1})
		lifecycle.auto_close_resolved(now)
		self.assertEqual(value(complaint, "status"), "Closed")

	# -- merge and split ----------------------------------------------------------------------------------

	def test_merge_moves_messages_comments_attachments_and_assignments(self):
		target = make_issue(customer=self.customer).name
		source = make_issue(customer=self.customer).name
		received = message(source)
		note = frappe.get_doc("Issue", source).add_comment("Comment", "source note")
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"evidence-{random_string(4)}.txt",
				"content": b"photo of the damage",
				"attached_to_doctype": "Issue",
				"attached_to_name": source,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
		assign({"assign_to": [AGENT], "doctype": "Issue", "name": target}, ignore_permissions=True)
		assign({"assign_to": [AGENT, AGENT_2], "doctype": "Issue", "name": source}, ignore_permissions=True)

		frappe.set_user(AGENT)
		result = lifecycle.merge_tickets(target, [source])
		frappe.set_user("Administrator")

		self.assertEqual(frappe.db.get_value("Communication", received.name, "reference_name"), target)
		self.assertEqual(frappe.db.get_value("Comment", note.name, "reference_name"), target)
		self.assertEqual(frappe.db.get_value("File", file.name, "attached_to_name"), target)
		todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Issue", "reference_name": ("in", [target, source])},
			fields=["reference_name", "allocated_to", "status"],
		)
		self.assertTrue(all(t.reference_name == target for t in todos))
		open_users = sorted(t.allocated_to for t in todos if t.status == "Open")
		self.assertEqual(open_users, sorted([AGENT, AGENT_2]))  # AGENT's duplicate was cancelled
		self.assertEqual(sum(1 for t in todos if t.status == "Cancelled"), 1)
		self.assertEqual(sorted(frappe.parse_json(value(target, "_assign"))), sorted([AGENT, AGENT_2]))
		self.assertFalse(frappe.parse_json(value(source, "_assign") or "[]"))
		src = frappe.db.get_value("Issue", source, ["status", "crms_merged_into", "crms_stage"], as_dict=True)
		self.assertEqual((src.status, src.crms_merged_into, src.crms_stage), ("Closed", target, "Closed"))
		self.assertTrue(any("Merged into" in c for c in comments(source)))
		self.assertTrue(any("Merged" in c and source in c for c in comments(target)))
		self.assertEqual(result["moved"]["communications"], 1)
		self.assertEqual(result["moved"]["attachments"], 1)
		# a later reply to the merged ticket lands on the target
		late = message(source)
		self.assertEqual(frappe.db.get_value("Communication", late.name, "reference_name"), target)
		self.assertEqual(value(source, "status"), "Closed")

	def test_merge_refused_across_customers_unless_a_supervisor_forces_it(self):
		target = make_issue(customer=self.customer).name
		other = make_issue(customer=make_customer().name).name
		frappe.set_user(AGENT)
		with self.assertRaisesRegex(frappe.ValidationError, "different customer"):
			lifecycle.merge_tickets(target, [other])
		with self.assertRaises(frappe.ValidationError):
			lifecycle.merge_tickets(target, [other], force=1)
		with self.assertRaises(frappe.ValidationError):
			lifecycle.merge_tickets(target, [target])
		frappe.set_user(SUPERVISOR)
		lifecycle.merge_tickets(target, [other], force=1)
		self.assertEqual(value(other, "crms_merged_into"), target)
		with self.assertRaisesRegex(frappe.ValidationError, "already merged"):
			lifecycle.merge_tickets(target, [other])

	def test_merge_needs_write_permission(self):
		target = make_issue(customer=self.customer).name
		source = make_issue(customer=self.customer).name
		outsider = make_user("lifecycle-outsider@crms.test", ("Sales User",))
		frappe.set_user(outsider)
		with self.assertRaises(frappe.PermissionError):
			lifecycle.merge_tickets(target, [source])
		frappe.set_user("Administrator")
		self.assertFalse(value(source, "crms_merged_into"))

	def test_split_uses_erpnext_split_issue_and_is_logged(self):
		issue = make_issue(
			customer=self.customer, raised_by=CUSTOMER_EMAIL, crms_idempotency_key=random_string(16)
		)
		first = message(issue.name)
		second = message(issue.name)
		frappe.db.set_value(
			"Communication", second.name, "creation", get_datetime(first.creation) + timedelta(seconds=5)
		)
		frappe.set_user(AGENT)
		new = lifecycle.split_ticket(issue.name, "Second problem", second.name)
		frappe.set_user("Administrator")
		row = frappe.db.get_value(
			"Issue",
			new,
			["issue_split_from", "subject", "crms_idempotency_key", "customer", "crms_stage"],
			as_dict=True,
		)
		self.assertEqual(row.issue_split_from, issue.name)
		self.assertEqual(row.subject, "Second problem")
		self.assertIsNone(row.crms_idempotency_key)
		self.assertEqual(row.customer, self.customer)
		self.assertEqual(frappe.db.get_value("Communication", second.name, "reference_name"), new)
		self.assertEqual(frappe.db.get_value("Communication", first.name, "reference_name"), issue.name)
		self.assertTrue(any("Split into" in c and new in c for c in comments(issue.name)))
		self.assertTrue(any("Split the Issue from" in c for c in comments(new)))  # ERPNext's own log
		with self.assertRaises(frappe.ValidationError):
			lifecycle.split_ticket(issue.name, "Again", second.name)  # no longer on this ticket

	# -- internal notes ---------------------------------------------------------------------------------

	def test_internal_note_is_an_unpublished_comment_never_mailed_nor_on_the_portal(self):
		from frappe.website.utils import get_comment_list

		issue = make_issue(customer=self.customer, raised_by=CUSTOMER_EMAIL)
		mails = frappe.db.count("Email Queue")
		frappe.set_user(AGENT)
		name = lifecycle.add_internal_note(issue.name, "<p>refund approved by finance</p>")
		frappe.set_user("Administrator")
		note = frappe.db.get_value(
			"Comment", name, ["comment_type", "published", "reference_name"], as_dict=True
		)
		self.assertEqual((note.comment_type, note.published, note.reference_name), ("Comment", 0, issue.name))
		self.assertEqual(
			frappe.db.count("Communication", {"reference_name": issue.name, "sent_or_received": "Sent"}), 0
		)
		self.assertEqual(frappe.db.count("Email Queue"), mails)
		frappe.set_user("Guest")
		seen = [c.content for c in get_comment_list("Issue", issue.name)]
		frappe.set_user("Administrator")
		self.assertFalse(any("refund approved" in (c or "") for c in seen))

	# -- complaints: closed loop ------------------------------------------------------------------------

	def test_complaint_close_refused_until_checklist_capa_and_confirmation(self):
		issue = make_issue(customer=self.customer, crms_complaint_class="Urgent").name
		with self.assertRaisesRegex(frappe.ValidationError, "checklist"):
			set_status(issue, "Closed")
		frappe.set_user(AGENT)
		capa = lifecycle.open_capa(issue)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Non Conformance", capa, "crms_issue"), issue)
		set_status(issue, "Resolved", **ALL_CHECKED)
		with self.assertRaises(frappe.ValidationError) as refused:
			set_status(issue, "Closed")
		self.assertIn(capa, str(refused.exception))
		self.assertIn("not confirmed", str(refused.exception))
		# the customer confirms while the CAPA is open: recorded, ticket stays Resolved
		self.assertEqual(lifecycle.confirm_resolution(issue, True), "Resolved")
		self.assertEqual(value(issue, "crms_customer_confirmed"), 1)
		nc = frappe.get_doc("Non Conformance", capa)
		nc.status = "Resolved"
		nc.corrective_action = "Courier retrained"
		nc.save(ignore_permissions=True)
		action = frappe.get_doc(
			{
				"doctype": "Quality Action",
				"corrective_preventive": "Preventive",
				"crms_issue": issue,
				"crms_non_conformance": capa,
				"resolutions": [{"problem": "Packaging", "status": "Open"}],
			}
		).insert(ignore_permissions=True)
		with self.assertRaisesRegex(frappe.ValidationError, action.name):
			set_status(issue, "Closed")
		action.resolutions[0].status = "Completed"
		action.save(ignore_permissions=True)
		doc = set_status(issue, "Closed")
		self.assertEqual(doc.crms_stage, "Closed")

	def test_major_complaint_needs_a_capa(self):
		issue = make_issue(customer=self.customer, crms_complaint_class="Major").name
		set_status(issue, "Resolved", **ALL_CHECKED, crms_customer_confirmed=1)
		with self.assertRaisesRegex(frappe.ValidationError, "at least one"):
			set_status(issue, "Closed")
		nc = lifecycle.open_capa(issue)
		frappe.db.set_value("Non Conformance", nc, "status", "Resolved")
		self.assertEqual(set_status(issue, "Closed").status, "Closed")

	def test_non_complaints_close_freely_and_merges_skip_the_guard(self):
		plain = make_issue(customer=self.customer).name
		self.assertEqual(set_status(plain, "Closed").status, "Closed")
		target = make_issue(customer=self.customer).name
		complaint = make_issue(customer=self.customer, crms_complaint_class="Normal").name
		lifecycle.merge_tickets(target, [complaint])
		self.assertEqual(value(complaint, "status"), "Closed")

	def test_confirm_resolution(self):
		issue = make_issue(customer=self.customer).name
		set_status(issue, "Resolved")
		self.assertEqual(lifecycle.confirm_resolution(issue, False, "Still no refund"), "Open")
		row = frappe.db.get_value(
			"Issue",
			issue,
			["crms_reopen_count", "crms_customer_confirmed", "crms_customer_feedback"],
			as_dict=True,
		)
		self.assertEqual((row.crms_reopen_count, row.crms_customer_confirmed), (1, 0))
		self.assertEqual(row.crms_customer_feedback, "Still no refund")
		self.assertTrue(any("Still no refund" in c for c in comments(issue)))
		set_status(issue, "Resolved")
		self.assertEqual(lifecycle.confirm_resolution(issue, True), "Closed")
		row = frappe.db.get_value(
			"Issue", issue, ["crms_customer_confirmed", "crms_customer_confirmed_on"], as_dict=True
		)
		self.assertEqual(row.crms_customer_confirmed, 1)
		self.assertTrue(row.crms_customer_confirmed_on)

	def test_default_complaint_time_limits(self):
		frappe.db.delete("CRMS SLA Policy", {"complaint_class": ("is", "set")})
		lifecycle.create_default_complaint_policies()
		lifecycle.create_default_complaint_policies()  # idempotent
		rows = frappe.get_all(
			"CRMS SLA Policy",
			filters={"complaint_class": ("is", "set")},
			fields=["name", "complaint_class", "resolution_hours", "enabled"],
		)
		self.assertEqual(
			{r.complaint_class: r.resolution_hours for r in rows}, {"Normal": 72, "Urgent": 24, "Major": 4}
		)
		clear_policy_cache()
		issue = make_issue(customer=self.customer, crms_complaint_class="Major")
		self.assertEqual(issue.crms_sla_policy, "Complaint - Major")
		due = frappe.utils.get_datetime(issue.crms_resolution_due)
		start = frappe.utils.get_datetime(issue.service_level_agreement_creation)
		self.assertAlmostEqual((due - start).total_seconds(), 4 * 3600, delta=60)

	def test_erpnext_auto_close_in_a_job_keeps_an_unfinished_complaint_open(self):
		"""ERPNext's own daily auto_close_tickets saves Replied tickets one by one: a refusal must not stop it."""
		from erpnext.support.doctype.issue.issue import auto_close_tickets

		complaint = make_issue(customer=self.customer, crms_complaint_class="Normal").name
		plain = make_issue(customer=self.customer).name
		for name in (complaint, plain):
			set_status(name, "Replied")
			frappe.db.set_value(
				"Issue", name, "modified", add_days(now_datetime(), -30), update_modified=False
			)
		frappe.local.job = frappe._dict(site=frappe.local.site)
		try:
			auto_close_tickets()
		finally:
			frappe.local.job = None
		self.assertEqual(value(plain, "status"), "Closed")
		self.assertEqual(value(complaint, "status"), "Replied")
		self.assertTrue(any("Not closed" in c for c in comments(complaint)))

	def test_list_set_status_saves_each_ticket_and_keeps_unfinished_complaints(self):
		"""ERPNext's "Set as Closed" list action is routed through a full save (hooks override)."""
		plain = make_issue(customer=self.customer).name
		complaint = make_issue(customer=self.customer, crms_complaint_class="Urgent").name
		method = frappe.get_hooks("override_whitelisted_methods")[
			"erpnext.support.doctype.issue.issue.set_multiple_status"
		][-1]
		result = frappe.get_attr(method)(frappe.as_json([plain, complaint]), "Closed")
		self.assertEqual((result["changed"], result["refused"]), ([plain], [complaint]))
		self.assertEqual(frappe.db.get_value("Issue", plain, ["status", "crms_stage"]), ("Closed", "Closed"))
		self.assertEqual(value(complaint, "status"), "Open")
		frappe.set_user(make_user("lifecycle-outsider@crms.test", ("Sales User",)))
		result = lifecycle.set_multiple_status([plain], "Open")
		frappe.set_user("Administrator")
		self.assertEqual(result["refused"], [plain])
		self.assertEqual(value(plain, "status"), "Closed")
