"""An inspector's score for one criterion, with the criterion as it was when scored."""

from frappe.model.document import Document


class CRMSQAAnswer(Document):
	pass
