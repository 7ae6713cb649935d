"""The customer portal: which tickets a portal user may see, their conversation, replies, confirmation,
and the guest path (a ticket request verified by an e-mailed, single-use link).

Every read and write checks ownership here, server-side: a portal user sees the Issues of the
Customers their Contact links to, plus the Issues they raised with their own e-mail address.
"""

from __future__ import annotations

import hashlib
import secrets
from email.utils import parseaddr

import frappe
from frappe import _
from frappe.utils import (
	add_to_date,
	cint,
	cstr,
	escape_html,
	format_datetime,
	get_datetime,
	get_url,
	now_datetime,
)
from frappe.utils.html_utils import sanitize_html

from crm_suite.engine.quality import normalise_email
from crm_suite.service_desk.intake import MAX_SUBJECT, TicketPayloadError, create_ticket
from crm_suite.service_desk.lifecycle import confirm_resolution

OPEN = ("Open", "Replied", "On Hold")
DONE = ("Resolved", "Closed")
PAGE = 20
MAX_NAME = 140
MAX_DESCRIPTION = 10_000
MAX_REPLY = 10_000
MAX_ATTACHMENT = 5 * 1024 * 1024
REQUEST_TTL_HOURS = 24
TOKEN_BYTES = 32


class TicketRequestError(frappe.ValidationError):
	"""A bad, used or expired verification link: HTTP 400, nothing created."""

	http_status_code = 400


class EmailUnavailableError(frappe.ValidationError):
	"""No outgoing e-mail account: a guest's request cannot be verified, so none is stored."""

	http_status_code = 503


def _fail(message: str) -> None:
	frappe.throw(message, TicketPayloadError, title=_("Invalid Ticket"))


def _text(value, label: str, limit: int, required: bool = True) -> str:
	"""A stripped text value within its length limit, or a translated 400 error."""
	if value is not None and not isinstance(value, str):
		_fail(_("{0} must be text.").format(label))
	value = (value or "").strip()
	if required and not value:
		_fail(_("{0} is required.").format(label))
	if len(value) > limit:
		_fail(_("{0} is longer than {1} characters.").format(label, limit))
	return value


# ------------------------------------------------------------------------------------------------
# Who sees what


def user_email(user: str | None = None) -> str:
	user = user or frappe.session.user
	return (frappe.db.get_value("User", user, "email") or user).lower()


def user_contacts(user: str | None = None) -> list[str]:
	"""Contacts linked to the user, or carrying the user's e-mail address."""
	user = user or frappe.session.user
	email = user_email(user)
	linked = frappe.get_all("Contact", filters={"user": user}, pluck="name", limit=20)
	by_email = frappe.get_all(
		"Contact Email", filters={"email_id": email, "parenttype": "Contact"}, pluck="parent", limit=20
	)
	return sorted(set(linked) | set(by_email))


def user_customers(user: str | None = None) -> list[str]:
	contacts = user_contacts(user)
	if not contacts:
		return []
	return sorted(
		set(
			frappe.get_all(
				"Dynamic Link",
				filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Customer"},
				pluck="link_name",
				limit=100,
			)
		)
	)


def require_login() -> str:
	if frappe.session.user == "Guest":
		raise frappe.PermissionError(_("Log in to see your tickets."))
	return frappe.session.user


def ticket_query(user: str):
	"""The Issues a portal user may see, as a qb query to add columns and filters to."""
	issue = frappe.qb.DocType("Issue")
	condition = issue.raised_by == user_email(user)
	customers = user_customers(user)
	if customers:
		condition = condition | issue.customer.isin(customers)
	return frappe.qb.from_(issue).where(condition), issue


