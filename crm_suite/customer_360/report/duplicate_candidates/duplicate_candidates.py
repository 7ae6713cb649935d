# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Duplicate candidates with their scores, limited to pairs whose both records the user may read."""

import frappe
from frappe import _

FIELD_SCORES = (
	("name_score", "Name"),
	("phone_score", "Phone"),
	("email_score", "Email"),
	("tax_id_score", "Tax ID"),
	("address_score", "Address"),
)
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
			"record_b",
			"record_b_title",
			"score",
			"status",
			*(f for f, _label in FIELD_SCORES),
		],
		order_by="score desc, name asc",
		limit_page_length=LIMIT,
	)
	return columns(), readable(rows)


def readable(rows: list) -> list:
	"""Drop candidates naming a record the user may not read (one get_list per doctype)."""
	by_doctype: dict[str, set] = {}
	for r in rows:
		by_doctype.setdefault(r.candidate_doctype, set()).update((r.record_a, r.record_b))
	allowed = {
		doctype: set(
			frappe.get_list(doctype, filters={"name": ["in", list(names)]}, pluck="name", limit_page_length=0)
		)
		for doctype, names in by_doctype.items()
	}
	return [r for r in rows if {r.record_a, r.record_b} <= allowed[r.candidate_doctype]]


def columns() -> list[dict]:
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
		{"fieldname": "score", "label": _("Score"), "fieldtype": "Percent", "width": 80},
		{
			"fieldname": "record_a",
			"label": _("Record A"),
			"fieldtype": "Dynamic Link",
			"options": "candidate_doctype",
			"width": 160,
		},
		{"fieldname": "record_a_title", "label": _("Record A Name"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "record_b",
			"label": _("Record B"),
			"fieldtype": "Dynamic Link",
			"options": "candidate_doctype",
			"width": 160,
		},
		{"fieldname": "record_b_title", "label": _("Record B Name"), "fieldtype": "Data", "width": 180},
		*(
			{"fieldname": f, "label": _(label), "fieldtype": "Percent", "width": 80}
			for f, label in FIELD_SCORES
		),
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 100},
	]
