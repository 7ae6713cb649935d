"""Follow-ups: one open ToDo per record kept in step with date and owner; daily reminders; report."""

import frappe
from frappe.utils import add_days, nowdate

from crm_suite.customer_360.follow_up import daily_reminders, my_follow_ups
from crm_suite.customer_360.report.my_follow_ups.my_follow_ups import execute
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_lead, make_user


def open_follow_up_todos(doctype, name):
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": doctype, "reference_name": name, "crms_follow_up": 1, "status": "Open"},
		fields=["name", "allocated_to", "date"],
	)


class TestFollowUp(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.alice = make_user("crms-fu-alice@example.com", ("Sales User",))
		self.bob = make_user("crms-fu-bob@example.com", ("Sales User",))

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_todo_created_moved_and_closed(self):
		customer = make_customer()
		self.assertEqual(open_follow_up_todos("Customer", customer.name), [])
		customer.crms_next_follow_up = add_days(nowdate(), 3)
		customer.crms_follow_up_owner = self.alice
		customer.save()
		todos = open_follow_up_todos("Customer", customer.name)
		self.assertEqual(len(todos), 1)
		self.assertEqual(todos[0].allocated_to, self.alice)
		first = todos[0].name

		customer.crms_next_follow_up = add_days(nowdate(), 5)
		customer.crms_follow_up_owner = self.bob
		customer.save()
		todos = open_follow_up_todos("Customer", customer.name)
		self.assertEqual(
			[(t.name, t.allocated_to, str(t.date)) for t in todos],
			[(first, self.bob, add_days(nowdate(), 5))],
		)

		customer.crms_next_follow_up = None
		customer.save()
		self.assertEqual(open_follow_up_todos("Customer", customer.name), [])
		self.assertEqual(frappe.db.get_value("ToDo", first, "status"), "Cancelled")

	def test_unrelated_saves_do_not_touch_todos_and_other_assignments_stay(self):
		lead = make_lead(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.alice)
		todos = open_follow_up_todos("Lead", lead.name)
		self.assertEqual(len(todos), 1)
		manual = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": self.bob,
				"reference_type": "Lead",
				"reference_name": lead.name,
				"description": "x",
			}
		).insert(ignore_permissions=True)
		lead.reload()
		lead.job_title = "Buyer"
		before = frappe.db.get_value("ToDo", todos[0].name, "modified")
		lead.save()
		self.assertEqual(open_follow_up_todos("Lead", lead.name), todos)
		self.assertEqual(frappe.db.get_value("ToDo", todos[0].name, "modified"), before)
		lead.reload()
		lead.crms_follow_up_owner = None
		lead.save()
		self.assertEqual(open_follow_up_todos("Lead", lead.name), [])
		self.assertEqual(frappe.db.get_value("ToDo", manual.name, "status"), "Open")

	def test_daily_reminders_once_per_day(self):
		overdue = make_customer(crms_next_follow_up=add_days(nowdate(), -2), crms_follow_up_owner=self.alice)
		today = make_customer(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.alice)
		later = make_customer(crms_next_follow_up=add_days(nowdate(), 4), crms_follow_up_owner=self.alice)

		def logs(name):
			return frappe.db.count(
				"Notification Log",
				{"for_user": self.alice, "document_type": "Customer", "document_name": name},
			)

		daily_reminders()
		daily_reminders()
		self.assertEqual((logs(overdue.name), logs(today.name), logs(later.name)), (1, 1, 0))

	def test_my_follow_ups_buckets_and_permissions(self):
		mine = make_customer(crms_next_follow_up=add_days(nowdate(), -1), crms_follow_up_owner=self.alice)
		theirs = make_customer(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.bob)
		lead = make_lead(crms_next_follow_up=add_days(nowdate(), 2), crms_follow_up_owner=self.alice)
		frappe.set_user(self.alice)
		rows = my_follow_ups()
		got = [(r["reference_doctype"], r["reference_name"], r["bucket"]) for r in rows]
		self.assertIn(("Customer", mine.name, "Overdue"), got)
		self.assertIn(("Lead", lead.name, "Upcoming"), got)
		self.assertNotIn(theirs.name, [r["reference_name"] for r in rows])
		columns, data = execute({"bucket": "Overdue"})
		self.assertTrue(columns)
		self.assertIn(mine.name, [r["reference_name"] for r in data])
		self.assertNotIn(lead.name, [r["reference_name"] for r in data])

		# a user without read on Lead does not get Lead rows
		frappe.set_user("Administrator")
		make_user(self.alice, ("Accounts User",))
		frappe.set_user(self.alice)
		self.assertNotIn("Lead", {r["reference_doctype"] for r in my_follow_ups()})

	def test_sync_costs_no_query_when_follow_up_fields_are_unchanged(self):
		from crm_suite.customer_360.follow_up import sync_follow_up

		customer = make_customer(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.alice)
		doc = frappe.get_doc("Customer", customer.name)
		doc._doc_before_save = frappe.get_doc("Customer", customer.name)
		doc.website = "https://example.com"
		with self.assertQueryCount(0):
			sync_follow_up(doc)

	def test_opportunity_follow_up(self):
		customer = make_customer()
		opp = frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": "Customer",
				"party_name": customer.name,
				"crms_next_follow_up": nowdate(),
				"crms_follow_up_owner": self.bob,
			}
		).insert(ignore_permissions=True)
		todos = open_follow_up_todos("Opportunity", opp.name)
		self.assertEqual([t.allocated_to for t in todos], [self.bob])

	# -- the follow-up ends: ToDo closed, cancelled or deleted; record finished -------------------

	def reminders_for(self, doctype, name):
		return frappe.db.count("Notification Log", {"document_type": doctype, "document_name": name})

	def assert_follow_up_cleared(self, doctype, name):
		values = frappe.db.get_value(doctype, name, ["crms_next_follow_up", "crms_follow_up_owner"])
		self.assertEqual(tuple(values), (None, None), f"{doctype} {name}")
		self.assertEqual(open_follow_up_todos(doctype, name), [])

	def test_closing_the_todo_clears_the_follow_up_and_stops_reminders(self):
		customer = make_customer(crms_next_follow_up=add_days(nowdate(), -1), crms_follow_up_owner=self.alice)
		todo = frappe.get_doc("ToDo", open_follow_up_todos("Customer", customer.name)[0].name)
		todo.status = "Closed"
		todo.save(ignore_permissions=True)
		self.assert_follow_up_cleared("Customer", customer.name)
		daily_reminders()
		self.assertEqual(self.reminders_for("Customer", customer.name), 0)

	def test_removing_the_assignment_clears_the_follow_up(self):
		from frappe.desk.form.assign_to import remove

		lead = make_lead(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.bob)
		self.assertEqual(len(open_follow_up_todos("Lead", lead.name)), 1)
		remove("Lead", lead.name, self.bob)  # the desk's "remove assignment": ToDo -> Cancelled
		self.assert_follow_up_cleared("Lead", lead.name)

	def test_deleting_the_open_todo_clears_the_follow_up(self):
		customer = make_customer(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.alice)
		frappe.delete_doc(
			"ToDo", open_follow_up_todos("Customer", customer.name)[0].name, ignore_permissions=True
		)
		self.assert_follow_up_cleared("Customer", customer.name)

	def test_moving_the_follow_up_keeps_it(self):
		customer = make_customer(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.alice)
		customer.reload()
		customer.crms_follow_up_owner = self.bob
		customer.save()
		self.assertEqual(frappe.db.get_value("Customer", customer.name, "crms_follow_up_owner"), self.bob)
		self.assertEqual(
			[t.allocated_to for t in open_follow_up_todos("Customer", customer.name)], [self.bob]
		)

	def test_disabling_a_customer_ends_its_follow_up(self):
		customer = make_customer(crms_next_follow_up=add_days(nowdate(), -1), crms_follow_up_owner=self.alice)
		customer.reload()
		customer.disabled = 1
		customer.save()
		self.assert_follow_up_cleared("Customer", customer.name)
		daily_reminders()
		self.assertEqual(self.reminders_for("Customer", customer.name), 0)

	def test_lost_opportunity_ends_its_follow_up(self):
		customer = make_customer()
		opp = frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": "Customer",
				"party_name": customer.name,
				"crms_next_follow_up": nowdate(),
				"crms_follow_up_owner": self.bob,
			}
		).insert(ignore_permissions=True)
		opp.declare_enquiry_lost([], [])
		self.assert_follow_up_cleared("Opportunity", opp.name)

	def test_records_finished_without_a_save_get_no_reminder_and_lose_the_follow_up(self):
		lead = make_lead(crms_next_follow_up=add_days(nowdate(), -3), crms_follow_up_owner=self.alice)
		converted = make_lead(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.alice)
		customer = make_customer()
		opp = frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": "Customer",
				"party_name": customer.name,
				"crms_next_follow_up": nowdate(),
				"crms_follow_up_owner": self.bob,
			}
		).insert(ignore_permissions=True)
		open_lead = make_lead(crms_next_follow_up=nowdate(), crms_follow_up_owner=self.alice)
		# statuses ERPNext sets with db_set / set_value: no save, no on_update
		frappe.db.set_value("Lead", lead.name, "status", "Do Not Contact")
		frappe.db.set_value("Lead", converted.name, "status", "Converted")
		frappe.db.set_value("Opportunity", opp.name, "status", "Closed")
		frappe.set_user(self.alice)
		self.assertNotIn(lead.name, [r["reference_name"] for r in my_follow_ups()])
		frappe.set_user("Administrator")
		daily_reminders()
		for doctype, name in (("Lead", lead.name), ("Lead", converted.name), ("Opportunity", opp.name)):
			self.assertEqual(self.reminders_for(doctype, name), 0, name)
			self.assert_follow_up_cleared(doctype, name)
		self.assertEqual(self.reminders_for("Lead", open_lead.name), 1)
