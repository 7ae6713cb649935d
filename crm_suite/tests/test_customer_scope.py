"""Rows about a customer (metrics, lifecycle log, care log, merge log) follow the Customer's read
permission on every read path, for a Sales User restricted to one territory by a User Permission."""

import csv
import io
import json

import frappe
from frappe.utils import random_string

from crm_suite.customer_360.lifecycle import sync_customer
from crm_suite.permissions.customer_scope import (
	SCOPED_DOCTYPES,
	customer_condition,
	query_conditions,
)
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_territory, make_user, restrict_to_territory

REP = "crms-scope-rep@example.com"
MANAGER = "crms-scope-manager@example.com"
AGENT = "crms-scope-agent@example.com"
FREE_REP = "crms-scope-free@example.com"
LOG = "CRMS Lifecycle Transition"


class TestCustomerScope(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.mine = make_territory("_Test CRMS Scope Mine")
		cls.other = make_territory("_Test CRMS Scope Other")
		make_user(REP, ("Sales User",))
		make_user(MANAGER, ("Sales Manager",))
		make_user(AGENT, ("Support Team", "Sales User"))
		make_user(FREE_REP, ("Sales User",))
		frappe.db.delete("User Permission", {"user": FREE_REP})
		restrict_to_territory(REP, cls.mine)
		restrict_to_territory(MANAGER, cls.mine)
		restrict_to_territory(AGENT, cls.mine)
		cls.tag = random_string(6)
		cls.own = make_customer(customer_name=f"_Test CRMS Scope Own {cls.tag}", territory=cls.mine).name
		cls.foreign = make_customer(
			customer_name=f"_Test CRMS Scope Foreign {cls.tag}", territory=cls.other
		).name
		cls.both = [cls.own, cls.foreign]
		cls.rows = {doctype: {} for doctype in SCOPED_DOCTYPES}
		for customer in cls.both:
			sync_customer(customer)
			cls.rows[LOG][customer] = frappe.db.get_value(LOG, {"customer": customer})
			cls.rows["CRMS Customer Metrics"][customer] = (
				frappe.get_doc({"doctype": "CRMS Customer Metrics", "customer": customer, "frequency": 1})
				.insert(ignore_permissions=True)
				.name
			)
			cls.rows["CRMS Care Log"][customer] = (
				frappe.get_doc(
					{
						"doctype": "CRMS Care Log",
						"key": f"_test|{customer}",
						"customer": customer,
						"action": "ToDo",
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			cls.rows["CRMS Survey Response"][customer] = (
				frappe.get_doc(
					{
						"doctype": "CRMS Survey Response",
						"survey_type": "NPS",
						"customer": customer,
						"token_hash": random_string(40),
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			cls.rows["CRMS Merge Log"][customer] = (
				frappe.get_doc(
					{
						"doctype": "CRMS Merge Log",
						"merged_doctype": "Customer",
						"merged_record": f"_Test CRMS gone {random_string(6)}",
						"survivor": customer,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)

	def setUp(self):
		frappe.set_user(REP)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.form_dict = frappe._dict()

	def user_for(self, doctype: str) -> str:
		"""Merge logs are for Sales Managers only; the manager has the same territory restriction."""
		return {"CRMS Merge Log": MANAGER, "CRMS Survey Response": AGENT}.get(doctype, REP)

	def names(self, doctype: str, customers=None) -> list[str]:
		return [self.rows[doctype][c] for c in customers or self.both]

	def test_rows_exist_for_both_customers(self):
		for doctype in SCOPED_DOCTYPES:
			self.assertTrue(all(self.names(doctype)), doctype)

	def test_list_shows_only_own_territory(self):
		for doctype in SCOPED_DOCTYPES:
			frappe.set_user(self.user_for(doctype))
			got = frappe.get_list(doctype, filters={"name": ["in", self.names(doctype)]}, pluck="name")
			self.assertEqual(got, self.names(doctype, [self.own]), doctype)

	def test_get_and_has_permission_refuse_other_territory(self):
		from frappe.client import get

		for doctype in SCOPED_DOCTYPES:
			frappe.set_user(self.user_for(doctype))
			own, foreign = self.names(doctype)
			self.assertTrue(frappe.has_permission(doctype, "read", own), doctype)
			self.assertFalse(frappe.has_permission(doctype, "read", foreign), doctype)
			frappe.get_doc(doctype, own).check_permission("read")
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				frappe.get_doc(doctype, foreign).check_permission("read")
			self.assertEqual(get(doctype, own)["name"], own)
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				get(doctype, foreign)
		frappe.clear_messages()

	def test_counts_include_only_own_territory(self):
		from frappe.desk.reportview import get_count
		from frappe.handler import execute_cmd

		for doctype in SCOPED_DOCTYPES:
			frappe.set_user(self.user_for(doctype))
			filters = json.dumps({"name": ["in", self.names(doctype)]})
			frappe.local.form_dict = frappe._dict(doctype=doctype, filters=filters)
			self.assertEqual(get_count(), 1, doctype)
			# REST /api/method/frappe.client.get_count goes through our override
			frappe.local.form_dict = frappe._dict(doctype=doctype, filters=filters)
			frappe.local.request = frappe._dict(method="GET")
			try:
				self.assertEqual(execute_cmd("frappe.client.get_count"), 1, doctype)
			finally:
				del frappe.local.request
			rows = frappe.get_list(
				doctype, filters={"name": ["in", self.names(doctype)]}, fields=["count(name) as n"]
			)
			self.assertEqual(rows[0].n, 1, doctype)

	def test_get_count_override_leaves_other_doctypes_alone(self):
		from crm_suite.permissions.customer_scope import get_count

		frappe.set_user("Administrator")
		self.assertEqual(
			get_count("Customer", {"name": ["in", self.both]}),
			frappe.db.count("Customer", {"name": ["in", self.both]}),
		)

	def test_group_by_sidebar_counts_only_own_territory(self):
		from frappe.desk.listview import get_group_by_count

		for doctype in SCOPED_DOCTYPES:
			frappe.set_user(self.user_for(doctype))
			field = "survivor" if doctype == "CRMS Merge Log" else "customer"
			data = get_group_by_count(doctype, json.dumps({"name": ["in", self.names(doctype)]}), field)
			self.assertEqual([(d.name, d.count) for d in data], [(self.own, 1)], doctype)

	def test_link_search_finds_only_own_territory(self):
		from frappe.desk.search import search_link

		found = {r["value"] for r in search_link("Customer", self.tag, page_length=20)}
		self.assertEqual(found, {self.own})

	def test_print_is_refused_for_other_territory(self):
		for doctype in SCOPED_DOCTYPES:
			frappe.set_user(self.user_for(doctype))
			own, foreign = self.names(doctype)
			self.assertIn(own, frappe.get_print(doctype, own))
			with self.assertRaises((frappe.PermissionError, frappe.DoesNotExistError), msg=doctype):
				frappe.get_print(doctype, foreign)
		frappe.clear_messages()

	def test_export_contains_only_own_territory(self):
		from frappe.desk.reportview import export_query

		for doctype in ("CRMS Customer Metrics", LOG, "CRMS Merge Log"):
			frappe.set_user(self.user_for(doctype))
			field = "survivor" if doctype == "CRMS Merge Log" else "customer"
			frappe.local.form_dict = frappe._dict(
				doctype=doctype,
				fields=json.dumps([f"`tab{doctype}`.`name`", f"`tab{doctype}`.`{field}`"]),
				filters=json.dumps([[doctype, "name", "in", self.names(doctype)]]),
				file_format_type="CSV",
				title="export",
			)
			export_query()
			content = frappe.response.pop("filecontent")
			frappe.response.pop("type", None)
			rows = list(csv.reader(io.StringIO(content.decode() if isinstance(content, bytes) else content)))
			flat = {cell for row in rows for cell in row}
			self.assertIn(self.own, flat, doctype)
			self.assertNotIn(self.foreign, flat, doctype)

	def test_rest_list_and_get(self):
		from frappe.client import get_list

		for doctype in SCOPED_DOCTYPES:
			frappe.set_user(self.user_for(doctype))
			got = get_list(doctype, fields=["name"], filters={"name": ["in", self.names(doctype)]})
			self.assertEqual([r["name"] for r in got], self.names(doctype, [self.own]), doctype)

	def test_lifecycle_funnel_counts_only_own_territory(self):
		from crm_suite.customer_analytics.report.lifecycle_funnel.lifecycle_funnel import execute

		def customers_now(territory):
			_columns, data, *_rest = execute({"territory": territory})
			return sum(r["current"] for r in data)

		self.assertEqual(customers_now(self.other), 0)
		self.assertGreaterEqual(customers_now(self.mine), 1)
		_columns, rows = execute({"territory": self.other, "view": "Transitions"})
		self.assertEqual(rows, [])
		frappe.set_user("Administrator")
		self.assertGreaterEqual(customers_now(self.other), 1)

	def test_customer_360_reports_show_only_own_territory(self):
		from crm_suite.customer_360.report.data_quality.data_quality import execute as data_quality
		from crm_suite.customer_360.report.my_follow_ups.my_follow_ups import execute as my_follow_ups

		_columns, data, *_rest = data_quality({"doctype": "Customer", "territory": self.other})
		self.assertEqual(sum(r["records"] for r in data), 0)
		_columns, data, *_rest = data_quality({"doctype": "Customer", "territory": self.mine})
		self.assertGreaterEqual(sum(r["records"] for r in data), 1)

		frappe.set_user("Administrator")
		for customer in self.both:
			frappe.db.set_value(
				"Customer",
				customer,
				{"crms_next_follow_up": frappe.utils.nowdate(), "crms_follow_up_owner": REP},
			)
		frappe.set_user(REP)
		_columns, data = my_follow_ups({})
		names = {r["reference_name"] for r in data}
		self.assertIn(self.own, names)
		self.assertNotIn(self.foreign, names)

	def test_unrestricted_users_get_no_extra_condition(self):
		frappe.set_user("Administrator")
		self.assertEqual(query_conditions(FREE_REP, LOG), "")
		self.assertEqual(query_conditions("Administrator", LOG), "")
		self.assertEqual(customer_condition(FREE_REP, "t.customer"), "1=1")
		frappe.set_user(FREE_REP)
		got = frappe.get_list(LOG, filters={"name": ["in", self.names(LOG)]}, pluck="name")
		self.assertEqual(sorted(got), sorted(self.names(LOG)))
		self.assertTrue(frappe.has_permission(LOG, "read", self.rows[LOG][self.foreign]))

	def test_customer_condition_helper_in_a_report_query(self):
		condition = customer_condition(REP, "t.customer", with_params=True)
		rows = frappe.db.sql(
			f"select distinct t.customer from `tab{LOG}` t where t.customer in %(c)s and {condition}",
			{"c": self.both},
			pluck=True,
		)
		self.assertEqual(rows, [self.own])
		with self.assertRaises(frappe.ValidationError):
			customer_condition(REP, "t.customer; drop table x")
		frappe.clear_messages()

	def test_user_without_customer_read_sees_no_customer_rows(self):
		frappe.set_user("Administrator")
		nobody = make_user("crms-scope-nobody@example.com", ("Blogger",))
		frappe.db.delete("User Permission", {"user": nobody})
		self.assertEqual(customer_condition(nobody, "t.customer"), "1=0")
		self.assertEqual(
			query_conditions(nobody, LOG), "(ifnull(`tabCRMS Lifecycle Transition`.`customer`, '') = '')"
		)