def can_see(name: str, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user == "Guest" or not name:
		return False
	query, issue = ticket_query(user)
	return bool(query.select(issue.name).where(issue.name == name).limit(1).run())


def load_ticket(name: str):
	"""The Issue if the session user may see it; otherwise a 403, the same whether it exists or not."""
	require_login()
	if not can_see(cstr(name)):
		raise frappe.PermissionError(_("You cannot see this ticket."))
	return frappe.get_doc("Issue", name)


# ------------------------------------------------------------------------------------------------
# Reading


def when(value) -> str:
	"""A date and time in the visitor's locale without seconds ("Dec 2, 2026 13:08", "2026年12月2日 13:08")."""
	from babel.dates import format_skeleton

	if not value:
		return ""
	value = get_datetime(value)
	locale = (frappe.local.lang or "en").replace("-", "_")
	try:
		return (
			f"{format_skeleton('yMMMd', value, locale=locale)} {format_skeleton('Hm', value, locale=locale)}"
		)
	except Exception:
		return format_datetime(value, "medium")


def status_label(status: str) -> str:
	"""The ticket status as the customer should read it."""
	return {
		"Open": _("Waiting for our team"),
		"Replied": _("Waiting for your reply"),
		"On Hold": _("On hold"),
		"Resolved": _("Resolved: please confirm"),
		"Closed": _("Closed"),
	}.get(status, _(status))


def status_tone(status: str) -> str:
	return {"Open": "blue", "Replied": "orange", "On Hold": "gray", "Resolved": "green"}.get(status, "gray")


def _hours_phrase(seconds: float) -> str:
	minutes = max(1, int(seconds // 60))
	if minutes < 90:
		return _("in about {0} minutes").format(minutes)
	hours = round(minutes / 60)
	if hours < 48:
		return _("in about {0} hours").format(hours)
	return _("in about {0} days").format(round(hours / 24))


def due_text(doc) -> str:
	"""The resolution promise (crms_resolution_due) in plain words."""
	if doc.status == "Closed":
		return _("This ticket is closed.")
	if doc.status == "Resolved":
		return _("We think this is solved. Please tell us if it is.")
	if doc.get("crms_sla_paused_since"):
		return _("The clock is paused while we wait for your reply.")
	due = doc.get("crms_resolution_due")
	if not due:
		return _("Our team will get back to you as soon as possible.")
	due = get_datetime(due)
	left = (due - now_datetime()).total_seconds()
	when_due = when(due)
	if left <= 0:
		return _(
			"We promised a solution by {0}. We are sorry it is taking longer; the team has been alerted."
		).format(when_due)
	return _("We aim to solve this by {0} ({1}).").format(when_due, _hours_phrase(left))


def list_tickets(scope: str = "open", start: int = 0, limit: int = PAGE) -> dict:
	"""One page of the user's tickets, newest activity first."""
	user = require_login()
	query, issue = ticket_query(user)
	if scope == "open":
		query = query.where(issue.status.isin((*OPEN, "Resolved")))
	elif scope == "closed":
		query = query.where(issue.status == "Closed")
	start, limit = max(cint(start), 0), min(max(cint(limit), 1), 100)
	rows = (
		query.select(
			issue.name, issue.subject, issue.status, issue.opening_date, issue.modified, issue.issue_type
		)
		.orderby(issue.modified, order=frappe.qb.desc)
		.limit(limit + 1)
		.offset(start)
		.run(as_dict=True)
	)
	for row in rows:
		row.status_label = status_label(row.status)
		row.tone = status_tone(row.status)
		row.updated = when(row.modified)
	return {"tickets": rows[:limit], "more": len(rows) > limit, "start": start, "limit": limit}


def _clean(html: str | None) -> str:
	return sanitize_html(html or "", linkify=True, always_sanitize=True)


def conversation(doc) -> list[dict]:
	"""The description, then the e-mails and portal messages, oldest first; never internal Comments."""
	me = user_email()
	messages = [
		{
			"mine": (doc.raised_by or "").lower() == me,
			"author": doc.raised_by or _("You"),
			"when": when(doc.creation),
			"content": _clean(doc.description),
		}
	]
	rows = frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": "Issue",
			"reference_name": doc.name,
			"communication_type": "Communication",
			"sent_or_received": ("in", ("Sent", "Received")),
		},
		fields=[
			"sender",
			"sender_full_name",
			"sent_or_received",
			"content",
			"communication_date",
			"creation",
		],
		order_by="communication_date asc, creation asc",
		limit=500,
	)
	for row in rows:
		received = row.sent_or_received == "Received"
		messages.append(
			{
				"mine": received and parseaddr(row.sender or "")[1].lower() == me,
				"author": (row.sender_full_name or row.sender or _("You")) if received else _("Support team"),
				"when": when(row.communication_date or row.creation),
				"content": _clean(row.content),
			}
		)
	return messages


def attachments(doc) -> list[dict]:
	"""Files on the ticket, linked through download_attachment: private files of agents' e-mails
	are otherwise unreadable for a website user."""
	rows = frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Issue", "attached_to_name": doc.name, "is_folder": 0},
		fields=["name", "file_name"],
		order_by="creation asc",
		limit=50,
	)
	for row in rows:
		row.url = "/api/method/crm_suite.api.portal.download_attachment?" + frappe.utils.urlencode(
			{"name": doc.name, "file": row.name}
		)
	return rows


def attachment(name: str, file: str):
	"""A File of a ticket the session user may see; 403 for anything else."""
	doc = load_ticket(name)
	if not frappe.db.exists(
		"File", {"name": file, "attached_to_doctype": "Issue", "attached_to_name": doc.name}
	):
		raise frappe.PermissionError(_("You cannot see this file."))
	return frappe.get_doc("File", file)


