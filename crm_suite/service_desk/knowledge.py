"""Knowledge base on a ticket: suggestions, insertion into the reply, attribution, review reminders.

Articles are Frappe's Help Article, canned replies Frappe's Email Template (custom fields in
crm_suite/setup/fields/knowledge_base.py). Ranking is the pure BM25 engine (engine/kb_search.py);
placeholders are filled by engine/placeholders.py. This module only loads rows, checks permissions,
caches the index and writes counters.

Index cache: three indexes (all published articles for agents, public ones for guests, canned replies),
each kept by every worker in memory and as a snapshot (KBIndex.to_dict: term counts, no tokenising on
load) in Redis under one version stamp. Saving, deleting or renaming an article or template appends it
to a change log under that stamp (doc_events); before searching, a worker re-reads only the logged rows
and adds / removes them (the engine is incremental). Setup drops the stamp, and the next search rebuilds.
"""

import re

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, cint, getdate, strip_html, today

from crm_suite.engine import placeholders
from crm_suite.engine.kb_search import KBIndex
from crm_suite.setup.fields.knowledge_base import DEFAULT_REVIEW_DAYS, KB_LANGUAGES

WORKFLOW_NAME = "CRMS Help Article Review"
STATE_FIELD = "crms_review_status"
PUBLISHED = "Published"
PUBLIC = "Public"
INDEX_KEY = "crms_kb_index"
STAMP_KEY = "crms_kb_index_stamp"
CHANGES_KEY = "crms_kb_index_changes"
MAX_CHANGES = 500
ARTICLE, REPLY = "article", "reply"
RESOLVED_STATUSES = ("Resolved", "Closed")
SNIPPET_CHARS = 220

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_local: dict = {}  # this worker's indexes: {which: (stamp, KBIndex, changes applied)}
DESK, PUBLIC_INDEX, REPLIES = "desk", "public", "replies"
INDEX_KEYS = [f"{INDEX_KEY}:{w}" for w in (DESK, PUBLIC_INDEX, REPLIES)]


# ------------------------------------------------------------------------------------------------
# Article save rules (doc_events on Help Article)
# ------------------------------------------------------------------------------------------------
def validate_article(doc, method=None):
	"""Frappe's `published` means "on the public web" (its /kb pages and category counts read it), so it
	follows the review state and visibility: an internal or unreviewed article is never served to guests."""
	if not doc.get(STATE_FIELD):
		doc.set(STATE_FIELD, "Draft")
	doc.published = 1 if doc.get(STATE_FIELD) == PUBLISHED and doc.get("crms_visibility") == PUBLIC else 0
	before = doc.get_doc_before_save()
	if doc.get(STATE_FIELD) == PUBLISHED and (not before or before.get(STATE_FIELD) != PUBLISHED):
		doc.crms_last_reviewed_on = today()  # approving is a review


def invalidate_index(doc=None, method=None, *args):
	"""An article or canned reply changed: log it, and every worker re-reads just that row before its
	next search (engine add / remove), instead of rebuilding 10,000 articles. Logged now (this request
	sees its own change), again after commit (other workers then read the committed row) and after a
	rollback (undo). Without a document (setup, tests): drop everything, the next search rebuilds."""
	if doc is None:
		_drop_all()
		return
	if doc.doctype == "Email Template" and not doc.get("crms_is_canned_reply"):
		before = doc.get_doc_before_save() if method == "on_update" else None
		if not (before and before.get("crms_is_canned_reply")):
			return  # a system template (acknowledgements, notifications) never enters the index
	kind = REPLY if doc.doctype == "Email Template" else ARTICLE
	names = [str(n) for n in args[:2]] if method == "after_rename" and len(args) >= 2 else [doc.name]
	_log_change(kind, names)
	frappe.db.after_commit.add(lambda: _log_change(kind, names))
	frappe.db.after_rollback.add(lambda: _log_change(kind, names))


