"""Quality assurance on tickets: scorecards, reviews, weekly samples, coaching, disputes, calibration.

The engine (engine/qa.py) scores, samples and calibrates; this module loads rows, creates reviews and
ToDos and writes results.

- A review copies its scorecard's criteria into its answer rows when it is created, so changing the
  scorecard later (its version goes up) never re-scores reviews already made.
- Scores are computed on every save; submitting needs every criterion answered (or N/A where allowed).
- A submitted review below the scorecard's coaching threshold, or with a failed auto-fail item, opens a
  coaching ToDo for the agent's supervisor; closing the ToDo closes the coaching action.
- Agents read their own submitted reviews (permission query) and may dispute one within the dispute
  window; an inspector or supervisor rejects the dispute, or accepts it, which cancels the review (its
  score leaves the agent's KPIs) so it can be amended and re-scored.
- Every week (scheduler) a stratified random sample of last week's resolved tickets per agent becomes
  draft reviews assigned to QA inspectors in turn; the seed is the ISO week, so the draw is reproducible.
- Calibration: every inspector of a session scores the same items; the spread per criterion and
  Krippendorff's alpha are written back to the session as reviews are submitted.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import add_days, cint, escape_html, flt, get_datetime, getdate, now_datetime, nowdate

from crm_suite.engine import qa
from crm_suite.permissions.users import users_with_roles

REVIEW = "CRMS QA Review"
SCORECARD = "CRMS QA Scorecard"
CALIBRATION = "CRMS QA Calibration"
SETTINGS = "CRMS Quality Settings"
INSPECTOR_ROLE = "QA Inspector"
MANAGER_ROLES = {"QA Inspector", "Service Supervisor", "System Manager"}
GROUP_CODES = {
	"Attitude": qa.ATTITUDE,
	"Efficiency": qa.EFFICIENCY,
	"Effect": qa.EFFECT,
	"Compliance": qa.COMPLIANCE,
}
NA = "N/A"
DEFAULTS = {
	"coaching_due_days": 7,
	"dispute_window_days": 14,
	"weekly_sampling": 1,
	"small_sample": 5,
}


def setting(field: str):
	value = frappe.get_cached_doc(SETTINGS).get(field)
	return DEFAULTS.get(field) if value is None else value


# ------------------------------------------------------------------------------------------------
# Scorecards
# ------------------------------------------------------------------------------------------------
def _criterion(row, key: str) -> qa.Criterion:
	return qa.Criterion(
		key=key,
		group=GROUP_CODES.get(row.criterion_group, qa.ATTITUDE),
		weight=flt(row.weight),
		max_score=cint(row.max_score) or 1,
		auto_fail=bool(cint(row.auto_fail)),
		allow_na=bool(cint(row.allow_na)),
	)


def engine_scorecard(name: str, version: int, rows) -> qa.Scorecard:
	"""Engine scorecard from criterion or answer rows (keyed by row position, as names may repeat)."""
	return qa.Scorecard(name, version, tuple(_criterion(r, str(i)) for i, r in enumerate(rows)))


def criteria_signature(rows) -> str:
	return json.dumps(
		[
			[
				r.criterion,
				r.criterion_group,
				flt(r.weight),
				cint(r.max_score),
				cint(r.auto_fail),
				cint(r.allow_na),
			]
			for r in rows
		]
	)


def validate_scorecard(doc) -> None:
	if not doc.criteria:
		frappe.throw(_("Add at least one criterion."), title=_("Invalid Scorecard"))
	seen = set()
	for row in doc.criteria:
		key = (row.criterion or "").strip().lower()
		if key in seen:
			frappe.throw(
				_("Row {0}: criterion {1} appears twice.").format(row.idx, frappe.bold(row.criterion)),
				title=_("Invalid Scorecard"),
			)
		seen.add(key)
		if flt(row.weight) < 0:
			frappe.throw(
				_("Row {0}: the weight cannot be negative.").format(row.idx), title=_("Invalid Scorecard")
			)
	if sum(flt(r.weight) for r in doc.criteria) <= 0:
		frappe.throw(_("The criteria's weights must add up to more than 0."), title=_("Invalid Scorecard"))
	if not 0 <= flt(doc.pass_mark) <= 100:
		frappe.throw(_("The coaching threshold must be between 0 and 100."), title=_("Invalid Scorecard"))
	if cint(doc.sample_size) < 0:
		frappe.throw(_("The weekly sample cannot be negative."), title=_("Invalid Scorecard"))
	if doc.is_new():
		doc.version = cint(doc.version) or 1
		return
	before = doc.get_doc_before_save()
	if before and criteria_signature(before.criteria) != criteria_signature(doc.criteria):
		doc.version = cint(before.version) + 1


# ------------------------------------------------------------------------------------------------
# Reviews
# ------------------------------------------------------------------------------------------------
def _answer_value(row) -> float | str | None:
	"""The row's value: a number, None for N/A, or "" when unanswered."""
	value = (row.score or "").strip()
	if value == NA:
		return None
	if value == "":
		return ""
	return flt(value)


