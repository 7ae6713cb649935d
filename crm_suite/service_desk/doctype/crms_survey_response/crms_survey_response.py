"""One survey sent (CSAT per ticket, NPS per customer) and its answer (see service_desk/surveys.py).

Answers are written by the tokenised /survey page with a conditional UPDATE, never through this form;
supervisors only fill in the follow-up note and whether the customer should be told.
"""

import frappe
from frappe.model.document import Document


class CRMSSurveyResponse(Document):
	def on_update(self):
		self.tell_customer_if_done()

	def tell_customer_if_done(self):
		"""The note is often written after the ToDo was closed: send it then (once)."""
		if self.follow_up_status == "Done" and self.notify_customer and not self.customer_notified_on:
			from crm_suite.service_desk.surveys import tell_customer

			tell_customer(self.name)


def on_doctype_update():
	"""One CSAT answer per ticket: a unique index on issue (NPS rows leave it NULL, which MariaDB allows
	any number of times); reports filter by type and date."""
	frappe.db.add_unique("CRMS Survey Response", ["issue"], constraint_name="unique_survey_issue")
	frappe.db.add_index("CRMS Survey Response", ["survey_type", "sent_on"], index_name="survey_type_sent_on")
	frappe.db.add_index(
		"CRMS Survey Response", ["customer", "survey_type"], index_name="customer_survey_type"
	)
