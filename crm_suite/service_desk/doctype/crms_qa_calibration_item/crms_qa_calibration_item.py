"""A ticket or call every inspector of a calibration session scores."""

from frappe.model.document import Document


class CRMSQACalibrationItem(Document):
	pass
