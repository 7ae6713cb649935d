# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""How good is the CLV / churn model on this site's own history? Fit BG/NBD + Gamma-Gamma on the
purchases up to a cut-off date, predict the period after it, and compare with what happened."""

import frappe
from frappe import _
from frappe.utils import getdate

from crm_suite.customer_analytics.metrics import permitted_customers_sql
from crm_suite.engine import clv


def execute(filters=None):
	filters = frappe._dict(filters or {})
	company, cutoff, end = _validate(filters)
	purchases = _purchases(company, end)
	if not purchases:
		return _columns(), [], _("No submitted Sales Invoices for {0} up to {1}.").format(company, end)
	result = clv.backtest(purchases, cutoff, end)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	return _columns(), _rows(result, currency), _message(result), _chart(result)


def _validate(filters):
	if not filters.get("company") or not filters.get("cutoff") or not filters.get("end"):
		frappe.throw(_("Company, Fit Up To and Compare Up To are required."))
	cutoff, end = getdate(filters.cutoff), getdate(filters.end)
	if cutoff >= end:
		frappe.throw(_("Compare Up To must be after Fit Up To."))
	frappe.has_permission("Company", "read", filters.company, throw=True)
	return filters.company, cutoff, end


def _purchases(company: str, end) -> list[tuple]:
	"""Net purchase amounts in the company's currency (returns are not purchases), restricted to the
	customers the user may read."""
	rows = frappe.db.sql(
		f"""SELECT customer, posting_date, base_net_total FROM `tabSales Invoice`
		WHERE docstatus = 1 AND is_return = 0 AND company = %(company)s AND posting_date <= %(end)s
			AND customer IN ({permitted_customers_sql()})""",
		{"company": company, "end": end},
	)
	return [(c, getdate(d), float(a or 0)) for c, d, a in rows]


def _columns():
	return [
		{"fieldname": "measure", "label": _("Measure"), "fieldtype": "Data", "width": 300},
		{"fieldname": "value", "label": _("Value"), "fieldtype": "Data", "width": 160},
		{"fieldname": "baseline", "label": _("Baseline"), "fieldtype": "Data", "width": 160},
		{"fieldname": "note", "label": _("What It Means"), "fieldtype": "Data", "width": 420},
	]


def _fmt_money(value, currency):
	return frappe.utils.fmt_money(value, currency=currency)


def _rows(r: dict, currency: str) -> list[dict]:
	def pct(x):
		return f"{x * 100:+.1f}%" if x is not None else ""

	return [
		{"measure": _("Customers in the fit"), "value": str(r["customers"]), "note": ""},
		{
			"measure": _("Predicted revenue after the cut-off"),
			"value": _fmt_money(r["predicted_revenue"], currency),
			"note": _("Expected purchases x expected spend, summed over customers."),
		},
		{
			"measure": _("Actual revenue after the cut-off"),
			"value": _fmt_money(r["actual_revenue"], currency),
			"note": _("From the same customers only (new customers are not predicted)."),
		},
		{
			"measure": _("Revenue error"),
			"value": pct(r["revenue_error"]),
			"note": _("Within about 15% is good for a customer base's total."),
		},
		{
			"measure": _("Rank correlation (Spearman)"),
			"value": f"{r['spearman']:.3f}",
			"note": _("How well the predicted order of customers matches the actual one (1 = perfect)."),
		},
		{
			"measure": _("Top-20% capture"),
			"value": f"{r['top20_capture'] * 100:.1f}%",
			"note": _("Share of the actual top 20% customers that the model also put in its top 20%."),
		},
		{
			"measure": _("Churn AUC"),
			"value": f"{r['churn_auc']:.3f}",
			"baseline": f"{r['churn_auc_recency_baseline']:.3f}",
			"note": _(
				"How well the churn risk separates customers who did not buy again; baseline: days since the last purchase alone."
			),
		},
	]


def _message(r: dict) -> str:
	m = r["model"]
	fitted = _("fitted") if m.get("fitted") else _("built-in priors (too little history)")
	return _(
		"BG/NBD r={0}, alpha={1} weeks, a={2}, b={3}; Gamma-Gamma p={4}, q={5}, v={6} ({7})."
	).format(
		round(m["r"], 3),
		round(m["alpha"], 2),
		round(m["a"], 3),
		round(m["b"], 3),
		round(m["p"], 2),
		round(m["q"], 2),
		round(m["v"], 2),
		fitted,
	)


def _chart(r: dict) -> dict:
	deciles = r.get("deciles") or []
	return {
		"data": {
			"labels": [str(d["decile"]) for d in deciles],
			"datasets": [
				{"name": _("Predicted"), "values": [d["predicted"] for d in deciles]},
				{"name": _("Actual"), "values": [d["actual"] for d in deciles]},
			],
		},
		"type": "bar",
		"title": _("Revenue by predicted decile (1 = most valuable)"),
	}
