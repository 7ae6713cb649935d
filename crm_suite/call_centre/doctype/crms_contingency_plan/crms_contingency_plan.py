"""A prepared response to one type of incident: its checklist per stage and its surge-mode messages."""

from frappe.model.document import Document


class CRMSContingencyPlan(Document):
	pass