def fill_answers(doc) -> None:
	card = frappe.get_cached_doc(SCORECARD, doc.scorecard)
	doc.scorecard_version = card.version
	doc.set("answers", [])
	for row in card.criteria:
		doc.append(
			"answers",
			{
				"criterion": row.criterion,
				"criterion_group": row.criterion_group,
				"max_score": cint(row.max_score) or 1,
				"weight": row.weight,
				"auto_fail": row.auto_fail,
				"allow_na": row.allow_na,
				"guidance": row.guidance,
			},
		)


def reviewed_context(doctype: str, name: str) -> frappe._dict:
	"""Subject, agent and team of the reviewed ticket (or call)."""
	if doctype == "Issue":
		row = frappe.db.get_value("Issue", name, ["subject", "_assign", "crms_team"], as_dict=True)
		if not row:
			return frappe._dict()
		users = json.loads(row._assign or "[]")
		return frappe._dict(subject=row.subject, agent=users[0] if users else None, team=row.crms_team)
	meta = frappe.get_meta(doctype)
	fields = [f for f in ("crms_agent", "crms_team") if meta.has_field(f)]
	row = frappe.db.get_value(doctype, name, fields, as_dict=True) if fields else None
	row = row or frappe._dict()
	return frappe._dict(
		subject=f"{_(doctype)} {name}", agent=row.get("crms_agent"), team=row.get("crms_team")
	)


def validate_review(doc) -> None:
	if not frappe.db.exists(doc.reference_doctype, doc.reference_name):
		frappe.throw(
			_("{0} {1} does not exist.").format(_(doc.reference_doctype), doc.reference_name),
			title=_("Invalid Review"),
		)
	if doc.is_new() or not doc.answers:
		context = reviewed_context(doc.reference_doctype, doc.reference_name)
		doc.subject = doc.subject or context.get("subject")
		doc.agent = doc.agent or context.get("agent")
		doc.team = doc.team or context.get("team")
	if not doc.answers:
		fill_answers(doc)
	if doc.agent and doc.inspector and doc.agent == doc.inspector and doc.source != "Calibration":
		frappe.throw(_("Agents cannot review their own tickets."), title=_("Invalid Review"))
	compute(doc, require_complete=False)


def compute(doc, require_complete: bool) -> qa.ReviewScore | None:
	"""Score the answers; with require_complete, an unanswered item is an error, otherwise no score."""
	answers = {}
	missing = []
	for i, row in enumerate(doc.answers):
		value = _answer_value(row)
		if value == "":
			missing.append(row.criterion)
			continue
		if value is None and not cint(row.allow_na):
			frappe.throw(_("{0} cannot be N/A.").format(frappe.bold(row.criterion)), title=_("Invalid Score"))
		if value is not None and value > (cint(row.max_score) or 1):
			frappe.throw(
				_("{0}: {1} is above the scale's maximum of {2}.").format(
					frappe.bold(row.criterion), row.score, cint(row.max_score) or 1
				),
				title=_("Invalid Score"),
			)
		answers[str(i)] = value
	if missing:
		if require_complete:
			frappe.throw(
				_("Score every criterion before submitting: {0}.").format(", ".join(missing)),
				title=_("Review Incomplete"),
			)
		for field in (
			"score",
			"raw_score",
			"attitude_score",
			"efficiency_score",
			"effect_score",
			"compliance_score",
		):
			doc.set(field, None)
		doc.auto_failed = 0
		return None
	card = engine_scorecard(doc.scorecard, cint(doc.scorecard_version), doc.answers)
	result = qa.score_review(card, answers)
	doc.score = result.score
	doc.raw_score = result.raw_score
	doc.auto_failed = 1 if result.auto_failed else 0
	for code, field in (
		(qa.ATTITUDE, "attitude_score"),
		(qa.EFFICIENCY, "efficiency_score"),
		(qa.EFFECT, "effect_score"),
		(qa.COMPLIANCE, "compliance_score"),
	):
		doc.set(field, result.group_scores.get(code))
	return result


