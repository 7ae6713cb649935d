"""When an incident entered a stage, who owned it, and when it moved on."""

from frappe.model.document import Document


class CRMSIncidentStageLog(Document):
	pass
