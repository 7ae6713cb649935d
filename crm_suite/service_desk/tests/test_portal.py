"""Customer portal: own tickets only, replies, confirmation, guest e-mail verification, bad input.

Pages are rendered in-process through frappe's website handler (status codes included), so the
tests stay inside one transaction and roll back.
"""

import email
import re
from urllib.parse import parse_qsl

import frappe
from frappe.utils import add_to_date, now_datetime, random_string, set_request
from frappe.website.serve import get_response

from crm_suite.api import portal as api
from crm_suite.service_desk import portal
from crm_suite.service_desk.intake import TicketPayloadError
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_issue, make_issue_type, make_portal_user

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


def render(path: str):
	"""A page through frappe's website handler, as a browser GET would get it (status, headers, html)."""
	path, _, query = path.partition("?")
	set_request(method="GET", path=path, query_string=query)
	frappe.local.form_dict = frappe._dict(parse_qsl(query))
	try:
		return get_response(path)
	finally:
		frappe.local.form_dict = frappe._dict()
		frappe.local.request = None  # later direct calls are not HTTP requests (no rate limiter)


def mail_token(request_name: str) -> str:
	"""The token from the verification e-mail queued for a request (the only place it exists)."""
	raw = frappe.db.get_value(
		"Email Queue", {"reference_doctype": "CRMS Ticket Request", "reference_name": request_name}, "message"
	)
	assert raw, "no verification e-mail queued"
	message = email.message_from_string(raw)
	for part in message.walk():
		if part.get_content_type() == "text/html":
			html = part.get_payload(decode=True).decode()
			found = re.search(r"/support/verify\?token=([A-Za-z0-9_\-]+)", html)
			if found:
				return found.group(1)
	raise AssertionError("no verification link in the e-mail")


