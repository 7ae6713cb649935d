"""CSAT and NPS surveys, closed loop: send, answer by a tokenised link, follow up low scores.

The engine decides (engine/survey_tokens.py: tokens and their verification; engine/nps.py: who gets a
relational NPS survey); this module loads rows, sends the e-mails and writes the answers.

- CSAT: when a ticket becomes Resolved, one CRMS Survey Response (unique per ticket) and an e-mail with
  five one-click links, in the customer's language.
- NPS: a weekly job samples customers (engine.nps.sample_relational) and e-mails 0-10 links.
- An answer is recorded by the POST of the /survey page with a conditional UPDATE (`used_on IS NULL`):
  whatever the number of concurrent submissions, one counts. Opening a link records nothing, because
  mail scanners open links.
- A low score opens a ToDo for the team's supervisor; closing it marks the follow-up done and can
  e-mail the customer what was done.

Consent: crm_suite has no consent or do-not-contact fields yet, so the NPS sample excludes disabled
customers, unsubscribed contacts (Contact.unsubscribed) and globally unsubscribed addresses (Email
Unsubscribe) and treats everyone else as consenting (opt-out). A Customer or Contact Check field named
`crms_do_not_contact` is honoured if one is added later.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Max
from frappe.utils import (
	add_days,
	cint,
	cstr,
	escape_html,
	get_datetime,
	get_url,
	getdate,
	now_datetime,
	nowdate,
)

from crm_suite.engine import nps as nps_engine
from crm_suite.engine import survey_tokens as tokens
from crm_suite.permissions.users import users_with_roles

DOCTYPE = "CRMS Survey Response"
SETTINGS = "CRMS NPS Settings"
KINDS = {"CSAT": tokens.CSAT, "NPS": tokens.NPS}
MAX_COMMENT = 2000
MAX_TOKEN = 200
PAGE = "/survey"

# The answer, recorded once: the row changes only while unused and unexpired (see module doc).
CLAIM_SQL = (
	"update `tabCRMS Survey Response` set used_on = %(now)s, score = %(score)s, comment = %(comment)s, "
	"status = 'Answered', modified = %(now)s "
	"where name = %(name)s and used_on is null and expires_on > %(now)s"
)


def settings():
	return frappe.get_cached_doc(SETTINGS)


def pepper() -> str:
	"""Site secret for the token HMAC: the site's encryption key, namespaced for this use."""
	from frappe.utils.password import get_encryption_key

	return "crms-survey:" + get_encryption_key()


@contextmanager
def in_language(lang: str | None):
	"""Translate e-mails into the customer's language, whatever the sender's session language is."""
	previous = getattr(frappe.local, "lang", None)
	frappe.local.lang = lang or previous or "en"
	try:
		yield
	finally:
		frappe.local.lang = previous


def language_for(contact: str | None = None, email: str | None = None, customer: str | None = None) -> str:
	"""The survey language: the contact's portal user, else the user with that address, else the
	customer's print language, else the site's."""
	user = frappe.db.get_value("Contact", contact, "user") if contact else None
	lang = frappe.db.get_value("User", user, "language") if user else None
	if not lang and email:
		lang = frappe.db.get_value("User", {"email": email}, "language")
	if not lang and customer:
		lang = frappe.db.get_value("Customer", customer, "language")
	return lang or frappe.db.get_default("lang") or "en"


# ------------------------------------------------------------------------------------------------
# CSAT after resolution


def on_issue_update(doc, method=None) -> None:
	"""Issue on_update: a ticket that just became Resolved gets its CSAT survey (once per ticket)."""
	if doc.status != "Resolved" or not doc.has_value_changed("status"):
		return
	if not cint(settings().enable_csat):
		return
	frappe.enqueue(
		"crm_suite.service_desk.surveys.send_csat",
		queue="short",
		issue=doc.name,
		job_id=f"crms-csat:{doc.name}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
	)


def first_assignee(assign: str | None) -> str | None:
	try:
		users = json.loads(assign or "[]")
	except ValueError:
		users = []
	return users[0] if users else None


