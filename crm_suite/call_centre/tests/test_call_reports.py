"""Call Centre KPIs on a hand-built day of calls (figures computed by hand below), the Staffing Plan
against the Call Centre Helper Erlang C worked example (100 calls / 30 min, AHT 180 s, 80/20 -> 14
agents, 20 with 30% shrinkage, SL 88.8%, ASA 7.8 s), the wallboard, its realtime throttle, the number
cards and the Auto Email Reports.
"""

from datetime import date, datetime, timedelta

import frappe
from frappe.utils import now_datetime

from crm_suite.call_centre import cards, setup, wallboard
from crm_suite.call_centre.report.call_centre_kpis import call_centre_kpis
from crm_suite.call_centre.report.staffing_plan import staffing_plan
from crm_suite.engine import erlang
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_user

test_ignore = ["Customer", "Item", "Company", "Employee"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

DAY = date(2024, 3, 4)  # a Monday far from any other test's or the benchmark's calls
AGENT_A = "_t_call_agent_a@example.com"
AGENT_B = "_t_call_agent_b@example.com"


def make_call(
	cid: str,
	at: datetime,
	queue: str,
	direction: str = "Incoming",
	agent: str | None = None,
	wait: int = 0,
	talk: int = 0,
	hold: int = 0,
	wrap: int = 0,
	answered: bool = False,
	abandoned: bool = False,
	ended: bool = True,
	**extra,
) -> str:
	answered_at = at + timedelta(seconds=wait) if answered else None
	end = (answered_at or at + timedelta(seconds=wait)) + timedelta(seconds=talk + hold) if ended else None
	doc = frappe.get_doc(
		{
			"doctype": "Call Log",
			"id": cid,
			"from": "+4915100000001",
			"to": "+4930000000",
			"type": direction,
			"status": "Completed" if ended else "Ringing",
			"start_time": at,
			"end_time": end,
			"crms_queue": queue,
			"crms_agent": agent,
			"crms_answered_at": answered_at,
			"crms_wait_seconds": wait,
			"crms_talk_seconds": talk,
			"crms_hold_seconds": hold,
			"crms_wrapup_seconds": wrap,
			"crms_abandoned": int(abandoned),
			**extra,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def at(hour: int, minute: int = 0) -> datetime:
	return datetime.combine(DAY, datetime.min.time()).replace(hour=hour, minute=minute)


class TestCallCentreKpis(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(AGENT_A, ("Call Centre Agent",))
		make_user(AGENT_B, ("Call Centre Agent",))
		b, s = "_TQ Billing", "_TQ Sales"
		# billing: 6 calls, 4 offered (c3 is a 3 s short abandon, c7 after-hours voicemail)
		make_call(
			"_t-c1",
			at(10, 0),
			b,
			agent=AGENT_A,
			wait=10,
			talk=100,
			hold=20,
			wrap=30,
			answered=True,
			crms_disposition="Resolved",
			crms_first_call_resolution=1,
		)
		make_call(
			"_t-c2",
			at(10, 10),
			b,
			agent=AGENT_B,
			wait=30,
			talk=200,
			wrap=40,
			answered=True,
			crms_transferred=1,
			crms_disposition="Escalated",
		)
		make_call("_t-c3", at(10, 20), b, wait=3, abandoned=True)
		make_call("_t-c4", at(10, 35), b, wait=15, abandoned=True)
		make_call("_t-c5", at(10, 40), b, wait=60, abandoned=True)
		make_call("_t-c7", at(22, 0), b, wait=5, crms_voicemail=1)
		# sales: one inbound answered at once (no disposition), one outbound
		make_call("_t-c6", at(11, 5), s, agent=AGENT_A, wait=0, talk=50, wrap=10, answered=True)
		make_call(
			"_t-c8",
			at(11, 10),
			s,
			direction="Outgoing",
			agent=AGENT_B,
			talk=120,
			answered=True,
			crms_disposition="Interested",
		)
		cls.has_state_log = bool(frappe.db.exists("DocType", "CRMS Agent State Log"))
		if cls.has_state_log:
			for user, secs in ((AGENT_A, 600), (AGENT_B, 1200)):
				frappe.get_doc(
					{
						"doctype": "CRMS Agent State Log",
						"user": user,
						"state": "Available",
						"from": at(9, 50),
						"to": at(9, 50) + timedelta(seconds=secs),
						"seconds": secs,
					}
				).insert(ignore_permissions=True)

	def run_report(self, **filters):
		columns, data, _message, chart, summary = call_centre_kpis.execute(
			{"from_date": DAY, "to_date": DAY, **filters}
		)
		return {r["group"]: r for r in data}, columns, chart, summary

	def test_by_queue_hand_computed(self):
		rows, columns, chart, summary = self.run_report(group_by="Queue")
		self.assertEqual(list(rows), ["_TQ Billing", "_TQ Sales", "Total"])
		bill, sales, total = rows["_TQ Billing"], rows["_TQ Sales"], rows["Total"]
		self.assertEqual(
			(bill["calls"], bill["offered"], bill["answered"], bill["abandoned"], bill["short_abandoned"]),
			(6, 4, 2, 2, 1),
		)
		self.assertEqual(bill["service_level"], 25.0)  # c1 within 20 s of 4 offered
		self.assertEqual(bill["asa"], 20.0)  # (10 + 30) / 2
		self.assertEqual(bill["aht"], 195.0)  # (150 + 240) / 2
		self.assertEqual((bill["abandon_rate"], bill["transfer_rate"], bill["fcr_rate"]), (50.0, 50.0, 50.0))
		self.assertEqual(bill["sl_met"], 0)
		self.assertEqual((sales["offered"], sales["service_level"], sales["asa"]), (1, 100.0, 0.0))
		self.assertEqual(sales["aht"], 90.0)  # (60 + 120) / 2: the outbound call occupies the agent too
		self.assertEqual(sales["fcr_rate"], 0.0)  # c8 closed with a disposition, not resolved; c6 unknown
		self.assertEqual(sales["sl_met"], 1)
		self.assertEqual((total["offered"], total["answered"], total["abandoned"]), (5, 3, 2))
		self.assertEqual(total["service_level"], 40.0)
		self.assertEqual(total["asa"], 13.3)  # 40 / 3
		self.assertEqual(total["aht"], 142.5)  # 570 / 4
		self.assertEqual(
			(total["abandon_rate"], total["transfer_rate"], total["fcr_rate"]), (40.0, 25.0, 33.3)
		)
		# calls by outcome: one column per disposition used, then the calls without one
		self.assertEqual(
			(total["outcome_resolved"], total["outcome_escalated"], total["outcome_interested"]), (1, 1, 1)
		)
		self.assertEqual(total["outcome_none"], 5)
		outcome_cols = [c["fieldname"] for c in columns if c["fieldname"].startswith("outcome_")]
		self.assertEqual(
			outcome_cols, ["outcome_resolved", "outcome_interested", "outcome_escalated", "outcome_none"]
		)
		self.assertEqual(chart["data"]["labels"], ["_TQ Billing", "_TQ Sales"])
		self.assertEqual(chart["data"]["datasets"][1]["values"], [2, 0])  # abandoned
		self.assertEqual(summary[2]["value"], 40.0)

	def test_by_agent_with_occupancy(self):
		rows, *_ = self.run_report(group_by="Agent")
		a, b = rows[AGENT_A], rows[AGENT_B]
		self.assertEqual((a["answered"], a["aht"]), (2, 105.0))  # (150 + 60) / 2
		self.assertEqual((b["answered"], b["aht"], b["transfer_rate"]), (1, 180.0, 50.0))  # 240 + 120
		self.assertEqual(rows["(no agent)"]["abandoned"], 2)
		if self.has_state_log:
			self.assertEqual(a["occupancy"], 35.0)  # 210 s handled / 600 s logged in
			self.assertEqual(b["occupancy"], 30.0)  # 360 / 1200
			self.assertEqual(rows["Total"]["occupancy"], 31.7)  # 570 / 1800
		# the agent filter keeps only that agent's calls
		only_a, *_ = self.run_report(group_by="Queue", agent=AGENT_A)
		self.assertEqual(only_a["Total"]["calls"], 2)

	def test_by_hour_interval_day_threshold_and_queue_filter(self):
		rows, *_ = self.run_report(group_by="Hour")
		self.assertEqual(list(rows), ["10:00", "11:00", "22:00", "Total"])
		self.assertEqual((rows["10:00"]["offered"], rows["22:00"]["offered"]), (4, 0))
		self.assertIsNone(rows["22:00"]["service_level"])  # nothing offered: no figure, not 0 %
		rows, *_ = self.run_report(group_by="30-min Interval")
		self.assertEqual(list(rows), ["10:00", "10:30", "11:00", "22:00", "Total"])
		self.assertEqual((rows["10:00"]["offered"], rows["10:30"]["abandoned"]), (2, 2))
		rows, *_ = self.run_report(group_by="Day")
		self.assertEqual(rows["2024-03-04"]["calls"], 8)
		# a 30 s threshold lets c2 in: 3 of 5 offered
		rows, *_ = self.run_report(group_by="Queue", sl_threshold=30)
		self.assertEqual(rows["Total"]["service_level"], 60.0)
		rows, *_ = self.run_report(group_by="Queue", queue="_TQ Sales")
		self.assertEqual(list(rows), ["_TQ Sales", "Total"])

	def test_report_reads_an_index(self):
		plan = frappe.db.sql(
			"explain select count(*) from `tabCall Log` where crms_queue = %s and start_time >= %s "
			"and start_time < %s",
			("_TQ Billing", at(0), at(23)),
			as_dict=True,
		)
		# one of ERPNEXT_INDEXES on Call Log (the covering ones when installed), never a full scan
		self.assertIn(
			plan[0]["key"],
			("crms_queue_start_time", "crms_start_time", "crms_call_kpi_cover"),
		)
		self.assertNotEqual(plan[0]["type"], "ALL")


def _insert_history(rows: list[tuple], with_abandoned: bool = False) -> None:
	"""Call Logs straight into the table (35 days x 100 calls through the controller would take minutes);
	with_abandoned: each row ends with crms_abandoned."""
	frappe.db.bulk_insert(
		"Call Log",
		[
			"name",
			"id",
			"type",
			"status",
			"start_time",
			"crms_answered_at",
			"crms_queue",
			"crms_wait_seconds",
			"crms_talk_seconds",
			"crms_hold_seconds",
			"crms_wrapup_seconds",
			"creation",
			"modified",
			*(["crms_abandoned"] if with_abandoned else []),
		],
		rows,
	)


class TestStaffingPlan(CRMSuiteTestCase):
	QUEUE = "_TQ Staffing"
	IMPATIENT = "_TQ Staffing Impatient"
	PLAN_DAY = date(2024, 6, 3)  # Monday

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# 5 weeks of history: exactly 100 answered calls every day between 10:00 and 10:30, AHT 180 s
		rows, k = [], 0
		now = now_datetime()
		for day in range(1, 36):
			d = cls.PLAN_DAY - timedelta(days=day)
			for j in range(100):
				start = datetime.combine(d, datetime.min.time()).replace(
					hour=10, second=j % 60, minute=j // 60 * 15
				)
				k += 1
				name = f"_t-staff-{k}"
				rows.append(
					(name, name, "Incoming", "Completed", start, start, cls.QUEUE, 5, 150, 0, 30, now, now)
				)
		_insert_history(rows)
		# the same 100 calls a day in a queue whose callers hang up: 10 a day after 60 s, the 90 answered
		# after 5 s, so the patience estimate is 350 abandoned / (350 x 60 + 3,150 x 5) s = 105 s
		rows, k = [], 0
		for day in range(1, 36):
			d = cls.PLAN_DAY - timedelta(days=day)
			for j in range(100):
				start = datetime.combine(d, datetime.min.time()).replace(hour=10, minute=j // 60 * 15)
				k += 1
				name = f"_t-staff-imp-{k}"
				quit = j % 10 == 0
				answered = None if quit else start
				wait = 60 if quit else 5
				rows.append(
					(
						name,
						name,
						"Incoming",
						"Completed",
						start,
						answered,
						cls.IMPATIENT,
						wait,
						150,
						0,
						30,
						now,
						now,
						int(quit),
					)
				)
		_insert_history(rows, with_abandoned=True)
		for n in range(20):
			user = make_user(f"_t_shift_agent_{n}@example.com", ("Call Centre Agent",))
			frappe.get_doc(
				{
					"doctype": "CRMS Agent Shift",
					"agent": user,
					"start_time": "09:00:00",
					"end_time": "17:00:00",
					"queues": f"{cls.QUEUE}, {cls.IMPATIENT}, other",
					"valid_from": cls.PLAN_DAY - timedelta(days=30),
				}
			).insert(ignore_permissions=True)

	def plan(self, **filters):
		f = {
			"date": self.PLAN_DAY,
			"queue": self.QUEUE,
			"target_sl": 80,
			"target_seconds": 20,
			"shrinkage": 30,
			"max_occupancy": 0,
			**filters,
		}
		_columns, data, message, chart, summary = staffing_plan.execute(f)
		return {r["interval"]: r for r in data}, message, chart, summary

	def test_call_centre_helper_worked_example(self):
		for source in ("History", "Fixed"):
			rows, message, chart, _summary = self.plan(aht_source=source, aht_seconds=180)
			r = rows["10:00"]
			self.assertAlmostEqual(r["forecast_calls"], 100.0, places=1)
			self.assertEqual(r["aht"], 180)
			self.assertEqual(r["traffic"], 10.0)
			self.assertEqual(r["required_on_phones"], 14)
			self.assertEqual(r["required"], 20)  # 14 / (1 - 30%)
			self.assertEqual((r["scheduled"], r["gap"], r["status_code"]), (20, 0, "ok"))
			self.assertEqual(r["expected_sl"], 88.8)  # 20 scheduled -> 14 on the phones
			self.assertEqual(r["expected_asa"], 7.8)
		self.assertEqual(len(rows), 48)
		self.assertEqual(
			(rows["09:00"]["forecast_calls"], rows["09:00"]["required"], rows["09:00"]["gap"]), (0.0, 0, 20)
		)
		self.assertEqual((rows["17:00"]["scheduled"], rows["08:30"]["scheduled"]), (0, 0))
		self.assertIn("WAPE", message)
		self.assertEqual(len(chart["data"]["labels"]), 48)

	def test_erlang_a_with_patience_from_history_or_given(self):
		# no abandoned call in this queue's history: Erlang C, and the report says so
		rows, message, *_ = self.plan(aht_source="Fixed", aht_seconds=180)
		self.assertEqual(rows["10:00"]["required_on_phones"], 14)
		self.assertIn("Erlang C", message)
		# callers who hang up after 105 s (estimated): 13 agents keep abandonment under 5% and SL over 80%
		# (12 would do for the SL alone, losing 6% of the calls)
		rows, message, *_ = self.plan(queue=self.IMPATIENT, aht_source="Fixed", aht_seconds=180)
		r = rows["10:00"]
		self.assertIn("105", message)
		self.assertIn("350", message)
		self.assertEqual((r["required_on_phones"], r["required"]), (13, 19))
		self.assertEqual((r["scheduled"], r["gap"]), (20, 1))
		expected = erlang.erlang_a(14, 10.0, 180, 105, 20)  # 20 scheduled, 14 on the phones
		self.assertEqual(r["expected_sl"], round(100 * expected.service_level, 1))
		self.assertEqual(r["expected_abandon"], round(100 * expected.abandon, 1))
		# a patience given in the filters wins over the estimate; no abandonment cap: 12 agents
		rows, message, *_ = self.plan(
			queue=self.IMPATIENT, aht_source="Fixed", aht_seconds=180, patience_seconds=120, max_abandon=0
		)
		self.assertEqual(rows["10:00"]["required_on_phones"], 12)
		self.assertIn("120", message)
		# Erlang C on the same history: no abandonment column, 14 agents
		columns, data, *_ = staffing_plan.execute(
			{
				"date": self.PLAN_DAY,
				"queue": self.IMPATIENT,
				"model": "Erlang C",
				"aht_source": "Fixed",
				"aht_seconds": 180,
				"max_occupancy": 0,
			}
		)
		self.assertNotIn("expected_abandon", [c["fieldname"] for c in columns])
		self.assertEqual({r["interval"]: r for r in data}["10:00"]["required_on_phones"], 14)

	def test_short_roster_occupancy_cap_and_queue_without_shifts(self):
		rows, *_ = self.plan(aht_source="Fixed", aht_seconds=180, max_occupancy=70)
		self.assertEqual(rows["10:00"]["required_on_phones"], 15)  # 10 / 14 = 71% > 70%: one more
		self.assertEqual((rows["10:00"]["gap"], rows["10:00"]["status_code"]), (-2, "short"))  # 15/0.7 = 22
		rows, *_ = self.plan(queue="_TQ Nobody")  # no history, no shifts for it
		self.assertEqual(sum(r["required"] for r in rows.values()), 0)
		week, *_ = staffing_plan.execute({"date": self.PLAN_DAY, "period": "Week", "queue": self.QUEUE})[1:2]
		self.assertEqual(len(week), 7 * 48)


class TestWallboard(CRMSuiteTestCase):
	QUEUE = "_TQ Wallboard"

	def setUp(self):
		frappe.cache.delete(frappe.cache.make_key(wallboard._THROTTLE_KEY))
		make_user(AGENT_A, ("Call Centre Agent",))
		make_user(AGENT_B, ("Call Centre Agent",))

	def tearDown(self):
		frappe.db.rollback()

	def test_board_and_queue_tile(self):
		now = now_datetime().replace(microsecond=0)
		if now.hour < 1:
			now = now.replace(hour=1)  # keep the 90 s wait inside today
		before = wallboard.build(now=now)
		make_call("_t-wb1", now - timedelta(seconds=90), self.QUEUE, ended=False)
		make_call("_t-wb2", now - timedelta(seconds=30), self.QUEUE, ended=False)
		make_call(
			"_t-wb3", now - timedelta(seconds=200), self.QUEUE, agent=AGENT_A, wait=10, talk=60, answered=True
		)
		make_call("_t-wb4", now - timedelta(seconds=300), self.QUEUE, wait=40, abandoned=True)
		board = wallboard.build(now=now)
		tile = next(t for t in board["queues"] if t["queue"] == self.QUEUE)
		self.assertEqual(
			(tile["waiting"], tile["answered"], tile["abandoned"], tile["offered"]), (2, 1, 1, 2)
		)
		self.assertEqual(tile["longest_wait_seconds"], 90)
		self.assertEqual((tile["service_level"], tile["asa"]), (50.0, 10.0))
		self.assertEqual(board["waiting"], before["waiting"] + 2)
		self.assertEqual(board["answered"], before["answered"] + 1)
		self.assertGreaterEqual(board["longest_wait_seconds"], 90)
		self.assertEqual(board["queues"][0]["waiting"], max(t["waiting"] for t in board["queues"]))
		# the number cards read the same day
		self.assertEqual(cards.abandoned_today()["value"], before["abandoned"] + 1)
		self.assertGreaterEqual(cards.calls_today()["value"], 4)
		self.assertEqual(cards.service_level_today()["fieldtype"], "Percent")

	def test_agent_states(self):
		if not frappe.db.exists("DocType", "CRMS Agent Status"):
			self.skipTest("CRMS Agent Status is not installed")
		before = wallboard.build()["agent_states"]
		frappe.get_doc({"doctype": "CRMS Agent Status", "user": AGENT_B, "state": "Break"}).insert(
			ignore_permissions=True
		)
		after = wallboard.build()["agent_states"]
		self.assertEqual(after.get("Break", 0), before.get("Break", 0) + 1)

	def test_notify_is_throttled(self):
		self.assertTrue(wallboard.notify("x", None, None))
		self.assertFalse(wallboard.notify("x", None, None))  # within THROTTLE_SECONDS
		frappe.cache.delete(frappe.cache.make_key(wallboard._THROTTLE_KEY))
		self.assertTrue(wallboard.notify())
		self.assertIn("crm_suite.call_centre.wallboard.notify", frappe.get_hooks("crms_call_updated"))

	def test_data_needs_a_call_centre_role(self):
		user = make_user("_t_no_calls@example.com", ("Sales User",))
		frappe.set_user(user)
		try:
			self.assertRaises(frappe.PermissionError, wallboard.data)
		finally:
			frappe.set_user("Administrator")
		self.assertIn("queues", wallboard.data())


class TestAutoEmailReports(CRMSuiteTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_created_once_disabled_with_supervisors(self):
		frappe.db.delete("Auto Email Report", {"report": setup.REPORT})
		boss = make_user("_t_cc_boss@example.com", ("Call Centre Supervisor",))
		setup.sync_auto_email_reports()
		setup.sync_auto_email_reports()  # idempotent
		rows = frappe.get_all(
			"Auto Email Report",
			filters={"report": setup.REPORT},
			fields=["frequency", "enabled", "user", "owner", "email_to", "dynamic_date_period"],
			order_by="frequency",
		)
		self.assertEqual([r.frequency for r in rows], ["Daily", "Monthly", "Weekly"])
		self.assertEqual([r.dynamic_date_period for r in rows], ["Daily", "Monthly", "Weekly"])
		for r in rows:
			self.assertEqual((r.enabled, r.user, r.owner), (0, "Administrator", "Administrator"))
			self.assertIn(boss, r.email_to.split())
