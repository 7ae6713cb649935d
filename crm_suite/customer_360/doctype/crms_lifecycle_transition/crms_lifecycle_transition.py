# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CRMSLifecycleTransition(Document):
	"""One row of a customer's replayed stage history, written by customer_360.lifecycle only."""


def on_doctype_update():
	frappe.db.add_index("CRMS Lifecycle Transition", ["customer", "sequence"])
	frappe.db.add_index("CRMS Lifecycle Transition", ["transition_date", "to_stage"])
