"""Survey settings: CSAT after resolution, the weekly relational NPS run, low-score follow-ups."""

from frappe.model.document import Document


class CRMSNPSSettings(Document):
	pass
