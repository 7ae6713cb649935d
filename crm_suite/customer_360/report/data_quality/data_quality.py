# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Quality score distribution, average and missing items per territory or owner.

Aggregated in SQL through frappe.get_list (so role permissions, User Permissions such as a Territory
restriction, and permission query conditions all apply): one grouped query over (group, score,
issues), whose few distinct combinations are folded into buckets and per-item counts here.
"""

import frappe
from frappe import _

from crm_suite.engine.quality import RULES

DOCTYPES = ("Customer", "Contact", "Lead")
BUCKETS = (
	("score_0_49", "0-49", 0, 49),
	("score_50_79", "50-79", 50, 79),
	("score_80_99", "80-99", 80, 99),
	("score_100", "100", 100, 100),
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	doctype = filters.get("doctype") or "Customer"
	if doctype not in DOCTYPES:
		frappe.throw(_("Data quality is measured for Customers, Contacts and Leads only."))
	meta = frappe.get_meta(doctype)
	group_field = "territory" if filters.get("group_by", "Territory") == "Territory" else "owner"
	if not meta.has_field(group_field) and group_field != "owner":
		group_field = "owner"
	labels = [rule.label for rule in RULES[doctype]]
	data = build(doctype, group_field, filters, labels)
	return columns(group_field, labels), data, None, chart(data), summary(data)


def conditions(doctype: str, filters) -> dict:
	out = {}
	if filters.get("territory") and frappe.get_meta(doctype).has_field("territory"):
		out["territory"] = filters.territory
	if filters.get("owner"):
		out["owner"] = filters.owner
	if doctype == "Customer":
		out["disabled"] = 0
	return out


def build(doctype: str, group_field: str, filters, labels: list[str]) -> list[dict]:
	rows = frappe.get_list(
		doctype,
		filters=conditions(doctype, filters),
		fields=[
			f"{group_field} as grp",
			"crms_quality_score as score",
			"crms_quality_issues as issues",
			"count(name) as n",
		],
		group_by=f"{group_field}, crms_quality_score, crms_quality_issues",
		order_by=f"{group_field} asc",
		limit_page_length=0,
	)
	groups: dict[str, dict] = {}
	translated = {_(label): label for label in labels}
	for r in rows:
		g = groups.setdefault(
			r.grp or "",
			{
				"group": r.grp or _("(not set)"),
				"records": 0,
				"score_sum": 0,
				"unscored": 0,
				**{key: 0 for key, *_rest in BUCKETS},
				**{f"issue_{i}": 0 for i in range(len(labels))},
			},
		)
		g["records"] += r.n
		if not r.score and not r.issues:
			# an Int column is never NULL: 0 with no issues listed is a record not scored yet
			g["unscored"] += r.n
			continue
		g["score_sum"] += r.score * r.n
		for key, _label, lo, hi in BUCKETS:
			if lo <= r.score <= hi:
				g[key] += r.n
		for item in parse_issues(r.issues):
			label = translated.get(item, item)
			if label in labels:
				g[f"issue_{labels.index(label)}"] += r.n
	out = []
	for key in sorted(groups):
		g = groups[key]
		scored = g["records"] - g["unscored"]
		g["average_score"] = round(g.pop("score_sum") / scored, 1) if scored else None
		out.append(g)
	return out


def parse_issues(text: str | None) -> list[str]:
	"""'Missing: A, B; Invalid: C' (labels translated when stored) -> ['A', 'B', 'C']."""
	items = []
	for part in (text or "").split(";"):
		_head, sep, rest = part.partition(":")
		if sep:
			items.extend(x.strip() for x in rest.split(",") if x.strip())
	return items


def columns(group_field: str, labels: list[str]) -> list[dict]:
	cols = [
		{
			"fieldname": "group",
			"label": _("Territory") if group_field == "territory" else _("Owner"),
			"fieldtype": "Link",
			"options": "Territory" if group_field == "territory" else "User",
			"width": 180,
		},
		{"fieldname": "records", "label": _("Records"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "average_score",
			"label": _("Average Score"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 110,
		},
	]
	cols += [
		{"fieldname": key, "label": _("Score {0}").format(label), "fieldtype": "Int", "width": 90}
		for key, label, _lo, _hi in BUCKETS
	]
	cols += [
		{
			"fieldname": f"issue_{i}",
			"label": _("No valid {0}").format(_(label)),
			"fieldtype": "Int",
			"width": 120,
		}
		for i, label in enumerate(labels)
	]
	cols.append({"fieldname": "unscored", "label": _("Not Scored Yet"), "fieldtype": "Int", "width": 110})
	return cols


def chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	return {
		"data": {
			"labels": [d["group"] for d in data],
			"datasets": [{"name": _("Average Score"), "values": [d["average_score"] or 0 for d in data]}],
		},
		"type": "bar",
	}


def summary(data: list[dict]) -> list[dict]:
	records = sum(d["records"] for d in data)
	scored = [
		(d["average_score"], d["records"] - d["unscored"]) for d in data if d["average_score"] is not None
	]
	weight = sum(n for _avg, n in scored)
	average = round(sum(avg * n for avg, n in scored) / weight, 1) if weight else 0
	return [
		{"label": _("Records"), "value": records, "datatype": "Int"},
		{
			"label": _("Average Score"),
			"value": average,
			"datatype": "Float",
			"indicator": "Green" if average >= 80 else "Orange",
		},
		{"label": _("Score 100"), "value": sum(d["score_100"] for d in data), "datatype": "Int"},
	]
