# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Customers by churn risk, with the reasons in words, last purchase and the value at stake."""

import frappe
from frappe import _
from frappe.utils import cint

from crm_suite.customer_analytics.metrics import REASON_TEXT, params, permitted_customers_sql
from crm_suite.engine.metrics import churn_reason_codes


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), rows(filters)


def columns():
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 200,
		},
		{
			"fieldname": "territory",
			"label": _("Territory"),
			"fieldtype": "Link",
			"options": "Territory",
			"width": 120,
		},
		{"fieldname": "lifecycle_stage", "label": _("Stage"), "fieldtype": "Data", "width": 100},
		{"fieldname": "churn_risk", "label": _("Churn Risk"), "fieldtype": "Int", "width": 90},
		{"fieldname": "reasons", "label": _("Reasons"), "fieldtype": "Small Text", "width": 360},
		{"fieldname": "last_purchase", "label": _("Last Purchase"), "fieldtype": "Date", "width": 110},
		{"fieldname": "revenue_12m", "label": _("12-Month Revenue"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "clv", "label": _("Revenue at Stake (CLV)"), "fieldtype": "Currency", "width": 150},
		{"fieldname": "segment", "label": _("Segment"), "fieldtype": "Data", "width": 130},
	]


def rows(filters):
	where = [f"m.customer IN ({permitted_customers_sql()})", "m.churn_risk >= %(min_risk)s"]
	values = {
		"min_risk": cint(filters.get("min_churn_risk") or 50),
		"limit": cint(filters.get("limit") or 500),
	}
	for field in ("territory", "customer_group"):
		if filters.get(field):
			where.append(f"c.{field} = %({field})s")
			values[field] = filters.get(field)
	data = frappe.db.sql(
		f"""SELECT m.customer, c.territory, c.crms_lifecycle_stage AS lifecycle_stage, m.churn_risk,
			m.churn_recency, m.churn_gap, m.churn_trend, m.recency_days, m.avg_gap_days, m.frequency,
			m.last_purchase, m.revenue_12m, m.clv, m.segment
		FROM `tabCRMS Customer Metrics` m JOIN tabCustomer c ON c.name = m.customer
		WHERE {" AND ".join(where)}
		ORDER BY m.churn_risk DESC, m.clv DESC, m.customer LIMIT %(limit)s""",
		values,
		as_dict=True,
	)
	p = params()
	for row in data:
		row.reasons = "; ".join(REASON_TEXT[code](args) for code, args in churn_reason_codes(row, p))
		row.segment = _(row.segment) if row.segment else row.segment
		row.lifecycle_stage = _(row.lifecycle_stage) if row.lifecycle_stage else row.lifecycle_stage
	return data
