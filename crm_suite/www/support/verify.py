"""/support/verify?token=...: shows the pending request; the button (a POST) creates the ticket.

Opening the link creates nothing, so mail scanners that prefetch links cannot spend the token.
A used, expired or unknown token shows its translated reason instead.
"""

import frappe
from frappe import _

from crm_suite.service_desk import portal

no_cache = 1


def get_context(context):
	portal.page_context(context, _("Confirm your ticket"))
	context.token = frappe.form_dict.get("token") or ""
	context.error = None
	context.request = None
	try:
		request = portal.find_request(context.token)
		context.request = {"subject": request.subject, "full_name": request.full_name, "email": request.email}
	except portal.TicketRequestError as e:
		frappe.clear_messages()
		context.error = str(e)