def ticket_view(name: str) -> dict:
	doc = load_ticket(name)
	return {
		"name": doc.name,
		"subject": doc.subject,
		"status": doc.status,
		"status_label": status_label(doc.status),
		"tone": status_tone(doc.status),
		"due_text": due_text(doc),
		"issue_type": doc.issue_type,
		"opened": when(doc.creation),
		"messages": conversation(doc),
		"attachments": attachments(doc),
		"can_reply": doc.status != "Closed",
		"can_confirm": doc.status == "Resolved" and not doc.get("crms_customer_confirmed"),
	}


def issue_types() -> list[str]:
	return frappe.get_all("Issue Type", pluck="name", order_by="name asc", limit=200)


# ------------------------------------------------------------------------------------------------
# Writing (logged-in customers)


def new_ticket(
	subject: str,
	description: str,
	issue_type: str | None = None,
	attachment_name: str | None = None,
	attachment: str | None = None,
) -> str:
	"""A Portal ticket through the one intake (classification, SLA, routing), optional attachment."""
	user = require_login()
	subject = _text(subject, _("Subject"), MAX_SUBJECT)
	description = _text(description, _("Description"), MAX_DESCRIPTION)
	issue_type = _text(issue_type, _("Category"), 140, required=False) or None
	if issue_type and not frappe.db.exists("Issue Type", issue_type):
		_fail(_("Unknown category {0}.").format(frappe.bold(issue_type)))
	content = decode_attachment(attachment_name, attachment) if attachment else None
	contacts, customers = user_contacts(user), user_customers(user)
	payload = {"subject": subject, "description": description, "raised_by": user_email(user)}
	if issue_type:
		payload["issue_type"] = issue_type
	if len(customers) == 1:
		payload["customer"] = customers[0]
	if len(contacts) == 1:
		payload["contact"] = contacts[0]
	doc = create_ticket(payload, "Portal")
	if content is not None:
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": attachment_name,
				"content": content,
				"attached_to_doctype": "Issue",
				"attached_to_name": doc.name,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
	return doc.name


def decode_attachment(file_name: str | None, data: str) -> bytes:
	"""A data: URL or base64 string from the browser, size- and name-checked before anything is saved."""
	import base64
	import binascii

	file_name = _text(file_name, _("File name"), 140)
	if "/" in file_name or "\\" in file_name or file_name.startswith("."):
		_fail(_("{0} is not a valid file name.").format(frappe.bold(file_name)))
	data = cstr(data)
	if data.startswith("data:"):
		data = data.partition(",")[2]
	if len(data) > MAX_ATTACHMENT * 4 // 3 + 4:
		_fail(_("The attachment is larger than {0} MB.").format(MAX_ATTACHMENT // (1024 * 1024)))
	try:
		content = base64.b64decode(data, validate=True)
	except (binascii.Error, ValueError):
		_fail(_("The attachment could not be read."))
	if not content:
		_fail(_("The attachment is empty."))
	return content


def reply(name: str, message: str) -> str:
	"""The customer's message as a Received Communication on the Issue, as if it came by e-mail."""
	doc = load_ticket(name)
	message = _text(message, _("Message"), MAX_REPLY)
	if doc.status == "Closed":
		_fail(_("This ticket is closed. Please raise a new ticket."))
	user = frappe.session.user
	comm = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Other",
			"sent_or_received": "Received",
			"subject": _("Re: {0}").format(doc.subject),
			"content": escape_html(message).replace("\n", "<br>"),
			"sender": user_email(user),
			"sender_full_name": frappe.utils.get_fullname(user),
			"reference_doctype": "Issue",
			"reference_name": doc.name,
			"status": "Linked",
		}
	)
	# frappe's Communication.on_update sets a Received message's Issue back to Open, so the team sees it
	comm.insert(ignore_permissions=True)
	return comm.name


def confirm(name: str, resolved: bool, message: str | None = None) -> str:
	"""Resolved -> Closed when the customer agrees; back to Open, with their words as a Comment, if not."""
	doc = load_ticket(name)
	if doc.status != "Resolved":
		_fail(_("Only a resolved ticket can be confirmed."))
	message = _text(message, _("Message"), MAX_REPLY, required=False)
	# the ticket lifecycle records the answer, closes or reopens, and may keep a complaint open
	return confirm_resolution(doc.name, resolved, message)


# ------------------------------------------------------------------------------------------------
# Guests: request, verify by e-mail, then create


def hash_token(token: str) -> str:
	return hashlib.sha256(cstr(token).encode()).hexdigest()


def verify_url(token: str) -> str:
	return get_url(f"/support/verify?token={token}")


