"""Settings and training results of the ticket classifier (the model itself is a site global)."""

from frappe.model.document import Document


class CRMSTicketClassifierSettings(Document):
	pass
