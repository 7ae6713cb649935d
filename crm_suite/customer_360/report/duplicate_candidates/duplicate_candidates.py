# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Duplicate candidates with their match probability and evidence, limited to pairs whose both records
the user may read."""

import frappe
from frappe import _

from crm_suite.customer_360.duplicates import FIELD_SCORES, field_labels

LIMIT = 2000


def execute(filters=None):
	filters = frappe._dict(filters or {})
	conds = {"status": filters.get("status") or "Open"}
	if filters.get("doctype"):
		conds["candidate_doctype"] = filters.doctype
	if filters.get("min_score"):
		conds["score"] = [">=", float(filters.min_score)]
	rows = frappe.get_list(
		"CRMS Duplicate Candidate",
		filters=conds,
		fields=[
			"name",
			"candidate_doctype",
			"record_a",
			"record_a_title",
			"record_b_doctype",
			"record_b",
			"record_b_title",
			"score",
			"match_weight",
			"status",
			"explanation",
			*(f"{f}_score" for f in FIELD_SCORES),
		],
		order_by="score desc, name asc",
		limit_page_length=LIMIT,
	)
	for r in rows:
		r.record_b_doctype = r.record_b_doctype or r.candidate_doctype
	return columns(), readable(rows)


def readable(rows: list) -> list:
	"""Drop candidates naming a record the user may not read (one get_list per doctype)."""
	by_doctype: dict[str, set] = {}
	for r in rows:
		by_doctype.setdefault(r.candidate_doctype, set()).add(r.record_a)
		by_doctype.setdefault(r.record_b_doctype, set()).add(r.record_b)
	allowed = {
		doctype: set(
			frappe.get_list(doctype, filters={"name": ["in", list(names)]}, pluck="name", limit_page_length=0)
		)
		for doctype, names in by_doctype.items()
	}
	return [
		r
		for r in rows
		if r.record_a in allowed[r.candidate_doctype] and r.record_b in allowed[r.record_b_doctype]
	]


def columns() -> list[dict]:
	labels = field_labels()
	return [
		{
			"fieldname": "name",
			"label": _("Candidate"),
			"fieldtype": "Link",
			"options": "CRMS Duplicate Candidate",
			"width": 110,
		},
		{
			"fieldname": "candidate_doctype",
			"label": _("Document Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 100,
		},
		{"fieldname": "score", "label": _("Match Probability"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "match_weight", "label": _("Match Weight (bits)"), "fieldtype": "Float", "width": 90},
		{
			"fieldname": "record_a",
			"label": _("Record A"),
			"fieldtype": "Dynamic Link",
			"options": "candidate_doctype",
			"width": 160,
		},
		{"fieldname": "record_a_title", "label": _("Record A Name"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "record_b_doctype",
			"label": _("Record B Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 100,
		},
		{
			"fieldname": "record_b",
			"label": _("Record B"),
			"fieldtype": "Dynamic Link",
			"options": "record_b_doctype",
			"width": 160,
		},
		{"fieldname": "record_b_title", "label": _("Record B Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "explanation", "label": _("Explanation"), "fieldtype": "Small Text", "width": 260},
		*(
			{
				"fieldname": f"{f}_score",
				"label": _("{0} (bits)").format(labels[f]),
				"fieldtype": "Float",
				"width": 90,
			}
			for f in FIELD_SCORES
		),
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 100},
	]
