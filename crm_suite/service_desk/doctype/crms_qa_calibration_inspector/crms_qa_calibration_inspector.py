"""An inspector taking part in a calibration session."""

from frappe.model.document import Document


class CRMSQACalibrationInspector(Document):
	pass
