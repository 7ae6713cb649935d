"""The duplicate threshold is now a match probability (Fellegi-Sunter model), not a similarity score.

A site still on the old score default (85) moves to the new default (50% = more likely the same customer
than not); a value the site chose itself is kept. Candidates stored before cross-doctype candidates
existed get `record_b_doctype` = their own doctype, which record_b's Dynamic Link now reads.
"""

import frappe
from frappe.utils import flt

from crm_suite.crm_suite.doctype.crms_settings.crms_settings import clear_settings_cache

OLD_DEFAULT = 85
NEW_DEFAULT = 50


def execute():
	stored = frappe.db.sql(
		"select value from `tabSingles` where doctype = 'CRMS Settings' and field = 'duplicate_threshold'"
	)
	stored = stored[0][0] if stored else None
	if stored is not None and flt(stored) == OLD_DEFAULT:
		frappe.db.set_single_value("CRMS Settings", "duplicate_threshold", NEW_DEFAULT)
		clear_settings_cache()
	candidate = frappe.qb.DocType("CRMS Duplicate Candidate")
	(
		frappe.qb.update(candidate)
		.set(candidate.record_b_doctype, candidate.candidate_doctype)
		.where(candidate.record_b_doctype.isnull() | (candidate.record_b_doctype == ""))
		.run()
	)
