"""One care action taken (unique key: rule, occasion year, customer, contact), so none repeats."""

from frappe.model.document import Document


class CRMSCareLog(Document):
	pass
