"""/support/raise: anyone can ask for help; the ticket exists only after the e-mailed link is used."""

import frappe
from frappe import _

from crm_suite.service_desk import portal

no_cache = 1


def get_context(context):
	if frappe.session.user != "Guest":
		frappe.local.flags.redirect_location = "/support/new"
		raise frappe.Redirect
	portal.page_context(context, _("Contact support"))
	context.ttl_hours = portal.REQUEST_TTL_HOURS
