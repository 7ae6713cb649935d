"""REST intake for apps, chat widgets and partners: POST /api/method/crm_suite.api.tickets.create."""

import frappe
from frappe import _

from crm_suite.service_desk.intake import create_ticket


@frappe.whitelist(methods=["POST"])
def create(
	subject: str | None = None,  # validated by the intake: a missing subject is a 400, not a 500
	description: str | None = None,
	raised_by: str | None = None,
	phone: str | None = None,
	customer: str | None = None,
	impact: str | None = None,
	urgency: str | None = None,
	issue_type: str | None = None,
	complaint_class: str | None = None,
	item: str | None = None,
	language: str | None = None,
	channel: str = "API",
	idempotency_key: str | None = None,
) -> dict:
	"""Create a ticket; the same idempotency key always returns the same ticket, never a second one."""
	if frappe.session.user == "Guest":
		raise frappe.PermissionError(_("Log in or use an API key to create tickets."))
	frappe.has_permission("Issue", "create", throw=True)
	payload = {
		"subject": subject,
		"description": description,
		"raised_by": raised_by,
		"phone": phone,
		"customer": customer,
		"impact": impact,
		"urgency": urgency,
		"issue_type": issue_type,
		"complaint_class": complaint_class,
		"item": item,
		"language": language,
	}
	issue = create_ticket(
		{k: v for k, v in payload.items() if v is not None},
		channel,
		idempotency_key,
		assign_after_commit=True,  # the assignee follows within seconds (background job, short queue)
	)
	return {
		"name": issue.name,
		"status": issue.status,
		"priority": issue.priority,
		"issue_type": issue.issue_type,
		"team": issue.crms_team,
		"customer": issue.customer,
		"contact": issue.contact,
		"customer_tier": issue.crms_customer_tier,
	}
