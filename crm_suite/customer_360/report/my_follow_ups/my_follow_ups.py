"""My Follow-ups: the session user's overdue, today's and upcoming follow-ups on Customers, Leads
and Opportunities (rows come from frappe.get_list, so only records the user may read)."""

import frappe
from frappe import _

from crm_suite.customer_360.follow_up import my_follow_ups


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = my_follow_ups(upcoming_days=filters.get("upcoming_days") or 14)
	if filters.get("bucket"):
		rows = [r for r in rows if r["bucket"] == filters.bucket]
	for r in rows:
		r["bucket"] = _(r["bucket"])
	return get_columns(), rows


def get_columns():
	return [
		{"fieldname": "bucket", "label": _("When"), "fieldtype": "Data", "width": 100},
		{"fieldname": "next_follow_up", "label": _("Next Follow-up"), "fieldtype": "Date", "width": 120},
		{"fieldname": "days", "label": _("Days"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "reference_doctype",
			"label": _("Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 110,
		},
		{
			"fieldname": "reference_name",
			"label": _("Record"),
			"fieldtype": "Dynamic Link",
			"options": "reference_doctype",
			"width": 180,
		},
		{"fieldname": "title", "label": _("Title"), "fieldtype": "Data", "width": 240},
	]
