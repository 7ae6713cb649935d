"""REST tickets are assigned by a background job after the commit: the job routes, assigns once, logs."""

import frappe

from crm_suite.service_desk import intake
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_service_team, make_user

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestDeferredAssignment(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_assign_later_assigns_once_and_logs_the_decision(self):
		agent = make_user("_test_deferred_agent@example.com", roles=("Support Team",))
		team = make_service_team(members=[{"user": agent, "capacity": 10}])
		doc = frappe.get_doc(
			{"doctype": "Issue", "subject": "Deferred routing", "crms_channel": "API", "crms_team": team.name}
		)
		doc.flags.crms_prepared = True  # what create_ticket sets: the intake hooks step aside
		doc.insert(ignore_permissions=True)
		self.assertFalse(frappe.get_all("ToDo", filters={"reference_name": doc.name}))

		intake.assign_later(doc.name)
		intake.assign_later(doc.name)  # a retried job does nothing more

		todos = frappe.get_all(
			"ToDo", filters={"reference_type": "Issue", "reference_name": doc.name}, pluck="allocated_to"
		)
		self.assertEqual(todos, [agent])
		logged = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Issue", "reference_name": doc.name, "comment_type": "Info"},
			pluck="content",
		)
		self.assertEqual(len(logged), 1, logged)
		self.assertIn(agent, logged[0])

	def test_assign_pending_drains_the_list_in_order(self):
		from frappe.utils.background_jobs import get_redis_conn

		agent = make_user("_test_deferred_agent@example.com", roles=("Support Team",))
		team = make_service_team(members=[{"user": agent, "capacity": 10}])
		names = []
		for i in range(3):
			doc = frappe.get_doc(
				{"doctype": "Issue", "subject": f"Pending {i}", "crms_channel": "API", "crms_team": team.name}
			)
			doc.flags.crms_prepared = True
			names.append(doc.insert(ignore_permissions=True).name)
		conn = get_redis_conn()
		key = intake._assign_key(intake.ASSIGN_PENDING)
		conn.delete(key)
		for name in [*names, "ISS-NO-SUCH-TICKET"]:
			conn.rpush(key, frappe.as_json([name, None, None], indent=None))

		self.assertEqual(intake.assign_pending(), 4)  # the missing ticket is skipped, not an error
		self.assertEqual(conn.llen(key), 0)
		for name in names:
			self.assertEqual(
				frappe.get_all("ToDo", filters={"reference_name": name}, pluck="allocated_to"), [agent]
			)
