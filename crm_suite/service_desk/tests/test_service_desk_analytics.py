"""Service-desk analytics: First Response Time, Resolution Time, Reopen Rate and Complaint Closure on a
small known set of tickets; the Service Desk workspace, its number cards and charts; the ticket print."""

import json
from datetime import timedelta

import frappe
from frappe.utils import add_days, get_datetime, now_datetime, nowdate

from crm_suite.service_desk import dashboard
from crm_suite.service_desk.report.complaint_closure import complaint_closure
from crm_suite.service_desk.report.first_response_time import first_response_time
from crm_suite.service_desk.report.reopen_rate import reopen_rate
from crm_suite.service_desk.report.resolution_time import resolution_time
from crm_suite.setup.install import ERPNEXT_INDEXES, index_columns
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_issue, make_service_team, make_user

test_ignore = ["Customer", "Company", "Item"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

AGENT = "analytics-agent@crms.test"
AGENT_2 = "analytics-agent-2@crms.test"
OUTSIDER = "analytics-outsider@crms.test"
CARDS = ("Open Tickets", "Breached SLAs", "At-Risk SLAs", "Tickets Resolved Today", "Unassigned Tickets")
CHARTS = ("Tickets Created by Channel", "SLA Attainment Trend", "Ticket Backlog by Team")
REPORTS = (
	"Ticket Backlog by Age",
	"SLA Attainment",
	"First Response Time",
	"Resolution Time",
	"Reopen Rate",
	"Complaint Closure",
)


class ServiceDeskCase(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.now = now_datetime().replace(microsecond=0)
		self.team = make_service_team().name
		self.filters = {
			"from_date": add_days(nowdate(), -10),
			"to_date": nowdate(),
			"team": self.team,
			"group_by": "Team",
		}

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def ago(self, hours: float):
		return self.now - timedelta(hours=hours)

	def ticket(self, opened_hours_ago: float, **values):
		"""An Issue of this test's team opened `opened_hours_ago`, then `values` written as they are."""
		name = make_issue().name
		opened = self.ago(opened_hours_ago)
		frappe.db.set_value(
			"Issue",
			name,
			{
				"opening_date": opened.date(),
				"opening_time": opened.time(),
				"crms_team": self.team,
				"status": "Open",
				"crms_sla_status": "Running",
				"first_responded_on": None,
				"sla_resolution_date": None,
				"crms_complaint_class": None,
				"_assign": None,
				**values,
			},
		)
		return name

	def row(self, data, group):
		rows = [r for r in data if r.group == group]
		self.assertEqual(len(rows), 1, data)
		return rows[0]


class TestServiceDeskReports(ServiceDeskCase):
	def test_first_response_time_median_p90_mean(self):
		for hours in (1, 2, 3, 10):
			self.ticket(48, first_responded_on=self.ago(48 - hours))
		self.ticket(30)  # no response yet: counted, not measured
		self.ticket(24 * 40, first_responded_on=self.ago(24 * 39))  # opened before the range

		columns, data, _message, chart = first_response_time.execute(self.filters)
		row = self.row(data, self.team)
		self.assertEqual((row.tickets, row.measured), (5, 4))
		self.assertEqual((row.median_hours, row.p90_hours, row.mean_hours), (2.5, 7.9, 4.0))
		self.assertEqual(columns[0]["options"], "CRMS Service Team")
		self.assertEqual(chart["type"], "bar")
		self.assertEqual(chart["data"]["labels"], [self.team])
		self.assertEqual(chart["data"]["datasets"][0]["values"], [2.5])

	def test_first_response_time_by_agent_and_channel(self):
		make_user(AGENT, ("Support Team",))
		make_user(AGENT_2, ("Support Team",))
		self.ticket(20, first_responded_on=self.ago(19), _assign=json.dumps([AGENT]), crms_channel="Phone")
		self.ticket(20, first_responded_on=self.ago(17), _assign=json.dumps([AGENT]), crms_channel="Email")
		self.ticket(20, first_responded_on=self.ago(10), _assign=json.dumps([AGENT_2]), crms_channel="Email")
		_c, data, _m, _chart = first_response_time.execute({**self.filters, "group_by": "Agent"})
		self.assertEqual(self.row(data, AGENT).median_hours, 2.0)
		self.assertEqual(self.row(data, AGENT_2).median_hours, 10.0)
		_c, data, _m, _chart = first_response_time.execute({**self.filters, "group_by": "Channel"})
		self.assertEqual((self.row(data, "Email").tickets, self.row(data, "Phone").mean_hours), (2, 1.0))
		_c, data, _m, _chart = first_response_time.execute({**self.filters, "channel": "Email"})
		self.assertEqual(self.row(data, self.team).mean_hours, 6.5)

	def test_resolution_time_counts_tickets_resolved_in_the_range(self):
		for hours, status in ((4, "Resolved"), (8, "Closed"), (12, "Resolved")):
			self.ticket(50, status=status, sla_resolution_date=self.ago(50 - hours))
		# reopened and open again: its old resolution moment does not count
		self.ticket(50, status="Open", sla_resolution_date=self.ago(40))
		# resolved long before the range
		self.ticket(24 * 60, status="Closed", sla_resolution_date=self.ago(24 * 50))
		_c, data, _m, chart = resolution_time.execute(self.filters)
		row = self.row(data, self.team)
		self.assertEqual((row.tickets, row.median_hours, row.p90_hours, row.mean_hours), (3, 8.0, 11.2, 8.0))
		self.assertEqual(len(chart["data"]["datasets"]), 2)

	def test_reopen_rate(self):
		has_field = frappe.get_meta("Issue").has_field("crms_reopen_count")
		if not has_field:
			_c, data, message = reopen_rate.execute(self.filters)
			self.assertEqual(data, [])
			self.assertTrue(message)
			return
		self.ticket(60, status="Resolved", crms_reopen_count=0)
		self.ticket(60, status="Closed", crms_reopen_count=0)
		self.ticket(60, status="Closed", crms_reopen_count=2)
		self.ticket(60, status="Resolved", crms_reopen_count=0)
		self.ticket(60, status="Open", crms_reopen_count=1)  # reopened, not resolved again yet
		self.ticket(60, status="Open", crms_reopen_count=0)  # never resolved: not in the rate
		_c, data, _m, chart = reopen_rate.execute(self.filters)
		row = self.row(data, self.team)
		self.assertEqual((row.resolved, row.reopened, row.reopen_rate, row.reopens), (5, 2, 40.0, 3))
		self.assertEqual(chart["data"]["datasets"][0]["values"], [40.0])

	def test_complaint_closure_by_class_team_and_month(self):
		self.ticket(50, crms_complaint_class="Major", status="Closed", sla_resolution_date=self.ago(47))
		self.ticket(50, crms_complaint_class="Major", status="Resolved", sla_resolution_date=self.ago(44))
		self.ticket(50, crms_complaint_class="Urgent", status="Closed", sla_resolution_date=self.ago(30))
		self.ticket(80, crms_complaint_class="Normal")  # open, past 72 h
		self.ticket(10, crms_complaint_class="Normal")  # open, still inside its limit
		self.ticket(10)  # not a complaint
		filters = {**self.filters, "group_by": "Complaint Class"}
		_c, data, _m, chart = complaint_closure.execute(filters)
		got = {
			r.group: (r.complaints, r.closed, r.within_limit, r.open_over_limit, r.within_limit_pct)
			for r in data
		}
		self.assertEqual(
			got,
			{"Normal": (2, 0, 0, 1, 0.0), "Urgent": (1, 1, 1, 0, 100.0), "Major": (2, 2, 1, 0, 50.0)},
		)
		self.assertEqual([r.group for r in data], ["Normal", "Urgent", "Major"])
		self.assertEqual(self.row(data, "Major").median_hours, 4.5)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [0.0, 100.0, 50.0])

		_c, data, _m, _chart = complaint_closure.execute({**filters, "group_by": "Team"})
		row = self.row(data, self.team)
		self.assertEqual(
			(row.complaints, row.closed, row.within_limit, row.within_limit_pct), (5, 3, 2, 50.0)
		)

		_c, data, _m, _chart = complaint_closure.execute({**filters, "group_by": "Month"})
		self.assertEqual(sum(r.complaints for r in data), 5)
		self.assertTrue(all(len(r.group) == 7 for r in data))

		_c, data, _m, _chart = complaint_closure.execute({**filters, "complaint_class": "Major"})
		self.assertEqual([r.group for r in data], ["Major"])

	def test_unknown_group_by_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			first_response_time.execute({**self.filters, "group_by": "Colour"})

	def test_reports_read_only_what_the_user_may_read(self):
		self.ticket(48, first_responded_on=self.ago(47), status="Closed", sla_resolution_date=self.ago(40))
		self.ticket(50, crms_complaint_class="Major", status="Closed", sla_resolution_date=self.ago(47))
		make_user(AGENT, ("Support Team",))
		make_user(OUTSIDER, ("Sales User",))
		frappe.set_user(AGENT)
		_c, data, _m, _chart = first_response_time.execute(self.filters)
		self.assertEqual((self.row(data, self.team).tickets, self.row(data, self.team).measured), (2, 1))
		frappe.set_user(OUTSIDER)
		for report in (first_response_time, resolution_time, reopen_rate, complaint_closure):
			try:
				data = report.execute(self.filters)[1]
			except frappe.PermissionError:
				continue
			self.assertEqual(data, [], report.__name__)

	def test_report_filters_are_backed_by_indexes(self):
		indexed = {cols[0] for dt, cols, name in ERPNEXT_INDEXES if dt == "Issue" and index_columns(dt, name)}
		self.assertTrue({"opening_date", "sla_resolution_date"} <= indexed)
		meta = frappe.get_meta("Issue")
		for field in ("crms_team", "crms_channel", "crms_complaint_class", "crms_sla_status", "status"):
			self.assertTrue(meta.get_field(field).search_index, field)


class TestServiceDeskWorkspace(ServiceDeskCase):
	def test_workspace_links_cards_and_charts_exist(self):
		ws = frappe.get_doc("Workspace", "Service Desk")
		self.assertEqual((ws.module, ws.public), ("Service Desk", 1))
		self.assertFalse(frappe.db.exists("Workspace", {"name": "Support", "module": "Service Desk"}))
		for link in ws.links:
			if link.type == "Link":
				self.assertTrue(frappe.db.exists(link.link_type, link.link_to), link.link_to)
		# other service-desk areas may add their own reports, cards and charts beside these
		self.assertLessEqual(set(REPORTS), {link.link_to for link in ws.links if link.link_type == "Report"})
		self.assertLessEqual(set(CARDS), {c.number_card_name for c in ws.number_cards})
		self.assertLessEqual(set(CHARTS), {c.chart_name for c in ws.charts})
		self.assertLessEqual(
			{"My Queue", "Team Queue", "At-risk SLAs", "New Ticket"}, {s.label for s in ws.shortcuts}
		)
		for name in CARDS:
			card = frappe.get_doc("Number Card", name)
			self.assertEqual(
				(card.is_standard, card.module, card.document_type), (1, "Service Desk", "Issue")
			)
		for name in CHARTS:
			chart = frappe.get_doc("Dashboard Chart", name)
			self.assertEqual((chart.is_standard, chart.module), (1, "Service Desk"))

	def test_desktop_page_loads_for_a_support_agent(self):
		from frappe.desk.desktop import get_desktop_page

		make_user(AGENT, ("Support Team",))
		frappe.set_user(AGENT)
		page = get_desktop_page(json.dumps({"name": "Service Desk", "title": "Service Desk", "public": 1}))
		self.assertLessEqual(set(CARDS), {c.number_card_name for c in page["number_cards"]["items"]})
		self.assertLessEqual(set(CHARTS), {c.chart_name for c in page["charts"]["items"]})
		self.assertGreaterEqual(len(page["shortcuts"]["items"]), 4)
		reports = {link.link_to for card in page["cards"]["items"] for link in card["links"]}
		self.assertTrue(set(REPORTS) <= reports, reports)

	def card_value(self, name):
		from frappe.desk.doctype.number_card.number_card import get_result

		card = frappe.get_doc("Number Card", name)
		return get_result(card.as_json(), card.filters_json)

	def test_number_cards_count_the_right_tickets(self):
		before = {name: self.card_value(name) for name in CARDS}
		make_user(AGENT, ("Support Team",))
		self.ticket(5, crms_sla_status="Breached", _assign=json.dumps([AGENT]))
		self.ticket(5, crms_sla_status="Warning", status="Replied")
		self.ticket(5, crms_sla_status="Running")
		self.ticket(30, status="Resolved", crms_sla_status="Met", sla_resolution_date=self.now)
		self.ticket(30, status="Closed", crms_sla_status="Met", sla_resolution_date=self.ago(24 * 3))
		after = {name: self.card_value(name) for name in CARDS}
		self.assertEqual(
			{name: after[name] - before[name] for name in CARDS},
			{
				"Open Tickets": 3,
				"Breached SLAs": 1,
				"At-Risk SLAs": 1,
				"Tickets Resolved Today": 1,
				"Unassigned Tickets": 2,
			},
		)

	def test_charts_return_data(self):
		from frappe.desk.doctype.dashboard_chart.dashboard_chart import get

		self.ticket(3, crms_channel="Phone")
		self.ticket(
			3, crms_channel="Phone", status="Closed", sla_resolution_date=self.ago(1), crms_sla_status="Met"
		)
		backlog = get(chart_name="Ticket Backlog by Team", refresh=1)
		self.assertIn(self.team, backlog["labels"])
		self.assertEqual(backlog["datasets"][0]["values"][backlog["labels"].index(self.team)], 1)

		by_channel = dashboard.tickets_by_channel(chart_name="Tickets Created by Channel")
		self.assertGreaterEqual(len(by_channel["labels"]), 28)
		phone = next(d for d in by_channel["datasets"] if d["name"] == "Phone")
		self.assertGreaterEqual(phone["values"][-1] + phone["values"][-2], 2)

		trend = dashboard.sla_attainment_trend(chart_name="SLA Attainment Trend", time_interval="Daily")
		self.assertEqual(
			[d["name"] for d in trend["datasets"]], ["Resolution SLA Met %", "Response SLA Met %"]
		)
		self.assertEqual(len(trend["datasets"][0]["values"]), len(trend["labels"]))

	def test_boot_lists_the_users_teams(self):
		make_user(AGENT, ("Support Team",))
		team = make_service_team(members=[{"user": AGENT}]).name
		frappe.set_user(AGENT)
		boot = frappe._dict()
		dashboard.boot_session(boot)
		self.assertEqual(boot.crms_service_teams, [team])


class TestTicketPrint(ServiceDeskCase):
	def test_print_shows_ticket_customer_sla_and_conversation_not_comments(self):
		name = self.ticket(
			5,
			crms_channel="Email",
			crms_sla_status="Warning",
			crms_response_due=self.ago(1),
			raised_by="print.customer@example.com",
		)
		subject = frappe.db.get_value("Issue", name, "subject")
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Received",
				"subject": subject,
				"content": "<p>My printer prints <b>blank pages</b></p>",
				"sender": "print.customer@example.com",
				"reference_doctype": "Issue",
				"reference_name": name,
				"communication_date": self.ago(5),
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Comment",
				"comment_type": "Comment",
				"reference_doctype": "Issue",
				"reference_name": name,
				"content": "Internal: customer is difficult",
			}
		).insert(ignore_permissions=True)
		html = frappe.get_print("Issue", name, "CRMS Ticket")
		self.assertIn(subject, html)
		self.assertIn(self.team, html)
		self.assertIn("print.customer@example.com", html)
		self.assertIn("My printer prints blank pages", html)
		self.assertIn("Warning", html)
		self.assertIn(frappe.format(get_datetime(self.ago(1)), {"fieldtype": "Datetime"}), html)
		self.assertNotIn("customer is difficult", html)
		self.assertEqual(frappe.db.get_value("Print Format", "CRMS Ticket", "standard"), "Yes")
