"""One party to call in a campaign (a row of its list, not a child table: lists are big and worked
concurrently, one target locked per agent by a conditional UPDATE in call_centre/outbound.py)."""

import frappe
from frappe.model.document import Document


class CRMSCallCampaignTarget(Document):
	def validate(self):
		from crm_suite.call_centre import outbound

		outbound.validate_target(self)


def on_doctype_update():
	# stale locks of a campaign; one row per party and campaign (rebuilds skip them)
	frappe.db.add_index(
		"CRMS Call Campaign Target", ["campaign", "status", "next_attempt_at"], "campaign_status_next"
	)
	# next_target(): the list's zones (loose index scan) and, per open zone, the due targets in order
	frappe.db.add_index(
		"CRMS Call Campaign Target",
		["campaign", "timezone", "status", "next_attempt_at"],
		"campaign_zone_status_next",
	)
	# Outbound Campaign Results: targets by status and exclusion reason, from the index alone
	frappe.db.add_index(
		"CRMS Call Campaign Target", ["campaign", "status", "exclusion_reason"], "campaign_status_reason"
	)
	# a "do not call" request drops the number from every open list
	frappe.db.add_index("CRMS Call Campaign Target", ["phone", "status"], "phone_status")
	frappe.db.add_unique("CRMS Call Campaign Target", ["campaign", "party_type", "party"], "campaign_party")
