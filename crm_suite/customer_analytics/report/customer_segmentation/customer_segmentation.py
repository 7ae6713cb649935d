# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""RFM grid (R rows x F columns: customers and revenue per cell), the list of named segments, or the
k-means value clusters (chosen by silhouette, described in words) beside them."""

import json

import frappe
from frappe import _

from crm_suite.customer_analytics.metrics import permitted_customers_sql


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if filters.get("view") == "Segments":
		return segment_columns(), segment_rows(filters)
	if filters.get("view") == "Clusters":
		return cluster_columns(), cluster_rows(filters), cluster_message()
	return grid_columns(), grid_rows(filters), None, grid_chart(filters)


def _where(filters) -> tuple[str, dict]:
	where = [f"m.customer IN ({permitted_customers_sql()})"]
	params = {}
	for field in ("territory", "customer_group"):
		if filters.get(field):
			where.append(f"c.{field} = %({field})s")
			params[field] = filters.get(field)
	return " AND ".join(where), params


def _cells(filters):
	where, params = _where(filters)
	return frappe.db.sql(
		f"""SELECT m.r_score, m.f_score, COUNT(*) AS customers, SUM(m.monetary) AS revenue
		FROM `tabCRMS Customer Metrics` m JOIN tabCustomer c ON c.name = m.customer
		WHERE {where} GROUP BY m.r_score, m.f_score""",
		params,
		as_dict=True,
	)


def grid_columns():
	cols = [{"fieldname": "r_score", "label": _("Recency Score"), "fieldtype": "Int", "width": 110}]
	for f in range(1, 6):
		cols.append(
			{"fieldname": f"f{f}", "label": _("F{0} Customers").format(f), "fieldtype": "Int", "width": 110}
		)
	for f in range(1, 6):
		cols.append(
			{
				"fieldname": f"rev_f{f}",
				"label": _("F{0} Revenue").format(f),
				"fieldtype": "Currency",
				"width": 120,
			}
		)
	cols.append({"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100})
	cols.append({"fieldname": "revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 130})
	return cols


def grid_rows(filters):
	rows = {r: {"r_score": r, "customers": 0, "revenue": 0.0} for r in range(5, 0, -1)}
	for row in rows.values():
		for f in range(1, 6):
			row[f"f{f}"], row[f"rev_f{f}"] = 0, 0.0
	for cell in _cells(filters):
		if cell.r_score in rows and 1 <= cell.f_score <= 5:
			row = rows[cell.r_score]
			row[f"f{cell.f_score}"] = cell.customers
			row[f"rev_f{cell.f_score}"] = cell.revenue
			row["customers"] += cell.customers
			row["revenue"] += cell.revenue or 0
	return list(rows.values())


def grid_chart(filters):
	where, params = _where(filters)
	data = frappe.db.sql(
		f"""SELECT m.segment, COUNT(*) FROM `tabCRMS Customer Metrics` m JOIN tabCustomer c ON c.name = m.customer
		WHERE {where} GROUP BY m.segment ORDER BY COUNT(*) DESC""",
		params,
	)
	return {
		"data": {
			"labels": [_(s) for s, _n in data],
			"datasets": [{"name": _("Customers"), "values": [n for _s, n in data]}],
		},
		"type": "bar",
	}


def segment_columns():
	return [
		{"fieldname": "segment", "label": _("Segment"), "fieldtype": "Data", "width": 160},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100},
		{"fieldname": "revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "revenue_12m", "label": _("12-Month Revenue"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "avg_clv", "label": _("Average CLV"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "avg_churn_risk", "label": _("Average Churn Risk"), "fieldtype": "Float", "width": 120},
	]


def segment_rows(filters):
	where, params = _where(filters)
	rows = frappe.db.sql(
		f"""SELECT m.segment, COUNT(*) AS customers, SUM(m.monetary) AS revenue,
			SUM(m.revenue_12m) AS revenue_12m, AVG(m.clv) AS avg_clv, ROUND(AVG(m.churn_risk), 1) AS avg_churn_risk
		FROM `tabCRMS Customer Metrics` m JOIN tabCustomer c ON c.name = m.customer
		WHERE {where} GROUP BY m.segment ORDER BY revenue DESC""",
		params,
		as_dict=True,
	)
	for row in rows:
		row.segment = _(row.segment)
	return rows


def cluster_columns():
	return [
		{"fieldname": "cluster", "label": _("Value Cluster"), "fieldtype": "Data", "width": 320},
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100},
		{"fieldname": "revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "avg_recency", "label": _("Average Days Since Purchase"), "fieldtype": "Float", "width": 150},
		{"fieldname": "avg_frequency", "label": _("Average Purchases"), "fieldtype": "Float", "width": 130},
		{"fieldname": "avg_clv", "label": _("Average CLV"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "avg_churn_risk", "label": _("Average Churn Risk"), "fieldtype": "Float", "width": 120},
	]


def _cluster_words() -> dict[str, str]:
	"""The engine describes clusters in English words (crm_suite/engine/clusters.py WORDS)."""
	return {
		"recent": _("recent"),
		"long inactive": _("long inactive"),
		"rare buyers": _("rare buyers"),
		"frequent buyers": _("frequent buyers"),
		"small baskets": _("small baskets"),
		"big baskets": _("big baskets"),
		"low value": _("low value"),
		"high value": _("high value"),
		"average customers": _("average customers"),
	}


def translate_cluster(label: str | None) -> str | None:
	"""'1: recent, high value' in the user's language."""
	if not label or ": " not in label:
		return label
	number, words = label.split(": ", 1)
	table = _cluster_words()
	return f"{number}: " + ", ".join(table.get(w, w) for w in words.split(", "))


def cluster_rows(filters):
	where, params = _where(filters)
	rows = frappe.db.sql(
		f"""SELECT m.cluster, COUNT(*) AS customers, SUM(m.monetary) AS revenue,
			ROUND(AVG(m.recency_days), 1) AS avg_recency, ROUND(AVG(m.frequency), 2) AS avg_frequency,
			AVG(m.clv) AS avg_clv, ROUND(AVG(m.churn_risk), 1) AS avg_churn_risk
		FROM `tabCRMS Customer Metrics` m JOIN tabCustomer c ON c.name = m.customer
		WHERE {where} AND m.cluster IS NOT NULL GROUP BY m.cluster ORDER BY m.cluster""",
		params,
		as_dict=True,
	)
	for row in rows:
		row.cluster = translate_cluster(row.cluster)
	return rows


def cluster_message() -> str:
	from crm_suite.customer_analytics.metrics import CLUSTER_KEY

	raw = frappe.db.get_global(CLUSTER_KEY)
	if not raw:
		return _("No clusters yet: they are computed by the nightly metrics run.")
	model = json.loads(raw)
	scores = ", ".join(f"k={k}: {v}" for k, v in sorted(model.get("silhouettes", {}).items()))
	return _("{0} clusters chosen by mean silhouette ({1}); silhouettes tried: {2}.").format(
		model.get("k"), model.get("silhouette"), scores
	)
