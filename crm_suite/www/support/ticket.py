"""/support/tickets/<name> (website_route_rules): one ticket, its conversation, reply and confirmation.

portal.ticket_view raises PermissionError (a 403 page) for a ticket of another customer.
"""

import frappe
from frappe import _

from crm_suite.service_desk import portal

no_cache = 1


def get_context(context):
	portal.page_context(context, _("Ticket"), login=True)
	context.ticket = portal.ticket_view(frappe.form_dict.get("name") or "")
	context.title = context.ticket["subject"]
	context.parents = [{"route": "/support/tickets", "title": _("My tickets")}]