def before_submit_review(doc) -> None:
	compute(doc, require_complete=True)
	doc.status = "Scored"


def on_submit_review(doc) -> None:
	result = compute(doc, require_complete=True)
	close_tasks_on_submit(doc)
	if doc.source == "Calibration":
		if doc.calibration:
			update_calibration(doc.calibration)
		return
	pass_mark = flt(frappe.db.get_value(SCORECARD, doc.scorecard, "pass_mark") or 80)
	reason = qa.coaching_trigger(result, pass_mark) if result else None
	if reason:
		open_coaching(doc, reason)


def on_cancel_review(doc) -> None:
	if doc.status not in ("Dispute Accepted",):
		doc.db_set("status", "Cancelled", update_modified=False)
	if doc.coaching_todo and doc.coaching_status == "Open":
		frappe.db.set_value("ToDo", doc.coaching_todo, "status", "Cancelled")
		doc.db_set("coaching_status", "Cancelled", update_modified=False)
	if doc.source == "Calibration" and doc.calibration:
		update_calibration(doc.calibration)


def coaching_message(reason: str, doc) -> str:
	if reason == qa.AUTO_FAIL:
		failed = [
			r.criterion
			for r in doc.answers
			if cint(r.auto_fail)
			and _answer_value(r) not in ("", None)
			and flt(r.score) < (cint(r.max_score) or 1)
		]
		return _("Auto-fail item failed: {0}").format(", ".join(failed))
	return _("QA score {0} below the coaching threshold").format(flt(doc.score, 1))


def open_coaching(doc, reason: str) -> str:
	from crm_suite.service_desk.surveys import supervisor_for

	coach = supervisor_for(doc.team) or "Administrator"
	due = add_days(nowdate(), cint(setting("coaching_due_days")) or 7)
	why = coaching_message(reason, doc)
	description = _(
		"Coaching for {0} on {1}: {2}. Go through the review with the agent and agree what to change."
	).format(escape_html(doc.agent or ""), escape_html(doc.subject or doc.reference_name), escape_html(why))
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": coach,
			"assigned_by": doc.inspector or frappe.session.user,
			"description": description,
			"reference_type": REVIEW,
			"reference_name": doc.name,
			"priority": "High" if reason == qa.AUTO_FAIL else "Medium",
			"date": due,
		}
	).insert(ignore_permissions=True)
	doc.db_set(
		{"coaching_todo": todo.name, "coaching_status": "Open", "coaching_reason": why}, update_modified=False
	)
	return todo.name


def on_todo_update(doc, method=None) -> None:
	"""ToDo on_update: closing a coaching action (or a calibration or sample task) is recorded."""
	if doc.reference_type != REVIEW or not doc.reference_name or not doc.has_value_changed("status"):
		return
	status = {"Closed": "Done", "Cancelled": "Cancelled", "Open": "Open"}.get(doc.status)
	review = frappe.db.get_value(REVIEW, doc.reference_name, ["coaching_todo"], as_dict=True)
	if status and review and review.coaching_todo == doc.name:
		frappe.db.set_value(REVIEW, doc.reference_name, "coaching_status", status, update_modified=False)


