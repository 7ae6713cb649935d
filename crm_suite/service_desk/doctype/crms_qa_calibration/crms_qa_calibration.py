"""Several inspectors score the same items; the spread per criterion is written back here."""

from frappe.model.document import Document

from crm_suite.service_desk import quality


class CRMSQACalibration(Document):
	def validate(self):
		if not self.flags.ignore_validate:
			quality.validate_calibration(self)

	def after_insert(self):
		quality.start_calibration(self)
