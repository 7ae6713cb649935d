from frappe.model.document import Document


class CRMSCallScriptResponse(Document):
	pass