def can_send() -> bool:
	"""Without an outgoing account the links could never arrive: send no survey (and store none)."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	account = EmailAccount.find_outgoing(match_by_doctype=DOCTYPE)
	return bool(account and account.get("email_id"))


def send_csat(issue: str) -> str | None:
	"""Create the ticket's CSAT response and e-mail its links; None if it already has one, has no
	address to write to, or the site cannot send e-mail."""
	if frappe.db.exists(DOCTYPE, {"issue": issue}) or not can_send():
		return None
	row = frappe.db.get_value(
		"Issue",
		issue,
		[
			"name",
			"subject",
			"raised_by",
			"contact",
			"customer",
			"issue_type",
			"crms_team",
			"crms_channel",
			"crms_customer_tier",
			"_assign",
		],
		as_dict=True,
	)
	if not row:
		return None
	email = cstr(row.raised_by).strip() or (
		frappe.db.get_value("Contact", row.contact, "email_id") if row.contact else ""
	)
	if not email or not frappe.utils.validate_email_address(email):
		return None
	lang = language_for(row.contact, email, row.customer)
	token, record = tokens.issue_token(
		tokens.CSAT, row.name, now_datetime(), pepper(), ttl=_ttl(settings().csat_valid_days, 14)
	)
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"survey_type": "CSAT",
			"issue": row.name,
			"customer": row.customer,
			"contact": row.contact,
			"email": email,
			"language": lang,
			"agent": first_assignee(row._assign),
			"team": row.crms_team,
			"channel": row.crms_channel,
			"category": row.issue_type,
			"tier": row.crms_customer_tier,
			"token_hash": record.token_hash,
			"sent_on": record.issued_on,
			"expires_on": record.expires_on,
		}
	).insert(ignore_permissions=True)
	with in_language(lang):
		subject = _("How did we do? Ticket {0}").format(row.name)
		message = survey_email(tokens.CSAT, token, row.name, lang, row.subject)
	frappe.sendmail(
		recipients=[email],
		subject=subject,
		message=message,
		reference_doctype=DOCTYPE,
		reference_name=doc.name,
	)
	return doc.name


def _ttl(days, default: int):
	from datetime import timedelta

	return timedelta(days=cint(days) or default)


def survey_base_url(ref: str, lang: str) -> str:
	from urllib.parse import urlencode

	return get_url(PAGE) + "?" + urlencode({"ref": ref, "_lang": lang})


def survey_email(kind: str, token: str, ref: str, lang: str, subject: str | None = None) -> str:
	"""The e-mail body: one link per rating (one token, so only one answer can count)."""
	links = tokens.rating_links(survey_base_url(ref, lang), token, kind)
	if kind == tokens.CSAT:
		intro = _("Your ticket {0} has been resolved. How satisfied are you with our service?").format(
			escape_html(ref)
		)
		if subject:
			intro += "<br><em>" + escape_html(subject) + "</em>"
		low, high = _("Very dissatisfied"), _("Very satisfied")
	else:
		intro = escape_html(_("How likely are you to recommend us to a friend or colleague?"))
		low, high = _("Not at all likely"), _("Extremely likely")
	cells = "".join(
		"<td style='padding:2px'><a href='{0}' style='display:inline-block;min-width:28px;padding:10px 8px;"
		"border:1px solid #d1d8dd;border-radius:6px;text-align:center;text-decoration:none;"
		"font-weight:bold;color:#1f272e'>{1}</a></td>".format(escape_html(url), score)
		for score, url in links.items()
	)
	return (
		"<p>{0}</p><table role='presentation' style='border-collapse:collapse'><tr>{1}</tr></table>"
		"<p style='color:#6c7680;font-size:12px'>{2} = {3}, {4} = {5}</p><p>{6}</p>"
	).format(
		intro,
		cells,
		min(links),
		escape_html(low),
		max(links),
		escape_html(high),
		escape_html(_("Click a number, then confirm on the page that opens. The link works once.")),
	)


# ------------------------------------------------------------------------------------------------
# Answering (the /survey page)


class SurveyError(frappe.ValidationError):
	pass


def reason_message(reason: str) -> str:
	return {
		tokens.UNKNOWN: _("This survey link is not valid."),
		tokens.WRONG_TICKET: _("This survey link is not valid."),
		tokens.USED: _("This survey has already been answered. Thank you!"),
		tokens.EXPIRED: _("This survey link has expired."),
	}.get(reason, _("This survey link is not valid."))


def find(token: str) -> frappe._dict | None:
	"""The response row for a token (looked up by its HMAC hash), or None."""
	token = cstr(token).strip()
	if not token or len(token) > MAX_TOKEN:
		return None
	return frappe.db.get_value(
		DOCTYPE,
		{"token_hash": tokens.hash_token(token, pepper())},
		[
			"name",
			"survey_type",
			"issue",
			"customer",
			"sent_on",
			"expires_on",
			"used_on",
			"score",
			"token_hash",
		],
		as_dict=True,
	)


def subject_of(row) -> str:
	return row.issue if row.survey_type == "CSAT" else row.customer


def check(token: str, ref: str, now: datetime | None = None) -> tokens.Verification:
	"""Why this token may (not) answer the survey of `ref` (the ticket, or the customer for NPS)."""
	row = find(token)
	record = None
	if row:
		record = tokens.TokenRecord(
			token_hash=row.token_hash,
			kind=KINDS[row.survey_type],
			subject=cstr(subject_of(row)),
			issued_on=get_datetime(row.sent_on),
			expires_on=get_datetime(row.expires_on),
			used_on=get_datetime(row.used_on) if row.used_on else None,
		)
	return tokens.verify(cstr(token).strip(), record, cstr(ref), now or now_datetime(), pepper())


def claim(name: str, score: int, comment: str | None, now: datetime, db=None) -> bool:
	"""Record the answer if the survey is still unanswered and unexpired; True if this call did it."""
	db = db or frappe.db
	db.sql(CLAIM_SQL, {"name": name, "score": score, "comment": comment or None, "now": now})
	return db._cursor.rowcount == 1


def answer(token: str, ref: str, rating, comment: str | None = None) -> tuple[str, frappe._dict | None]:
	"""Record one answer: (reason code, the row). Only reason "ok" changed anything."""
	now = now_datetime()
	v = check(token, ref, now)
	if not v.ok:
		return v.reason, None
	row = find(token)
	score = tokens.check_rating(KINDS[row.survey_type], rating)
	if score is None:
		frappe.throw(_("Please choose a rating."), SurveyError)
	comment = cstr(comment).strip()[:MAX_COMMENT] or None
	if not claim(row.name, score, comment, now):
		# a concurrent submission won, or it expired in between: say which
		again = check(token, ref, now)
		return (again.reason if not again.ok else tokens.USED), None
	row.score, row.comment, row.used_on = score, comment, now
	if is_low(row.survey_type, score):
		create_follow_up(row.name)
	return tokens.OK, row


def is_low(survey_type: str, score: int) -> bool:
	s = settings()
	if survey_type == "CSAT":
		return score <= cint(s.csat_low_score or 2)
	return score <= cint(s.nps_low_score if s.nps_low_score is not None else 6)


def rate_limited() -> bool:
	"""Per-IP budget on the survey page (configurable `crms_survey_rate_limit` per 10 minutes), so
	tokens cannot be tried by brute force and a flood cannot fill the table with work."""
	ip = getattr(frappe.local, "request_ip", None)
	if not ip or not getattr(frappe.local, "request", None):
		return False
	limit = cint(frappe.conf.get("crms_survey_rate_limit")) or 60
	key = frappe.cache.make_key(f"crms_survey_rl:{ip}")
	count = frappe.cache.incrby(key, 1)
	if count == 1:
		frappe.cache.expire(key, 600)
	return count > limit


# ------------------------------------------------------------------------------------------------
# Closed loop: low score -> ToDo for the supervisor -> done -> optionally tell the customer


def supervisor_for(team: str | None) -> str | None:
	"""The team's supervisor, else the first enabled user with the Service Supervisor role."""
	if team:
		user = frappe.db.get_value("CRMS Service Team", team, "supervisor")
		if user and frappe.db.get_value("User", user, "enabled"):
			return user
	return (users_with_roles(["Service Supervisor"]).get("Service Supervisor") or [None])[0]


