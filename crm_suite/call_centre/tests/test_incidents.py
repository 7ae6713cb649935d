"""Incidents on a real site: a contingency plan fills the checklist, stages move forward only with a
timestamped, owned log, open tasks block moving on, surge mode reaches boot info and the phone system's
routing answer, and the post-mortem report compares calls with the week before."""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime, random_string

from crm_suite.call_centre import incidents
from crm_suite.call_centre.report.incident_post_mortem import incident_post_mortem
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_user

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


class TestIncidents(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		s = random_string(6).lower()
		self.supervisor = make_user(f"_test_inc_sup_{s}@example.com", ("Call Centre Supervisor",))
		self.agent = make_user(f"_test_inc_agent_{s}@example.com", ("Call Centre Agent",))
		self.plan = frappe.get_doc(
			{
				"doctype": incidents.PLAN,
				"plan_name": f"_Test outage {s}",
				"incident_type": "Outage / Cyber",
				"routing_mode": "Callback Only",
				"announcement": "We know, we call you back",
				"banner": "Outage: offer callbacks",
				"steps": [
					{
						"step": "Confirm",
						"stage": "Warning",
						"owner_role": "Call Centre Supervisor",
						"due_minutes": 15,
					},
					{
						"step": "Brief agents",
						"stage": "First Response",
						"owner_role": "Call Centre Supervisor",
					},
					{"step": "Work callbacks", "stage": "Handling", "owner_role": "Call Centre Agent"},
				],
			}
		).insert()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.cache.delete_value("crms_active_surge")

	def incident(self, **kwargs):
		return frappe.get_doc(
			{
				"doctype": incidents.DOCTYPE,
				"title": "_Test outage",
				"incident_type": "Outage / Cyber",
				"contingency_plan": self.plan.name,
				"commander": self.supervisor,
				**kwargs,
			}
		).insert()

	def test_plan_fills_checklist_and_messages(self):
		inc = self.incident()
		self.assertEqual([t.step for t in inc.tasks], ["Confirm", "Brief agents", "Work callbacks"])
		self.assertEqual(inc.tasks[0].assigned_to, self.supervisor)
		self.assertIsNotNone(inc.tasks[0].due_on)
		self.assertEqual(inc.routing_mode, "Callback Only")
		self.assertEqual(inc.stage, "Warning")
		self.assertEqual(len(inc.stage_log), 1)

	def test_stages_forward_only_with_blocking_tasks(self):
		inc = self.incident()
		# the Warning task is open: it may carry over into First Response
		incidents.move_to_stage(inc.name, "First Response", owner=self.supervisor, note="on it")
		# but from First Response on, the Warning task must be done first
		with self.assertRaises(frappe.ValidationError):
			incidents.move_to_stage(inc.name, "Response")
		inc.reload()
		self.assertEqual(inc.stage, "First Response")
		self.assertIsNotNone(inc.stage_log[0].ended_on)
		self.assertEqual(inc.stage_log[1].stage_owner, self.supervisor)
		with self.assertRaises(frappe.ValidationError):
			incidents.move_to_stage(inc.name, "Warning")
		for t in inc.tasks[:2]:
			t.done = 1
		inc.save()
		self.assertEqual(inc.tasks[0].done_by, "Administrator")
		incidents.move_to_stage(inc.name, "Handling")  # skipping forward is allowed
		with self.assertRaises(frappe.ValidationError):
			incidents.move_to_stage(inc.name, "Closed")  # the Handling task is open
		inc.reload()
		inc.tasks[2].done = 1
		inc.save()
		incidents.move_to_stage(inc.name, "Closed")
		inc.reload()
		self.assertEqual(inc.stage, "Closed")
		self.assertIsNotNone(inc.closed_on)
		self.assertEqual(
			[r.stage for r in inc.stage_log], ["Warning", "First Response", "Handling", "Closed"]
		)
		with self.assertRaises(frappe.ValidationError):
			incidents.move_to_stage(inc.name, "Aftermath")

	def test_stage_cannot_be_edited_directly(self):
		inc = self.incident()
		inc.stage = "Handling"
		with self.assertRaises(frappe.ValidationError):
			inc.save()

	def test_surge_mode_reaches_desk_and_phone_system(self):
		self.assertEqual(incidents.routing_state("billing")["mode"], "Normal")
		inc = self.incident(affected_queues="billing, technical")
		inc.surge_active = 1
		inc.save()
		self.assertIsNotNone(inc.surge_started_on)
		state = incidents.routing_state("Billing")
		self.assertEqual((state["mode"], state["incident"]), ("Callback Only", inc.name))
		self.assertEqual(state["announcement"], "We know, we call you back")
		self.assertEqual(incidents.routing_state("sales")["mode"], "Normal")  # not an affected queue
		boot = frappe._dict()
		frappe.set_user(self.agent)
		incidents.boot_session(boot)
		self.assertEqual(boot.crms_surge["banner"], "Outage: offer callbacks")
		frappe.set_user("Administrator")
		for t in inc.tasks:
			t.done = 1
		inc.save()
		incidents.move_to_stage(inc.name, "Closed")  # closing ends surge mode
		inc.reload()
		self.assertEqual(inc.surge_active, 0)
		self.assertIsNotNone(inc.surge_ended_on)
		self.assertEqual(incidents.routing_state("billing")["mode"], "Normal")

	def test_post_mortem_compares_with_week_before(self):
		start = now_datetime() - timedelta(hours=2)
		inc = self.incident(started_on=start)

		def call(name, at, abandoned):
			frappe.get_doc(
				{
					"doctype": "Call Log",
					"id": name,
					"from": "+12125550100",
					"to": "+12125550000",
					"type": "Incoming",
					"status": "Completed" if not abandoned else "No Answer",
					"start_time": at,
					"crms_answered_at": None if abandoned else at + timedelta(seconds=10),
					"crms_wait_seconds": 60 if abandoned else 10,
					"crms_abandoned": 1 if abandoned else 0,
				}
			).insert(ignore_permissions=True)

		# the report counts every call of the centre in the incident's hours (and the same hours a week
		# earlier): the site may already hold calls there (demo data, other runs), so compare with before
		during0, before0 = incident_post_mortem.call_comparison(inc)
		s = random_string(5)
		for i in range(4):
			call(f"_pm_now_{s}_{i}", start + timedelta(minutes=10 + i), abandoned=i < 3)
		call(f"_pm_before_{s}", start - timedelta(days=7) + timedelta(minutes=5), abandoned=False)
		during, before = incident_post_mortem.call_comparison(inc)
		self.assertEqual((during.offered - during0.offered, during.abandoned - during0.abandoned), (4, 3))
		self.assertEqual((before.offered - before0.offered, before.abandoned - before0.abandoned), (1, 0))
		_columns, data, _message, _chart, summary = incident_post_mortem.execute({"incident": inc.name})
		values = {s["label"]: s["value"] for s in summary}
		self.assertEqual(values["Calls Offered"], during.offered)
		self.assertEqual(values["Offered a Week Earlier"], before.offered)
		self.assertEqual(values["Abandoned %"], incident_post_mortem._fmt(during.abandon_rate, "%"))
		if not during0.offered:  # a quiet site: the figures by hand
			self.assertEqual(values["Abandoned %"], "75.0%")
		self.assertEqual(data[0].stage, "Warning")
		self.assertEqual(data[0].tasks, 1)

	def test_default_plans_once_per_type(self):
		frappe.db.delete(incidents.PLAN)
		incidents.create_default_plans()
		types = frappe.get_all(incidents.PLAN, pluck="incident_type")
		self.assertEqual(
			sorted(types),
			sorted(["Natural Disaster", "Accident", "Public Health", "Security", "Outage / Cyber"]),
		)
		incidents.create_default_plans()
		self.assertEqual(frappe.db.count(incidents.PLAN), 5)