class TestPortal(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.suffix = random_string(6).lower()
		self.customer_a = make_customer(customer_name=f"_Test Portal A {self.suffix}").name
		self.customer_b = make_customer(customer_name=f"_Test Portal B {self.suffix}").name
		self.user_a = make_portal_user(f"_test_portal_a_{self.suffix}@example.com", self.customer_a)
		self.user_b = make_portal_user(f"_test_portal_b_{self.suffix}@example.com", self.customer_b)
		self.issue_a = make_issue(subject=f"Printer jam {self.suffix}", customer=self.customer_a).name
		self.issue_b = make_issue(subject=f"Secret of B {self.suffix}", customer=self.customer_b).name
		# raised by A's address, no customer on it: still A's
		self.issue_mail = make_issue(subject=f"Mailed in {self.suffix}", raised_by=self.user_a).name

		# an outgoing account from site config (muted in tests: queued, never sent)
		self.conf = dict(frappe.local.conf)
		frappe.local.conf.update({"mail_server": "smtp.invalid", "auto_email_id": "support@example.com"})
		frappe.local.outgoing_email_account = {}

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.conf.clear()
		frappe.local.conf.update(self.conf)
		frappe.local.outgoing_email_account = {}
		frappe.db.rollback()

	def set_status(self, name: str, status: str) -> None:
		doc = frappe.get_doc("Issue", name)
		doc.status = status
		doc.save(ignore_permissions=True)

	# -- own tickets only ---------------------------------------------------------------------------

	def test_customer_lists_only_own_tickets(self):
		frappe.set_user(self.user_a)
		names = {t.name for t in api.get_tickets(scope="all")["tickets"]}
		self.assertIn(self.issue_a, names)
		self.assertIn(self.issue_mail, names)
		self.assertNotIn(self.issue_b, names)
		html = render("/support/tickets").get_data(as_text=True)
		self.assertIn(f"Printer jam {self.suffix}", html)
		self.assertNotIn(f"Secret of B {self.suffix}", html)

	def test_other_customers_ticket_is_refused(self):
		frappe.set_user(self.user_a)
		self.assertEqual(render(f"/support/tickets/{self.issue_a}").status_code, 200)
		self.assertEqual(render(f"/support/tickets/{self.issue_b}").status_code, 403)
		self.assertEqual(render("/support/tickets/ISS-NO-SUCH").status_code, 403)
		for call in (
			lambda: api.get_ticket(self.issue_b),
			lambda: api.reply(self.issue_b, "let me in"),
			lambda: api.confirm_resolution(self.issue_b, 1),
		):
			with self.assertRaises(frappe.PermissionError):
				call()
		self.assertEqual(frappe.PermissionError.http_status_code, 403)
		self.assertEqual(
			frappe.db.count("Communication", {"reference_doctype": "Issue", "reference_name": self.issue_b}),
			0,
		)

	def test_guest_is_sent_to_login(self):
		frappe.set_user("Guest")
		response = render("/support/tickets")
		self.assertIn(response.status_code, (301, 302))
		self.assertIn("/login", response.headers["Location"])
		with self.assertRaises(frappe.PermissionError):
			api.get_ticket(self.issue_a)

	# -- conversation, reply, confirmation ---------------------------------------------------------

	def test_reply_creates_received_communication_and_hides_comments(self):
		self.set_status(self.issue_a, "Replied")
		frappe.get_doc("Issue", self.issue_a).add_comment("Comment", "INTERNAL NOTE do not show")
		frappe.set_user(self.user_a)
		name = api.reply(self.issue_a, "Still jammed\n<script>x</script>")["communication"]
		comm = frappe.db.get_value(
			"Communication",
			name,
			["sent_or_received", "reference_doctype", "reference_name", "sender", "content"],
			as_dict=True,
		)
		self.assertEqual(comm.sent_or_received, "Received")
		self.assertEqual((comm.reference_doctype, comm.reference_name), ("Issue", self.issue_a))
		self.assertEqual(comm.sender, self.user_a)
		self.assertNotIn("<script>", comm.content)
		self.assertEqual(frappe.db.get_value("Issue", self.issue_a, "status"), "Open")
		view = api.get_ticket(self.issue_a)
		self.assertTrue(any("Still jammed" in m["content"] and m["mine"] for m in view["messages"]))
		self.assertFalse(any("INTERNAL NOTE" in m["content"] for m in view["messages"]))
		html = render(f"/support/tickets/{self.issue_a}").get_data(as_text=True)
		self.assertIn("Still jammed", html)
		self.assertNotIn("INTERNAL NOTE", html)

	def test_agent_reply_shows_as_support_team(self):
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"subject": "Re",
				"content": "<p>Try turning it off and on</p>",
				"reference_doctype": "Issue",
				"reference_name": self.issue_a,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(self.user_a)
		messages = api.get_ticket(self.issue_a)["messages"]
		self.assertEqual(messages[-1]["mine"], False)
		self.assertIn("Try turning it off", messages[-1]["content"])

	def test_attachments_download_only_for_own_tickets(self):
		def attach(issue):
			return frappe.get_doc(
				{
					"doctype": "File",
					"file_name": "agent.txt",
					"content": b"from the agent",
					"attached_to_doctype": "Issue",
					"attached_to_name": issue,
					"is_private": 1,
				}
			).insert(ignore_permissions=True)

		mine, theirs = attach(self.issue_a), attach(self.issue_b)
		frappe.set_user(self.user_a)
		self.assertFalse(frappe.has_permission("File", "read", doc=mine))  # why the endpoint exists
		self.assertEqual([f["file_name"] for f in api.get_ticket(self.issue_a)["attachments"]], ["agent.txt"])
		api.download_attachment(self.issue_a, mine.name)
		self.assertEqual(frappe.safe_decode(frappe.local.response.filecontent), "from the agent")
		for issue, file in ((self.issue_a, theirs.name), (self.issue_b, theirs.name)):
			with self.assertRaises(frappe.PermissionError):
				api.download_attachment(issue, file)

	def test_confirm_resolution_closes(self):
		self.set_status(self.issue_a, "Resolved")
		frappe.set_user(self.user_a)
		self.assertTrue(api.get_ticket(self.issue_a)["can_confirm"])
		self.assertEqual(api.confirm_resolution(self.issue_a, 1)["status"], "Closed")
		self.assertEqual(frappe.db.get_value("Issue", self.issue_a, "status"), "Closed")
		with self.assertRaises(TicketPayloadError):
			api.reply(self.issue_a, "one more thing")

	def test_not_resolved_reopens_with_comment(self):
		self.set_status(self.issue_a, "Resolved")
		frappe.set_user(self.user_a)
		self.assertEqual(api.confirm_resolution(self.issue_a, 0, "It jams again")["status"], "Open")
		self.assertEqual(frappe.db.get_value("Issue", self.issue_a, "status"), "Open")
		comments = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "Issue",
				"reference_name": self.issue_a,
				"comment_type": ("in", ("Comment", "Info")),
			},
			pluck="content",
		)
		self.assertTrue(any("It jams again" in c for c in comments), comments)

	def test_only_resolved_tickets_can_be_confirmed(self):
		frappe.set_user(self.user_a)
		with self.assertRaises(TicketPayloadError):
			api.confirm_resolution(self.issue_a, 1)
		self.assertEqual(frappe.db.get_value("Issue", self.issue_a, "status"), "Open")

	def test_due_time_in_plain_words(self):
		doc = frappe.get_doc("Issue", self.issue_a)
		doc.crms_resolution_due = add_to_date(now_datetime(), hours=5)
		self.assertIn("We aim to solve this by", portal.due_text(doc))
		doc.crms_resolution_due = add_to_date(now_datetime(), hours=-1)
		self.assertIn("taking longer", portal.due_text(doc))

	# -- new ticket -----------------------------------------------------------------------------------

	def test_new_ticket_goes_through_intake_with_attachment(self):
		category = make_issue_type("_Test Portal Category")
		frappe.set_user(self.user_a)
		name = api.create_ticket(
			subject="Toner empty",
			description="Please send toner",
			issue_type=category,
			attachment_name="note.txt",
			attachment="data:text/plain;base64,aGVsbG8=",
		)["name"]
		issue = frappe.db.get_value(
			"Issue", name, ["crms_channel", "customer", "raised_by", "issue_type", "priority"], as_dict=True
		)
		self.assertEqual(issue.crms_channel, "Portal")
		self.assertEqual(issue.customer, self.customer_a)
		self.assertEqual(issue.raised_by, self.user_a)
		self.assertEqual(issue.issue_type, category)
		self.assertTrue(issue.priority)
		self.assertEqual(
			frappe.db.get_value(
				"File", {"attached_to_doctype": "Issue", "attached_to_name": name}, "is_private"
			),
			1,
		)
		self.assertIn(name, {t.name for t in api.get_tickets()["tickets"]})

	def test_bad_new_ticket_saves_nothing(self):
		frappe.set_user(self.user_a)
		before = frappe.db.count("Issue")
		bad = [
			{"subject": "", "description": "x"},
			{"subject": "x" * 141, "description": "x"},
			{"subject": "ok", "description": ""},
			{"subject": "ok", "description": "x" * 10_001},
			{"subject": "ok", "description": "x", "issue_type": "_Test No Such Category"},
			{"subject": "ok", "description": "x", "attachment_name": "a.txt", "attachment": "%%%"},
			{"subject": "ok", "description": "x", "attachment_name": "../a.txt", "attachment": "aGVsbG8="},
		]
		for args in bad:
			with self.assertRaises(TicketPayloadError, msg=args):
				api.create_ticket(**args)
		self.assertEqual(frappe.db.count("Issue"), before)

	# -- guests ---------------------------------------------------------------------------------------

	def guest_request(self, email_id: str | None = None) -> str:
		frappe.set_user("Guest")
		email_id = email_id or f"guest_{self.suffix}@example.com"
		api.request_ticket("Wang Fang", email_id, "Cannot log in", "Password reset mail never arrives")
		frappe.set_user("Administrator")
		return frappe.db.get_value("CRMS Ticket Request", {"email": email_id}, "name")

	def test_guest_request_creates_ticket_once_after_verification(self):
		before = frappe.db.count("Issue")
		request = self.guest_request()
		self.assertTrue(request)
		self.assertEqual(frappe.db.count("Issue"), before)  # nothing until verified
		token = mail_token(request)
		stored = frappe.db.get_value("CRMS Ticket Request", request, "token_hash")
		self.assertNotIn(token, stored)
		self.assertEqual(stored, portal.hash_token(token))

		frappe.set_user("Guest")
		self.assertEqual(render(f"/support/verify?token={token}").status_code, 200)
		self.assertEqual(frappe.db.count("Issue"), before)  # opening the link creates nothing
		name = api.verify_ticket_request(token)["name"]
		issue = frappe.db.get_value("Issue", name, ["crms_channel", "raised_by", "subject"], as_dict=True)
		self.assertEqual(issue.crms_channel, "Web")
		self.assertEqual(issue.raised_by, f"guest_{self.suffix}@example.com")
		self.assertEqual(issue.subject, "Cannot log in")
		self.assertEqual(frappe.db.get_value("CRMS Ticket Request", request, "status"), "Verified")

		with self.assertRaisesRegex(portal.TicketRequestError, "already been used"):
			api.verify_ticket_request(token)
		self.assertTrue(
			"already been used" in render(f"/support/verify?token={token}").get_data(as_text=True)
		)
		self.assertEqual(frappe.db.count("Issue"), before + 1)

	def test_expired_token_is_refused(self):
		request = self.guest_request()
		token = mail_token(request)
		frappe.db.set_value(
			"CRMS Ticket Request", request, "expires_on", add_to_date(now_datetime(), hours=-1)
		)
		before = frappe.db.count("Issue")
		frappe.set_user("Guest")
		with self.assertRaisesRegex(portal.TicketRequestError, "expired"):
			api.verify_ticket_request(token)
		self.assertEqual(frappe.db.count("Issue"), before)
		self.assertEqual(frappe.db.get_value("CRMS Ticket Request", request, "status"), "Pending")

	def test_wrong_token_is_refused(self):
		request = self.guest_request()
		token = mail_token(request)
		before = frappe.db.count("Issue")
		frappe.set_user("Guest")
		for guess in (
			token[:-1] + ("A" if token[-1] != "A" else "B"),
			"",
			"x" * 500,
			portal.hash_token(token),
		):
			with self.assertRaisesRegex(portal.TicketRequestError, "not valid"):
				api.verify_ticket_request(guess)
		self.assertEqual(frappe.db.count("Issue"), before)
		self.assertTrue("not valid" in render("/support/verify?token=nope").get_data(as_text=True))

	def test_bad_guest_input_saves_nothing(self):
		frappe.set_user("Guest")
		before = frappe.db.count("CRMS Ticket Request")
		queued = frappe.db.count("Email Queue")
		ok = {"full_name": "Li Lei", "email": "li@example.com", "subject": "Help", "description": "Broken"}
		for change in (
			{"email": "not-an-email"},
			{"email": ""},
			{"full_name": ""},
			{"full_name": "x" * 141},
			{"subject": "x" * 141},
			{"subject": "  "},
			{"description": ""},
			{"description": "x" * 10_001},
		):
			with self.assertRaises(TicketPayloadError, msg=change):
				api.request_ticket(**{**ok, **change})
		self.assertEqual(frappe.db.count("CRMS Ticket Request"), before)
		self.assertEqual(frappe.db.count("Email Queue"), queued)

	def test_no_outgoing_email_saves_nothing(self):
		frappe.local.conf.pop("mail_server", None)
		frappe.local.outgoing_email_account = {}
		before = frappe.db.count("CRMS Ticket Request")
		frappe.set_user("Guest")
		with self.assertRaises(portal.EmailUnavailableError):
			api.request_ticket("Li Lei", "li@example.com", "Help", "Broken")
		self.assertEqual(frappe.db.count("CRMS Ticket Request"), before)

	def test_pages_render_for_guests_and_in_chinese(self):
		frappe.set_user("Guest")
		for lang in ("en", "zh"):
			frappe.local.lang = lang
			response = render("/support/raise")
			self.assertEqual(response.status_code, 200)
			html = response.get_data(as_text=True)
			self.assertIn('data-crms-action="raise"', html)
			self.assertIn(f'lang="{lang}"', html)
		frappe.local.lang = "en"
		frappe.set_user(self.user_a)
		frappe.local.lang = "zh"
		for path in ("/support/tickets", f"/support/tickets/{self.issue_a}", "/support/new"):
			self.assertEqual(render(path).status_code, 200, path)
		frappe.local.lang = "en"


class TestGuestRateLimit(CRMSuiteTestCase):
	"""Through frappe's HTTP handler: the limiter only runs inside a request. Bad payloads save nothing."""

	METHOD = "/api/method/crm_suite.api.portal.request_ticket"

	def setUp(self):
		frappe.cache.delete_keys("rl:crm_suite.api.portal.")

	def tearDown(self):
		frappe.cache.delete_keys("rl:crm_suite.api.portal.")

	def test_guest_requests_are_rate_limited(self):
		from frappe.tests.test_api import get_test_client, make_request

		client = get_test_client()
		payload = {"full_name": "Spam", "email": "not-an-email", "subject": "x", "description": "y"}
		codes = [
			make_request(target=client.post, args=(self.METHOD,), kwargs={"json": payload}).status_code
			for _ in range(api.guest_limit() + 1)
		]
		self.assertEqual(codes[:-1], [400] * api.guest_limit())
		self.assertEqual(codes[-1], 429)