def create_follow_up(response: str) -> str | None:
	"""A ToDo (due in `follow_up_days`) for the supervisor of a low-scoring survey; its name."""
	row = frappe.db.get_value(
		DOCTYPE,
		response,
		["name", "survey_type", "score", "comment", "issue", "customer", "team", "follow_up"],
		as_dict=True,
	)
	if not row or row.follow_up:
		return row and row.follow_up
	user = supervisor_for(row.team) or "Administrator"
	due = add_days(nowdate(), cint(settings().follow_up_days) or 2)
	about = row.issue or row.customer or ""
	description = _(
		"Low {0} score {1} from {2} ({3}). Contact the customer and record what was done."
	).format(row.survey_type, row.score, escape_html(row.customer or ""), escape_html(about))
	if row.comment:
		description += "<br>" + escape_html(row.comment)
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"assigned_by": "Administrator",
			"description": description,
			"reference_type": DOCTYPE,
			"reference_name": row.name,
			"priority": "High",
			"date": due,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		DOCTYPE,
		row.name,
		{"follow_up": todo.name, "follow_up_status": "Open", "follow_up_due": due},
		update_modified=False,
	)
	return todo.name


def on_todo_update(doc, method=None) -> None:
	"""ToDo on_update: closing a survey follow-up records it as done (and may tell the customer)."""
	if doc.reference_type != DOCTYPE or not doc.reference_name or not doc.has_value_changed("status"):
		return
	status = {"Closed": "Done", "Cancelled": "Cancelled", "Open": "Open"}.get(doc.status)
	if not status:
		return
	frappe.db.set_value(DOCTYPE, doc.reference_name, "follow_up_status", status, update_modified=False)
	if status == "Done":
		tell_customer(doc.reference_name)


