"""QA on a real site: scorecard versions, review scoring and auto-fail, coaching ToDo to closure, agents
seeing only their own reviews and disputing them, the weekly sample, calibration spread, and the agent
scorecard report reading tickets, surveys and reviews."""

import json

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate, random_string

from crm_suite.service_desk import quality
from crm_suite.service_desk.report.agent_scorecard import agent_scorecard
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_issue, make_service_team, make_user

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

CRITERIA = [
	{"criterion": "Greeting", "criterion_group": "Attitude", "weight": 1, "max_score": "1"},
	{"criterion": "Empathy", "criterion_group": "Attitude", "weight": 2, "max_score": "5"},
	{"criterion": "Speed", "criterion_group": "Efficiency", "weight": 2, "max_score": "5"},
	{"criterion": "Resolved", "criterion_group": "Effect", "weight": 4, "max_score": "1", "allow_na": 0},
	{
		"criterion": "Identity checked",
		"criterion_group": "Compliance",
		"weight": 1,
		"max_score": "1",
		"auto_fail": 1,
	},
]
FULL = {"Greeting": "1", "Empathy": "5", "Speed": "5", "Resolved": "1", "Identity checked": "1"}


class TestQuality(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		s = random_string(6).lower()
		self.supervisor = make_user(f"_test_qa_sup_{s}@example.com", ("Service Supervisor",))
		self.inspector = make_user(f"_test_qa_insp_{s}@example.com", ("QA Inspector",))
		self.inspector2 = make_user(f"_test_qa_insp2_{s}@example.com", ("QA Inspector",))
		self.agent = make_user(f"_test_qa_agent_{s}@example.com", ("Support Team",))
		self.other_agent = make_user(f"_test_qa_agent2_{s}@example.com", ("Support Team",))
		self.team = make_service_team(
			supervisor=self.supervisor, members=[{"user": self.agent}, {"user": self.other_agent}]
		).name
		self.card = frappe.get_doc(
			{
				"doctype": quality.SCORECARD,
				"scorecard_name": f"_Test QA {s}",
				"pass_mark": 80,
				"sample_size": 2,
				"criteria": CRITERIA,
			}
		).insert()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def ticket(self, agent=None, resolved_days_ago: int | None = None) -> str:
		doc = make_issue(crms_team=self.team)
		frappe.db.set_value("Issue", doc.name, "_assign", json.dumps([agent or self.agent]))
		if resolved_days_ago is not None:
			when = add_days(now_datetime(), -resolved_days_ago)
			frappe.db.set_value("Issue", doc.name, {"status": "Resolved", "crms_resolved_on": when})
		return doc.name

	def review(self, answers: dict, ticket=None, submit=True, **kwargs):
		doc = frappe.get_doc(
			{
				"doctype": quality.REVIEW,
				"scorecard": self.card.name,
				"reference_doctype": "Issue",
				"reference_name": ticket or self.ticket(),
				"inspector": self.inspector,
				**kwargs,
			}
		).insert()
		for row in doc.answers:
			row.score = answers.get(row.criterion, "")
		doc.save()
		if submit:
			doc.submit()
		return doc

	def test_scores_groups_and_agent_from_ticket(self):
		r = self.review({**FULL, "Empathy": "3", "Speed": "4"})
		# (1 + 2*0.6 + 2*0.8 + 4 + 1) / 10
		self.assertAlmostEqual(r.score, 88.0)
		self.assertAlmostEqual(r.efficiency_score, 80.0)
		self.assertEqual(r.agent, self.agent)
		self.assertEqual(r.team, self.team)
		self.assertEqual(r.status, "Scored")
		self.assertEqual(r.scorecard_version, 1)
		self.assertFalse(r.coaching_todo)

	def test_not_applicable_is_reweighted_but_not_where_forbidden(self):
		r = self.review({**FULL, "Speed": "N/A", "Empathy": "0"})
		self.assertAlmostEqual(r.score, 100 * (1 + 0 + 4 + 1) / 8)
		with self.assertRaises(frappe.ValidationError):
			self.review({**FULL, "Resolved": "N/A"})
		with self.assertRaises(frappe.ValidationError):
			self.review({**FULL, "Greeting": "3"})  # a yes/no item scored 3

	def test_incomplete_review_cannot_be_submitted(self):
		doc = self.review({"Greeting": "1"}, submit=False)
		self.assertIsNone(doc.score)
		with self.assertRaises(frappe.ValidationError):
			doc.submit()
		self.assertEqual(frappe.db.get_value(quality.REVIEW, doc.name, "docstatus"), 0)

	def test_auto_fail_opens_coaching_tracked_to_closure(self):
		r = self.review({**FULL, "Identity checked": "0"})
		self.assertEqual(r.score, 0)
		self.assertGreater(r.raw_score, 80)
		r.reload()
		self.assertEqual(r.coaching_status, "Open")
		todo = frappe.get_doc("ToDo", r.coaching_todo)
		self.assertEqual(todo.allocated_to, self.supervisor)
		self.assertIn("Identity checked", r.coaching_reason)
		todo.status = "Closed"
		todo.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value(quality.REVIEW, r.name, "coaching_status"), "Done")

	def test_low_score_opens_coaching(self):
		r = self.review({**FULL, "Resolved": "0"})
		self.assertLess(r.score, 80)
		self.assertTrue(frappe.db.get_value(quality.REVIEW, r.name, "coaching_todo"))

	def test_scorecard_version_goes_up_and_old_reviews_keep_their_criteria(self):
		old = self.review(FULL)
		self.card.reload()
		self.card.criteria[0].weight = 5
		self.card.save()
		self.assertEqual(self.card.version, 2)
		self.card.description = "wording only"
		self.card.save()
		self.assertEqual(self.card.version, 2)
		new = self.review(FULL)
		self.assertEqual(new.scorecard_version, 2)
		self.assertEqual(frappe.get_doc(quality.REVIEW, old.name).answers[0].weight, 1)

	def test_agent_sees_only_own_submitted_reviews_and_disputes(self):
		mine = self.review(FULL)
		theirs = self.review(FULL, ticket=self.ticket(agent=self.other_agent))
		draft = self.review(FULL, submit=False)
		frappe.set_user(self.agent)
		visible = set(frappe.get_list(quality.REVIEW, pluck="name"))
		self.assertIn(mine.name, visible)
		self.assertNotIn(theirs.name, visible)
		self.assertNotIn(draft.name, visible)
		self.assertFalse(frappe.has_permission(quality.REVIEW, "read", theirs.name))
		with self.assertRaises(frappe.PermissionError):
			quality.dispute(theirs.name, "not mine")
		with self.assertRaises(frappe.ValidationError):
			quality.dispute(mine.name, "  ")
		quality.dispute(mine.name, "The customer asked me not to verify identity again")
		self.assertEqual(frappe.db.get_value(quality.REVIEW, mine.name, "status"), "Disputed")
		with self.assertRaises(frappe.PermissionError):
			quality.resolve_dispute(mine.name, 1, "I agree with myself")
		frappe.set_user(self.inspector)
		quality.resolve_dispute(mine.name, 1, "Agreed, re-scoring")
		row = frappe.db.get_value(quality.REVIEW, mine.name, ["status", "docstatus"], as_dict=True)
		self.assertEqual((row.status, row.docstatus), ("Dispute Accepted", 2))

	def test_dispute_window(self):
		r = self.review(FULL)
		frappe.db.set_value(quality.REVIEW, r.name, "review_date", add_days(nowdate(), -30))
		frappe.set_user(self.agent)
		with self.assertRaises(frappe.ValidationError):
			quality.dispute(r.name, "too late")

	def test_weekly_sample_is_stratified_reproducible_and_skips_reviewed(self):
		today = getdate(nowdate())
		# tickets resolved during last ISO week
		last_week_day = (today.weekday() + 7) - 2  # Wednesday or so of last week, in days ago
		for _ in range(4):
			self.ticket(self.agent, resolved_days_ago=last_week_day)
		for _ in range(3):
			self.ticket(self.other_agent, resolved_days_ago=last_week_day)
		reviewed = self.ticket(self.agent, resolved_days_ago=last_week_day)
		self.review(FULL, ticket=reviewed)
		frappe.db.set_value(quality.SCORECARD, {"name": ["!=", self.card.name]}, "enabled", 0)
		self.assertTrue({self.inspector, self.inspector2} <= set(quality.inspectors()))
		created = quality.weekly_sample(nowdate())
		self.assertEqual(created[self.card.name], 4)
		rows = frappe.get_all(
			quality.REVIEW,
			filters={"source": "Weekly Sample", "scorecard": self.card.name},
			fields=["name", "agent", "reference_name", "inspector", "sample_week"],
		)
		by_agent = {}
		for r in rows:
			by_agent.setdefault(r.agent, []).append(r.reference_name)
			# any enabled QA Inspector of the site (demo data on a shared test site adds some), never the agent
			self.assertIn(r.inspector, {*quality.inspectors(), "Administrator"})
			self.assertNotEqual(r.inspector, r.agent)
		self.assertEqual(sorted(map(len, by_agent.values())), [2, 2])
		self.assertNotIn(reviewed, [r.reference_name for r in rows])
		todo = frappe.db.get_value(
			"ToDo", {"reference_type": quality.REVIEW, "reference_name": rows[0].name}, "allocated_to"
		)
		self.assertEqual(todo, rows[0].inspector)
		# running it again picks no ticket twice
		again = quality.weekly_sample(nowdate())
		self.assertEqual(again[self.card.name], 3)  # 3 tickets left unreviewed (7 - 4)

	def test_weekly_sample_of_calls(self):
		from datetime import timedelta

		frappe.db.set_value(quality.SCORECARD, {"name": ["!=", ""]}, "enabled", 0)
		card = frappe.get_doc(
			{
				"doctype": quality.SCORECARD,
				"scorecard_name": f"_Test call QA {random_string(5)}",
				"applies_to": "Call Log",
				"sample_size": 2,
				"criteria": CRITERIA,
			}
		).insert()
		monday_last_week = getdate(nowdate()) - timedelta(days=getdate(nowdate()).weekday() + 7)
		at = now_datetime().replace(
			year=monday_last_week.year, month=monday_last_week.month, day=monday_last_week.day, hour=10
		)
		calls = []
		for i in range(3):
			name = f"_qa_call_{random_string(8)}"
			frappe.get_doc(
				{
					"doctype": "Call Log",
					"id": name,
					"from": "+12125550101",
					"to": "+12125550000",
					"type": "Incoming",
					"status": "Completed",
					"start_time": at + timedelta(hours=i),
					"crms_agent": self.agent,
					"crms_answered_at": at + timedelta(hours=i, seconds=20),
					"crms_queue": "billing",
					"summary": "Customer asked about an invoice",
				}
			).insert(ignore_permissions=True)
			calls.append(name)
		created = quality.weekly_sample(nowdate())
		rows = frappe.get_all(
			quality.REVIEW,
			filters={"scorecard": card.name},
			fields=["name", "reference_doctype", "reference_name", "agent"],
		)
		self.assertEqual(created[card.name], len(rows))
		self.assertEqual({r.reference_doctype for r in rows}, {"Call Log"})
		# two of this agent's three calls; other agents' calls of last week (a site with the demo's month
		# of calls has them) get their own sample of at most two each
		mine = [r for r in rows if r.agent == self.agent]
		self.assertEqual(len(mine), 2)
		self.assertTrue({r.reference_name for r in mine} <= set(calls))
		per_agent: dict[str, int] = {}
		for r in rows:
			per_agent[r.agent] = per_agent.get(r.agent, 0) + 1
		self.assertLessEqual(max(per_agent.values()), 2)
		side = quality.conversation(mine[0].name)
		self.assertIn("billing", side[0]["content"])
		self.assertIn("invoice", side[0]["content"])

	def test_calibration_spread(self):
		items = [self.ticket(), self.ticket()]
		session = frappe.get_doc(
			{
				"doctype": quality.CALIBRATION,
				"title": "_Test calibration",
				"scorecard": self.card.name,
				"items": [{"reference_doctype": "Issue", "reference_name": i} for i in items],
				"inspectors": [{"inspector": self.inspector}, {"inspector": self.inspector2}],
			}
		).insert()
		self.assertEqual(session.reviews_expected, 4)
		drafts = frappe.get_all(
			quality.REVIEW,
			filters={"calibration": session.name},
			fields=["name", "inspector", "reference_name"],
		)
		self.assertEqual(len(drafts), 4)
		for d in drafts:
			doc = frappe.get_doc(quality.REVIEW, d.name)
			empathy = "5" if d.inspector == self.inspector else "1"  # inspectors 80 points apart
			for row in doc.answers:
				row.score = {**FULL, "Empathy": empathy}[row.criterion]
			doc.save()
			doc.submit()
			self.assertFalse(frappe.db.get_value(quality.REVIEW, d.name, "coaching_todo"))
		session.reload()
		self.assertEqual(session.status, "Completed")
		self.assertEqual(session.reviews_scored, 4)
		spread = {r.criterion: r for r in session.results}
		self.assertTrue(spread["Empathy"].disagrees)
		self.assertAlmostEqual(spread["Empathy"].max_range_pct, 80.0)
		self.assertFalse(spread["Greeting"].disagrees)
		self.assertIsNotNone(session.alpha)
		self.assertLess(session.alpha, 0.8)

	def test_agent_scorecard_report(self):
		good = self.review(FULL)
		self.review({**FULL, "Resolved": "0"}, ticket=self.ticket(agent=self.other_agent))
		filters = {"from_date": add_days(nowdate(), -7), "to_date": nowdate(), "team": self.team}
		columns, data, message, chart = agent_scorecard.execute(filters)
		rows = {r.group: r for r in data}
		self.assertAlmostEqual(rows[self.agent].qa_score, good.score)
		self.assertAlmostEqual(rows[self.other_agent].qa_score, 60.0)
		self.assertEqual(rows[self.agent].qa_score_meets, True)
		self.assertEqual(rows[self.other_agent].qa_score_meets, False)
		self.assertEqual(rows[self.agent].volume, 1)
		self.assertIn("Total", [r.group for r in data][-1])
		self.assertEqual(data[-1].qa_score, 80.0)
		frappe.set_user(self.agent)
		_c, data, *_ = agent_scorecard.execute(filters)
		self.assertEqual({r.group for r in data} - {"Total"}, {self.agent})