# ------------------------------------------------------------------------------------------------
# Agents' access and disputes
# ------------------------------------------------------------------------------------------------
def is_manager(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(MANAGER_ROLES & set(frappe.get_roles(user)))


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Inspectors and supervisors see every review; an agent only their own submitted ones."""
	user = user or frappe.session.user
	if is_manager(user):
		return ""
	return f"(`tabCRMS QA Review`.agent = {frappe.db.escape(user)} and `tabCRMS QA Review`.docstatus = 1)"


def has_permission(doc, ptype: str = "read", user: str | None = None, debug: bool = False) -> bool | None:
	user = user or frappe.session.user
	if is_manager(user):
		return None
	return bool(doc.agent == user and doc.docstatus == 1)


@frappe.whitelist()
def dispute(review: str, reason: str) -> str:
	"""The reviewed agent disputes a submitted review, within the dispute window."""
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(_("Say why you dispute this review."), title=_("Dispute"))
	doc = frappe.get_doc(REVIEW, review)
	if doc.agent != frappe.session.user:
		frappe.throw(_("Only the reviewed agent can dispute a review."), frappe.PermissionError)
	if doc.docstatus != 1 or doc.status not in ("Scored",):
		frappe.throw(
			_("Only a scored review that is not already disputed can be disputed."), title=_("Dispute")
		)
	window = cint(setting("dispute_window_days"))
	if getdate(doc.review_date) < getdate(add_days(nowdate(), -window)):
		frappe.throw(
			_("Reviews can be disputed within {0} days of the review date.").format(window),
			title=_("Dispute"),
		)
	doc.db_set(
		{"status": "Disputed", "dispute_reason": reason[:2000], "disputed_on": now_datetime()},
		update_modified=True,
	)
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": doc.inspector or "Administrator",
			"assigned_by": frappe.session.user,
			"description": _("{0} disputes QA review {1}: {2}").format(
				escape_html(doc.agent), doc.name, escape_html(reason[:500])
			),
			"reference_type": REVIEW,
			"reference_name": doc.name,
			"priority": "Medium",
			"date": add_days(nowdate(), 3),
		}
	).insert(ignore_permissions=True)
	doc.add_comment("Comment", _("Disputed: {0}").format(escape_html(reason[:2000])))
	return "Disputed"


@frappe.whitelist()
def resolve_dispute(review: str, accept, note: str | None = None) -> str:
	"""Reject (the score stands) or accept (the review is cancelled, to be amended) a dispute."""
	if not is_manager():
		frappe.throw(
			_("Only QA inspectors and service supervisors can resolve disputes."), frappe.PermissionError
		)
	doc = frappe.get_doc(REVIEW, review)
	if doc.status != "Disputed":
		frappe.throw(_("This review is not disputed."), title=_("Dispute"))
	accepted = cint(accept) == 1
	status = "Dispute Accepted" if accepted else "Dispute Rejected"
	doc.db_set(
		{
			"status": status,
			"dispute_resolution": (note or "")[:2000],
			"dispute_resolved_by": frappe.session.user,
		},
		update_modified=True,
	)
	for todo in frappe.get_all(
		"ToDo",
		filters={"reference_type": REVIEW, "reference_name": doc.name, "status": "Open"},
		fields=["name"],
	):
		if todo.name != doc.coaching_todo:
			frappe.db.set_value("ToDo", todo.name, "status", "Closed")
	if accepted:
		doc.reload()
		doc.flags.ignore_permissions = True
		doc.cancel()
	return status


# ------------------------------------------------------------------------------------------------
# Conversation beside the form
# ------------------------------------------------------------------------------------------------
@frappe.whitelist()
def conversation(review: str) -> list[dict]:
	"""The reviewed ticket's messages, oldest first, for the inspector's form."""
	doc = frappe.get_doc(REVIEW, review)
	doc.check_permission("read")
	if doc.reference_doctype == "Call Log":
		return call_conversation(doc.reference_name)
	if doc.reference_doctype != "Issue" or not frappe.has_permission("Issue", "read", doc.reference_name):
		return []
	issue = frappe.db.get_value(
		"Issue", doc.reference_name, ["description", "raised_by", "opening_date"], as_dict=True
	)
	rows = frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": "Issue",
			"reference_name": doc.reference_name,
			"communication_type": ["in", ["Communication", "Comment"]],
		},
		fields=["sender", "sent_or_received", "communication_date", "content", "communication_type"],
		order_by="communication_date asc",
		limit_page_length=200,
	)
	out = []
	if issue and issue.description and not rows:
		out.append(
			{
				"sender": issue.raised_by,
				"direction": "Received",
				"date": str(issue.opening_date),
				"content": issue.description,
			}
		)
	for r in rows:
		out.append(
			{
				"sender": r.sender,
				"direction": r.sent_or_received,
				"date": str(r.communication_date),
				"content": frappe.utils.sanitize_html(r.content or ""),
			}
		)
	return out


def call_conversation(call_log: str) -> list[dict]:
	"""A call's side of the form: who called, its times, disposition and notes, and the recording."""
	if not frappe.has_permission("Call Log", "read", call_log):
		return []
	meta = frappe.get_meta("Call Log")
	fields = ["from", "to", "type", "start_time", "duration", "summary", "recording_url"]
	fields += [f for f in ("crms_queue", "crms_disposition", "crms_transfer_chain") if meta.has_field(f)]
	row = frappe.db.get_value("Call Log", call_log, fields, as_dict=True)
	if not row:
		return []
	facts = [
		_("{0} call from {1} to {2}, {3} seconds").format(
			_(row.type or ""), row.get("from"), row.to, cint(row.duration)
		),
	]
	if row.get("crms_queue"):
		facts.append(_("Queue: {0}").format(row.crms_queue))
	if row.get("crms_disposition"):
		facts.append(_("Disposition: {0}").format(_(row.crms_disposition)))
	if row.get("crms_transfer_chain"):
		facts.append(_("Transfers: {0}").format(row.crms_transfer_chain))
	content = "<br>".join(escape_html(f) for f in facts)
	if row.summary:
		content += "<br>" + escape_html(row.summary)
	if row.recording_url:
		src = f"/api/method/crm_suite.call_centre.recording.stream?call_log={quote(call_log)}"
		content += f'<br><audio controls preload="none" src="{src}"></audio>'
	return [
		{"sender": row.get("from"), "direction": "Received", "date": str(row.start_time), "content": content}
	]


# ------------------------------------------------------------------------------------------------
# Weekly sample
# ------------------------------------------------------------------------------------------------
def iso_week(day: date) -> str:
	year, week, _weekday = day.isocalendar()
	return f"{year}-W{week:02d}"


def inspectors() -> list[str]:
	return users_with_roles([INSPECTOR_ROLE]).get(INSPECTOR_ROLE, [])


def resolved_tickets(start: date, end: date) -> list[qa.QaTicket]:
	"""Tickets resolved in [start, end) with an agent, as engine records (set-based)."""
	meta = frappe.get_meta("Issue")
	resolved = "crms_resolved_on" if meta.has_field("crms_resolved_on") else "resolution_date"
	rows = frappe.get_all(
		"Issue",
		filters=[
			["status", "in", ["Resolved", "Closed"]],
			[resolved, ">=", start],
			[resolved, "<", end],
			["_assign", "is", "set"],
		],
		fields=[
			"name",
			"_assign",
			"issue_type",
			"crms_channel" if meta.has_field("crms_channel") else "name as crms_channel",
		],
		limit_page_length=0,
	)
	out = []
	for r in rows:
		users = json.loads(r._assign or "[]")
		if users:
			out.append(qa.QaTicket(r.name, users[0], r.crms_channel or "", r.issue_type or ""))
	return out


def answered_calls(start: date, end: date) -> list[qa.QaTicket]:
	"""Calls answered by an agent in [start, end) (the Call Log start_time index), as engine records."""
	if not frappe.get_meta("Call Log").has_field("crms_agent"):
		return []
	rows = frappe.get_all(
		"Call Log",
		filters=[
			["start_time", ">=", start],
			["start_time", "<", end],
			["crms_agent", "is", "set"],
			["crms_answered_at", "is", "set"],
		],
		fields=["name", "crms_agent", "crms_queue", "type"],
		limit_page_length=0,
	)
	return [qa.QaTicket(r.name, r.crms_agent, r.type or "", r.crms_queue or "") for r in rows]


def weekly_sample(day: str | date | None = None) -> dict[str, int]:
	"""Draft reviews for last ISO week's sample of every enabled scorecard (tickets or calls)."""
	if not cint(setting("weekly_sampling")) and day is None:
		return {}
	today = getdate(day or nowdate())
	start = today - timedelta(days=today.weekday() + 7)
	end = start + timedelta(days=7)
	week = iso_week(start)
	people = inspectors()
	created: dict[str, int] = {}
	items: dict[str, list[qa.QaTicket]] = {}
	loaders = {"Issue": resolved_tickets, "Call Log": answered_calls}
	for card in frappe.get_all(
		SCORECARD,
		filters={"enabled": 1, "applies_to": ("in", list(loaders))},
		fields=["name", "sample_size", "applies_to"],
	):
		if cint(card.sample_size) <= 0:
			continue
		doctype = card.applies_to
		if doctype not in items:
			items[doctype] = loaders[doctype](start, end)
		names = [t.ticket for t in items[doctype]]
		reviewed = set(
			frappe.get_all(
				REVIEW,
				filters={
					"reference_doctype": doctype,
					"reference_name": ["in", names or [""]],
					"docstatus": ["<", 2],
				},
				pluck="reference_name",
			)
		)
		samples = qa.weekly_sample(
			items[doctype], seed=f"{week}|{card.name}", size=cint(card.sample_size), reviewed=reviewed
		)
		n = 0
		for agent in sorted(samples):
			for ticket in samples[agent].tickets:
				candidates = [p for p in people if p != agent] or ["Administrator"]
				inspector = candidates[n % len(candidates)]
				create_sample_review(card.name, ticket, week, inspector, doctype)
				n += 1
		created[card.name] = n
	return created


def create_sample_review(
	scorecard: str, ticket: qa.QaTicket, week: str, inspector: str, doctype: str = "Issue"
) -> str:
	doc = frappe.get_doc(
		{
			"doctype": REVIEW,
			"scorecard": scorecard,
			"reference_doctype": doctype,
			"reference_name": ticket.ticket,
			"agent": ticket.agent,
			"inspector": inspector,
			"source": "Weekly Sample",
			"sample_week": week,
			"review_date": nowdate(),
		}
	)
	doc.insert(ignore_permissions=True)
	what = _("call") if doctype == "Call Log" else _("ticket")
	assign(doc.name, inspector, _("QA sample {0}: score {1} {2}").format(week, what, ticket.ticket))
	return doc.name


def assign(review: str, user: str, description: str) -> None:
	"""A ToDo for the inspector (not frappe's assign_to.add: no e-mail per sampled ticket)."""
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"assigned_by": "Administrator",
			"description": description,
			"reference_type": REVIEW,
			"reference_name": review,
			"priority": "Medium",
			"date": add_days(nowdate(), 7),
		}
	).insert(ignore_permissions=True)


