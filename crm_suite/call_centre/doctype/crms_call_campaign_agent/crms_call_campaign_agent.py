"""One agent who may work a call campaign's list."""

from frappe.model.document import Document


class CRMSCallCampaignAgent(Document):
	pass
