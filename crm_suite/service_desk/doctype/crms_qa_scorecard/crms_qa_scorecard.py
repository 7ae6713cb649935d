"""Weighted QA criteria, versioned: the version goes up whenever the criteria change."""

from frappe.model.document import Document

from crm_suite.service_desk import quality


class CRMSQAScorecard(Document):
	def validate(self):
		quality.validate_scorecard(self)
