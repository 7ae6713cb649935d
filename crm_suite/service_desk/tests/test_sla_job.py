"""The scheduled SLA re-evaluation: states, escalation once per level, set-based cost."""

from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.desk.form.assign_to import add as assign
from frappe.utils import get_datetime

from crm_suite.service_desk.sla import clear_policy_cache, reevaluate_open_tickets
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_issue, make_sla_policy, make_user

test_ignore = ["Customer", "Company", "Item"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

T0 = get_datetime("2030-05-06 08:00:00")
AGENT = "sla-agent@crms.test"
SUPERVISOR = "sla-supervisor@crms.test"
MANAGER = "sla-manager@crms.test"


def later(hours: float):
	return T0 + timedelta(hours=hours)


class TestSLAJob(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.set_value("CRMS SLA Policy", {"enabled": 1}, "enabled", 0)
		clear_policy_cache()
		make_user(AGENT, ("Support Team",))
		make_user(SUPERVISOR, ("Support Team", "Service Supervisor"))
		make_user(MANAGER, ("Support Team",))
		self.policy = make_sla_policy(
			is_default=1,
			response_hours=4,
			resolution_hours=8,
			supervisor_role="Service Supervisor",
			supervisor_user=None,
			manager_user=MANAGER,
			reassign_on_level_2=0,
		)

	def tearDown(self):
		frappe.db.rollback()
		clear_policy_cache()

	def ticket(self, **kwargs):
		issue = make_issue(priority="Low", service_level_agreement_creation=T0, **kwargs)
		assign({"assign_to": [AGENT], "doctype": "Issue", "name": issue.name}, ignore_permissions=True)
		return issue.name

	def state(self, name):
		return frappe.db.get_value(
			"Issue",
			name,
			["crms_sla_status", "crms_escalation_level", "crms_response_left_seconds"],
			as_dict=True,
		)

	def escalation_comments(self, name):
		return frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Issue", "reference_name": name, "content": ("like", "Escalated%")},
			pluck="content",
			order_by="creation asc",
		)

	def notified(self, user, name):
		return frappe.db.count("Notification Log", {"for_user": user, "document_name": name, "type": "Alert"})

	def test_warning_breach_and_escalation_once_per_level(self):
		name = self.ticket()
		reevaluate_open_tickets(now=later(1), names=[name])
		self.assertEqual(self.state(name).crms_sla_status, "Running")
		self.assertEqual(self.state(name).crms_response_left_seconds, 3 * 3600)
		self.assertEqual(self.escalation_comments(name), [])

		# 3.5 h of 4 h: warning, level 1 -> the assigned agent
		reevaluate_open_tickets(now=later(3.5), names=[name])
		self.assertEqual(self.state(name).crms_sla_status, "Warning")
		self.assertEqual(self.state(name).crms_escalation_level, 1)
		self.assertEqual(self.notified(AGENT, name), 1)
		comments = self.escalation_comments(name)
		self.assertEqual(len(comments), 1)
		self.assertIn("Escalated to level 1: first response 88% used", comments[0])

		# the next run at the same level escalates nothing
		reevaluate_open_tickets(now=later(3.6), names=[name])
		self.assertEqual(len(self.escalation_comments(name)), 1)
		self.assertEqual(self.notified(AGENT, name), 1)

		# 100 %: breached, level 2 -> the supervisor role
		reevaluate_open_tickets(now=later(4.5), names=[name])
		self.assertEqual(self.state(name).crms_sla_status, "Breached")
		self.assertEqual(self.state(name).crms_escalation_level, 2)
		self.assertEqual(self.notified(SUPERVISOR, name), 1)

		# 150 %: level 3 -> the manager; a save of a stale form never lowers the level
		reevaluate_open_tickets(now=later(6.5), names=[name])
		self.assertEqual(self.state(name).crms_escalation_level, 3)
		self.assertEqual(self.notified(MANAGER, name), 1)
		self.assertEqual(len(self.escalation_comments(name)), 3)
		issue = frappe.get_doc("Issue", name)
		issue.crms_escalation_level = 0
		issue.description = "stale form"
		issue.save()
		self.assertEqual(self.state(name).crms_escalation_level, 3)
		reevaluate_open_tickets(now=later(7), names=[name])
		self.assertEqual(len(self.escalation_comments(name)), 3)

	def test_a_jump_escalates_every_level_once_and_reassigns(self):
		self.policy.supervisor_user = SUPERVISOR
		self.policy.reassign_on_level_2 = 1
		self.policy.save()
		name = self.ticket()
		reevaluate_open_tickets(now=later(5), names=[name])  # straight from 0 to level 2
		comments = self.escalation_comments(name)
		self.assertEqual([c[:24] for c in comments], ["Escalated to level 1: fi", "Escalated to level 2: fi"])
		self.assertTrue(
			frappe.db.exists("ToDo", {"reference_name": name, "allocated_to": SUPERVISOR, "status": "Open"})
		)

	def test_first_response_and_pause_seen_by_the_job(self):
		name = self.ticket()
		# frappe sets first_responded_on and the status with db_set (no validate): the job must see both
		frappe.db.set_value("Issue", name, {"first_responded_on": later(1), "status": "Replied"})
		reevaluate_open_tickets(now=later(2), names=[name])
		values = frappe.db.get_value(
			"Issue", name, ["crms_sla_status", "crms_sla_paused_since", "crms_response_left_seconds"], as_dict=True
		)
		self.assertEqual(values.crms_sla_status, "Paused")
		self.assertEqual(get_datetime(values.crms_sla_paused_since), later(2))
		self.assertEqual(values.crms_response_left_seconds, 0)
		frappe.db.set_value("Issue", name, "status", "Open")
		reevaluate_open_tickets(now=later(5), names=[name])
		values = frappe.db.get_value(
			"Issue", name, ["crms_sla_status", "crms_sla_paused_seconds", "crms_resolution_due"], as_dict=True
		)
		self.assertEqual(values.crms_sla_paused_seconds, 3 * 3600)
		self.assertEqual(get_datetime(values.crms_resolution_due), later(11))
		frappe.db.set_value("Issue", name, "status", "Closed")
		reevaluate_open_tickets(now=later(6), names=[name])
		self.assertEqual(self.state(name).crms_sla_status, "Met")

	def test_cost_does_not_grow_with_the_number_of_tickets(self):
		names = [self.ticket() for _ in range(30)]
		reevaluate_open_tickets(now=later(1), names=names)
		# one read of the tickets, policies loaded once, one UPDATE per 2,000 tickets: no query per ticket
		with self.assertQueryCount(12):
			result = reevaluate_open_tickets(now=later(2), names=names)
		self.assertEqual(result["evaluated"], 30)
		self.assertEqual(result["updated"], 30)

	def test_scheduler_entry_enqueues_one_deduplicated_long_job(self):
		from crm_suite.service_desk.sla import JOB_ID, schedule_reevaluation

		with patch("frappe.enqueue") as enqueue:
			schedule_reevaluation()
		args, kwargs = enqueue.call_args
		self.assertEqual(args[0], "crm_suite.service_desk.sla.reevaluate_open_tickets")
		self.assertEqual((kwargs["queue"], kwargs["job_id"], kwargs["deduplicate"]), ("long", JOB_ID, True))
		hooks = frappe.get_hooks("scheduler_events")["cron"]["*/5 * * * *"]
		self.assertIn("crm_suite.service_desk.sla.schedule_reevaluation", hooks)
