"""One checklist step of a contingency plan."""

from frappe.model.document import Document


class CRMSContingencyStep(Document):
	pass