def close_tasks_on_submit(doc) -> None:
	"""The inspector's scoring ToDo closes when the review is submitted."""
	for name in frappe.get_all(
		"ToDo",
		filters={
			"reference_type": REVIEW,
			"reference_name": doc.name,
			"status": "Open",
			"allocated_to": doc.inspector or "",
			"assigned_by": ["!=", doc.inspector or ""],
		},
		pluck="name",
	):
		if name != doc.coaching_todo:
			frappe.db.set_value("ToDo", name, "status", "Closed")


# ------------------------------------------------------------------------------------------------
# Calibration
# ------------------------------------------------------------------------------------------------
def validate_calibration(doc) -> None:
	people = [r.inspector for r in doc.inspectors]
	if len(set(people)) < 2:
		frappe.throw(
			_("A calibration session needs at least two inspectors."), title=_("Invalid Calibration")
		)
	seen = set()
	for row in doc.items:
		key = (row.reference_doctype, row.reference_name)
		if key in seen:
			frappe.throw(
				_("Row {0}: {1} is listed twice.").format(row.idx, row.reference_name),
				title=_("Invalid Calibration"),
			)
		seen.add(key)
		if not frappe.db.exists(row.reference_doctype, row.reference_name):
			frappe.throw(
				_("Row {0}: {1} {2} does not exist.").format(
					row.idx, _(row.reference_doctype), row.reference_name
				),
				title=_("Invalid Calibration"),
			)
		row.agent = reviewed_context(row.reference_doctype, row.reference_name).get("agent")
	doc.reviews_expected = len(doc.items) * len(set(people))
	if doc.tolerance is None or flt(doc.tolerance) <= 0:
		doc.tolerance = 20


