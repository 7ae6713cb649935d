"""Demo surveys and QA reviews on the demo tickets (models in engine/demo_quality.py).

CSAT rows are written as if the survey e-mail went out an hour after resolution and the customer used
the link (status Answered) or never did (Sent); the token exists only as a random hash, since no e-mail
is sent. NPS rows go to customers with demo tickets. QA reviews go through the real review controller
(scoring, coaching ToDos for low scores). Low CSAT / NPS answers get their supervisor follow-up like a
real answer would. Idempotent: tickets that already have a survey row, and agents that already have
demo reviews, are skipped.
"""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_suite.engine import demo_quality as dq
from crm_suite.service_desk import quality, surveys
from crm_suite.service_desk.report.common import opened_at

SCORECARD = "Demo Service QA"
INSPECTORS = (("Quinn", "Inspector"), ("Sam", "Auditor"))
SERVICE_DOMAIN = "service.example.com"
REVIEWS_PER_AGENT = 6


def ensure_scorecard() -> str:
	if not frappe.db.exists(quality.SCORECARD, SCORECARD):
		frappe.get_doc(
			{
				"doctype": quality.SCORECARD,
				"scorecard_name": SCORECARD,
				"applies_to": "Issue",
				"pass_mark": 80,
				"sample_size": 3,
				"description": _(
					"Demo scorecard: the guide's attitude, efficiency and effect, plus compliance."
				),
				"criteria": [
					{
						"criterion": name,
						"criterion_group": group,
						"weight": weight,
						"max_score": str(max_score),
						"auto_fail": int(auto_fail),
						"allow_na": int(allow_na),
					}
					for name, group, weight, max_score, auto_fail, allow_na in dq.DEMO_CRITERIA
				],
			}
		).insert(ignore_permissions=True)
	return SCORECARD


def ensure_inspectors() -> list[str]:
	users = []
	for first, last in INSPECTORS:
		email = f"{first.lower()}.{last.lower()}@{SERVICE_DOMAIN}"
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": first,
					"last_name": last,
					"send_welcome_email": 0,
					"user_type": "System User",
					"roles": [{"role": "QA Inspector"}],
				}
			)
			user.flags.no_welcome_mail = True
			user.insert(ignore_permissions=True)
		users.append(email)
	return users


def resolved_demo_tickets(seed: int) -> list[frappe._dict]:
	meta = frappe.get_meta("Issue")
	resolved = "crms_resolved_on" if meta.has_field("crms_resolved_on") else "sla_resolution_date"
	rows = frappe.get_all(
		"Issue",
		filters={
			"crms_idempotency_key": ("like", f"demo-{seed}-%"),
			"status": ("in", ("Resolved", "Closed")),
		},
		fields=[
			"name",
			"_assign",
			"crms_channel",
			"crms_team",
			"issue_type",
			"customer",
			"raised_by",
			"opening_date",
			"opening_time",
			"first_responded_on",
			"sla_resolution_date",
			f"{resolved} as resolved_on",
			"crms_reopen_count",
		],
		order_by="name asc",
		limit_page_length=0,
	)
	out = []
	for r in rows:
		users = json.loads(r._assign or "[]")
		done = r.resolved_on or r.sla_resolution_date
		if not users or not done or not r.opening_date:
			continue
		opened = opened_at(r)
		r.agent = users[0]
		r.done = get_datetime(done)
		r.facts = dq.TicketFacts(
			r.name,
			users[0],
			r.crms_channel or "",
			(get_datetime(r.first_responded_on) - opened).total_seconds() / 3600
			if r.first_responded_on
			else None,
			max((r.done - opened).total_seconds() / 3600, 0.1),
			bool(r.crms_reopen_count),
		)
		out.append(r)
	return out


def _insert_response(values: dict) -> str:
	doc = frappe.get_doc({"doctype": surveys.DOCTYPE, "language": "en", **values})
	doc.token_hash = secrets.token_hex(32)
	doc.db_insert()
	return doc.name


