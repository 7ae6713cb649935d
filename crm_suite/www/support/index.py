"""/support: customers go to their tickets, guests to the public form."""

import frappe

no_cache = 1


def get_context(context):
	logged_in = frappe.session.user != "Guest"
	frappe.local.flags.redirect_location = "/support/tickets" if logged_in else "/support/raise"
	raise frappe.Redirect
