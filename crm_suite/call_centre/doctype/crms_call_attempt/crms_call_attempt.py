"""One outbound call attempt and its disposition; written by call_centre/outbound.record_outcome,
never typed in.

The frequency cap reads attempts per phone number across all campaigns; the results report per campaign
and per agent."""

import frappe
from frappe.model.document import Document


class CRMSCallAttempt(Document):
	pass


def on_doctype_update():
	# frequency cap across campaigns (by number, in a period) and the results report (campaign, agent)
	frappe.db.add_index("CRMS Call Attempt", ["phone", "attempted_at"], "phone_attempted_at")
	frappe.db.add_index(
		"CRMS Call Attempt", ["campaign", "agent", "attempted_at"], "campaign_agent_attempted"
	)
	frappe.db.add_index("CRMS Call Attempt", ["attempted_at"], "attempted_at")
