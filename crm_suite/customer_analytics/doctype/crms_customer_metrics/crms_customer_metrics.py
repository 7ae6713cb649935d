# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CRMSCustomerMetrics(Document):
	"""One row per customer with a purchase, written set-based by customer_analytics.metrics."""


def on_doctype_update():
	# the per-customer lookups of metrics, lifecycle and reports read invoices and orders by customer
	frappe.db.add_index(
		"Sales Invoice", ["customer", "docstatus", "posting_date"], "crms_customer_docstatus_date"
	)
	frappe.db.add_index(
		"Sales Order", ["customer", "docstatus", "transaction_date"], "crms_customer_docstatus_date"
	)
