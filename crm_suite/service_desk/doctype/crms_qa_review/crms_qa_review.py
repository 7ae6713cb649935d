"""A QA inspector's scoring of one ticket (or call); logic in service_desk/quality.py."""

from frappe.model.document import Document

from crm_suite.service_desk import quality


class CRMSQAReview(Document):
	def validate(self):
		quality.validate_review(self)

	def before_submit(self):
		quality.before_submit_review(self)

	def on_submit(self):
		quality.on_submit_review(self)

	def on_cancel(self):
		quality.on_cancel_review(self)
