"""An incident along the operations plan's stages; logic in call_centre/incidents.py."""

from frappe.model.document import Document

from crm_suite.call_centre import incidents


class CRMSIncident(Document):
	def validate(self):
		incidents.validate(self)

	def on_update(self):
		incidents.on_update(self)
