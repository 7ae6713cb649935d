"""An outbound call campaign: who to call, when, how often; the list is CRMS Call Campaign Target
(built and worked by crm_suite/call_centre/outbound.py)."""

from frappe.model.document import Document


class CRMSCallCampaign(Document):
	def validate(self):
		from crm_suite.call_centre import outbound

		outbound.validate_campaign(self)
