"""One weighted item of a QA scorecard."""

from frappe.model.document import Document


class CRMSQACriterion(Document):
	pass