def make_surveys(tickets: list[frappe._dict], seed: int, now: datetime) -> dict[str, int]:
	rng = random.Random(f"{seed}|surveys")
	done = set(
		frappe.get_all(
			surveys.DOCTYPE,
			filters={"survey_type": "CSAT", "issue": ("in", [t.name for t in tickets] or [""])},
			pluck="issue",
		)
	)
	counts = {"csat_sent": 0, "csat_answered": 0, "nps_sent": 0, "nps_answered": 0}
	low = []
	by_customer: dict[str, list[int]] = {}
	last_agent: dict[str, frappe._dict] = {}
	for t in tickets:
		score = dq.csat_answer(t.facts, rng)
		if t.customer:
			last_agent[t.customer] = t
			if score is not None:
				by_customer.setdefault(t.customer, []).append(score)
		if t.name in done:
			continue
		sent = t.done + timedelta(hours=1)
		answered = sent + timedelta(hours=rng.uniform(0.2, 40)) if score is not None else None
		if answered and answered > now:
			answered, score = None, None
		name = _insert_response(
			{
				"survey_type": "CSAT",
				"status": "Answered" if answered else "Sent",
				"score": score,
				"issue": t.name,
				"customer": t.customer,
				"email": t.raised_by,
				"agent": t.agent,
				"team": t.crms_team,
				"channel": t.crms_channel,
				"category": t.issue_type,
				"sent_on": sent,
				"expires_on": sent + timedelta(days=14),
				"used_on": answered,
				"creation": sent,
				"modified": answered or sent,
			}
		)
		counts["csat_sent"] += 1
		if answered:
			counts["csat_answered"] += 1
			if surveys.is_low("CSAT", score) and answered > now - timedelta(days=14):
				low.append(name)
	have_nps = set(frappe.get_all(surveys.DOCTYPE, filters={"survey_type": "NPS"}, pluck="customer"))
	for customer in sorted(last_agent):
		if customer in have_nps:
			continue
		t = last_agent[customer]
		scores = by_customer.get(customer)
		mean = sum(scores) / len(scores) if scores else None
		score = dq.nps_answer(mean, rng)
		sent = now - timedelta(days=rng.uniform(3, 80))
		answered = sent + timedelta(hours=rng.uniform(1, 72)) if score is not None else None
		if answered and answered > now:
			answered, score = None, None
		_insert_response(
			{
				"survey_type": "NPS",
				"status": "Answered" if answered else "Sent",
				"score": score,
				"customer": customer,
				"email": t.raised_by,
				"agent": t.agent,
				"team": t.crms_team,
				"channel": t.crms_channel,
				"sent_on": sent,
				"expires_on": sent + timedelta(days=30),
				"used_on": answered,
				"creation": sent,
				"modified": answered or sent,
			}
		)
		counts["nps_sent"] += 1
		counts["nps_answered"] += bool(answered)
	for name in low:
		surveys.create_follow_up(name)
	return counts


def make_reviews(tickets: list[frappe._dict], seed: int, now: datetime) -> int:
	card = ensure_scorecard()
	inspectors = ensure_inspectors()
	rng = random.Random(f"{seed}|qa")
	reviewed_agents = set(
		frappe.get_all(quality.REVIEW, filters={"scorecard": card}, pluck="agent", distinct=True)
	)
	recent = [t for t in tickets if t.done > now - timedelta(days=60) and t.agent not in reviewed_agents]
	picked = dq.sample_for_review([t.facts for t in recent], REVIEWS_PER_AGENT, rng)
	by_name = {t.name: t for t in recent}
	made = 0
	for i, facts in enumerate(picked):
		t = by_name[facts.ticket]
		answers = dq.qa_answers(t.agent, rng)
		day = min(t.done + timedelta(days=rng.randint(2, 9)), now)
		doc = frappe.get_doc(
			{
				"doctype": quality.REVIEW,
				"scorecard": card,
				"reference_doctype": "Issue",
				"reference_name": t.name,
				"inspector": inspectors[i % len(inspectors)],
				"source": "Weekly Sample",
				"sample_week": quality.iso_week(day.date()),
				"review_date": day.date(),
			}
		)
		doc.flags.ignore_permissions = True
		doc.insert()
		for row in doc.answers:
			row.score = answers.get(row.criterion, "")
		doc.save()
		doc.submit()
		made += 1
	return made


def build(builder) -> int:
	"""Surveys and QA reviews for the builder's demo tickets; returns the number of rows made."""
	now = now_datetime()
	tickets = resolved_demo_tickets(builder.seed)
	counts = make_surveys(tickets, builder.seed, now)
	frappe.db.commit()
	reviews = make_reviews(tickets, builder.seed, now)
	return counts["csat_sent"] + counts["nps_sent"] + reviews
