"""Email intake end to end against a real IMAP server: mail in, Issue out, replies threaded, acknowledged.

Needs Debian's dovecot on 127.0.0.1 (scripts/mail_server.sh starts it; scripts/test.sh calls that) and
skips when it does not answer. The SMTP sink is aiosmtpd in a thread of this process; without aiosmtpd
the acknowledgement is checked as an Email Queue row only.

`EmailAccount.receive()` commits after every mail (that is how Frappe pulls), so this class cannot rely
on rollback: it deletes everything it created, by name, in its class cleanup.
"""

from __future__ import annotations

import imaplib
import os
import socket
import time
import unittest
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import frappe
from frappe.utils import now_datetime, random_string

from crm_suite.service_desk.email_intake import ACK_TEMPLATE, enable_auto_acknowledgement
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_contact, make_customer, make_service_team, make_ticket_rule

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

IMAP_HOST = "127.0.0.1"
IMAP_PORT = int(os.environ.get("CRM_SUITE_IMAP_PORT", "1143"))
IMAP_USER = os.environ.get("CRM_SUITE_IMAP_USER", "crms-test")
IMAP_PASSWORD = os.environ.get("CRM_SUITE_IMAP_PASSWORD", "crms-test")
SUPPORT_ADDRESS = "support-crms-test@crm-suite.invalid"
AGENT = "crms-mail-agent@example.com"


def imap_unavailable() -> str | None:
	"""Why the IMAP server cannot be used, or None when it answers and accepts our login."""
	try:
		with socket.create_connection((IMAP_HOST, IMAP_PORT), timeout=2):
			pass
	except OSError as e:
		return f"no IMAP server on {IMAP_HOST}:{IMAP_PORT} ({e}); install dovecot-imapd, run scripts/mail_server.sh"
	try:
		imap = imaplib.IMAP4(IMAP_HOST, IMAP_PORT, timeout=5)
		imap.login(IMAP_USER, IMAP_PASSWORD)
		imap.logout()
	except Exception as e:
		return f"IMAP login as {IMAP_USER} on {IMAP_HOST}:{IMAP_PORT} failed: {e}"
	return None


