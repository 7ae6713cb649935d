"""QA coaching and disputes, and the targets of the agent scorecard."""

from frappe.model.document import Document


class CRMSQualitySettings(Document):
	pass
