"""Outbound campaigns on a site: list building (do-not-call, consent, do-not-contact, frequency cap
across campaigns), calling windows in two time zones, one target per agent under concurrency,
back-off, conversions, phone surveys and the results report.

"Now" is frozen by passing `now=` (aware datetimes): 2026-12-02 02:00 UTC is Wednesday 10:00 in
Shanghai and Tuesday 21:00 in New York.
"""

import threading
from datetime import datetime, timedelta, timezone
from unittest.mock import patch

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import random_string

from crm_suite.call_centre import outbound
from crm_suite.call_centre.report.outbound_campaign_results import outbound_campaign_results as report
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import (
	make_address,
	make_contact,
	make_customer,
	make_lead,
	make_territory,
	make_user,
)

test_ignore = ["Customer", "Item", "Company", "Lead", "Contact", "Call Log", "CRMS Survey Response"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

UTC = timezone.utc
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wed 10:00 Shanghai, Tue 21:00 New York
SHANGHAI = "+8613800138000"
NEW_YORK = "+12127365000"


def phone(n: int) -> str:
	"""Distinct valid Chinese mobile numbers (+86 138 0013 8xxx)."""
	return f"+86138001{38000 + n:05d}"


class OutboundTestCase(CRMSuiteTestCase):
	def setUp(self):
		# ERPNext commits inside Contact/Lead after_insert (Call Log link_existing_conversations, which
		# links earlier calls to a new number): that would leak every test's rows, so it is a no-op here
		patcher = patch(
			"erpnext.telephony.doctype.call_log.call_log.link_existing_conversations", lambda *a, **k: None
		)
		patcher.start()
		self.addCleanup(patcher.stop)
		frappe.set_user("Administrator")
		self.suffix = random_string(6).lower()
		self.source = (
			frappe.get_doc({"doctype": "Lead Source", "source_name": f"_Test Out {self.suffix}"})
			.insert(ignore_permissions=True)
			.name
		)
		self.agent_a = make_user(f"_test_out_a_{self.suffix}@example.com", ("Call Centre Agent",))
		self.agent_b = make_user(f"_test_out_b_{self.suffix}@example.com", ("Call Centre Agent",))

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def campaign(self, **kwargs):
		return frappe.get_doc(
			{
				"doctype": outbound.CAMPAIGN,
				"campaign_name": f"_Test Outbound {random_string(8)}",
				"campaign_type": "Sales",
				"status": "Active",
				"source": "Leads",
				"lead_source": self.source,
				"window_start": "09:00",
				"window_end": "20:00",
				"max_attempts": 3,
				"cap_contacts": 3,
				"cap_days": 7,
				"require_consent": 1,
				**kwargs,
			}
		).insert(ignore_permissions=True)

	def lead(self, mobile: str | None, country: str = "China", **kwargs) -> str:
		return make_lead(mobile_no=mobile, country=country, source=self.source, **kwargs).name

	def target(self, campaign: str, party: str, party_type: str = "Lead"):
		return frappe.get_doc(
			{"doctype": outbound.TARGET, "campaign": campaign, "party_type": party_type, "party": party}
		)

	def by_party(self, campaign: str) -> dict:
		return {
			t.party: t
			for t in frappe.get_all(
				outbound.TARGET,
				filters={"campaign": campaign},
				fields=[
					"name",
					"party",
					"status",
					"exclusion_reason",
					"phone",
					"timezone",
					"next_attempt_at",
				],
			)
		}

	def attempt(self, phone_no: str, at: datetime, campaign: str | None = None):
		frappe.get_doc(
			{
				"doctype": outbound.ATTEMPT,
				"campaign": campaign,
				"phone": phone_no,
				"attempted_at": outbound.naive(at),
				"disposition": "No Answer",
				"disposition_code": "no_answer",
			}
		).insert(ignore_permissions=True)

	def call(self, campaign: str, agent: str, now: datetime):
		frappe.set_user(agent)
		try:
			return outbound.next_target(campaign, now=now)
		finally:
			frappe.set_user("Administrator")

	def outcome(self, target: str, agent: str, disposition: str, now: datetime, **kwargs):
		frappe.set_user(agent)
		try:
			return outbound.record_outcome(target, disposition, now=now, **kwargs)
		finally:
			frappe.set_user("Administrator")


class TestOutbound(OutboundTestCase):
	# -- list building ------------------------------------------------------------------------------

	def test_list_respects_do_not_call_consent_and_do_not_contact(self):
		ok = self.lead(phone(1))
		dnc = self.lead(phone(2), crms_do_not_call=1)
		unsub = self.lead(phone(3), unsubscribed=1)
		dnx = self.lead(phone(4), crms_do_not_contact=1)
		dnx_status = self.lead(phone(5), status="Do Not Contact")
		bad = self.lead("123")
		both = self.lead(phone(6), crms_do_not_call=1, unsubscribed=1)
		c = self.campaign()
		summary = outbound.make_targets(c.name, now=NOW)
		self.assertEqual(summary["added"], 7)
		self.assertEqual((summary["pending"], summary["excluded"]), (1, 6))
		t = self.by_party(c.name)
		self.assertEqual((t[ok].status, t[ok].exclusion_reason), ("Pending", None))
		self.assertEqual(t[ok].phone, phone(1))
		self.assertEqual(t[ok].timezone, "Asia/Shanghai")  # China has 5 zones: the number decides
		self.assertEqual((t[dnc].status, t[dnc].exclusion_reason), ("Excluded", "do_not_call"))
		self.assertEqual(t[unsub].exclusion_reason, "no_consent")
		self.assertEqual(t[dnx].exclusion_reason, "do_not_contact")
		self.assertEqual(t[dnx_status].exclusion_reason, "do_not_contact")
		self.assertEqual(t[bad].exclusion_reason, "invalid_number")
		self.assertEqual(t[both].exclusion_reason, "do_not_call,no_consent")
		self.assertEqual(summary["reasons"]["do_not_call"], 2)
		self.assertIn(
			outbound.reason_label("do_not_call"),
			frappe.db.get_value(outbound.CAMPAIGN, c.name, "build_summary"),
		)
		# without the consent rule an unsubscribed lead may be called
		c2 = self.campaign(require_consent=0)
		outbound.make_targets(c2.name, now=NOW)
		self.assertEqual(self.by_party(c2.name)[unsub].status, "Pending")
		# a rebuild adds only new parties
		new = self.lead(phone(7))
		again = outbound.make_targets(c.name, now=NOW)
		self.assertEqual((again["added"], again["skipped"]), (1, 7))
		self.assertEqual(self.by_party(c.name)[new].status, "Pending")

	def test_build_targets_endpoint_runs_the_job(self):
		self.lead(phone(8))
		c = self.campaign()
		frappe.set_user(self.agent_a)
		try:
			self.assertRaises(frappe.PermissionError, outbound.build_targets, c.name)  # agents may not
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(outbound.build_targets(c.name), {"queued": True})  # inline in tests
		row = frappe.db.get_value(outbound.CAMPAIGN, c.name, ["build_status", "build_summary"], as_dict=True)
		self.assertEqual(row.build_status, "Built")
		self.assertIn("added: 1 (pending 1", row.build_summary)
		self.assertEqual(frappe.db.count(outbound.TARGET, {"campaign": c.name, "status": "Pending"}), 1)

	@change_settings("CRMS Settings", {"default_phone_region": "China"})
	def test_customer_tier_list_normalises_phone_and_zone(self):
		territory = make_territory(f"_Test Out T {self.suffix}")
		vip = make_customer(crms_tier="VIP", territory=territory).name
		contact = make_contact(
			customer=vip, phone_nos=[{"phone": "(212) 736-5000", "is_primary_mobile_no": 1}]
		).name
		# imported before the normaliser ran (or past it): still in US national format, which the site's
		# default region (China) would misread; the customer's address says where it is
		frappe.db.set_value("Contact", contact, "mobile_no", "(212) 736-5000")
		frappe.db.set_value("Customer", vip, "customer_primary_contact", contact)
		make_address("Customer", vip, "1 Main St", "New York", country="United States")
		dnc = make_customer(crms_tier="VIP", territory=territory, crms_dnc_phone=1).name
		unsub_customer = make_customer(crms_tier="VIP", territory=territory).name
		unsub_contact = make_contact(
			customer=unsub_customer,
			unsubscribed=1,
			phone_nos=[{"phone": SHANGHAI, "is_primary_mobile_no": 1}],
		).name
		frappe.db.set_value("Customer", unsub_customer, "customer_primary_contact", unsub_contact)
		make_customer(crms_tier="Normal", territory=territory)  # other tier: not in the list
		c = self.campaign(source="Customer Tier", tier="VIP", territory=territory, lead_source=None)
		outbound.make_targets(c.name, now=NOW)
		t = self.by_party(c.name)
		self.assertEqual(set(t), {vip, dnc, unsub_customer})
		# US national format + address country -> E.164; the US has many zones: the area code decides
		self.assertEqual(
			(t[vip].phone, t[vip].timezone, t[vip].status), (NEW_YORK, "America/New_York", "Pending")
		)
		self.assertEqual(t[dnc].exclusion_reason, "do_not_call,invalid_number")  # and no number at all
		self.assertEqual(t[unsub_customer].exclusion_reason, "no_consent")

	def test_frequency_cap_counts_other_campaigns(self):
		capped = self.lead(phone(10))
		two = self.lead(phone(11))
		old = self.lead(phone(12))
		other = self.campaign(lead_source=None, source="Manual").name
		for days in (1, 2, 3):
			self.attempt(phone(10), NOW - timedelta(days=days), other)
		for days in (1, 2):
			self.attempt(phone(11), NOW - timedelta(days=days), other)
		for days in (8, 9, 10):  # outside the 7-day period
			self.attempt(phone(12), NOW - timedelta(days=days), other)
		c = self.campaign()
		summary = outbound.make_targets(c.name, now=NOW)
		t = self.by_party(c.name)
		self.assertEqual((t[two].status, t[old].status), ("Pending", "Pending"))
		self.assertEqual((t[capped].status, t[capped].exclusion_reason), ("Scheduled", "frequency_cap"))
		# the oldest attempt (NOW - 3 days) leaves the period at NOW + 4 days = Sunday 10:00 Shanghai;
		# Sunday is off, so Monday 09:00 Shanghai = Monday 01:00 UTC
		expected = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
		self.assertEqual(t[capped].next_attempt_at, outbound.naive(expected))
		self.assertEqual(summary["scheduled"], 1)
		# it is not handed out before then, and is after
		for agent in (self.agent_a, self.agent_b):
			t_ = self.call(c.name, agent, NOW)
			self.assertIn(t_["party"], (two, old))
			self.outcome(t_["name"], agent, "Not Interested", NOW)
		self.assertIsNone(self.call(c.name, self.agent_a, NOW))
		self.assertIsNone(
			self.call(c.name, self.agent_a, datetime(2026, 12, 5, 3, 0, tzinfo=UTC))
		)  # Sat 11:00
		self.assertEqual(self.call(c.name, self.agent_a, expected)["party"], capped)

	# -- working the list ---------------------------------------------------------------------------

	def test_calling_windows_in_two_time_zones(self):
		sh = self.lead(SHANGHAI)
		ny = self.lead(NEW_YORK, country="United States")
		c = self.campaign()
		outbound.make_targets(c.name, now=NOW)
		self.assertEqual(self.by_party(c.name)[ny].timezone, "America/New_York")
		# 02:00 UTC: Shanghai Wed 10:00 open, New York Tue 21:00 closed
		first = self.call(c.name, self.agent_a, NOW)
		self.assertEqual((first["party"], first["local_time"]), (sh, "2026-12-02 10:00"))
		self.assertIsNone(self.call(c.name, self.agent_b, NOW))
		# the same agent asking again gets the call they hold
		self.assertEqual(self.call(c.name, self.agent_a, NOW)["name"], first["name"])
		# 15:00 UTC: Shanghai 23:00 closed, New York Wed 10:00 open
		later = NOW.replace(hour=15)
		second = self.call(c.name, self.agent_b, later)
		self.assertEqual((second["party"], second["local_time"]), (ny, "2026-12-02 10:00"))
		# 13:59 UTC = 08:59 New York: not yet
		frappe.db.set_value(outbound.TARGET, second["name"], {"status": "Pending", "assigned_to": None})
		self.assertIsNone(self.call(c.name, self.agent_b, NOW.replace(hour=13, minute=59)))
		# a holiday in the campaign's list closes the window that day
		holidays = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": f"_Test Out {self.suffix}",
				"from_date": "2026-01-01",
				"to_date": "2026-12-31",
				"holidays": [{"holiday_date": "2026-12-02", "description": "Test"}],
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value(outbound.CAMPAIGN, c.name, "holiday_list", holidays.name)
		self.assertIsNone(self.call(c.name, self.agent_b, later))

	def test_paused_campaign_and_other_agents_refused(self):
		self.lead(SHANGHAI)
		outsider = make_user(f"_test_out_x_{self.suffix}@example.com", ("Call Centre Agent",))
		c = self.campaign(agents=[{"user": self.agent_a}])
		outbound.make_targets(c.name, now=NOW)
		self.assertRaises(frappe.PermissionError, self.call, c.name, outsider, NOW)
		self.assertTrue(self.call(c.name, self.agent_a, NOW))
		frappe.db.set_value(outbound.CAMPAIGN, c.name, "status", "Paused")
		self.assertRaises(frappe.ValidationError, self.call, c.name, self.agent_a, NOW)

	def test_retries_back_off_and_window(self):
		lead = self.lead(SHANGHAI)
		c = self.campaign()
		outbound.make_targets(c.name, now=NOW)
		t = self.call(c.name, self.agent_a, NOW)["name"]
		res = self.outcome(t, self.agent_a, "No Answer", NOW)
		# first no-answer retry: 2 hours, inside the window
		self.assertEqual(
			(res["status"], res["next_attempt_at"]), ("Scheduled", outbound.naive(NOW + timedelta(hours=2)))
		)
		self.assertIsNone(self.call(c.name, self.agent_b, NOW + timedelta(hours=1)))  # not due yet
		t2 = NOW + timedelta(hours=2)
		self.assertEqual(self.call(c.name, self.agent_b, t2)["name"], t)
		res = self.outcome(t, self.agent_b, "Busy", t2)
		# second attempt ended busy: the busy ladder's 2nd step, 15 minutes
		self.assertEqual(res["next_attempt_at"], outbound.naive(t2 + timedelta(minutes=15)))
		t3 = t2 + timedelta(minutes=15)
		self.assertEqual(self.call(c.name, self.agent_a, t3)["name"], t)
		res = self.outcome(t, self.agent_a, "No Answer", t3)
		self.assertEqual((res["status"], res["next_attempt_at"]), ("Done", None))  # max 3 attempts
		row = frappe.db.get_value(
			outbound.TARGET, t, ["attempts", "last_disposition", "status"], as_dict=True
		)
		self.assertEqual((row.attempts, row.last_disposition, row.status), (3, "No Answer", "Done"))
		self.assertEqual(frappe.db.count(outbound.ATTEMPT, {"target": t}), 3)
		self.assertEqual(self.by_party(c.name)[lead].status, "Done")

	def test_late_no_answer_moves_to_next_morning_and_not_mine_refused(self):
		self.lead(SHANGHAI)
		c = self.campaign()
		outbound.make_targets(c.name, now=NOW)
		late = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)  # 19:00 Shanghai
		t = self.call(c.name, self.agent_a, late)["name"]
		# another agent cannot record the call agent A holds
		self.assertRaises(frappe.PermissionError, self.outcome, t, self.agent_b, "No Answer", late)
		res = self.outcome(t, self.agent_a, "No Answer", late)
		# 19:00 + 2h = 21:00, after the window: Thursday 09:00 Shanghai = 01:00 UTC
		self.assertEqual(res["next_attempt_at"], outbound.naive(datetime(2026, 12, 3, 1, 0, tzinfo=UTC)))

	def test_do_not_call_request_flags_party_and_leaves_every_list(self):
		lead = self.lead(SHANGHAI)
		c, other = self.campaign(), self.campaign()
		outbound.make_targets(c.name, now=NOW)
		outbound.make_targets(other.name, now=NOW)
		t = self.call(c.name, self.agent_a, NOW)["name"]
		res = self.outcome(t, self.agent_a, "Do Not Call", NOW)
		self.assertEqual(res["status"], "Done")
		self.assertEqual(frappe.db.get_value("Lead", lead, "crms_do_not_call"), 1)
		o = self.by_party(other.name)[lead]
		self.assertEqual((o.status, o.exclusion_reason), ("Excluded", "do_not_call"))

	def test_opted_out_after_build_is_not_called(self):
		lead = self.lead(SHANGHAI)
		c = self.campaign()
		outbound.make_targets(c.name, now=NOW)
		frappe.db.set_value("Lead", lead, "unsubscribed", 1)
		self.assertIsNone(self.call(c.name, self.agent_a, NOW))
		t = self.by_party(c.name)[lead]
		self.assertEqual((t.status, t.exclusion_reason), ("Excluded", "no_consent"))

	# -- outcomes -----------------------------------------------------------------------------------

	def test_interested_creates_lead_or_opportunity_and_links_call_log(self):
		c = self.campaign(source="Manual", lead_source=None)
		contact = make_contact(
			phone_nos=[{"phone": phone(20), "is_primary_mobile_no": 1}],
			email_ids=[{"email_id": f"o_{self.suffix}@example.com", "is_primary": 1}],
		).name
		lead = self.lead(phone(21))
		customer = make_customer().name
		cc = make_contact(customer=customer, phone_nos=[{"phone": phone(22), "is_primary_mobile_no": 1}]).name
		frappe.db.set_value("Customer", customer, "customer_primary_contact", cc)
		targets = {
			"contact": self.target(c.name, contact, "Contact").insert().name,
			"lead": self.target(c.name, lead).insert().name,
			"customer": self.target(c.name, customer, "Customer").insert().name,
		}
		self.assertEqual(frappe.db.get_value(outbound.TARGET, targets["contact"], "phone"), phone(20))
		log = (
			frappe.get_doc(
				{
					"doctype": "Call Log",
					"id": f"_test_out_{self.suffix}",
					"from": "+862100000000",
					"to": phone(20),
					"type": "Outgoing",
					"status": "Completed",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		for kind, name in targets.items():
			outbound.lock(name, self.agent_a, NOW)
			res = self.outcome(
				name,
				self.agent_a,
				"Interested",
				NOW,
				notes=f"wants a demo ({kind})",
				call_log=log if kind == "contact" else None,
			)
			self.assertEqual(res["status"], "Done")
			if kind == "contact":
				self.assertTrue(res["lead"])
				self.assertIsNone(res["opportunity"])
				new = frappe.db.get_value(
					"Lead", res["lead"], ["mobile_no", "email_id", "status"], as_dict=True
				)
				self.assertEqual(
					(new.mobile_no, new.email_id, new.status),
					(phone(20), f"o_{self.suffix}@example.com", "Interested"),
				)
				cl = frappe.db.get_value(
					"Call Log",
					log,
					["crms_disposition", "crms_lead", "crms_contact", "crms_agent"],
					as_dict=True,
				)
				self.assertEqual(
					(cl.crms_disposition, cl.crms_lead, cl.crms_contact, cl.crms_agent),
					("Interested", res["lead"], contact, self.agent_a),
				)
				self.assertEqual(frappe.db.get_value(outbound.TARGET, name, "last_call_log"), log)
			else:
				self.assertIsNone(res["lead"])
				opp = frappe.db.get_value(
					"Opportunity", res["opportunity"], ["opportunity_from", "party_name"], as_dict=True
				)
				party = lead if kind == "lead" else customer
				self.assertEqual(
					(opp.opportunity_from, opp.party_name), ("Lead" if kind == "lead" else "Customer", party)
				)
		# a contact of an existing customer does not become a lead
		other = self.campaign(source="Manual", lead_source=None)
		t = self.target(other.name, cc, "Contact").insert().name
		outbound.lock(t, self.agent_a, NOW)
		res = self.outcome(t, self.agent_a, "Interested", NOW)
		self.assertEqual((res["lead"], res["opportunity"]), (None, None))

	def test_survey_campaign_records_answer_and_low_score_follow_up(self):
		frappe.db.set_single_value("CRMS NPS Settings", {"nps_low_score": 6, "follow_up_days": 2})
		frappe.clear_document_cache("CRMS NPS Settings", "CRMS NPS Settings")
		c = self.campaign(campaign_type="Survey", survey_type="NPS", source="Manual", lead_source=None)
		happy, unhappy = make_customer().name, make_customer().name
		for cust, n in ((happy, 30), (unhappy, 31)):
			contact = make_contact(
				customer=cust, phone_nos=[{"phone": phone(n), "is_primary_mobile_no": 1}]
			).name
			frappe.db.set_value("Customer", cust, "customer_primary_contact", contact)
		t1 = self.target(c.name, happy, "Customer").insert().name
		t2 = self.target(c.name, unhappy, "Customer").insert().name
		for t in (t1, t2):
			outbound.lock(t, self.agent_a, NOW)
		self.assertRaises(
			frappe.ValidationError, self.outcome, t1, self.agent_a, "Completed", NOW
		)  # no score
		self.assertRaises(frappe.ValidationError, self.outcome, t1, self.agent_a, "Completed", NOW, score=11)
		r1 = self.outcome(t1, self.agent_a, "Completed", NOW, score=9)
		r2 = self.outcome(t2, self.agent_a, "Completed", NOW, score="3")
		s1 = frappe.get_doc("CRMS Survey Response", r1["survey_response"])
		self.assertEqual(
			(s1.survey_type, s1.score, s1.status, s1.channel, s1.customer, s1.agent),
			("NPS", 9, "Answered", "Phone", happy, self.agent_a),
		)
		self.assertFalse(s1.follow_up)
		s2 = frappe.get_doc("CRMS Survey Response", r2["survey_response"])
		self.assertEqual(s2.score, 3)
		self.assertTrue(s2.follow_up)  # detractor: the supervisor's ToDo
		self.assertEqual(frappe.db.get_value(outbound.TARGET, t1, "survey_response"), s1.name)

	# -- report -------------------------------------------------------------------------------------

	def test_report_figures(self):
		leads = [self.lead(phone(40 + i)) for i in range(4)]
		excluded = self.lead(phone(44), crms_do_not_call=1)
		c = self.campaign()
		outbound.make_targets(c.name, now=NOW)
		t = self.by_party(c.name)
		a, b = self.agent_a, self.agent_b

		def call(lead, agent, disposition, at):
			self.assertTrue(outbound.lock(t[lead].name, agent, at))
			return self.outcome(t[lead].name, agent, disposition, at)

		call(leads[0], a, "No Answer", NOW)
		call(leads[0], a, "Interested", NOW + timedelta(hours=3))  # -> opportunity
		call(leads[1], b, "Not Interested", NOW)
		call(leads[2], b, "Busy", NOW)
		_cols, rows = report.execute({"campaign": c.name, "group_by": "Campaign"})
		self.assertEqual(len(rows), 1)
		row = rows[0]
		expected = {
			"targets": 5,
			"attempted": 3,
			"attempts": 4,
			"connected": 2,
			"connect_rate": 50.0,
			"done": 2,
			"d_no_answer": 1,
			"d_interested": 1,
			"d_not_interested": 1,
			"d_busy": 1,
			"d_completed": 0,
			"opportunities": 1,
			"leads": 0,
			"excluded": 1,
			"x_do_not_call": 1,
			"x_no_consent": 0,
		}
		self.assertEqual({k: row[k] for k in expected}, expected)
		self.assertEqual(t[excluded].status, "Excluded")
		_cols, rows = report.execute({"campaign": c.name, "group_by": "Agent"})
		got = {
			r["agent"]: (
				r["attempted"],
				r["attempts"],
				r["connected"],
				r["connect_rate"],
				r["done"],
				r["opportunities"],
			)
			for r in rows
		}
		self.assertEqual(got, {a: (1, 2, 1, 50.0, 1, 1), b: (2, 2, 1, 50.0, 1, 0)})
		# a date range without calls: no rows
		_cols, rows = report.execute({"campaign": c.name, "from_date": "2020-01-01", "to_date": "2020-01-31"})
		self.assertEqual(rows, [])


class TestOutboundConcurrency(OutboundTestCase):
	def test_two_agents_never_get_the_same_target(self):
		"""Two agents, each on its own database connection, work one committed list at the same time:
		every target is called exactly once."""
		site, sites_path = frappe.local.site, frappe.local.sites_path
		leads = [self.lead(phone(60 + i)) for i in range(12)]
		c = self.campaign()
		outbound.make_targets(c.name, now=NOW)
		frappe.db.commit()
		barrier = threading.Barrier(2)
		got: dict[str, list[str]] = {self.agent_a: [], self.agent_b: []}
		errors: list[Exception] = []

		def work(agent: str):
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user(agent)
				barrier.wait(30)
				for _i in range(20):
					t = outbound.next_target(c.name, now=NOW)
					frappe.db.commit()
					if not t:
						break
					got[agent].append(t["name"])
					outbound.record_outcome(t["name"], "Not Interested", now=NOW)
					frappe.db.commit()
			except Exception as e:  # reported below
				errors.append(e)
				frappe.db.rollback()
			finally:
				frappe.destroy()

		try:
			threads = [threading.Thread(target=work, args=(u,)) for u in got]
			for th in threads:
				th.start()
			for th in threads:
				th.join(120)
			frappe.db.rollback()  # see the threads' commits
			self.assertEqual(errors, [])
			a, b = got[self.agent_a], got[self.agent_b]
			self.assertEqual(set(a) & set(b), set())
			self.assertEqual(len(a) + len(b), 12)
			self.assertEqual(frappe.db.count(outbound.ATTEMPT, {"campaign": c.name}), 12)
			self.assertEqual(frappe.db.count(outbound.TARGET, {"campaign": c.name, "status": "Done"}), 12)
		finally:
			frappe.set_user("Administrator")
			frappe.db.delete(outbound.ATTEMPT, {"campaign": c.name})
			frappe.db.delete(outbound.TARGET, {"campaign": c.name})
			frappe.db.delete(outbound.CAMPAIGN, {"name": c.name})
			frappe.db.delete("Lead", {"name": ("in", leads)})
			for user in (self.agent_a, self.agent_b):
				frappe.delete_doc("User", user, force=True, ignore_permissions=True)
			frappe.db.delete("Lead Source", {"name": self.source})
			frappe.db.commit()