class Sink:
	"""An SMTP server on a free 127.0.0.1 port that keeps every message it receives (aiosmtpd)."""

	def __init__(self):
		from aiosmtpd.controller import Controller
		from aiosmtpd.smtp import AuthResult

		self.messages: list[dict] = []
		sink = self

		class Handler:
			async def handle_DATA(self, server, session, envelope):
				sink.messages.append(
					{"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content}
				)
				return "250 OK"

		with socket.socket() as s:
			s.bind(("127.0.0.1", 0))
			self.port = s.getsockname()[1]
		# Frappe logs in whenever the account has a password (the IMAP one here): accept any login
		self.controller = Controller(
			Handler(),
			hostname="127.0.0.1",
			port=self.port,
			authenticator=lambda *args: AuthResult(success=True),
			auth_require_tls=False,
		)
		self.controller.start()

	def stop(self):
		self.controller.stop()


class TestEmailIntake(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		reason = imap_unavailable()
		if reason:
			raise unittest.SkipTest(reason)
		super().setUpClass()
		cls.started = now_datetime()  # site time, like `creation`
		cls.created: list[tuple[str, str]] = []
		cls.suffix = random_string(6)
		cls.sender = f"mail-{cls.suffix.lower()}@example.com"
		cls.previous_default = frappe.db.get_value("Email Account", {"default_outgoing": 1})
		cls.addClassCleanup(cls.cleanup)
		try:
			cls.sink = Sink()
			cls.addClassCleanup(cls.sink.stop)
		except ImportError:
			cls.sink = None
		cls.imap_clear()
		cls.customer = make_customer(customer_name=f"_Test CRMS Mail {cls.suffix}")
		cls.contact = make_contact(
			customer=cls.customer.name, email_ids=[{"email_id": cls.sender, "is_primary": 1}]
		)
		agent = AGENT
		if not frappe.db.exists("User", agent):
			frappe.get_doc(
				{"doctype": "User", "email": agent, "first_name": "Mail Agent", "send_welcome_email": 0}
			).insert(ignore_permissions=True)
			cls.created.append(("User", agent))
		frappe.get_doc("User", agent).add_roles("Support Team")
		cls.team = make_service_team(members=[{"user": agent, "capacity": 50}])
		cls.rule = make_ticket_rule(rule_order=-100, keywords=f"zx{cls.suffix.lower()}", team=cls.team.name)
		cls.had_template = bool(frappe.db.exists("Email Template", ACK_TEMPLATE))
		# the support mailbox is the default outgoing account (assignment notifications need one);
		# saving it unsets another default (cls.previous_default), which the cleanup puts back
		cls.account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"_Test CRMS Support {cls.suffix}",
				"email_id": SUPPORT_ADDRESS,
				"login_id_is_different": 1,
				"login_id": IMAP_USER,
				"password": IMAP_PASSWORD,
				"enable_incoming": 1,
				"use_imap": 1,
				"email_server": IMAP_HOST,
				"incoming_port": IMAP_PORT,
				"use_ssl": 0,
				"use_starttls": 0,
				"email_sync_option": "UNSEEN",
				"initial_sync_count": "100",
				"imap_folder": [{"folder_name": "INBOX", "append_to": "Issue"}],
				"create_contact": 1,
				"enable_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"smtp_port": cls.sink.port if cls.sink else 2525,
				"no_smtp_authentication": 1,
				"use_tls": 0,
				"default_outgoing": 1,
			}
		).insert(ignore_permissions=True)
		enable_auto_acknowledgement(cls.account.name)  # Frappe's auto reply, our Email Template's text
		cls.account.reload()
		# Frappe caches the outgoing account per process: an earlier test's account must not send ours
		frappe.local.outgoing_email_account = {}
		# receive() commits: everything above is now on the site, so delete it by name afterwards
		cls.created += [
			("Email Account", cls.account.name),
			("CRMS Ticket Rule", cls.rule.name),
			("CRMS Service Team", cls.team.name),
			("Contact", cls.contact.name),
			("Customer", cls.customer.name),
		]
		if not cls.had_template:
			cls.created.append(("Email Template", ACK_TEMPLATE))
		frappe.db.commit()

	@classmethod
	def cleanup(cls):
		frappe.db.rollback()
		issues = frappe.get_all(
			"Issue", filters={"subject": ("like", f"%{cls.suffix}%")}, pluck="name"
		) + frappe.get_all("Issue", filters={"raised_by": cls.sender}, pluck="name")
		issues = sorted(set(issues))
		if issues:
			comms = frappe.get_all(
				"Communication",
				filters={"reference_doctype": "Issue", "reference_name": ("in", issues)},
				pluck="name",
			)
			for file in frappe.get_all(
				"File", filters={"attached_to_name": ("in", comms + issues)}, pluck="name"
			):
				frappe.delete_doc("File", file, force=True, ignore_permissions=True, delete_permanently=True)
			for table, field, values in (
				("Communication Link", "parent", comms),
				("Communication", "name", comms),
				("ToDo", "reference_name", issues),
				("Comment", "reference_name", issues),
				("Version", "docname", issues),
			):
				if values:
					frappe.db.delete(table, {field: ("in", values)})
			frappe.db.delete("Issue", {"name": ("in", issues)})
		if issues:
			frappe.db.delete("Notification Log", {"document_type": "Issue", "document_name": ("in", issues)})
		# acknowledgements and assignment notifications: queued from or to the test's addresses
		queue, recipient = frappe.qb.DocType("Email Queue"), frappe.qb.DocType("Email Queue Recipient")
		queues = (
			frappe.qb.from_(queue)
			.left_join(recipient)
			.on(recipient.parent == queue.name)
			.select(queue.name)
			.distinct()
			.where(queue.creation >= cls.started)
			.where(
				queue.sender.like(f"%{SUPPORT_ADDRESS}%")
				| recipient.recipient.isin([cls.sender, AGENT])
				| ((queue.reference_doctype == "Issue") & queue.reference_name.isin(issues or [""]))
			)
		).run(pluck=True)
		if queues:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues)})
			frappe.db.delete("Email Queue", {"name": ("in", queues)})
		for doctype, name in cls.created:
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
		# the "Deleted" / "Attachment" log comments our deletions and the pulled mail left behind
		frappe.db.delete(
			"Comment",
			{
				"creation": (">=", cls.started),
				"comment_type": ("in", ("Deleted", "Attachment", "Attachment Removed")),
				"reference_doctype": (
					"in",
					[d for d, _ in cls.created] + ["Communication", "Notification Settings"],
				),
			},
		)
		if cls.previous_default:
			frappe.db.set_value("Email Account", cls.previous_default, "default_outgoing", 1)
		frappe.db.commit()
		cls.imap_clear()

	# -- helpers ---------------------------------------------------------------------------------

	@staticmethod
	def imap_clear():
		imap = imaplib.IMAP4(IMAP_HOST, IMAP_PORT, timeout=5)
		imap.login(IMAP_USER, IMAP_PASSWORD)
		imap.select("INBOX")
		imap.store("1:*", "+FLAGS", "\\Deleted") if imap.search(None, "ALL")[1][0] else None
		imap.expunge()
		imap.logout()

	def deliver(self, subject: str, body: str, attachment: bytes | None = None, reply_to: str | None = None):
		"""Put a message from the customer into the support mailbox (IMAP APPEND); returns its id."""
		msg = EmailMessage()
		msg["From"] = f"Mail Customer <{self.sender}>"
		msg["To"] = SUPPORT_ADDRESS
		msg["Subject"] = subject
		msg["Date"] = formatdate(localtime=True)
		msg["Message-ID"] = make_msgid(domain="example.com")
		if reply_to:
			msg["In-Reply-To"] = reply_to
			msg["References"] = reply_to
		msg.set_content(body)
		if attachment is not None:
			msg.add_attachment(attachment, maintype="text", subtype="plain", filename="error-log.txt")
		imap = imaplib.IMAP4(IMAP_HOST, IMAP_PORT, timeout=5)
		imap.login(IMAP_USER, IMAP_PASSWORD)
		imap.append("INBOX", "", imaplib.Time2Internaldate(time.time()), msg.as_bytes())
		imap.logout()
		return msg["Message-ID"]

	def pull(self):
		frappe.get_doc("Email Account", self.account.name).receive()
		frappe.db.rollback()  # a fresh snapshot: receive() committed in this connection

	def issues(self) -> list[dict]:
		return frappe.get_all(
			"Issue",
			filters={"raised_by": self.sender},
			fields=["name", "subject", "crms_channel", "raised_by", "contact", "customer", "crms_team"],
		)

	# -- the test ----------------------------------------------------------------------------------

	def test_mail_becomes_ticket_reply_threads_and_acknowledgement_is_sent(self):
		subject = f"Printer zx{self.suffix.lower()} jams on every page"
		first_id = self.deliver(subject, "It stopped working this morning.", attachment=b"E42 paper jam\n")
		self.pull()

		issues = self.issues()
		self.assertEqual(len(issues), 1, issues)
		issue = issues[0]
		self.assertEqual(issue.crms_channel, "Email")
		self.assertEqual(issue.raised_by, self.sender)
		self.assertEqual(issue.contact, self.contact.name)
		self.assertEqual(issue.customer, self.customer.name)
		self.assertEqual(issue.crms_team, self.team.name)
		comm = frappe.get_all(
			"Communication",
			filters={
				"reference_doctype": "Issue",
				"reference_name": issue.name,
				"sent_or_received": "Received",
			},
			fields=["name", "message_id"],
		)
		self.assertEqual(len(comm), 1, comm)
		self.assertEqual(comm[0].message_id, first_id.strip("<>"))
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Communication", "attached_to_name": comm[0].name},
			fields=["file_name", "file_url"],
		)
		self.assertEqual(len(files), 1, files)
		self.assertRegex(files[0].file_name, r"^error-log\w*\.txt$")  # Frappe suffixes a taken name
		content = frappe.get_doc("File", {"file_url": files[0].file_url}).get_content()
		self.assertEqual(frappe.safe_decode(content), "E42 paper jam\n")

		# the auto-acknowledgement from our Email Template, to the sender, about this ticket
		queue = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Issue", "reference_name": issue.name},
			fields=["name", "message"],
		)
		acks = [
			q
			for q in queue
			if frappe.db.exists("Email Queue Recipient", {"parent": q.name, "recipient": self.sender})
		]
		self.assertEqual(len(acks), 1, queue)
		self.assertTrue(self.account.enable_auto_reply)
		self.assertIn(issue.name, acks[0].message)
		if self.sink:
			self.send_queued(acks[0].name)
			self.assertTrue(
				any(self.sender in m["to"] and issue.name.encode() in m["data"] for m in self.sink.messages),
				self.sink.messages,
			)

		# the customer answers the first mail: same ticket, a second received Communication
		self.deliver(f"Re: {subject}", "Still jammed after a restart.", reply_to=first_id)
		self.pull()
		self.assertEqual([i.name for i in self.issues()], [issue.name])
		received = frappe.db.count(
			"Communication",
			{"reference_doctype": "Issue", "reference_name": issue.name, "sent_or_received": "Received"},
		)
		self.assertEqual(received, 2)

	def send_queued(self, queue: str):
		"""Send one queued mail for real to the sink (tests mute mail or suspend the queue), then restore."""
		flags = frappe.flags
		muted, testing = flags.mute_emails, flags.testing_email
		suspended = frappe.db.get_default("suspend_email_queue")
		flags.mute_emails, flags.testing_email = False, True
		frappe.db.set_default("suspend_email_queue", 0)
		frappe.local.outgoing_email_account = {}
		try:
			frappe.get_doc("Email Queue", queue).send()
		finally:
			flags.mute_emails, flags.testing_email = muted, testing
			frappe.db.set_default("suspend_email_queue", suspended or 0)
		for _ in range(50):
			if self.sink.messages:
				break
			time.sleep(0.1)
