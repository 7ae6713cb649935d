"""A call script with branching questions (rules parsed and checked by crm_suite.engine.call_script)."""

import frappe
from frappe import _
from frappe.model.document import Document

from crm_suite.engine import call_script


class CRMSCallScript(Document):
	def validate(self):
		from crm_suite.call_centre.desk import error_text

		questions = []
		for row in self.questions:
			row.key = (row.key or "").strip()
			row.next_key = (row.next_key or "").strip() or None
			try:
				rules = call_script.parse_rules(row.rules)
			except call_script.ScriptError as e:
				frappe.throw(_("Row {0}: {1}").format(row.idx, error_text(e.code, e.params)))
			questions.append(
				call_script.Question(
					row.key,
					row.question,
					row.type,
					call_script.split_options(row.options),
					rules,
					row.next_key,
					bool(row.required),
				)
			)
		problems = call_script.check(questions)
		if problems:
			frappe.throw(
				"<br>".join(error_text(code, params) for code, params in problems), title=_("Call Script")
			)

	def on_update(self):
		frappe.clear_document_cache(self.doctype, self.name)
