"""Knowledge base on Frappe's Help Article / Email Template: review workflow, suggestions (en, zh),
public help centre, placeholder insertion with attribution, effectiveness and FCR reports, reminders."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_to_date, now_datetime, random_string, today

from crm_suite.engine import fcr
from crm_suite.service_desk import knowledge
from crm_suite.service_desk.report.first_contact_resolution import first_contact_resolution as fcr_report
from crm_suite.service_desk.report.knowledge_article_effectiveness import (
	knowledge_article_effectiveness as effectiveness,
)
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_customer, make_issue, make_service_team, make_user


def make_category(name: str = "_Test KB Category") -> str:
	existing = frappe.db.get_value("Help Category", {"category_name": name})
	if existing:
		return existing
	return (
		frappe.get_doc({"doctype": "Help Category", "category_name": name, "published": 1})
		.insert(ignore_permissions=True)
		.name
	)


def make_article(title, content, language="en", visibility="Public", keywords=None, publish=True):
	"""An article taken through the real workflow: Draft -> Review -> Approve."""
	doc = frappe.get_doc(
		{
			"doctype": "Help Article",
			"title": title,
			"content": content,
			"category": make_category(),
			"crms_language": language,
			"crms_visibility": visibility,
			"crms_keywords": keywords,
		}
	).insert(ignore_permissions=True)
	if publish:
		doc = apply_workflow(doc, "Review")
		doc = apply_workflow(doc, "Approve")
	return doc


def make_canned_reply(name, subject, response, language="en"):
	return frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": name,
			"subject": subject,
			"response": response,
			"crms_is_canned_reply": 1,
			"crms_language": language,
		}
	).insert(ignore_permissions=True)


class TestKnowledgeBase(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		knowledge.invalidate_index()
		tag = random_string(5).lower()  # names come from titles: never clash with existing articles
		self.password = make_article(
			f"Reset your password {tag}",
			"<p>If you cannot log in, use <b>Forgot password</b> on the login page to get a reset link by e-mail.</p>",
			keywords="login, sign in",
		)
		self.refund = make_article(
			f"Refund a duplicate card charge {tag}",
			"<p>When a customer was charged twice, find both captures in the payment gateway and refund "
			"the second charge.</p>",
			visibility="Internal",
			keywords="refund, charged twice, double charge",
		)
		self.invoice_zh = make_article(
			f"发票抬头修改 {tag}",
			"<p>如果发票抬头填写错误，请在订单页面申请重新开具发票，新发票三个工作日内发送到邮箱。</p>",
			language="zh",
		)
		self.refund_zh = make_article(
			f"重复扣款退款流程 {tag}",
			"<p>客户信用卡被重复扣款时，在支付网关核对两笔相同金额的交易，退还第二笔扣款。</p>",
			language="zh",
			visibility="Internal",
			keywords="重复扣款, 退款",
		)
		self.draft = make_article(
			f"Password rules draft {tag}",
			"<p>Passwords need twelve characters; login locks after five tries.</p>",
			publish=False,
		)
		self.reply = make_canned_reply(
			f"_Test KB Refund {random_string(5)}",
			"Your refund for {{ ticket_id }}",
			"<p>Dear {{ customer_name }}, we refunded the duplicate charge on ticket {{ ticket_id }}. "
			"{{ unknown_thing }} Regards, {{ agent_first_name }}</p>",
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		knowledge.invalidate_index()
		knowledge.invalidate_synonyms()

	# -- workflow ---------------------------------------------------------------------------------
	def test_workflow_states_exist_and_publish_follows_review_and_visibility(self):
		wf = frappe.get_doc("Workflow", knowledge.WORKFLOW_NAME)
		self.assertTrue(wf.is_active)
		self.assertEqual(wf.document_type, "Help Article")
		self.assertEqual([s.state for s in wf.states], ["Draft", "In Review", "Published"])
		self.assertIn(("Draft", "In Review"), {(t.state, t.next_state) for t in wf.transitions})
		self.assertIn(("In Review", "Published"), {(t.state, t.next_state) for t in wf.transitions})

		self.assertEqual(self.draft.crms_review_status, "Draft")
		self.assertEqual(self.draft.published, 0)
		reviewing = apply_workflow(self.draft, "Review")
		self.assertEqual((reviewing.crms_review_status, reviewing.published), ("In Review", 0))
		published = apply_workflow(reviewing, "Approve")
		self.assertEqual((published.crms_review_status, published.published), ("Published", 1))
		self.assertEqual(str(published.crms_last_reviewed_on), today())
		# internal articles are never "published" in Frappe's web sense
		self.assertEqual(frappe.db.get_value("Help Article", self.refund.name, "published"), 0)
		# versions are kept (Help Article has track_changes; frappe skips Versions while testing)
		self.assertTrue(frappe.get_meta("Help Article").track_changes)

	def test_setup_keeps_already_published_articles_live(self):
		"""Upgrading a site that served Help Articles: those stay Published + Public."""
		frappe.delete_doc("Workflow", knowledge.WORKFLOW_NAME, force=True, ignore_permissions=True)
		frappe.db.set_value(
			"Help Article",
			self.draft.name,
			{"published": 1, "crms_visibility": "Internal"},
			update_modified=False,
		)
		knowledge.setup_workflow()
		self.assertTrue(frappe.db.exists("Workflow", knowledge.WORKFLOW_NAME))
		self.assertEqual(
			frappe.db.get_value("Help Article", self.draft.name, ["crms_review_status", "crms_visibility"]),
			("Published", "Public"),
		)
		knowledge.setup_workflow()  # idempotent
		self.assertEqual(frappe.db.count("Workflow", {"document_type": "Help Article"}), 1)

	# -- suggestions ------------------------------------------------------------------------------
	def test_suggest_ranks_the_right_article_first_en(self):
		issue = make_issue(
			subject="I was charged twice for my order",
			description="Please refund the double charge on my credit card.",
		)
		out = knowledge.suggest(issue.name)
		self.assertEqual(out["language"], "en")
		self.assertEqual(out["articles"][0]["name"], self.refund.name)
		self.assertEqual(out["articles"][0]["visibility"], "Internal")  # agents see internal articles
		self.assertEqual(out["replies"][0]["name"], self.reply.name)
		names = [a["name"] for a in out["articles"]]
		self.assertNotIn(self.draft.name, names)
		self.assertFalse({self.invoice_zh.name, self.refund_zh.name} & set(names))

		login = make_issue(subject="Cannot log in", description="I forgot my password, how do I sign in?")
		self.assertEqual(knowledge.suggest(login.name)["articles"][0]["name"], self.password.name)

	def test_suggest_ranks_the_right_article_first_zh(self):
		issue = make_issue(subject="信用卡重复扣款", description="我的订单被扣了两次钱，请帮我退款。")
		out = knowledge.suggest(issue.name)
		self.assertEqual(out["language"], "zh")
		self.assertEqual(out["articles"][0]["name"], self.refund_zh.name)
		self.assertFalse({self.password.name, self.refund.name} & {a["name"] for a in out["articles"]})

		invoice = make_issue(subject="发票抬头写错了", description="请问怎么重新开发票？")
		self.assertEqual(knowledge.suggest(invoice.name)["articles"][0]["name"], self.invoice_zh.name)

	def test_agent_with_support_team_role_gets_suggestions_and_inserts(self):
		issue = make_issue(subject="Charged twice", description="Please refund the double charge on my card.")
		frappe.set_user(make_user("kb_agent@example.com", roles=("Support Team",)))
		out = knowledge.suggest(issue.name)
		self.assertEqual(out["articles"][0]["name"], self.refund.name)
		self.assertEqual(out["replies"][0]["name"], self.reply.name)
		filled = knowledge.insert(issue.name, self.reply.name, "reply")
		self.assertIn("Regards, kb_agent", filled["message"])
		self.assertEqual(frappe.db.get_value("Issue", issue.name, "crms_kb_canned_reply"), self.reply.name)

	def test_suggest_needs_read_permission_on_the_issue(self):
		issue = make_issue(subject="Cannot log in", description="password")
		frappe.set_user("Guest")
		self.assertRaises(frappe.PermissionError, knowledge.suggest, issue.name)

	def test_index_follows_article_changes_without_a_rebuild(self):
		knowledge.search("password", "en")
		stamp = frappe.cache.get_value(knowledge.STAMP_KEY)
		self.assertTrue(stamp)
		doc = frappe.get_doc("Help Article", self.password.name)
		doc.crms_keywords = "login, sign in, two-factor authenticator"
		doc.save()
		hits = knowledge.search("authenticator", "en", public_only=True)
		self.assertEqual(hits[0][1], self.password.name)
		# a new published article is found, a deleted one is gone, an unpublished one leaves
		extra = make_article("Pair a bluetooth headset", "<p>Hold the pairing button for five seconds.</p>")
		self.assertEqual(knowledge.search("bluetooth pairing", "en")[0][1], extra.name)
		frappe.delete_doc("Help Article", extra.name, force=True)
		self.assertEqual(knowledge.search("bluetooth pairing", "en"), [])
		apply_workflow(frappe.get_doc("Help Article", self.password.name), "Revise")
		self.assertNotIn(self.password.name, [h[1] for h in knowledge.search("authenticator", "en")])
		self.assertEqual(frappe.cache.get_value(knowledge.STAMP_KEY), stamp)  # never rebuilt

	def test_synonym_groups_reach_suggestions_live(self):
		query = "my authenticator gadget refuses me"
		self.assertNotIn(self.password.name, [h[1] for h in knowledge.search(query, "en")])
		group = frappe.get_doc(
			{
				"doctype": "CRMS KB Synonym",
				"group_name": f"_Test login {random_string(5)}",
				"terms": "refuses me\nsign in",
			}
		).insert()
		self.assertEqual(knowledge.search(query, "en")[0][1], self.password.name)
		group.enabled = 0
		group.save()
		self.assertNotIn(self.password.name, [h[1] for h in knowledge.search(query, "en")])
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{"doctype": "CRMS KB Synonym", "group_name": "_Test one", "terms": "alone"}
			).insert()

	# -- public help centre -----------------------------------------------------------------------
	def test_internal_article_hidden_from_public_page_and_guest_api(self):
		from crm_suite.www.help import article as article_page
		from crm_suite.www.help import index as index_page

		frappe.set_user("Guest")
		names = {r["name"] for r in knowledge.search_public("refund duplicate charge charged twice", "en")}
		self.assertNotIn(self.refund.name, names)
		self.assertEqual(
			knowledge.search_public("forgot password login", "en")[0]["name"], self.password.name
		)
		zh = {r["name"] for r in knowledge.search_public("重复扣款 退款 发票")}
		self.assertIn(self.invoice_zh.name, zh)
		self.assertNotIn(self.refund_zh.name, zh)
		self.assertNotIn(
			self.draft.name, {r["name"] for r in knowledge.search_public("password rules", "en")}
		)
		self.assertFalse(frappe.has_permission("Help Article", "read", self.refund.name))
		self.assertRaises(frappe.DoesNotExistError, knowledge.get_article, self.refund.name)

		frappe.local.form_dict = frappe._dict(name=self.refund.name)
		self.assertRaises(frappe.PageDoesNotExistError, article_page.get_context, frappe._dict())
		frappe.local.form_dict = frappe._dict(name=self.draft.name)
		self.assertRaises(frappe.PageDoesNotExistError, article_page.get_context, frappe._dict())
		frappe.local.form_dict = frappe._dict(name=self.password.name)
		context = frappe._dict()
		article_page.get_context(context)
		self.assertTrue(context.article.title.startswith("Reset your password"))
		self.assertEqual(frappe.db.get_value("Help Article", self.password.name, "crms_views"), 1)

		frappe.local.form_dict = frappe._dict(lang="en")
		context = frappe._dict()
		index_page.get_context(context)
		listed = {r["name"] for r in context.results}
		self.assertIn(self.password.name, listed)
		self.assertNotIn(self.refund.name, listed)
		self.assertEqual(sum(c.articles for c in context.categories if c.name == make_category()), 1)
		frappe.local.form_dict = frappe._dict(lang="zh", q="发票抬头")
		context = frappe._dict()
		index_page.get_context(context)
		self.assertEqual([r["name"] for r in context.results], [self.invoice_zh.name])

	# -- insertion and attribution ----------------------------------------------------------------
	def test_insert_fills_placeholders_and_records_the_use(self):
		customer = make_customer(customer_name=f"Smith & Sons {random_string(4)}")
		issue = make_issue(subject="Charged twice", description="refund please", customer=customer.name)
		out = knowledge.insert(issue.name, self.reply.name, "reply")
		self.assertIn(f"Dear {frappe.utils.escape_html(customer.customer_name)}", out["message"])
		self.assertIn(f"ticket {issue.name}", out["message"])
		self.assertIn("Regards, Administrator", out["message"])
		self.assertEqual(out["missing"], ["unknown_thing"])
		self.assertIn("{{ unknown_thing }}", out["message"])  # left visible for the agent
		self.assertEqual(out["subject"], f"Your refund for {issue.name}")
		self.assertEqual(frappe.db.get_value("Issue", issue.name, "crms_kb_canned_reply"), self.reply.name)
		self.assertEqual(frappe.db.get_value("Email Template", self.reply.name, "crms_uses"), 1)

		knowledge.insert(issue.name, self.refund.name, "article")
		knowledge.insert(issue.name, self.refund.name, "article")
		self.assertEqual(frappe.db.get_value("Issue", issue.name, "crms_kb_article"), self.refund.name)
		self.assertEqual(frappe.db.get_value("Help Article", self.refund.name, "crms_uses"), 2)
		self.assertRaises(frappe.DoesNotExistError, knowledge.insert, issue.name, self.draft.name, "article")

	# -- reports ----------------------------------------------------------------------------------
	def test_effectiveness_report_numbers(self):
		tickets = [make_issue(subject=f"Login {i}") for i in range(4)]
		for t in tickets[:3]:
			knowledge.insert(t.name, self.password.name, "article")
		frappe.db.set_value("Issue", tickets[0].name, "status", "Resolved", update_modified=False)
		frappe.db.set_value(
			"Issue", tickets[1].name, {"status": "Closed", "crms_reopen_count": 1}, update_modified=False
		)
		knowledge.insert(tickets[3].name, self.refund.name, "article")
		frappe.db.set_value("Issue", tickets[3].name, "status", "Resolved", update_modified=False)
		frappe.set_user("Guest")
		knowledge.public_article(self.password.name)
		knowledge.public_article(self.password.name)
		frappe.set_user("Administrator")

		_columns, data, *_rest = effectiveness.execute(
			{"from_date": add_days(today(), -1), "to_date": today()}
		)
		rows = {r.article: r for r in data}
		pw = rows[self.password.name]
		self.assertEqual((pw.views, pw.uses, pw.tickets, pw.resolved, pw.reopened), (2, 3, 3, 2, 1))
		self.assertEqual((pw.resolution_rate, pw.reopen_rate), (66.7, 50.0))
		rf = rows[self.refund.name]
		self.assertEqual((rf.tickets, rf.resolved, rf.resolution_rate, rf.reopen_rate), (1, 1, 100.0, 0.0))
		self.assertEqual(rows[self.invoice_zh.name].tickets, 0)

		# the daily job writes the same outcomes onto the articles, set-based
		knowledge.refresh_article_counters()
		self.assertEqual(
			frappe.db.get_value(
				"Help Article", self.password.name, ["crms_resolved_tickets", "crms_reopened_tickets"]
			),
			(2, 1),
		)

	def test_fcr_report_numbers(self):
		team = make_service_team().name
		now = now_datetime()
		resolved_long_ago = add_to_date(now, days=-10)

		def ticket(article=None, replies=1, resolved=resolved_long_ago, reopened=None, late_replies=0):
			issue = make_issue(subject=f"FCR {random_string(5)}")
			for i in range(replies + late_replies):
				when = add_to_date(now, days=-15, hours=i) if i < replies else add_to_date(now, days=-5)
				frappe.get_doc(
					{
						"doctype": "Communication",
						"communication_type": "Communication",
						"communication_medium": "Email",
						"sent_or_received": "Sent",
						"reference_doctype": "Issue",
						"reference_name": issue.name,
						"subject": "Re",
						"content": "reply",
						"communication_date": when,
					}
				).insert(ignore_permissions=True)
			values = {
				"opening_date": add_days(now, -20),
				"crms_kb_article": article,
				"crms_team": team,
				"crms_channel": "Email",
			}
			if resolved:
				values.update(status="Resolved", crms_resolved_on=resolved)
			else:
				values.update(status="Open", crms_resolved_on=None)
			if reopened:
				values.update(crms_reopen_count=1, crms_reopened_on=reopened)
			frappe.db.set_value("Issue", issue.name, values, update_modified=False)
			return issue.name

		a = self.password.name
		ticket(a)  # FCR
		ticket(a, late_replies=2)  # FCR: replies after the resolution do not count
		ticket(a, reopened=add_to_date(now, days=-9))  # reopened within 7 days
		ticket(None)  # FCR
		ticket(None, replies=2)  # two replies
		ticket(None, replies=3)  # three replies
		ticket(None, resolved=add_to_date(now, days=-2))  # pending
		ticket(None, replies=0, resolved=None)  # open
		ticket(None, replies=0)  # resolved without contact

		filters = {
			"from_date": add_days(now, -30),
			"to_date": today(),
			"team": team,
			"group_by": "Knowledge Article",
			"window_days": 7,
		}
		_columns, data, message, _chart, summary = fcr_report.execute(filters)
		rows = {r.group: r for r in data}
		with_a, without = rows["With Article"], rows["Without Article"]
		self.assertEqual((with_a.eligible, with_a.fcr, with_a.reopened), (3, 2, 1))
		self.assertEqual(with_a.fcr_rate, 66.7)
		self.assertEqual(
			(without.eligible, without.fcr, without.multiple_interactions, without.pending, without.open),
			(3, 1, 2, 1, 1),
		)
		self.assertEqual(without.no_contact, 1)
		self.assertEqual(without.fcr_rate, 33.3)
		low, high = fcr.wilson(2, 3)
		self.assertEqual((with_a.ci_low, with_a.ci_high), (round(100 * low, 1), round(100 * high, 1)))
		expected = fcr.compare(2, 3, 1, 3)
		self.assertEqual(summary[2]["value"], round(100 * expected.difference, 1))
		self.assertIn(str(round(100 * expected.ci_low, 1)), message)

		filters["group_by"] = "Channel"
		_columns, data, *_rest = fcr_report.execute(filters)
		self.assertEqual([(r.group, r.eligible, r.fcr) for r in data], [("Email", 6, 3)])

	# -- review reminders -------------------------------------------------------------------------
	def test_stale_article_gets_one_review_todo(self):
		frappe.db.set_value(
			"Help Article",
			self.password.name,
			{"crms_last_reviewed_on": add_days(today(), -200), "crms_review_due_days": 180},
		)
		created = knowledge.create_review_reminders()
		self.assertIn(self.password.name, created)
		self.assertNotIn(self.refund.name, created)  # reviewed today on approval
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{"reference_type": "Help Article", "reference_name": self.password.name, "status": "Open"},
			)
		)
		self.assertNotIn(self.password.name, knowledge.create_review_reminders())
