"""One interval of an agent in one state (`to` empty while it lasts); written by call_centre/agents.py."""

import frappe
from frappe.model.document import Document


class CRMSAgentStateLog(Document):
	pass


def on_doctype_update():
	# the open interval of a user, and a user's intervals in a period (staffed time, occupancy)
	frappe.db.add_index(
		"CRMS Agent State Log", ["user", "`from`"], "user_from_index"
	)  # `from` is an SQL keyword