def _drop_all() -> None:
	frappe.cache.delete_value([STAMP_KEY, *INDEX_KEYS])
	_local.clear()


def _log_change(kind: str, names: list[str]) -> None:
	stamp = frappe.cache.get_value(STAMP_KEY)
	if not stamp:
		return  # nothing cached: the next search builds from the database anyway
	key = f"{CHANGES_KEY}:{stamp}"
	for name in names:
		frappe.cache.rpush(key, f"{kind}:{name}")
	if frappe.cache.llen(key) > MAX_CHANGES:
		_drop_all()  # a long log costs every new worker more than one rebuild


def _apply_changes(which: str, stamp: str, index: KBIndex, applied: int) -> int:
	"""Bring a worker's index up to the change log: re-read the changed rows, add or remove them."""
	key = f"{CHANGES_KEY}:{stamp}"
	total = frappe.cache.llen(key)
	if total <= applied:
		return applied
	kind = REPLY if which == REPLIES else ARTICLE
	names = []
	for entry in frappe.cache.lrange(key, applied, total - 1):
		entry_kind, _sep, name = frappe.safe_decode(entry).partition(":")
		if entry_kind == kind and name not in names:
			names.append(name)
	if names:
		docs = {d["id"]: d for d in index_documents(which, names)}
		for name in names:
			doc_id = f"{kind}:{name}"
			if doc_id in docs:
				index.add(docs[doc_id])
			else:
				index.remove(doc_id)
	return total


# ------------------------------------------------------------------------------------------------
# Index
# ------------------------------------------------------------------------------------------------
def _article_rows(names=None):
	filters = {STATE_FIELD: PUBLISHED}
	if names is not None:
		filters["name"] = ("in", names)
	return frappe.get_all(
		"Help Article",
		filters=filters,
		fields=["name", "title", "content", "category", "crms_language", "crms_visibility", "crms_keywords"],
		limit_page_length=0,
	)


def _reply_rows(names=None):
	filters = {"crms_is_canned_reply": 1}
	if names is not None:
		filters["name"] = ("in", names)
	return frappe.get_all(
		"Email Template",
		filters=filters,
		fields=[
			"name",
			"subject",
			"response",
			"response_html",
			"use_html",
			"crms_language",
			"crms_issue_type",
		],
		limit_page_length=0,
	)


def index_documents(which: str = DESK, names: list[str] | None = None) -> list[dict]:
	"""The engine's documents of one index: published articles (DESK), public ones (PUBLIC_INDEX) or
	canned replies (REPLIES)."""
	if which == REPLIES:
		return [
			{
				"id": f"{REPLY}:{t.name}",
				"title": t.name,
				"body": f"{t.subject or ''} {t.response_html if t.use_html else t.response or ''}",
				"language": t.crms_language or "",
				"category": t.crms_issue_type,
			}
			for t in _reply_rows(names)
		]
	return [
		{
			"id": f"{ARTICLE}:{a.name}",
			"title": a.title,
			"body": a.content,
			"tags": a.crms_keywords,
			"language": a.crms_language or "",
			"category": a.category,
		}
		for a in _article_rows(names)
		if which == DESK or a.crms_visibility == PUBLIC
	]


def get_index(which: str = DESK) -> KBIndex:
	"""This worker's index: rebuilt when the stamp moved, loaded from the Redis snapshot when another
	worker built it (term counts: no tokenising), then brought up to the change log."""
	stamp = frappe.cache.get_value(STAMP_KEY)
	local = _local.get(which)
	if stamp and local and local[0] == stamp:
		index, applied = local[1], local[2]
	else:
		if not stamp:
			stamp = frappe.generate_hash(length=12)
			frappe.cache.set_value(STAMP_KEY, stamp)
		key = f"{INDEX_KEY}:{which}"
		snapshot = frappe.cache.get_value(key)
		if snapshot and snapshot.get("stamp") == stamp:
			index = KBIndex.from_dict(snapshot["index"])
		else:
			index = KBIndex.build(index_documents(which))
			frappe.cache.set_value(key, {"stamp": stamp, "index": index.to_dict()})
		applied = 0
	applied = _apply_changes(which, stamp, index, applied)
	_local[which] = (stamp, index, applied)
	version, groups = synonym_groups()
	if getattr(index, "_crms_synonyms_version", None) != version:
		index.set_synonyms(groups)
		index._crms_synonyms_version = version
	return index