def start_calibration(doc) -> None:
	"""after_insert: one draft review per inspector and item, each a ToDo for its inspector."""
	for row in doc.items:
		for person in dict.fromkeys(r.inspector for r in doc.inspectors):
			review = frappe.get_doc(
				{
					"doctype": REVIEW,
					"scorecard": doc.scorecard,
					"reference_doctype": row.reference_doctype,
					"reference_name": row.reference_name,
					"inspector": person,
					"source": "Calibration",
					"calibration": doc.name,
					"review_date": nowdate(),
				}
			).insert(ignore_permissions=True)
			assign(
				review.name,
				person,
				_("Calibration {0}: score {1}").format(escape_html(doc.title), row.reference_name),
			)


def update_calibration(name: str) -> None:
	doc = frappe.get_doc(CALIBRATION, name)
	reviews = frappe.get_all(
		REVIEW,
		filters={"calibration": name, "docstatus": 1},
		fields=["name", "reference_doctype", "reference_name", "inspector", "scorecard_version"],
	)
	if not reviews:
		doc.db_set({"reviews_scored": 0}, update_modified=False)
		return
	answers = frappe.get_all(
		"CRMS QA Answer",
		filters={"parenttype": REVIEW, "parent": ["in", [r.name for r in reviews]]},
		fields=[
			"parent",
			"idx",
			"criterion",
			"criterion_group",
			"weight",
			"max_score",
			"auto_fail",
			"allow_na",
			"score",
		],
		order_by="parent, idx",
	)
	by_review: dict[str, list] = {}
	for a in answers:
		by_review.setdefault(a.parent, []).append(a)
	# the scorecard as the first review saw it (all reviews of a session are created together)
	template = by_review[reviews[0].name]
	card = qa.Scorecard(
		doc.scorecard, cint(reviews[0].scorecard_version), tuple(_criterion(r, r.criterion) for r in template)
	)
	ratings: dict[str, dict[str, dict]] = {}
	for r in reviews:
		rows = by_review.get(r.name, [])
		if [a.criterion for a in rows] != [a.criterion for a in template]:
			continue  # amended onto another scorecard version: not comparable
		item = f"{r.reference_doctype}::{r.reference_name}"
		ratings.setdefault(item, {})[r.inspector] = {a.criterion: _answer_value(a) for a in rows}
	result = qa.calibrate(card, ratings, tolerance=flt(doc.tolerance) or 20)
	doc.set("results", [])
	for c in result.criteria:
		doc.append(
			"results",
			{
				"criterion": c.criterion,
				"ratings": c.n,
				"mean_pct": c.mean,
				"stdev_pct": c.stdev,
				"max_range_pct": c.max_range,
				"disagrees": 1 if c.disagrees else 0,
			},
		)
	ranges = [v for v in result.score_range.values() if v is not None]
	doc.reviews_scored = len(reviews)
	doc.alpha = result.alpha
	doc.max_score_range = max(ranges) if ranges else None
	doc.status = "Completed" if len(reviews) >= cint(doc.reviews_expected) else "Open"
	doc.flags.ignore_permissions = True
	doc.flags.ignore_validate = True
	doc.save()


# ------------------------------------------------------------------------------------------------
# Number cards
# ------------------------------------------------------------------------------------------------
@frappe.whitelist()
def qa_score_card(filters=None) -> dict:
	since = add_days(nowdate(), -30)
	value = frappe.db.sql(
		"select avg(score) from `tabCRMS QA Review` where docstatus = 1 and source != 'Calibration' "
		"and review_date >= %s",
		since,
	)[0][0]
	return {
		"value": flt(value, 1) if value is not None else 0,
		"fieldtype": "Percent",
		"route": ["List", REVIEW],
	}


@frappe.whitelist()
def open_coaching_card(filters=None) -> dict:
	value = frappe.db.count(REVIEW, {"coaching_status": "Open", "docstatus": 1})
	return {
		"value": value,
		"fieldtype": "Int",
		"route_options": {"coaching_status": "Open"},
		"route": ["List", REVIEW],
	}
