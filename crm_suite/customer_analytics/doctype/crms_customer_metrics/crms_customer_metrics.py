# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

from frappe.model.document import Document


class CRMSCustomerMetrics(Document):
	"""One row per customer with a purchase, written set-based by customer_analytics.metrics.

	The Sales Invoice / Sales Order indexes the metrics read by are created (and dropped on uninstall)
	with the other indexes on ERPNext tables in crm_suite.setup.install (ERPNEXT_INDEXES)."""

