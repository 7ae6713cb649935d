"""One checklist task of an incident."""

from frappe.model.document import Document


class CRMSIncidentTask(Document):
	pass
