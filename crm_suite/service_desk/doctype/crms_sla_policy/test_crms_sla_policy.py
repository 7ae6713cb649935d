# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.utils import get_datetime

from crm_suite.service_desk.sla import clear_policy_cache
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_issue, make_sla_policy

test_ignore = ["Customer", "Company", "Item"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


def at(moment: str):
	"""Time travel for the SLA code: its clock reads `now_datetime` from its own module."""
	return patch("crm_suite.service_desk.sla.now_datetime", return_value=get_datetime(moment))


class TestCRMSSLAPolicy(CRMSuiteTestCase):
	def setUp(self):
		frappe.db.set_value("CRMS SLA Policy", {"enabled": 1}, "enabled", 0)  # this test's policies only
		clear_policy_cache()

	def tearDown(self):
		frappe.db.rollback()
		clear_policy_cache()

	def test_most_specific_policy_is_chosen_default_last(self):
		default = make_sla_policy(is_default=1, response_hours=24, resolution_hours=72)
		high = make_sla_policy(issue_priority="High", response_hours=2, resolution_hours=8)
		vip_high = make_sla_policy(issue_priority="High", customer_tier="VIP", response_hours=1, resolution_hours=4)
		vip = make_customer(crms_tier="VIP")
		normal = make_customer(crms_tier="Normal")

		self.assertEqual(make_issue(priority="High", customer=vip.name).crms_sla_policy, vip_high.name)
		self.assertEqual(make_issue(priority="High", customer=normal.name).crms_sla_policy, high.name)
		self.assertEqual(make_issue(priority="Low", customer=normal.name).crms_sla_policy, default.name)

	def test_due_times_on_insert_and_on_priority_change(self):
		make_sla_policy(
			is_default=1,
			response_hours=8,
			resolution_hours=24,
			targets=[{"issue_priority": "High", "response_hours": 1, "resolution_hours": 4}],
		)
		issue = make_issue(priority="Low")
		created = get_datetime(issue.service_level_agreement_creation)
		self.assertEqual(issue.crms_sla_status, "Running")
		self.assertAlmostEqual(get_datetime(issue.crms_response_due), created + timedelta(hours=8), delta=timedelta(seconds=2))
		self.assertAlmostEqual(get_datetime(issue.crms_resolution_due), created + timedelta(hours=24), delta=timedelta(seconds=2))

		issue.priority = "High"
		issue.save()
		self.assertAlmostEqual(get_datetime(issue.crms_response_due), created + timedelta(hours=1), delta=timedelta(seconds=2))
		self.assertAlmostEqual(get_datetime(issue.crms_resolution_due), created + timedelta(hours=4), delta=timedelta(seconds=2))

	def test_business_hours_and_holidays(self):
		holiday_list = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": f"_Test SLA Holidays {frappe.generate_hash(length=5)}",
				"from_date": "2030-01-01",
				"to_date": "2030-12-31",
				"holidays": [{"holiday_date": "2030-01-07", "description": "Test"}],  # a Monday
			}
		).insert(ignore_permissions=True)
		hours = [{"weekday": d, "start_time": "09:00:00", "end_time": "17:00:00"} for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]
		system_tz = frappe.utils.get_system_timezone()
		make_sla_policy(is_default=1, response_hours=2, resolution_hours=10, working_hours=hours, holiday_list=holiday_list.name, time_zone=system_tz)
		start = "2030-01-04 16:00:00"  # Friday 16:00 in the system time zone
		with at(start):
			issue = make_issue(priority="Low", service_level_agreement_creation=start)
		# 1 h on Friday, Monday is a holiday, 1 h on Tuesday
		self.assertEqual(get_datetime(issue.crms_response_due), get_datetime("2030-01-08 10:00:00"))
		# 1 h Friday + 8 h Tuesday + 1 h Wednesday
		self.assertEqual(get_datetime(issue.crms_resolution_due), get_datetime("2030-01-09 10:00:00"))

	def test_pause_and_resume(self):
		make_sla_policy(is_default=1, response_hours=4, resolution_hours=8)
		with at("2030-03-01 08:00:00"):
			issue = make_issue(priority="Low", service_level_agreement_creation="2030-03-01 08:00:00")
		with at("2030-03-01 09:00:00"):
			issue.status = "On Hold"
			issue.save()
		self.assertEqual(issue.crms_sla_status, "Paused")
		self.assertEqual(get_datetime(issue.crms_sla_paused_since), get_datetime("2030-03-01 09:00:00"))
		with at("2030-03-01 12:00:00"):
			issue.status = "Open"
			issue.save()
		self.assertIsNone(issue.crms_sla_paused_since)
		self.assertEqual(issue.crms_sla_paused_seconds, 3 * 3600)
		# resolution due moved by the 3 h on hold; the first-response clock is never paused
		self.assertEqual(get_datetime(issue.crms_resolution_due), get_datetime("2030-03-01 19:00:00"))
		self.assertEqual(get_datetime(issue.crms_response_due), get_datetime("2030-03-01 12:00:00"))

	def test_resolution_is_met_or_missed(self):
		make_sla_policy(is_default=1, response_hours=4, resolution_hours=8)
		with at("2030-03-01 08:00:00"):
			issue = make_issue(priority="Low", service_level_agreement_creation="2030-03-01 08:00:00")
		with at("2030-03-01 10:00:00"):
			issue.status = "Resolved"
			issue.save()
		self.assertEqual(issue.crms_sla_status, "Met")
		self.assertEqual(get_datetime(issue.sla_resolution_date), get_datetime("2030-03-01 10:00:00"))
		with at("2030-03-01 20:00:00"):
			issue.status = "Open"  # reopened: the clock runs again, and it is late now
			issue.save()
		self.assertEqual(issue.crms_sla_status, "Breached")
		self.assertIsNone(issue.sla_resolution_date)

	def test_validation(self):
		with self.assertRaises(frappe.ValidationError):
			make_sla_policy(pause_statuses="Closed")
		with self.assertRaises(frappe.ValidationError):
			make_sla_policy(warning_percent=120, level_2_percent=100, level_3_percent=150)
		with self.assertRaises(frappe.ValidationError):
			make_sla_policy(time_zone="Mars/Olympus")
		with self.assertRaises(frappe.ValidationError):
			make_sla_policy(working_hours=[{"weekday": "Monday", "start_time": "17:00:00", "end_time": "09:00:00"}])