SYNONYMS_KEY = "crms_kb_synonyms"


def split_terms(text: str | None) -> list[str]:
	"""One word or phrase per line or comma (either comma style), blanks and repeats dropped."""
	parts = (p.strip() for line in (text or "").splitlines() for p in line.replace("，", ",").split(","))
	return list(dict.fromkeys(p for p in parts if p))


def synonym_groups() -> tuple[str, list[list[str]]]:
	"""(version, groups) of the enabled CRMS KB Synonym groups, cached in Redis until one changes."""

	def load():
		rows = frappe.get_all("CRMS KB Synonym", filters={"enabled": 1}, fields=["terms"], order_by="name")
		return {"version": frappe.generate_hash(length=10), "groups": [split_terms(r.terms) for r in rows]}

	value = frappe.cache.get_value(SYNONYMS_KEY, generator=load)
	return value["version"], value["groups"]


def invalidate_synonyms() -> None:
	frappe.cache.delete_value(SYNONYMS_KEY)


def detect_language(text: str, fallback: str | None = None) -> str | None:
	"""zh when Han characters outnumber Latin letters / 4 (a Chinese sentence keeps product names in
	Latin script), en when there is Latin text only; else the fallback (e.g. the customer's language)."""
	han = len(_CJK_RE.findall(text or ""))
	latin = len(_LATIN_RE.findall(text or ""))
	if han and han * 4 >= latin:
		return "zh"
	if latin >= 3:
		return "en"
	return fallback


def _kb_language(code: str | None) -> str | None:
	primary = (code or "").lower().split("-")[0]
	return primary if primary in KB_LANGUAGES else None


