"""A sales rep restricted to some territories (User Permission) sees only those customers, everywhere.

Frappe applies User Permissions in lists, link search and print; these tests pin that down for the
Customer picture so a change in ERPNext or in our own code cannot silently widen what a rep sees.
"""

import frappe
from frappe.utils import random_string

from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_sales_invoice, make_user

REP = "crms-territory-rep@example.com"  # Sales User + Accounts User, restricted to one territory
UNRESTRICTED = "crms-territory-all@example.com"  # the same roles, no User Permission
ROLES = ("Sales User", "Accounts User")


def make_territory(name: str) -> str:
	if not frappe.db.exists("Territory", name):
		root = frappe.db.get_value("Territory", {"is_group": 1, "parent_territory": ("in", ("", None))})
		frappe.get_doc({"doctype": "Territory", "territory_name": name, "parent_territory": root}).insert(
			ignore_permissions=True
		)
	return name


class TestTerritoryPermissions(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.mine = make_territory("_Test CRMS Territory Mine")
		cls.other = make_territory("_Test CRMS Territory Other")
		make_user(REP, roles=ROLES)
		make_user(UNRESTRICTED, roles=ROLES)
		frappe.db.delete("User Permission", {"user": ("in", (REP, UNRESTRICTED))})
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": REP,
				"allow": "Territory",
				"for_value": cls.mine,
				"apply_to_all_doctypes": 1,
			}
		).insert(ignore_permissions=True)
		tag = random_string(6)
		cls.own = make_customer(customer_name=f"_Test CRMS Own {tag}", territory=cls.mine).name
		cls.foreign = make_customer(customer_name=f"_Test CRMS Foreign {tag}", territory=cls.other).name
		cls.own_invoice = make_sales_invoice(cls.own, amount=10).name
		cls.foreign_invoice = make_sales_invoice(cls.foreign, amount=10).name
		cls.tag = tag

	def setUp(self):
		frappe.set_user(REP)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_runs_as_a_plain_sales_user(self):
		"""Every test here acts as the rep: a Sales User, not Administrator, Guest or a manager."""
		self.assertEqual(frappe.session.user, REP)
		roles = set(frappe.get_roles())
		self.assertIn("Sales User", roles)
		self.assertFalse(roles & {"System Manager", "Sales Manager", "Administrator"}, roles)
		self.assertEqual(
			frappe.get_all("User Permission", filters={"user": REP}, pluck="for_value"), [self.mine]
		)

	def test_sales_user_without_restriction_sees_both_customers(self):
		"""The control: the same roles without a User Permission see both, so what hides the other
		territory below is the restriction, not a missing role permission."""
		frappe.set_user(UNRESTRICTED)
		self.assertIn("Sales User", frappe.get_roles())
		names = frappe.get_list("Customer", filters={"customer_name": ("like", f"%{self.tag}")}, pluck="name")
		self.assertEqual(set(names), {self.own, self.foreign})
		self.assertTrue(frappe.has_permission("Customer", "read", self.foreign))
		invoices = frappe.get_list(
			"Sales Invoice", filters={"name": ("in", [self.own_invoice, self.foreign_invoice])}, pluck="name"
		)
		self.assertEqual(set(invoices), {self.own_invoice, self.foreign_invoice})

	def test_customer_list_shows_only_own_territory(self):
		names = frappe.get_list("Customer", filters={"customer_name": ("like", f"%{self.tag}")}, pluck="name")
		self.assertEqual(names, [self.own])

	def test_form_read_is_refused_for_other_territory(self):
		self.assertTrue(frappe.has_permission("Customer", "read", self.own))
		self.assertFalse(frappe.has_permission("Customer", "read", self.foreign))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Customer", self.foreign).check_permission("read")

	def test_link_search_hides_other_territory(self):
		from frappe.desk.search import search_widget

		results = search_widget("Customer", self.tag, page_length=20)
		found = {r[0] if isinstance(r, list | tuple) else r.get("value") for r in results}
		self.assertIn(self.own, found)
		self.assertNotIn(self.foreign, found)

	def test_print_is_refused_for_other_territory(self):
		# frappe answers "not found" rather than "forbidden", so the record's existence does not leak
		self.assertTrue(frappe.db.exists("Customer", self.foreign))  # it is there, just not for REP
		self.assertTrue(frappe.get_print("Customer", self.own))
		with self.assertRaises((frappe.PermissionError, frappe.DoesNotExistError)):
			frappe.get_print("Customer", self.foreign)

	def test_invoices_of_other_territory_are_hidden(self):
		names = frappe.get_list(
			"Sales Invoice", filters={"name": ("in", [self.own_invoice, self.foreign_invoice])}, pluck="name"
		)
		self.assertEqual(names, [self.own_invoice])
