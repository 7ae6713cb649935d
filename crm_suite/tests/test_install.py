import frappe
from frappe.utils import getdate, nowdate

from crm_suite.setup.custom_fields import get_custom_fields, iter_fieldnames
from crm_suite.setup.install import setup
from crm_suite.setup.roles import role_names
from crm_suite.tests import CRMSuiteTestCase


class TestInstall(CRMSuiteTestCase):
	def test_custom_fields_are_in_erpnext_meta(self):
		from frappe.model import no_value_fields

		for doctype, fieldname in iter_fieldnames():
			df = frappe.get_meta(doctype).get_field(fieldname)
			self.assertIsNotNone(df, f"{doctype}.{fieldname}")
			if df.fieldtype not in no_value_fields:
				self.assertTrue(frappe.db.has_column(doctype, fieldname), f"{doctype}.{fieldname}")

	def test_roles_exist(self):
		for role in role_names():
			self.assertTrue(frappe.db.exists("Role", role), role)

	def test_modules_and_workspace_belong_to_the_app(self):
		modules = frappe.get_all("Module Def", filters={"app_name": "crm_suite"}, pluck="name")
		self.assertEqual(set(modules), set(frappe.get_module_list("crm_suite")))
		self.assertNotIn("CRM", modules)
		ws = frappe.get_doc("Workspace", "CRM Suite")
		self.assertEqual(ws.module, "CRM Suite")
		self.assertTrue(ws.public)
		for link in ws.links:
			if link.type == "Link" and link.link_type == "DocType":
				self.assertTrue(frappe.db.exists("DocType", link.link_to), link.link_to)
			elif link.type == "Link" and link.link_type == "Report":
				self.assertTrue(frappe.db.exists("Report", link.link_to), link.link_to)

	def test_setup_is_idempotent(self):
		ours = {"fieldname": ("in", [fn for _dt, fn in iter_fieldnames()])}
		before = frappe.get_all("Custom Field", filters=ours, fields=["name", "modified"])
		setup()
		setup()
		after = frappe.get_all("Custom Field", filters=ours, fields=["name", "modified"])
		self.assertEqual(sorted(map(tuple, before)), sorted(map(tuple, after)))
		self.assertEqual(len(after), sum(len(f) for f in get_custom_fields().values()))

	def test_setup_restores_a_changed_field_definition(self):
		name = frappe.db.get_value("Custom Field", {"dt": "Customer", "fieldname": "crms_tier"})
		frappe.db.set_value("Custom Field", name, "label", "Something Else")
		setup()
		self.assertEqual(frappe.db.get_value("Custom Field", name, "label"), "Tier")

	def test_setup_drops_retired_fields_but_not_foreign_ones(self):
		from frappe.custom.doctype.custom_field.custom_field import create_custom_field

		retired = create_custom_field(
			"Customer",
			{"fieldname": "crms_retired_field", "fieldtype": "Data", "insert_after": "crms_tab"},
		)
		frappe.db.set_value("Custom Field", retired.name, "module", "Customer 360")
		foreign = create_custom_field(
			"Customer", {"fieldname": "site_own_field", "fieldtype": "Data", "insert_after": "customer_name"}
		)
		setup()
		self.assertFalse(frappe.db.exists("Custom Field", retired.name))
		self.assertTrue(frappe.db.exists("Custom Field", foreign.name))
		frappe.delete_doc("Custom Field", foreign.name, force=True)

	def test_area_sections_keep_their_order_in_the_form(self):
		order = [df.fieldname for df in frappe.get_meta("Customer").fields]
		sections = [
			"crms_profile_section",
			"crms_lifecycle_section",
			"crms_follow_up_section",
			"crms_quality_section",
		]
		positions = [order.index(s) for s in sections]
		self.assertEqual(positions, sorted(positions))
		# each area's fields sit inside its own section
		self.assertLess(order.index("crms_profile_section"), order.index("crms_dnc_email"))
		self.assertLess(order.index("crms_dnc_email"), order.index("crms_lifecycle_section"))
		self.assertLess(order.index("crms_quality_section"), order.index("crms_quality_score"))

	def test_before_tests_made_erpnext_usable(self):
		company = frappe.db.get_single_value("Global Defaults", "default_company")
		self.assertTrue(company and frappe.db.exists("Company", company))
		year = getdate(nowdate()).year
		for y in range(year - 3, year + 2):
			self.assertTrue(
				frappe.db.exists(
					"Fiscal Year",
					{"year_start_date": ("<=", f"{y}-07-01"), "year_end_date": (">=", f"{y}-07-01")},
				),
				y,
			)
		currency = frappe.get_cached_value("Company", company, "default_currency")
		foreign = "EUR" if currency != "EUR" else "USD"
		self.assertTrue(
			frappe.db.exists("Currency Exchange", {"from_currency": foreign, "to_currency": currency})
		)
