"""Email intake setup: the support mailbox's auto-acknowledgement comes from an Email Template.

ERPNext turns mail pulled by an Email Account (IMAP folder "append to" Issue) into Issues and threads
replies by In-Reply-To / References; our Issue hooks then give them channel Email, the matched contact
and customer, a team and an SLA (see intake.py). Frappe's own auto reply (Email Account
`enable_auto_reply`, `auto_reply_message`, rendered with the incoming Communication) sends the
acknowledgement; we keep its text in an Email Template so support can edit it like every other template.
"""

from __future__ import annotations

import frappe
from frappe import _

ACK_TEMPLATE = "Ticket Acknowledgement"


def ensure_acknowledgement_template() -> str:
	"""The acknowledgement Email Template (created once, never overwritten: sites edit it)."""
	if not frappe.db.exists("Email Template", ACK_TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": ACK_TEMPLATE,
				"subject": _("We received your request: {{ subject }}"),
				"use_html": 1,
				"response_html": "<p>{}</p><p>{}</p>".format(
					_("Thank you for contacting us. Your request has been received as ticket {0}.").format(
						"{{ reference_name }}"
					),
					_(
						"Reply to this email to add information; please keep the ticket number in the subject."
					),
				),
			}
		).insert(ignore_permissions=True)
	return ACK_TEMPLATE


def acknowledgement_message(template: str | None = None) -> str:
	"""The template's body (HTML or plain), as Frappe's auto reply renders it with the Communication."""
	doc = frappe.get_cached_doc("Email Template", template or ensure_acknowledgement_template())
	return (doc.response_html if doc.use_html else doc.response) or ""


@frappe.whitelist(methods=["POST"])
def enable_auto_acknowledgement(email_account: str, template: str | None = None) -> None:
	"""Turn on the auto reply of a support Email Account with the acknowledgement template's text."""
	account = frappe.get_doc("Email Account", email_account)
	account.check_permission("write")
	account.enable_auto_reply = 1
	account.auto_reply_message = acknowledgement_message(template)
	account.save()
