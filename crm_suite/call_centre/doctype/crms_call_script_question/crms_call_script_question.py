from frappe.model.document import Document


class CRMSCallScriptQuestion(Document):
	pass
