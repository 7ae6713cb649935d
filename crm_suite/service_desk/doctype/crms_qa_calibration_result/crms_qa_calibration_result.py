"""How far apart the inspectors were on one criterion."""

from frappe.model.document import Document


class CRMSQACalibrationResult(Document):
	pass
