"""Every edit of customer data keeps a Version, so an original value is never lost (issue 3, profile)."""

import json

import frappe

from crm_suite.setup.custom_fields import PROPERTY_SETTERS
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_contact, make_customer, make_lead


def _last_change(doctype: str, name: str, field: str):
	versions = frappe.get_all(
		"Version",
		filters={"ref_doctype": doctype, "docname": name},
		fields=["data"],
		order_by="creation desc",
	)
	for v in versions:
		for fieldname, old, new in json.loads(v.data).get("changed", []):
			if fieldname == field:
				return old, new
	return None


class TestChangeTracking(CRMSuiteTestCase):
	def test_track_changes_is_on_for_customer_data(self):
		for doctype in ("Customer", "Contact", "Lead", "Opportunity"):
			self.assertTrue(frappe.get_meta(doctype).track_changes, doctype)
		self.assertIn(("Contact", "track_changes", "1", "Check"), PROPERTY_SETTERS)

	def test_edits_keep_the_original_value(self):
		customer = make_customer(crms_tier="Normal")
		customer.crms_tier = "VIP"
		customer.save(ignore_permissions=True, ignore_version=False)  # tests skip Versions by default
		self.assertEqual(_last_change("Customer", customer.name, "crms_tier"), ("Normal", "VIP"))

		contact = make_contact(first_name="Original", customer=customer.name)
		contact.first_name = "Renamed"
		contact.save(ignore_permissions=True, ignore_version=False)  # tests skip Versions by default
		self.assertEqual(_last_change("Contact", contact.name, "first_name"), ("Original", "Renamed"))

		lead = make_lead(company_name="Old Name Ltd")
		lead.company_name = "New Name Ltd"
		lead.save(ignore_permissions=True, ignore_version=False)  # tests skip Versions by default
		self.assertEqual(_last_change("Lead", lead.name, "company_name"), ("Old Name Ltd", "New Name Ltd"))