def is_desk_user(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user != "Guest" and frappe.db.get_value("User", user, "user_type") == "System User"


def search(query: str, language: str | None = None, k: int = 5, public_only: bool = True, kind=ARTICLE):
	"""Ranked hits for a text: [(kind, name, score, matched)]. One index per audience and kind, so no
	search filters documents after scoring (filtering forgoes the engine's top-k partition)."""
	which = REPLIES if kind == REPLY else PUBLIC_INDEX if public_only else DESK
	hits = get_index(which).search(query, k=k, language=language)
	return [(*h.id.split(":", 1), h.score, h.matched) for h in hits]


# ------------------------------------------------------------------------------------------------
# Agent API
# ------------------------------------------------------------------------------------------------
def _ticket(issue: str):
	doc = frappe.get_doc("Issue", issue)
	doc.check_permission("read")
	return doc


def ticket_language(doc) -> str | None:
	customer_language = None
	if doc.get("customer"):
		customer_language = _kb_language(frappe.db.get_value("Customer", doc.customer, "language"))
	return detect_language(f"{doc.subject or ''} {strip_html(doc.description or '')}", customer_language)


def _snippet(html: str | None) -> str:
	"""Plain text start of an article: tags become spaces, so list items and paragraphs don't run together."""
	text = re.sub(r"\s+", " ", strip_html(re.sub(r"<[^>]+>", " ", html or ""))).strip()
	return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"


@frappe.whitelist()
def suggest(issue: str, limit: int = 5) -> dict:
	"""Top articles and canned replies for a ticket, ranked by BM25 on its subject and description,
	in the ticket's language. Internal articles only for desk users; the caller must read the Issue."""
	doc = _ticket(issue)
	limit = min(max(cint(limit) or 5, 1), 20)
	language = ticket_language(doc)
	query = f"{doc.subject or ''}\n{strip_html(doc.description or '')}"
	desk = is_desk_user()
	article_hits = search(query, language, limit, public_only=not desk, kind=ARTICLE)
	reply_hits = search(query, language, limit, public_only=False, kind=REPLY) if desk else []
	articles = {
		a.name: a
		for a in frappe.get_all(
			"Help Article",
			filters={"name": ("in", [h[1] for h in article_hits] or [""])},
			fields=["name", "title", "content", "category", "crms_visibility", "crms_language", "helpful"],
		)
	}
	replies = {t.name: t for t in _reply_rows([h[1] for h in reply_hits] or [""])}
	return {
		"language": language,
		"used_article": doc.get("crms_kb_article"),
		"articles": [
			{
				"name": name,
				"title": articles[name].title,
				"snippet": _snippet(articles[name].content),
				"category": articles[name].category,
				"visibility": articles[name].crms_visibility,
				"language": articles[name].crms_language,
				"score": score,
				"matched": matched,
			}
			for _kind, name, score, matched in article_hits
			if name in articles
		],
		"replies": [
			{
				"name": name,
				"title": name,
				"snippet": _snippet(
					replies[name].response_html if replies[name].use_html else replies[name].response
				),
				"language": replies[name].crms_language,
				"score": score,
				"matched": matched,
			}
			for _kind, name, score, matched in reply_hits
			if name in replies
		],
	}


def placeholder_context(doc) -> dict:
	"""Ticket, customer, contact and the current agent as plain dicts for engine/placeholders.py."""
	customer = (
		frappe.db.get_value(
			"Customer", doc.customer, ["name", "customer_name", "customer_group", "territory"], as_dict=True
		)
		if doc.get("customer")
		else None
	)
	contact = (
		frappe.db.get_value(
			"Contact", doc.contact, ["name", "first_name", "last_name", "full_name", "email_id"], as_dict=True
		)
		if doc.get("contact")
		else None
	)
	agent = frappe.db.get_value(
		"User", frappe.session.user, ["name", "first_name", "last_name", "full_name", "email"], as_dict=True
	)
	ticket = {
		k: doc.get(k)
		for k in (
			"name",
			"subject",
			"status",
			"priority",
			"issue_type",
			"customer",
			"customer_name",
			"raised_by",
			"opening_date",
		)
	}
	return placeholders.build_context(ticket=ticket, customer=customer, contact=contact, agent=agent)


@frappe.whitelist()
def insert(issue: str, name: str, kind: str = ARTICLE) -> dict:
	"""The article or canned reply with placeholders filled from the ticket, ready for the reply editor;
	records the use (attribution on the Issue, set-based counter increment)."""
	doc = _ticket(issue)
	doc.check_permission("write")
	if kind == ARTICLE:
		row = frappe.db.get_value(
			"Help Article", name, ["name", "title", "content", "crms_visibility", STATE_FIELD], as_dict=True
		)
		if not row or row.get(STATE_FIELD) != PUBLISHED:
			frappe.throw(_("Knowledge article {0} is not published").format(name), frappe.DoesNotExistError)
		if row.crms_visibility != PUBLIC and not is_desk_user():
			frappe.throw(_("Not permitted"), frappe.PermissionError)
		template, subject = row.content, row.title
	elif kind == REPLY:
		row = frappe.db.get_value(
			"Email Template",
			{"name": name, "crms_is_canned_reply": 1},
			["name", "subject", "response", "response_html", "use_html"],
			as_dict=True,
		)
		if not row or not is_desk_user():
			frappe.throw(_("Canned reply {0} not found").format(name), frappe.DoesNotExistError)
		template, subject = (row.response_html if row.use_html else row.response), row.subject
	else:
		frappe.throw(_("Unknown kind {0}").format(kind))
	context = placeholder_context(doc)
	body = placeholders.fill(template, context)
	title = placeholders.fill(subject, context) if subject else None
	record_use(doc.name, name, kind)
	return {
		"message": body.text,
		"subject": title.text if title else None,
		"missing": body.missing + body.invalid,
		"empty": body.empty,
		"used": body.used,
	}


def _increment(doctype: str, name: str, field: str, by: int = 1) -> None:
	"""counter = counter + 1 in SQL: concurrent uses never lose an increment (no read-modify-write)."""
	table = frappe.qb.DocType(doctype)
	frappe.qb.update(table).set(table[field], table[field] + by).where(table.name == name).run()


def record_use(issue: str, name: str, kind: str) -> None:
	field, doctype = (
		("crms_kb_article", "Help Article") if kind == ARTICLE else ("crms_kb_canned_reply", "Email Template")
	)
	if frappe.db.get_value("Issue", issue, field) != name:
		frappe.db.set_value("Issue", issue, field, name, update_modified=False)
	_increment(doctype, name, "crms_uses")


@frappe.whitelist()
def get_article(name: str) -> dict:
	"""One article for the agent's preview (counts a view)."""
	row = frappe.db.get_value(
		"Help Article",
		name,
		["name", "title", "content", "category", "crms_visibility", STATE_FIELD],
		as_dict=True,
	)
	if not row or (
		(row.crms_visibility != PUBLIC or row.get(STATE_FIELD) != PUBLISHED) and not is_desk_user()
	):
		frappe.throw(_("Knowledge article {0} not found").format(name), frappe.DoesNotExistError)
	_increment("Help Article", name, "crms_views")
	return row


# ------------------------------------------------------------------------------------------------
# Public help centre (guests)
# ------------------------------------------------------------------------------------------------
def public_filters(language: str | None = None) -> dict:
	filters = {STATE_FIELD: PUBLISHED, "crms_visibility": PUBLIC}
	if language:
		filters["crms_language"] = language
	return filters


def help_language(requested: str | None = None) -> str:
	"""The help centre's article language: ?lang=, else the visitor's UI language, else English."""
	return _kb_language(requested) or _kb_language(frappe.local.lang) or "en"


def public_categories(language: str | None = None) -> list[frappe._dict]:
	"""Help Categories with their count of public articles (one grouped query)."""
	article = frappe.qb.DocType("Help Article")
	category = frappe.qb.DocType("Help Category")
	query = (
		frappe.qb.from_(article)
		.join(category)
		.on(category.name == article.category)
		.select(category.name, category.category_name, Count(article.name).as_("articles"))
		.where((article[STATE_FIELD] == PUBLISHED) & (article.crms_visibility == PUBLIC))
		.groupby(category.name, category.category_name)
		.orderby(category.category_name)
	)
	if language:
		query = query.where(article.crms_language == language)
	return query.run(as_dict=True)


def public_articles(language: str | None = None, category: str | None = None, limit: int = 30) -> list[dict]:
	"""Most viewed public articles (of a category), for the help centre's landing page."""
	filters = public_filters(language)
	if category:
		filters["category"] = category
	rows = frappe.get_all(
		"Help Article",
		filters=filters,
		fields=["name", "title", "content", "category"],
		order_by="crms_views desc, modified desc",
		limit_page_length=limit,
	)
	return [
		{"name": r.name, "title": r.title, "snippet": _snippet(r.content), "category": r.category}
		for r in rows
	]


def public_article(name: str | None):
	"""A Public, published article with its category name and sanitised content; counts a view."""
	from frappe.utils.html_utils import sanitize_html

	if not name:
		return None
	row = frappe.db.get_value(
		"Help Article",
		{**public_filters(), "name": name},
		["name", "title", "content", "category", "crms_language", "modified"],
		as_dict=True,
	)
	if not row:
		return None
	row.category_name = frappe.db.get_value("Help Category", row.category, "category_name")
	row.content = sanitize_html(row.content or "")
	_increment("Help Article", row.name, "crms_views")
	return row


@frappe.whitelist(allow_guest=True)
def search_public(query: str, language: str | None = None, limit: int = 10) -> list[dict]:
	"""Help-centre search: Public, published articles only, whoever asks."""
	language = _kb_language(language) or detect_language(query)
	hits = search(query or "", language, min(max(cint(limit) or 10, 1), 50), public_only=True, kind=ARTICLE)
	names = [h[1] for h in hits]
	rows = {
		r.name: r
		for r in frappe.get_all(
			"Help Article",
			filters={**public_filters(), "name": ("in", names or [""])},
			fields=["name", "title", "content", "category"],
		)
	}
	return [
		{
			"name": n,
			"title": rows[n].title,
			"snippet": _snippet(rows[n].content),
			"category": rows[n].category,
		}
		for n in names
		if n in rows
	]


# ------------------------------------------------------------------------------------------------
# Scheduled: counters from tickets, stale-article reminders
# ------------------------------------------------------------------------------------------------
def article_outcomes(filters: dict | None = None) -> dict[str, frappe._dict]:
	"""Per article: tickets it was used on, of those resolved (now Resolved / Closed, or reopened after
	a resolution) and reopened. One grouped query on Issue."""
	issue = frappe.qb.DocType("Issue")
	has_reopen = frappe.get_meta("Issue").has_field("crms_reopen_count")
	resolved = frappe.qb.terms.Case().when(issue.status.isin(RESOLVED_STATUSES), 1)
	reopened = None
	if has_reopen:
		resolved = resolved.when(issue.crms_reopen_count > 0, 1)
		reopened = frappe.qb.terms.Case().when(issue.crms_reopen_count > 0, 1).else_(0)
	resolved = resolved.else_(0)
	from frappe.query_builder.functions import Sum

	query = (
		frappe.qb.from_(issue)
		.select(
			issue.crms_kb_article.as_("article"),
			Count(issue.name).as_("tickets"),
			Sum(resolved).as_("resolved"),
		)
		.where(issue.crms_kb_article.isnotnull() & (issue.crms_kb_article != ""))
		.groupby(issue.crms_kb_article)
	)
	if reopened is not None:
		query = query.select(Sum(reopened).as_("reopened"))
	for field, value in (filters or {}).items():
		if isinstance(value, tuple):
			op, operand = value
			query = query.where(issue[field] >= operand if op == ">=" else issue[field] < operand)
		else:
			query = query.where(issue[field] == value)
	out = {}
	for row in query.run(as_dict=True):
		row.resolved = cint(row.resolved)
		row.reopened = cint(row.get("reopened"))
		out[row.article] = row
	return out


def refresh_article_counters() -> int:
	"""Resolved / reopened ticket counters on every article (set-based; articles no longer used get 0)."""
	outcomes = article_outcomes()
	article = frappe.qb.DocType("Help Article")
	frappe.qb.update(article).set(article.crms_resolved_tickets, 0).set(
		article.crms_reopened_tickets, 0
	).where((article.crms_resolved_tickets != 0) | (article.crms_reopened_tickets != 0)).run()
	for name, row in outcomes.items():
		frappe.qb.update(article).set(article.crms_resolved_tickets, row.resolved).set(
			article.crms_reopened_tickets, row.reopened
		).where(article.name == name).run()
	return len(outcomes)


def due_for_review(on_date=None) -> list[frappe._dict]:
	"""Published articles whose last review (or creation) is at least `review due days` old."""
	on_date = getdate(on_date or today())
	rows = frappe.get_all(
		"Help Article",
		filters={STATE_FIELD: PUBLISHED},
		fields=["name", "title", "owner", "creation", "crms_last_reviewed_on", "crms_review_due_days"],
		limit_page_length=0,
	)
	due = []
	for r in rows:
		last = getdate(r.crms_last_reviewed_on or r.creation)
		days = cint(r.crms_review_due_days) or DEFAULT_REVIEW_DAYS
		if add_days(last, days) <= on_date:
			due.append(r)
	return due


def create_review_reminders(on_date=None) -> list[str]:
	"""One open ToDo per due article for its owner (none while one is still open)."""
	due = due_for_review(on_date)
	if not due:
		return []
	open_todos = set(
		frappe.get_all(
			"ToDo",
			filters={
				"reference_type": "Help Article",
				"reference_name": ("in", [r.name for r in due]),
				"status": "Open",
			},
			pluck="reference_name",
		)
	)
	created = []
	for r in due:
		if r.name in open_todos or not frappe.db.exists("User", {"name": r.owner, "enabled": 1}):
			continue
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": r.owner,
				"reference_type": "Help Article",
				"reference_name": r.name,
				"description": _("Review the knowledge article: {0}").format(frappe.bold(r.title)),
				"date": getdate(on_date or today()),
				"priority": "Medium",
			}
		).insert(ignore_permissions=True)
		created.append(r.name)
	return created


