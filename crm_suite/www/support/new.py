"""/support/new: a logged-in customer raises a ticket (intake channel "Portal")."""

from frappe import _

from crm_suite.service_desk import portal

no_cache = 1


def get_context(context):
	portal.page_context(context, _("New ticket"), login=True)
	context.issue_types = portal.issue_types()
	context.parents = [{"route": "/support/tickets", "title": _("My tickets")}]
