"""Factories for integration tests (not named test_*.py, so the runner does not import it as tests)."""

import frappe
from frappe.utils import random_string

from crm_suite.setup.bootstrap import default_company


def make_customer(**kwargs) -> "frappe.model.document.Document":
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": kwargs.pop("customer_name", None) or f"_Test CRMS {random_string(8)}",
			"customer_type": "Company",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			**kwargs,
		}
	)
	return doc.insert(ignore_permissions=True)


def company() -> str:
	return default_company()
