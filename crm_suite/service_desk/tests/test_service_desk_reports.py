"""Service-desk reports: Ticket Backlog by Age buckets and SLA Attainment percentages, permissions."""

import json
from datetime import timedelta

import frappe
from frappe.utils import add_days, now_datetime, nowdate

from crm_suite.service_desk.report.sla_attainment import sla_attainment
from crm_suite.service_desk.report.ticket_backlog_by_age import ticket_backlog_by_age
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_issue, make_service_team, make_user

test_ignore = ["Customer", "Company", "Item"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

AGENT = "report-agent@crms.test"
OUTSIDER = "report-outsider@crms.test"


class TestServiceDeskReports(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.now = now_datetime()
		self.team = make_service_team().name

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def ticket(self, opened_hours_ago: float, **values):
		name = make_issue().name
		opened = self.now - timedelta(hours=opened_hours_ago)
		frappe.db.set_value(
			"Issue",
			name,
			{
				"opening_date": opened.date(),
				"opening_time": opened.time().replace(microsecond=0),
				"crms_team": self.team,
				"status": "Open",
				"crms_sla_status": "Running",
				"_assign": None,
				**values,
			},
		)
		return name

	def hours_ago(self, hours: float):
		return self.now - timedelta(hours=hours)

	def row(self, data, group):
		rows = [r for r in data if r.group == group]
		self.assertEqual(len(rows), 1, data)
		return rows[0]

	def test_backlog_buckets_total_and_breached(self):
		for hours in (1, 2, 10, 48, 120, 240):
			self.ticket(hours)
		self.ticket(3, crms_sla_status="Breached")
		self.ticket(30, status="Resolved")
		self.ticket(30, status="Closed", crms_sla_status="Breached")

		columns, data = ticket_backlog_by_age.execute({"group_by": "Team"})
		row = self.row(data, self.team)
		self.assertEqual(
			[row.age_4h, row.age_24h, row.age_3d, row.age_7d, row.age_over_7d, row.total, row.breached],
			[3, 1, 1, 1, 1, 7, 1],
		)
		self.assertEqual(columns[0]["options"], "CRMS Service Team")

		# channel filter: only the one Phone ticket
		self.ticket(5, crms_channel="Phone")
		_columns, data = ticket_backlog_by_age.execute({"group_by": "Team", "channel": "Phone"})
		row = self.row(data, self.team)
		self.assertEqual((row.age_24h, row.total), (1, 1))

	def test_backlog_by_agent_counts_every_assignee(self):
		make_user(AGENT, ("Support Team",))
		self.ticket(1, _assign=json.dumps([AGENT]))
		self.ticket(50, _assign=json.dumps([AGENT, "Administrator"]))
		_columns, data = ticket_backlog_by_age.execute({"group_by": "Agent"})
		row = self.row(data, AGENT)
		self.assertEqual((row.age_4h, row.age_3d, row.total), (1, 1, 2))

	def test_sla_attainment_percentages_and_hours(self):
		resolved = {"status": "Resolved"}
		# 1 h response before the due time, 8 h resolution, Met
		self.ticket(
			10,
			**resolved,
			first_responded_on=self.hours_ago(9),
			crms_response_due=self.hours_ago(8),
			sla_resolution_date=self.hours_ago(2),
			crms_sla_status="Met",
		)
		# 6 h response after the due time, 9 h resolution, Missed
		self.ticket(
			10,
			**resolved,
			first_responded_on=self.hours_ago(4),
			crms_response_due=self.hours_ago(8),
			sla_resolution_date=self.hours_ago(1),
			crms_sla_status="Missed",
		)
		# no response recorded, 9 h resolution, Met (closed)
		self.ticket(10, status="Closed", sla_resolution_date=self.hours_ago(1), crms_sla_status="Met")
		# still open, and resolved long before the range: not counted
		self.ticket(5, first_responded_on=self.hours_ago(4), crms_response_due=self.hours_ago(1))
		self.ticket(2000, **resolved, sla_resolution_date=self.hours_ago(1000), crms_sla_status="Missed")

		filters = {"group_by": "Team", "from_date": add_days(nowdate(), -1), "to_date": nowdate()}
		columns, data, _message, chart = sla_attainment.execute(filters)
		row = self.row(data, self.team)
		self.assertEqual(row.tickets, 3)
		self.assertEqual(row.response_met_pct, 50.0)
		self.assertEqual(row.resolution_met_pct, 66.7)
		self.assertEqual(row.avg_response_hours, 3.5)
		self.assertEqual(row.avg_resolution_hours, 8.7)
		self.assertEqual(chart["type"], "bar")
		self.assertIn(self.team, chart["data"]["labels"])
		self.assertEqual(len(chart["data"]["datasets"]), 2)

		# a range that ended before the tickets were resolved: nothing of ours
		filters.update(from_date=add_days(nowdate(), -60), to_date=add_days(nowdate(), -45))
		_columns, data, _message, _chart = sla_attainment.execute(filters)
		self.assertFalse([r for r in data if r.group == self.team])

	def test_user_without_issue_read_gets_nothing(self):
		self.ticket(1)
		self.ticket(10, status="Resolved", sla_resolution_date=self.hours_ago(1), crms_sla_status="Met")
		make_user(OUTSIDER, ("Sales User",))
		frappe.set_user(OUTSIDER)
		filters = {"from_date": add_days(nowdate(), -1), "to_date": nowdate()}
		for report in (ticket_backlog_by_age, sla_attainment):
			try:
				data = report.execute(filters)[1]
			except frappe.PermissionError:
				continue
			self.assertEqual(data, [])

	def test_support_team_user_sees_the_rows(self):
		make_user(AGENT, ("Support Team",))
		self.ticket(1)
		frappe.set_user(AGENT)
		_columns, data = ticket_backlog_by_age.execute({"group_by": "Team"})
		self.assertEqual(self.row(data, self.team).total, 1)
