"""Surveys closed loop: CSAT on resolve, the tokenised page (GET shows, POST records once), refused
tokens, one answer per ticket, low-score follow-up, NPS sampling, the reports, and a token counting
once under 50 concurrent submissions (separate database connections).

Pages are rendered in-process through frappe's website handler, so tests stay in one transaction.
"""

import email
import html
import random
import re
import threading
from urllib.parse import parse_qsl, urlencode

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate, random_string, set_request
from frappe.website.serve import get_response

from crm_suite.engine import nps as nps_engine
from crm_suite.engine import survey_tokens as tokens
from crm_suite.service_desk import surveys
from crm_suite.service_desk.report.customer_satisfaction import customer_satisfaction
from crm_suite.service_desk.report.satisfaction_drivers import satisfaction_drivers
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import (
	make_contact,
	make_customer,
	make_issue,
	make_portal_user,
	make_service_team,
	make_territory,
	make_user,
	restrict_to_territory,
)

test_ignore = ["Customer", "Item", "Company"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore


def page(method: str, params: dict):
	"""The /survey page as a browser would get it (GET query or POST form)."""
	query = urlencode(params) if method == "GET" else ""
	set_request(method=method, path="/survey", query_string=query)
	frappe.local.form_dict = frappe._dict(params)
	try:
		response = get_response("/survey")
		return response.status_code, response.get_data(as_text=True)
	finally:
		frappe.local.form_dict = frappe._dict()
		frappe.local.request = None


def mail_links(response: str) -> list[dict]:
	"""The rating links of the survey e-mail queued for a response (the only place the token exists)."""
	raw = frappe.db.get_value(
		"Email Queue", {"reference_doctype": surveys.DOCTYPE, "reference_name": response}, "message"
	)
	assert raw, "no survey e-mail queued"
	for part in email.message_from_string(raw).walk():
		if part.get_content_type() == "text/html":
			body = part.get_payload(decode=True).decode()
			return [
				dict(parse_qsl(html.unescape(q)))
				for q in re.findall(r"href=['\"][^'\"]*/survey\?([^'\"]+)", body)
			]
	raise AssertionError("no HTML part")


class TestSurveys(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.suffix = random_string(6).lower()
		self.customer = make_customer(customer_name=f"_Test Survey {self.suffix}").name
		self.email = make_portal_user(f"_test_survey_{self.suffix}@example.com", self.customer)
		frappe.db.set_value("User", self.email, "language", "zh")
		self.supervisor = make_user(f"_test_survey_sup_{self.suffix}@example.com", ("Service Supervisor",))
		# a member keeps routing inside this team (an empty team falls back to every enabled team)
		self.agent = make_user(f"_test_survey_agent_{self.suffix}@example.com", ("Support Team",))
		self.team = make_service_team(supervisor=self.supervisor, members=[{"user": self.agent}]).name
		self.conf = dict(frappe.local.conf)
		frappe.local.conf.update({"mail_server": "smtp.invalid", "auto_email_id": "support@example.com"})
		frappe.local.outgoing_email_account = {}
		frappe.db.set_single_value(
			surveys.SETTINGS,
			{
				"enable_csat": 1,
				"csat_low_score": 2,
				"nps_low_score": 6,
				"follow_up_days": 3,
				"csat_valid_days": 14,
			},
		)
		frappe.clear_document_cache(surveys.SETTINGS, surveys.SETTINGS)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.conf.clear()
		frappe.local.conf.update(self.conf)
		frappe.local.outgoing_email_account = {}
		frappe.db.rollback()
		frappe.clear_document_cache(surveys.SETTINGS, surveys.SETTINGS)

	def resolved_ticket(self, **kwargs) -> str:
		doc = make_issue(customer=self.customer, raised_by=self.email, crms_team=self.team, **kwargs)
		doc.reload()
		doc.status = "Resolved"
		doc.save(ignore_permissions=True)
		return doc.name

	def response_of(self, issue: str):
		return frappe.get_doc(surveys.DOCTYPE, {"issue": issue})

	def token_of(self, response: str) -> str:
		return mail_links(response)[0]["t"]

	def post(self, token: str, ref: str, rating, comment: str = ""):
		frappe.set_user("Guest")
		try:
			return page("POST", {"t": token, "ref": ref, "r": str(rating), "comment": comment})
		finally:
			frappe.set_user("Administrator")

	def get(self, token: str, ref: str, rating=None):
		frappe.set_user("Guest")
		try:
			params = {"t": token, "ref": ref}
			if rating is not None:
				params["r"] = str(rating)
			return page("GET", params)
		finally:
			frappe.set_user("Administrator")

	# -- CSAT on resolve -----------------------------------------------------------------------------

	def test_csat_created_on_resolve_with_working_token(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		self.assertEqual((resp.survey_type, resp.status, resp.customer), ("CSAT", "Sent", self.customer))
		self.assertEqual(resp.team, self.team)
		self.assertEqual(resp.language, "zh")  # the contact's portal user speaks Chinese
		self.assertEqual(len(resp.token_hash), 64)
		links = mail_links(resp.name)
		self.assertEqual([int(link["r"]) for link in links], [1, 2, 3, 4, 5])
		self.assertEqual({(link["ref"], link["_lang"]) for link in links}, {(issue, "zh")})
		self.assertEqual(len({link["t"] for link in links}), 1)
		token = links[0]["t"]
		self.assertNotIn(token, resp.token_hash)  # only the HMAC is stored
		self.assertEqual(tokens.hash_token(token, surveys.pepper()), resp.token_hash)

		# opening a one-click link (what a mail scanner does) shows the form and records nothing
		status, body = self.get(token, issue, 4)
		self.assertEqual(status, 200)
		self.assertRegex(body, r'value="4"\s+required\s+checked')
		self.assertIn('method="post"', body)
		resp.reload()
		self.assertIsNone(resp.used_on)
		self.assertEqual(resp.status, "Sent")

	def test_resolve_without_address_or_twice_sends_one(self):
		issue = self.resolved_ticket()
		self.assertIsNone(surveys.send_csat(issue))
		doc = frappe.get_doc("Issue", issue)
		doc.status = "Open"
		doc.save(ignore_permissions=True)
		doc.status = "Resolved"
		doc.save(ignore_permissions=True)
		self.assertEqual(frappe.db.count(surveys.DOCTYPE, {"issue": issue}), 1)

	def test_no_outgoing_account_no_survey_and_resolve_still_works(self):
		frappe.local.conf.pop("mail_server", None)
		frappe.local.conf.pop("auto_email_id", None)
		frappe.local.outgoing_email_account = {}
		if surveys.can_send():
			self.skipTest("this site has an outgoing e-mail account")
		issue = self.resolved_ticket()
		self.assertEqual(frappe.db.get_value("Issue", issue, "status"), "Resolved")
		self.assertFalse(frappe.db.exists(surveys.DOCTYPE, {"issue": issue}))

	# -- POST records once ---------------------------------------------------------------------------

	def test_post_records_once(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		token = self.token_of(resp.name)
		status, body = self.post(token, issue, 5, "Quick and kind")
		self.assertEqual(status, 200)
		self.assertIn("crms-survey-thanks", body)
		resp.reload()
		self.assertEqual((resp.status, resp.score, resp.comment), ("Answered", 5, "Quick and kind"))
		self.assertIsNotNone(resp.used_on)
		used_on = resp.used_on

		# a second use, even with another rating, is refused and changes nothing
		status, body = self.post(token, issue, 1, "changed my mind")
		self.assertIn("crms-survey-invalid", body)
		self.assertIn("already been answered", body)
		resp.reload()
		self.assertEqual((resp.score, resp.comment, resp.used_on), (5, "Quick and kind", used_on))
		# and the page no longer shows a form
		_status, body = self.get(token, issue, 3)
		self.assertNotIn('method="post"', body)

	def test_off_scale_rating_is_refused(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		token = self.token_of(resp.name)
		for bad in ("6", "0", "4.0", "x", ""):
			_status, body = self.post(token, issue, bad)
			self.assertIn("Please choose a rating", body)
		resp.reload()
		self.assertIsNone(resp.used_on)

	# -- refused tokens change nothing ---------------------------------------------------------------

	def test_expired_guessed_and_other_ticket_tokens_refused(self):
		issue_a, issue_b = self.resolved_ticket(), self.resolved_ticket()
		resp_a, resp_b = self.response_of(issue_a), self.response_of(issue_b)
		token_a = self.token_of(resp_a.name)

		# another ticket's token
		_status, body = self.post(token_a, issue_b, 5)
		self.assertIn("This survey link is not valid", body)
		# a guessed token (same length and alphabet)
		_status, body = self.post(tokens.generate_token(), issue_a, 5)
		self.assertIn("This survey link is not valid", body)
		# a truncated one
		_status, body = self.post(token_a[:-1], issue_a, 5)
		self.assertIn("This survey link is not valid", body)
		for r in (resp_a, resp_b):
			r.reload()
			self.assertIsNone(r.used_on)
			self.assertEqual((r.status, r.score), ("Sent", 0))

		# expired
		frappe.db.set_value(
			surveys.DOCTYPE, resp_a.name, "expires_on", add_to_date(now_datetime(), minutes=-1)
		)
		_status, body = self.post(token_a, issue_a, 5)
		self.assertIn("This survey link has expired", body)
		resp_a.reload()
		self.assertIsNone(resp_a.used_on)
		# the same at the SQL guard: an expired row is not claimed even if verification were skipped
		self.assertFalse(surveys.claim(resp_a.name, 5, None, now_datetime()))

	def test_one_answer_per_ticket(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		duplicate = frappe.copy_doc(resp)
		duplicate.token_hash = "0" * 64
		with self.assertRaises(frappe.UniqueValidationError):
			duplicate.insert(ignore_permissions=True)

	def test_page_is_rate_limited_per_ip(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		token = self.token_of(resp.name)
		frappe.local.conf["crms_survey_rate_limit"] = 3
		frappe.local.request_ip = "10.{}.{}.7".format(*random.sample(range(1, 250), 2))
		frappe.cache.delete_value(f"crms_survey_rl:{frappe.local.request_ip}")
		try:
			statuses = [self.get(token, issue, 5)[0] for _i in range(3)]
			status, body = self.post(token, issue, 5)
		finally:
			frappe.local.request_ip = None
		self.assertEqual(statuses, [200, 200, 200])
		self.assertEqual(status, 429)
		self.assertIn("Too many attempts", body)
		resp.reload()
		self.assertIsNone(resp.used_on)

	def test_rows_follow_customer_scope(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		user = make_user(f"_test_survey_agent_{self.suffix}@example.com", ("Support Team", "Sales User"))
		frappe.set_user(user)
		self.assertIn(resp.name, frappe.get_list(surveys.DOCTYPE, pluck="name"))
		frappe.set_user("Administrator")
		restrict_to_territory(user, make_territory(f"_Test Survey Elsewhere {self.suffix}"))
		frappe.set_user(user)
		self.assertNotIn(resp.name, frappe.get_list(surveys.DOCTYPE, pluck="name"))
		self.assertFalse(frappe.has_permission(surveys.DOCTYPE, "read", resp.name))

	# -- closed loop ---------------------------------------------------------------------------------

	def test_low_score_creates_supervisor_todo_and_closes_the_loop(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		self.post(self.token_of(resp.name), issue, 2, "Took a week")
		resp.reload()
		self.assertEqual(resp.follow_up_status, "Open")
		todo = frappe.get_doc("ToDo", resp.follow_up)
		self.assertEqual(todo.allocated_to, self.supervisor)
		self.assertEqual((todo.reference_type, todo.reference_name), (surveys.DOCTYPE, resp.name))
		self.assertEqual(getdate(todo.date), getdate(add_days(nowdate(), 3)))
		self.assertEqual(getdate(resp.follow_up_due), getdate(todo.date))
		self.assertIn("Took a week", todo.description)

		# the supervisor writes what was done, asks to tell the customer, closes the ToDo
		resp.follow_up_note = "We refunded the delivery fee and changed the courier."
		resp.notify_customer = 1
		resp.save(ignore_permissions=True)
		todo.status = "Closed"
		todo.save(ignore_permissions=True)
		resp.reload()
		self.assertEqual(resp.follow_up_status, "Done")
		self.assertIsNotNone(resp.customer_notified_on)
		mails = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": surveys.DOCTYPE, "reference_name": resp.name},
			pluck="message",
		)
		self.assertEqual(len(mails), 2)  # the survey and the follow-up
		self.assertTrue(any("changed the courier" in m for m in mails))

	def test_high_score_and_no_team_fallback(self):
		issue = self.resolved_ticket()
		resp = self.response_of(issue)
		self.post(self.token_of(resp.name), issue, 4)
		resp.reload()
		self.assertFalse(resp.follow_up)
		# no team: the Service Supervisor role's first user gets it
		frappe.db.set_value(surveys.DOCTYPE, resp.name, "team", None)
		self.assertTrue(surveys.supervisor_for(None))

	# -- NPS -----------------------------------------------------------------------------------------

	def test_nps_sampling_excludes_unsubscribed_and_recently_surveyed(self):
		names = {}
		for key in ("eligible", "unsubscribed", "recent", "old", "disabled"):
			customer = make_customer(customer_name=f"_Test NPS {key} {self.suffix}").name
			make_contact(
				customer=customer,
				email_ids=[{"email_id": f"_test_nps_{key}_{self.suffix}@example.com", "is_primary": 1}],
				unsubscribed=int(key == "unsubscribed"),
			)
			names[key] = customer
		frappe.db.set_value("Customer", names["disabled"], "disabled", 1)
		for key, days in (("recent", 10), ("old", 200)):
			frappe.get_doc(
				{
					"doctype": surveys.DOCTYPE,
					"survey_type": "NPS",
					"customer": names[key],
					"token_hash": random_string(64),
					"sent_on": add_days(now_datetime(), -days),
					"expires_on": add_days(now_datetime(), -days + 21),
				}
			).insert(ignore_permissions=True)
		candidates = {c.customer: c for c in surveys.nps_candidates("Customer Tier")}
		self.assertNotIn(names["disabled"], candidates)
		self.assertTrue(candidates[names["unsubscribed"]].unsubscribed)
		sample = nps_engine.sample_relational(candidates.values(), 10**6, getdate(nowdate()), min_gap_days=90)
		drawn = {c.customer for c in sample.customers}
		self.assertIn(names["eligible"], drawn)
		self.assertIn(names["old"], drawn)
		self.assertNotIn(names["unsubscribed"], drawn)
		self.assertNotIn(names["recent"], drawn)

		# the weekly job with a sample as large as the site: the same customers get an e-mail
		frappe.db.set_single_value(
			surveys.SETTINGS, {"sample_size": len(candidates) + 5, "min_days_between": 90, "enable_nps": 1}
		)
		frappe.clear_document_cache(surveys.SETTINGS, surveys.SETTINGS)
		summary = surveys.weekly_nps()
		self.assertGreaterEqual(summary["excluded"]["unsubscribed"], 1)
		self.assertGreaterEqual(summary["excluded"]["recently_surveyed"], 1)
		sent_to = set(
			frappe.get_all(
				surveys.DOCTYPE,
				filters={"survey_type": "NPS", "sent_on": (">=", add_to_date(now_datetime(), minutes=-5))},
				pluck="customer",
			)
		)
		self.assertIn(names["eligible"], sent_to)
		self.assertNotIn(names["unsubscribed"], sent_to)
		self.assertNotIn(names["recent"], sent_to)

		# an NPS answer of 6 is a detractor: follow-up for a supervisor
		resp = frappe.get_doc(
			surveys.DOCTYPE, {"survey_type": "NPS", "customer": names["eligible"], "issue": None}
		)
		links = mail_links(resp.name)
		self.assertEqual([int(link["r"]) for link in links], list(range(11)))
		_status, body = self.post(links[0]["t"], names["eligible"], 6, "Too expensive")
		self.assertIn("crms-survey-thanks", body)
		resp.reload()
		self.assertEqual((resp.score, resp.follow_up_status), (6, "Open"))

	# -- reports -------------------------------------------------------------------------------------

	def add_answer(self, survey_type: str, score, days_ago: int = 5, **kwargs) -> str:
		sent = add_days(now_datetime(), -days_ago)
		return (
			frappe.get_doc(
				{
					"doctype": surveys.DOCTYPE,
					"survey_type": survey_type,
					"customer": self.customer,
					"team": self.team,
					"token_hash": random_string(64),
					"sent_on": sent,
					"expires_on": add_days(sent, 14),
					"used_on": add_days(sent, 1) if score is not None else None,
					"score": score,
					"status": "Answered" if score is not None else "Sent",
					**kwargs,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def test_customer_satisfaction_report_on_known_data(self):
		for score in (5, 5, 4, 2, 1, None):
			self.add_answer("CSAT", score, agent=self.supervisor)
		for score in (10, 9, 8, 3):
			self.add_answer("NPS", score)
		filters = {
			"from_date": add_days(nowdate(), -30),
			"to_date": nowdate(),
			"group_by": "Team",
			"team": self.team,
		}
		_cols, data, _m, _chart, summary = customer_satisfaction.execute({**filters, "survey_type": "CSAT"})
		row = data[0]
		self.assertEqual((row["group"], row["sent"], row["answered"], row["satisfied"]), (self.team, 6, 5, 3))
		self.assertAlmostEqual(row["response_rate"], 500 / 6)
		self.assertAlmostEqual(row["score"], 60.0)
		self.assertAlmostEqual(row["mean"], 3.4)
		self.assertAlmostEqual(row["ci_low"], 23.07, places=1)  # Wilson 95% for 3/5
		self.assertAlmostEqual(row["ci_high"], 88.24, places=1)
		self.assertEqual(summary[0]["value"], 60.0)

		_cols, data, *_ = customer_satisfaction.execute({**filters, "survey_type": "NPS"})
		row = data[0]
		self.assertEqual((row["promoters"], row["passives"], row["detractors"]), (2, 1, 1))
		self.assertAlmostEqual(row["score"], 25.0)
		self.assertLess(row["ci_low"], 25.0)
		self.assertGreater(row["ci_high"], 25.0)

		_cols, data, *_ = customer_satisfaction.execute(
			{**filters, "survey_type": "CSAT", "group_by": "Month"}
		)
		self.assertEqual(sum(d["sent"] for d in data if not d.get("is_total_row")), 6)
		self.assertEqual(surveys.csat_card()["fieldtype"], "Percent")

	def test_satisfaction_drivers_report(self):
		# ratings fall with slower first responses: 5 at 1 h ... 1 at 9 h (resolution time unrelated)
		for i in range(14):
			hours = 1 + (i % 9)
			issue = make_issue(customer=self.customer, crms_channel="Email")
			opened = frappe.db.get_value("Issue", issue.name, "creation")
			frappe.db.set_value(
				"Issue",
				issue.name,
				{
					"first_responded_on": add_to_date(opened, hours=hours),
					"crms_resolved_on": add_to_date(opened, hours=20 + (i * 7) % 11),
				},
				update_modified=False,
			)
			self.add_answer("CSAT", max(1, 5 - (hours - 1) // 2), issue=issue.name, channel="Email")
		_cols, data, message, _chart, summary = satisfaction_drivers.execute(
			{"from_date": add_days(nowdate(), -30), "to_date": nowdate(), "team": self.team}
		)
		self.assertEqual(summary[0]["value"], 14, message)
		reg = {d["driver"]: d for d in data if d["method"] == "Regression"}
		frt = reg["First response time (hours)"]
		self.assertLess(frt["estimate"], 0)
		self.assertLess(frt["p_value"], 0.05)
		self.assertLess(frt["ci_high"], 0)
		self.assertIn("unlikely to be chance", frt["reading"])
		rho = {d["driver"]: d for d in data if d["method"] == "Spearman correlation"}
		self.assertLess(rho["First response time (hours)"]["estimate"], -0.9)
		self.assertIn("First response time", message)
		# no reopen and no replies in this data: left out of the fit, and said so
		self.assertIn("Left out (no variation here", message)

	# -- concurrency ---------------------------------------------------------------------------------

	def test_token_counts_once_under_50_concurrent_claims(self):
		"""50 threads, each on its own database connection, claim one committed survey row at once
		with the production UPDATE: exactly one wins and its score is the one stored."""
		import pymysql

		params = {  # read here: frappe.local is not bound in the threads
			"host": frappe.conf.db_host or "127.0.0.1",
			"port": int(frappe.conf.db_port or 3306),
			"user": frappe.conf.db_user or frappe.conf.db_name,
			"password": frappe.conf.db_password,
			"database": frappe.conf.db_name,
		}

		def connect():
			return pymysql.connect(**params, autocommit=False)

		name = f"_test_claim_{random_string(10)}"
		setup = connect()
		try:
			with setup.cursor() as cur:
				cur.execute(
					"insert into `tabCRMS Survey Response` (name, survey_type, status, token_hash, sent_on, "
					"expires_on, creation, modified, owner, modified_by, docstatus, idx) values "
					"(%s, 'CSAT', 'Sent', %s, %s, %s, now(), now(), 'Administrator', 'Administrator', 0, 0)",
					(name, random_string(64), now_datetime(), add_days(now_datetime(), 1)),
				)
			setup.commit()
			barrier = threading.Barrier(50)
			now = now_datetime()  # frappe.local is not bound in the threads
			wins: list[int] = []
			errors: list[Exception] = []

			def submit(score: int):
				conn = None
				try:
					conn = connect()
					barrier.wait(30)
					with conn.cursor() as cur:
						changed = cur.execute(
							surveys.CLAIM_SQL,
							{
								"name": name,
								"score": score,
								"comment": f"thread {score}",
								"now": now,
							},
						)
					conn.commit()
					if changed == 1:
						wins.append(score)
				except Exception as e:  # reported below
					errors.append(e)
				finally:
					if conn:
						conn.close()

			threads = [threading.Thread(target=submit, args=(1 + i % 5,)) for i in range(50)]
			for t in threads:
				t.start()
			for t in threads:
				t.join(60)
			self.assertEqual(errors, [])
			self.assertEqual(len(wins), 1)
			with setup.cursor() as cur:
				cur.execute("select score, status from `tabCRMS Survey Response` where name = %s", (name,))
				self.assertEqual(cur.fetchone(), (wins[0], "Answered"))
		finally:
			with setup.cursor() as cur:
				cur.execute("delete from `tabCRMS Survey Response` where name = %s", (name,))
			setup.commit()
			setup.close()