def tell_customer(response: str) -> bool:
	"""E-mail the customer the supervisor's note, once, if the response asks for it."""
	row = frappe.db.get_value(
		DOCTYPE,
		response,
		["name", "email", "language", "issue", "notify_customer", "follow_up_note", "customer_notified_on"],
		as_dict=True,
	)
	if not (row and cint(row.notify_customer) and cstr(row.follow_up_note).strip() and row.email):
		return False
	if row.customer_notified_on:
		return False
	with in_language(row.language):
		subject = _("Following up on your feedback")
		body = "<p>{0}</p><p>{1}</p><p>{2}</p>".format(
			escape_html(_("Thank you for your feedback. This is what we have done:")),
			escape_html(row.follow_up_note).replace("\n", "<br>"),
			escape_html(_("Reply to this e-mail if anything is still not right.")),
		)
	frappe.sendmail(
		recipients=[row.email],
		subject=subject,
		message=body,
		reference_doctype=DOCTYPE,
		reference_name=row.name,
	)
	frappe.db.set_value(DOCTYPE, row.name, "customer_notified_on", now_datetime(), update_modified=False)
	return True


# ------------------------------------------------------------------------------------------------
# Relational NPS


STRATA = {"Customer Tier": "crms_tier", "Customer Group": "customer_group", "Territory": "territory"}


def nps_candidates(stratify_by: str | None = None) -> list[nps_engine.SurveyCandidate]:
	"""Every enabled customer with a contact e-mail, with what the engine needs to include or exclude
	them (set-based: four queries whatever the number of customers)."""
	customer_meta, contact_meta = frappe.get_meta("Customer"), frappe.get_meta("Contact")
	stratum = STRATA.get(stratify_by or "")
	if stratum and not customer_meta.has_field(stratum) and stratum not in ("customer_group", "territory"):
		stratum = None
	fields = ["name", "language"]
	if stratum:
		fields.append(stratum)
	if customer_meta.has_field("crms_do_not_contact"):
		fields.append("crms_do_not_contact")
	customers = {c.name: c for c in frappe.get_all("Customer", filters={"disabled": 0}, fields=fields)}
	if not customers:
		return []
	Contact, Link = frappe.qb.DocType("Contact"), frappe.qb.DocType("Dynamic Link")
	query = (
		frappe.qb.from_(Link)
		.join(Contact)
		.on(Contact.name == Link.parent)
		.select(
			Link.link_name.as_("customer"),
			Contact.name.as_("contact"),
			Contact.email_id,
			Contact.unsubscribed,
			Contact.is_primary_contact,
			Contact.user,
		)
		.where(
			(Link.parenttype == "Contact")
			& (Link.link_doctype == "Customer")
			& (Contact.email_id.isnotnull())
			& (Contact.email_id != "")
		)
		.orderby(Link.link_name)
		.orderby(Contact.is_primary_contact, order=frappe.qb.desc)
		.orderby(Contact.name)
	)
	if contact_meta.has_field("crms_do_not_contact"):
		query = query.select(Contact.crms_do_not_contact)
	contacts: dict[str, dict] = {}
	for row in query.run(as_dict=True):
		if row.customer in customers and row.customer not in contacts:
			contacts[row.customer] = row
	unsubscribed = set(frappe.get_all("Email Unsubscribe", filters={"global_unsubscribe": 1}, pluck="email"))
	Resp = frappe.qb.DocType(DOCTYPE)
	last = dict(
		frappe.qb.from_(Resp)
		.select(Resp.customer, Max(Resp.sent_on))
		.where((Resp.survey_type == "NPS") & Resp.customer.isnotnull())
		.groupby(Resp.customer)
		.run()
	)
	out = []
	for name, contact in contacts.items():
		c = customers[name]
		out.append(
			nps_engine.SurveyCandidate(
				customer=name,
				segment=cstr(c.get(stratum)) if stratum else "",
				do_not_contact=bool(
					cint(c.get("crms_do_not_contact")) or cint(contact.get("crms_do_not_contact"))
				),
				unsubscribed=bool(cint(contact.unsubscribed)) or contact.email_id in unsubscribed,
				consent=True,  # no consent field yet: opt-out model (module doc)
				last_surveyed=getdate(last[name]) if last.get(name) else None,
				language=c.language or "",
			)
		)
	return out