def daily():
	"""Scheduler: article counters, then review reminders."""
	refresh_article_counters()
	create_review_reminders()


# ------------------------------------------------------------------------------------------------
# Setup: the review workflow (called from crm_suite/setup/install.py)
# ------------------------------------------------------------------------------------------------
CONTRIBUTOR, EDITOR = "Knowledge Base Contributor", "Knowledge Base Editor"
WORKFLOW_STATES = (("Draft", "Warning"), ("In Review", "Primary"), ("Published", "Success"))
WORKFLOW_ACTIONS = ("Review", "Approve", "Reject", "Revise")
# (state, action, next state, role)
TRANSITIONS = (
	("Draft", "Review", "In Review", CONTRIBUTOR),
	("Draft", "Review", "In Review", EDITOR),
	("In Review", "Approve", "Published", EDITOR),
	("In Review", "Reject", "Draft", EDITOR),
	("Published", "Revise", "Draft", EDITOR),
)


def setup_workflow():
	"""Create the draft -> review -> published workflow on Help Article once; a site's own edits to it
	are kept (only a missing workflow is created)."""
	for state, style in WORKFLOW_STATES:
		if not frappe.db.exists("Workflow State", state):
			frappe.get_doc(
				{"doctype": "Workflow State", "workflow_state_name": state, "style": style}
			).insert(ignore_permissions=True)
	for action in WORKFLOW_ACTIONS:
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		return
	# a site that already served Help Articles on its web: those stay live (Published + Public), or the
	# workflow's Draft default would unpublish them on their next save
	article = frappe.qb.DocType("Help Article")
	frappe.qb.update(article).set(article[STATE_FIELD], PUBLISHED).set(article.crms_visibility, PUBLIC).where(
		article.published == 1
	).run()
	frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": WORKFLOW_NAME,
			"document_type": "Help Article",
			"workflow_state_field": STATE_FIELD,
			"is_active": 1,
			"send_email_alert": 0,
			"states": [
				{"state": "Draft", "doc_status": "0", "allow_edit": CONTRIBUTOR},
				{"state": "In Review", "doc_status": "0", "allow_edit": EDITOR},
				{"state": "Published", "doc_status": "0", "allow_edit": EDITOR},
			],
			"transitions": [
				{"state": s, "action": a, "next_state": n, "allowed": r, "allow_self_approval": 1}
				for s, a, n, r in TRANSITIONS
			],
		}
	).insert(ignore_permissions=True)


def remove_workflow():
	"""Uninstall: the workflow goes (Workflow States and Actions are shared records and stay)."""
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		frappe.delete_doc("Workflow", WORKFLOW_NAME, ignore_permissions=True, force=True)
	frappe.cache.delete_value([STAMP_KEY, *INDEX_KEYS])
