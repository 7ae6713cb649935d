"""/support/tickets: the logged-in customer's tickets (own Customer or own e-mail only)."""

import frappe
from frappe import _
from frappe.utils import cint

from crm_suite.service_desk import portal

no_cache = 1
SCOPES = ("open", "closed", "all")


def get_context(context):
	portal.page_context(context, _("My tickets"), login=True)
	scope = frappe.form_dict.get("scope")
	context.scope = scope if scope in SCOPES else "open"
	context.scopes = [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]
	context.page = portal.list_tickets(context.scope, cint(frappe.form_dict.get("start")))