def weekly_nps(force: bool = False) -> dict | None:
	"""Weekly job: sample customers and send each an NPS survey; the run's counts are kept on the
	settings (and returned)."""
	s = settings()
	if not (cint(s.enable_nps) or force) or not can_send():
		return None
	candidates = nps_candidates(s.stratify_by if s.stratify_by != "None" else None)
	today = getdate(nowdate())
	sample = nps_engine.sample_relational(
		candidates,
		cint(s.sample_size) or 50,
		today,
		min_gap_days=cint(s.min_days_between) or 90,
		seed=str(today),
	)
	contacts = {c.customer: c for c in candidates}
	sent = [send_nps(c.customer) for c in sample.customers if c.customer in contacts]
	summary = {
		"candidates": len(candidates),
		"eligible": sample.eligible,
		"sent": len([s for s in sent if s]),
		"excluded": sample.excluded,
	}
	frappe.db.set_single_value(
		SETTINGS, {"last_run_on": now_datetime(), "last_run_summary": json.dumps(summary, sort_keys=True)}
	)
	return summary


def send_nps(customer: str) -> str | None:
	"""One NPS survey to the customer's primary contact."""
	Contact, Link = frappe.qb.DocType("Contact"), frappe.qb.DocType("Dynamic Link")
	rows = (
		frappe.qb.from_(Link)
		.join(Contact)
		.on(Contact.name == Link.parent)
		.select(Contact.name, Contact.email_id)
		.where(
			(Link.parenttype == "Contact")
			& (Link.link_doctype == "Customer")
			& (Link.link_name == customer)
			& (Contact.email_id.isnotnull())
			& (Contact.email_id != "")
			& (Contact.unsubscribed == 0)
		)
		.orderby(Contact.is_primary_contact, order=frappe.qb.desc)
		.orderby(Contact.name)
		.limit(1)
		.run(as_dict=True)
	)
	if not rows:
		return None
	contact, email = rows[0].name, rows[0].email_id
	lang = language_for(contact, email, customer)
	token, record = tokens.issue_token(
		tokens.NPS, customer, now_datetime(), pepper(), ttl=_ttl(settings().nps_valid_days, 21)
	)
	tier = (
		frappe.db.get_value("Customer", customer, "crms_tier")
		if frappe.get_meta("Customer").has_field("crms_tier")
		else None
	)
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"survey_type": "NPS",
			"customer": customer,
			"contact": contact,
			"email": email,
			"language": lang,
			"tier": tier,
			"channel": "Email",
			"token_hash": record.token_hash,
			"sent_on": record.issued_on,
			"expires_on": record.expires_on,
		}
	).insert(ignore_permissions=True)
	with in_language(lang):
		subject = _("Would you recommend us?")
		message = survey_email(tokens.NPS, token, customer, lang)
	frappe.sendmail(
		recipients=[email],
		subject=subject,
		message=message,
		reference_doctype=DOCTYPE,
		reference_name=doc.name,
	)
	return doc.name


# ------------------------------------------------------------------------------------------------
# Number cards (Service Desk workspace)


def answered_scores(survey_type: str, days: int) -> list[int]:
	"""Scores answered in the last `days` days, on customers the session user may read."""
	from crm_suite.permissions.customer_scope import customer_condition

	frappe.has_permission(DOCTYPE, "read", throw=True)
	rows = frappe.db.sql(
		"""select score from `tabCRMS Survey Response`
		where survey_type = %(t)s and used_on >= %(since)s and score is not null and {}""".format(
			customer_condition(None, "`customer`", with_params=True)
		),
		{"t": survey_type, "since": add_days(now_datetime(), -days)},
	)
	return [int(r[0]) for r in rows]


@frappe.whitelist()
def csat_card(filters=None) -> dict:
	res = nps_engine.csat(answered_scores("CSAT", 30))
	return {"value": round(res.csat, 1) if res.csat is not None else 0, "fieldtype": "Percent"}


@frappe.whitelist()
def nps_card(filters=None) -> dict:
	res = nps_engine.nps(answered_scores("NPS", 90))
	return {"value": round(res.nps, 1) if res.nps is not None else 0, "fieldtype": "Float"}
