"""Customer portal endpoints (pages under /support): ownership is checked in service_desk/portal.py.

Logged-in customers: list, read, create, reply, confirm. Guests: request a ticket (rate limited per IP)
and verify it with the e-mailed token (rate limited too, so tokens cannot be guessed by brute force).
"""

import frappe
from frappe.rate_limiter import rate_limit
from frappe.utils import cint

from crm_suite.service_desk import portal


def guest_limit() -> int:
	return cint(frappe.conf.get("crms_guest_ticket_limit")) or 10


def verify_limit() -> int:
	return cint(frappe.conf.get("crms_ticket_verify_limit")) or 20


@frappe.whitelist(methods=["GET"])
def get_tickets(scope: str = "open", start: int = 0) -> dict:
	return portal.list_tickets(scope, start)


@frappe.whitelist(methods=["GET"])
def get_ticket(name: str) -> dict:
	return portal.ticket_view(name)


@frappe.whitelist(methods=["GET"])
def download_attachment(name: str, file: str) -> None:
	doc = portal.attachment(name, file)
	frappe.local.response.filename = doc.file_name
	frappe.local.response.filecontent = doc.get_content()
	frappe.local.response.type = "download"


@frappe.whitelist(methods=["POST"])
def create_ticket(
	subject: str,
	description: str,
	issue_type: str | None = None,
	attachment_name: str | None = None,
	attachment: str | None = None,
) -> dict:
	return {"name": portal.new_ticket(subject, description, issue_type, attachment_name, attachment)}


@frappe.whitelist(methods=["POST"])
def reply(name: str, message: str) -> dict:
	return {"communication": portal.reply(name, message)}


@frappe.whitelist(methods=["POST"])
def confirm_resolution(name: str, resolved: int, message: str | None = None) -> dict:
	return {"status": portal.confirm(name, bool(cint(resolved)), message)}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=guest_limit, seconds=60 * 60)
def request_ticket(full_name: str, email: str, subject: str, description: str) -> dict:
	portal.request_ticket(full_name, email, subject, description)
	return {"ok": True}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=verify_limit, seconds=60 * 60)
def verify_ticket_request(token: str) -> dict:
	return {"name": portal.verify_request(token)}
