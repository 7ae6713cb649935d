"""A synonym group for knowledge suggestions; any change reaches every worker's index (knowledge.py)."""

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.service_desk import knowledge


class CRMSKBSynonym(Document):
	def validate(self):
		if len(knowledge.split_terms(self.terms)) < 2:
			frappe.throw(_("A synonym group needs at least two words or phrases."), title=_("Synonyms"))

	def on_update(self):
		knowledge.invalidate_synonyms()

	def on_trash(self):
		knowledge.invalidate_synonyms()
