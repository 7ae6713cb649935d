from frappe.model.document import Document


class CRMSCallScriptAnswer(Document):
	pass