def request_ticket(full_name: str, email: str, subject: str, description: str) -> str:
	"""Store a pending request and e-mail its link; nothing else is created until the link is used."""
	full_name = _text(full_name, _("Name"), MAX_NAME)
	email = _text(email, _("Email"), 140)
	result = normalise_email(email)
	if not result.ok:
		_fail(_("{0} is not a valid email address.").format(frappe.bold(email[:80])))
	subject = _text(subject, _("Subject"), MAX_SUBJECT)
	description = _text(description, _("Description"), MAX_DESCRIPTION)
	require_outgoing_email()
	token = secrets.token_urlsafe(TOKEN_BYTES)
	request = frappe.get_doc(
		{
			"doctype": "CRMS Ticket Request",
			"full_name": full_name,
			"email": result.value,
			"subject": subject,
			"description": description,
			"token_hash": hash_token(token),
			"expires_on": add_to_date(now_datetime(), hours=REQUEST_TTL_HOURS),
			"language": frappe.local.lang,
			"request_ip": getattr(frappe.local, "request_ip", None),
		}
	).insert(ignore_permissions=True)
	frappe.sendmail(
		recipients=[result.value],
		subject=_("Confirm your support request: {0}").format(subject),
		message=verification_email(full_name, subject, verify_url(token)),
		reference_doctype=request.doctype,
		reference_name=request.name,
	)
	return request.name


def require_outgoing_email() -> None:
	"""Without an outgoing account the link could never arrive: say so before saving anything."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	account = EmailAccount.find_outgoing(match_by_doctype="CRMS Ticket Request")
	if not (account and account.get("email_id")):
		frappe.throw(
			_("We cannot send e-mail at the moment. Please try again later or contact us by phone."),
			EmailUnavailableError,
			title=_("E-mail not available"),
		)


def verification_email(full_name: str, subject: str, url: str) -> str:
	return "<p>{0}</p><p>{1}</p><p><a href='{2}'>{3}</a></p><p>{4}</p>".format(
		escape_html(_("Hello {0},").format(full_name)),
		escape_html(_("Please confirm your e-mail address to create your ticket: {0}").format(subject)),
		url,
		escape_html(_("Confirm and create my ticket")),
		escape_html(_("The link works once and expires in {0} hours.").format(REQUEST_TTL_HOURS)),
	)


def find_request(token: str, lock: bool = False):
	"""The pending request for a token, or a translated error naming what is wrong with it."""
	token = cstr(token).strip()
	if not token or len(token) > 200:
		frappe.throw(_("This verification link is not valid."), TicketRequestError)
	name = frappe.db.get_value("CRMS Ticket Request", {"token_hash": hash_token(token)}, for_update=lock)
	if not name:
		frappe.throw(_("This verification link is not valid."), TicketRequestError)
	request = frappe.get_doc("CRMS Ticket Request", name)
	if request.status != "Pending":
		frappe.throw(_("This verification link has already been used."), TicketRequestError)
	if get_datetime(request.expires_on) < now_datetime():
		frappe.throw(
			_("This verification link has expired. Please raise your ticket again."), TicketRequestError
		)
	return request


def verify_request(token: str) -> str:
	"""Create the Web ticket for a valid, unused, unexpired token; the token is spent."""
	request = find_request(token, lock=True)
	issue = create_ticket(
		{"subject": request.subject, "description": request.description, "raised_by": request.email},
		"Web",
		idempotency_key=f"ticket-request:{request.name}",
	)
	request.db_set({"status": "Verified", "issue": issue.name})
	return issue.name


def purge_ticket_requests() -> None:
	"""Daily: drop requests a week past expiry; their personal data has no further use."""
	frappe.db.delete("CRMS Ticket Request", {"expires_on": ("<", add_to_date(now_datetime(), days=-7))})


# ------------------------------------------------------------------------------------------------
# Page context shared by the /support pages


def page_context(context, title: str, login: bool = False) -> None:
	"""Uncached, titled, JS strings translated into the visitor's language; guests sent to log in."""
	if login and frappe.session.user == "Guest":
		path = frappe.local.request.path if getattr(frappe.local, "request", None) else "/support/tickets"
		frappe.local.flags.redirect_location = "/login?redirect-to=" + frappe.utils.quote(path)
		raise frappe.Redirect
	context.no_cache = 1
	context.show_sidebar = False
	context.title = title
	context.crms_messages = js_messages()
	context.logged_in = frappe.session.user != "Guest"


def js_messages() -> dict[str, str]:
	"""The portal script's __() strings in the current language (web pages load no JS translations)."""
	from frappe.translate import extract_messages_from_javascript_code

	if (frappe.local.lang or "en") == "en":
		return {}
	path = frappe.get_app_path("crm_suite", "public", "js", "support_portal.js")
	with open(path, encoding="utf-8") as f:
		sources = {m[1] for m in extract_messages_from_javascript_code(f.read())}
	return {s: _(s) for s in sorted(sources) if _(s) != s}
