"""Ticket lifecycle on ERPNext's Issue: stage kept in step with status, reopen on a customer's reply,
first response, daily auto-close, merge and split, internal notes, and the closed loop of complaints.

What ERPNext and Frappe already do, and what we add (v15.62 / v15.55):
- A received Communication on an Issue: frappe's Communication.on_update sets the Issue to Open with a
  bare db_set, whatever its status (no validate, no counter, no reason). We act one step earlier, in
  Communication after_insert, and reopen with a full save: the stage, the reopen counter and the SLA
  pause bookkeeping (crm_suite/service_desk/sla.py, run in the same validate) follow. Frappe's db_set
  then finds the ticket Open already.
- E-mail threading: frappe's InboundMail links a reply to the Issue its thread or "(#ISS-...)" subject
  points to, closed or not; v15 creates no new Issue for a closed one. We keep that: the reply reopens
  the closed ticket (counted). A reply to a ticket merged into another is moved to that one.
- First response: frappe's update_first_response_time sets Issue.first_responded_on when a system user
  sends the first message. We reuse that field (no crms_ copy); we only fill it when frappe did not.
- Auto-close: ERPNext's daily auto_close_tickets closes *Replied* tickets untouched for Support
  Settings' close_issue_after_days. We reuse that setting for *Resolved* tickets, set-based.
- Split: ERPNext's Issue.split_issue; we wrap it to check permission and log it on the original.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import cint, escape_html, get_link_to_form, now_datetime

from crm_suite.engine import ticket_lifecycle as tl

SUPERVISOR_ROLE = "Service Supervisor"
CAPA_PROCEDURE = "Customer Complaint Handling"  # ERPNext Quality Procedure every complaint CAPA uses
WRITE_CHUNK = 500
# Fields a split copy (ERPNext deep-copies the whole Issue) must not inherit.
SPLIT_RESET = (
	"crms_idempotency_key",
	"crms_stage",
	"crms_resolved_on",
	"crms_reopen_count",
	"crms_reopened_on",
	"crms_merged_into",
	"crms_customer_confirmed",
	"crms_customer_confirmed_on",
	"crms_customer_feedback",
	"crms_sla_policy",
	"crms_sla_status",
	"crms_escalation_level",
	"crms_response_due",
	"crms_resolution_due",
	"crms_response_left_seconds",
	"crms_resolution_left_seconds",
	"crms_sla_paused_since",
	"crms_sla_paused_seconds",
	"crms_sla_evaluated_on",
	"first_responded_on",
	"first_response_time",
	"sla_resolution_date",
	"service_level_agreement_creation",
	"_assign",
	"_comments",
)


# ------------------------------------------------------------------------------------------------
# Issue events


def before_insert(doc, method=None) -> None:
	"""A split copy starts a fresh life (ERPNext's split_issue deep-copies every field)."""
	if doc.get("issue_split_from"):
		for field in SPLIT_RESET:
			if doc.meta.has_field(field) or field.startswith("_"):
				doc.set(field, None)
		doc.status = "Open"


def on_issue_validate(doc, method=None) -> None:
	"""Keep crms_stage and ERPNext's status in step; book resolution and reopen moments; guard complaint close."""
	flags = frappe.local.flags
	if flags.in_install or flags.in_migrate or flags.in_patch:
		return
	if not doc.meta.has_field("crms_stage"):
		return  # fields not created yet (install, or a site that has not migrated)
	before = None if doc.is_new() else doc.get_doc_before_save()
	before_status = before.get("status") if before else None
	doc.status, doc.crms_stage = tl.sync(
		doc.status,
		doc.get("crms_stage"),
		before_status,
		before.get("crms_stage") if before else None,
		responded=bool(doc.get("first_responded_on")),
		assigned=bool(_assigned(doc.get("_assign"))),
	)
	now = now_datetime()
	if doc.status in tl.FINAL_STATUSES:
		doc.crms_resolved_on = doc.get("crms_resolved_on") or now
	else:
		doc.crms_resolved_on = None
	if tl.is_reopen(before_status, doc.status):
		doc.crms_reopen_count = cint(doc.get("crms_reopen_count")) + 1
		doc.crms_reopened_on = now
		doc.crms_customer_confirmed = 0
		doc.crms_customer_confirmed_on = None
	if (
		doc.status == "Closed"
		and before_status != "Closed"
		and not (doc.flags.crms_merging or flags.in_import)
	):
		guard_complaint_close(doc, before_status)


def _ready() -> bool:
	"""Our Issue columns exist (not before crm_suite's fields are created on install or migrate)."""
	return frappe.get_meta("Issue").has_field("crms_stage")


def _assigned(value) -> list[str]:
	try:
		return [u for u in json.loads(value or "[]") if u]
	except (TypeError, ValueError):
		return []


# ------------------------------------------------------------------------------------------------
# Complaints: closed loop


def capa_state(issues: list[str]) -> dict[str, dict]:
	"""issue -> {"total", "open", "names"} over its Non Conformances and Quality Actions (two queries)."""
	out = {name: {"total": 0, "open": 0, "names": []} for name in issues}
	if not issues:
		return out
	for doctype, open_status in (("Non Conformance", "Open"), ("Quality Action", "Open")):
		if not frappe.get_meta(doctype).has_field("crms_issue"):
			continue
		for row in frappe.get_all(
			doctype, filters={"crms_issue": ("in", issues)}, fields=["name", "crms_issue", "status"]
		):
			state = out[row.crms_issue]
			state["total"] += 1
			if (row.status or "Open") == open_status:
				state["open"] += 1
				state["names"].append(row.name)
	return out


def close_blockers(doc) -> list[str]:
	"""Translated reasons why this complaint may not close (empty: it may)."""
	if not doc.get("crms_complaint_class"):
		return []
	capa = capa_state([doc.name])[doc.name] if doc.name else {"total": 0, "open": 0, "names": []}
	codes = tl.complaint_close_blockers(
		doc.crms_complaint_class,
		doc.as_dict(),
		capa["total"],
		capa["open"],
		bool(doc.crms_customer_confirmed),
	)
	messages = []
	for code in codes:
		if code == "checklist":
			missing = [_(doc.meta.get_label(f)) for f in tl.checklist_missing(doc.as_dict())]
			messages.append(_("The fair-handling checklist is not complete: {0}.").format(", ".join(missing)))
		elif code == "capa_missing":
			messages.append(
				_("A {0} complaint needs at least one corrective or preventive action (Open CAPA).").format(
					_(doc.crms_complaint_class)
				)
			)
		elif code == "capa_open":
			messages.append(
				_("Corrective and preventive actions still open: {0}.").format(", ".join(capa["names"]))
			)
		elif code == "not_confirmed":
			messages.append(_("The customer has not confirmed the resolution yet."))
	return messages


def guard_complaint_close(doc, before_status: str | None) -> None:
	"""Refuse to close an unfinished complaint. In a background job (ERPNext's auto-close, bulk edits
	queued by the list view) nobody sees an error and one refusal would stop the whole loop: the ticket
	keeps its status and a Comment says why."""
	messages = close_blockers(doc)
	if not messages:
		return
	if getattr(frappe.local, "job", None) or doc.flags.crms_soft_close:
		doc.status = before_status if before_status and before_status != "Closed" else "Resolved"
		doc.crms_stage = tl.stage_for(doc.status, bool(doc.first_responded_on), True)
		_comment(doc.name, _("Not closed: {0}").format(" ".join(messages)), by=_("Service Desk"))
		return
	frappe.throw(
		"<br>".join(escape_html(m) for m in messages),
		title=_("This complaint cannot be closed yet"),
		exc=frappe.ValidationError,
	)


def confirm_resolution(issue: str, resolved: bool, comment: str | None = None) -> str:
	"""The customer's answer to "is it solved?" (called by the portal, which checks the customer may act
	on this ticket). Yes: recorded, and a Resolved ticket closes when nothing else blocks it (a complaint
	with an open checklist or CAPA stays Resolved). No: the ticket reopens. Returns the new status."""
	doc = frappe.get_doc("Issue", issue)
	doc.flags.ignore_permissions = True
	comment = (comment or "").strip()
	doc.crms_customer_feedback = comment or None
	if resolved:
		doc.crms_customer_confirmed = 1
		doc.crms_customer_confirmed_on = now_datetime()
		text = _("The customer confirmed the resolution.")
		if doc.status == "Resolved":
			doc.status = "Closed"
			if close_blockers(doc):
				doc.status = "Resolved"
				text += " " + _("Kept Resolved until the complaint's checklist and actions are complete.")
	else:
		doc.crms_customer_confirmed = 0
		doc.crms_customer_confirmed_on = None
		text = _("The customer says the problem is not solved.")
		if doc.status in tl.FINAL_STATUSES:
			doc.status = "Open"
			text += " " + _("Ticket reopened.")
	doc.save()
	if comment:
		text = "{0}<br>{1}".format(escape_html(text), escape_html(comment).replace("\n", "<br>"))
	_comment(doc.name, text, by=_("Customer"))
	return doc.status


# ------------------------------------------------------------------------------------------------
# Communications and assignments


def on_communication_insert(doc, method=None) -> None:
	"""Customer reply: reopen / resume with a full save. Agent reply: first response and stage."""
	if (
		doc.reference_doctype != "Issue"
		or not doc.reference_name
		or doc.communication_type != "Communication"
	):
		return
	if not _ready():
		return
	if doc.sent_or_received == "Received":
		customer_replied(doc)
	elif doc.sent_or_received == "Sent":
		agent_replied(doc)


def customer_replied(comm) -> None:
	issue = _follow_merges(comm)
	status = frappe.db.get_value("Issue", issue, "status")
	new_status = tl.status_after_customer_reply(status)
	if not new_status:
		return
	doc = frappe.get_doc("Issue", issue)
	doc.status = new_status
	doc.flags.ignore_permissions = True
	doc.flags.ignore_mandatory = True
	doc.save()
	if status in tl.FINAL_STATUSES:
		_comment(
			issue,
			_("Reopened: the customer replied to this {0} ticket ({1}).").format(
				_(status), get_link_to_form("Communication", comm.name, _("message"))
			),
			by=_("Service Desk"),
		)


def _follow_merges(comm) -> str:
	"""A reply to a merged ticket belongs to the ticket it was merged into (at most a few hops)."""
	issue = comm.reference_name
	for _hop in range(5):
		target = frappe.db.get_value("Issue", issue, "crms_merged_into")
		if not target:
			break
		issue = target
	if issue != comm.reference_name:
		comm.db_set("reference_name", issue, update_modified=False)
	return issue


def agent_replied(comm) -> None:
	if not _is_agent(comm):
		return
	row = frappe.db.get_value(
		"Issue", comm.reference_name, ["status", "crms_stage", "first_responded_on"], as_dict=True
	)
	if not row:
		return
	updates = {}
	if not row.first_responded_on:
		updates["first_responded_on"] = comm.creation
	if row.status == "Open" and row.crms_stage in (None, "", tl.PENDING):
		updates["crms_stage"] = tl.IN_PROGRESS
	if updates:
		frappe.db.set_value("Issue", comm.reference_name, updates, update_modified=False)


def _is_agent(comm) -> bool:
	"""frappe's own test for a first response: a system user sent it, or a system user is sending it."""
	from frappe.utils.user import is_system_user

	return bool(
		is_system_user(comm.sender)
		or frappe.get_cached_value("User", frappe.session.user, "user_type") == "System User"
	)


def on_todo_insert(doc, method=None) -> None:
	"""An assignment starts the work: a Pending ticket becomes In Progress (ToDo writes _assign by db_set)."""
	if doc.reference_type != "Issue" or not doc.reference_name or doc.status != "Open" or not _ready():
		return
	row = frappe.db.get_value("Issue", doc.reference_name, ["status", "crms_stage"], as_dict=True)
	if row and row.status == "Open" and row.crms_stage in (None, "", tl.PENDING):
		frappe.db.set_value("Issue", doc.reference_name, "crms_stage", tl.IN_PROGRESS, update_modified=False)


# ------------------------------------------------------------------------------------------------
# Daily auto-close of resolved tickets (set-based)


def auto_close_resolved(now=None) -> dict:
	"""Close tickets Resolved for more than Support Settings' close_issue_after_days (ERPNext's own job
	uses the same number for Replied tickets). Complaints that may not close yet are left alone."""
	now = frappe.utils.get_datetime(now) if now else now_datetime()
	days = frappe.db.get_single_value("Support Settings", "close_issue_after_days")
	cutoff = tl.auto_close_cutoff(now, days)
	issue = frappe.qb.DocType("Issue")
	checklist = [issue[f] for f, _label in tl.CHECKLIST]
	rows = (
		frappe.qb.from_(issue)
		.select(issue.name, issue.crms_complaint_class, issue.crms_customer_confirmed, *checklist)
		.where(
			(issue.status == "Resolved")
			& (
				(issue.crms_resolved_on < cutoff)
				| (issue.crms_resolved_on.isnull() & (issue.modified < cutoff))
			)
		)
	).run(as_dict=True)
	complaints = [r.name for r in rows if r.crms_complaint_class]
	capa = capa_state(complaints)
	closable = [
		r.name
		for r in rows
		if not tl.complaint_close_blockers(
			r.crms_complaint_class,
			r,
			capa.get(r.name, {}).get("total", 0),
			capa.get(r.name, {}).get("open", 0),
			bool(r.crms_customer_confirmed),
		)
	]
	text = _("Closed automatically: resolved for more than {0} days.").format(
		days or tl.DEFAULT_AUTO_CLOSE_DAYS
	)
	for start in range(0, len(closable), WRITE_CHUNK):
		part = closable[start : start + WRITE_CHUNK]
		(
			frappe.qb.update(issue)
			.set(issue.status, "Closed")
			.set(issue.crms_stage, tl.CLOSED)
			.set(issue.modified, now)
			.where(issue.name.isin(part))
		).run()
		_bulk_comments(part, text, now)
	if closable:
		from crm_suite.service_desk.sla import _clear_cached_issues

		_clear_cached_issues(closable)
	return {"closed": len(closable), "kept": len(rows) - len(closable)}


def _bulk_comments(names: list[str], text: str, now) -> None:
	fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"comment_type",
		"reference_doctype",
		"reference_name",
		"comment_email",
		"comment_by",
		"content",
	]
	by = _("Service Desk")
	values = [
		(
			frappe.generate_hash(length=10),
			now,
			now,
			"Administrator",
			"Administrator",
			"Info",
			"Issue",
			name,
			"Administrator",
			by,
			text,
		)
		for name in names
	]
	frappe.db.bulk_insert("Comment", fields, values)


# ------------------------------------------------------------------------------------------------
# ERPNext's list actions "Set as Open" / "Set as Closed" (overridden in hooks)


@frappe.whitelist(methods=["POST"])
def set_multiple_status(names: str | list, status: str) -> dict:
	"""ERPNext's version writes the status with db.set_value: no permission check, no validate (the
	stage, reopen count, SLA and the complaint close guard would all be skipped). One save per ticket;
	a ticket that may not change (permission, unfinished complaint) is reported, the others proceed."""
	names = frappe.parse_json(names) if isinstance(names, str) else names
	if status not in tl.STATUSES:
		frappe.throw(_("Unknown status {0}").format(status))
	changed, refused = [], []
	for name in names or []:
		frappe.db.savepoint("crms_set_status")
		try:
			doc = frappe.get_doc("Issue", name)
			doc.check_permission("write")
			if doc.status != status:
				doc.status = status
				doc.save()
			changed.append(name)
		except (frappe.ValidationError, frappe.PermissionError):
			frappe.db.rollback(save_point="crms_set_status")
			refused.append(name)
	if refused:
		frappe.msgprint(
			_("Not changed: {0}").format(", ".join(refused)), title=_("Some tickets kept their status")
		)
	return {"changed": changed, "refused": refused}


@frappe.whitelist(methods=["POST"])
def set_status(name: str, status: str) -> dict:
	return set_multiple_status([name], status)


# ------------------------------------------------------------------------------------------------
# Merge and split


@frappe.whitelist(methods=["POST"])
def merge_tickets(target: str, sources: str | list, force: int = 0) -> dict:
	"""Move the sources' messages, comments, attachments and assignments to the target, close the sources
	with a link to it. Different customers only when a Service Supervisor forces it."""
	names = frappe.parse_json(sources) if isinstance(sources, str) and sources.startswith("[") else sources
	if isinstance(names, str):
		names = [n.strip() for n in names.split(",")]
	names = list(dict.fromkeys(n for n in names or [] if n))
	for name in (target, *names):
		frappe.has_permission("Issue", "write", doc=name, throw=True)
	rows = {
		r.name: r
		for r in frappe.get_all(
			"Issue",
			filters={"name": ("in", [target, *names])},
			fields=["name", "customer", "status", "crms_merged_into"],
		)
	}
	for name in (target, *names):
		if name not in rows:
			frappe.throw(_("Issue {0} not found").format(name), frappe.DoesNotExistError)
	refusal = tl.merge_refusal(
		rows[target],
		[rows[n] for n in names],
		force=bool(cint(force)),
		may_force=SUPERVISOR_ROLE in frappe.get_roles(),
	)
	if refusal:
		_refuse_merge(*refusal)
	moved = _move_rows(target, names)
	for name in names:
		doc = frappe.get_doc("Issue", name)
		doc.status = "Closed"
		doc.crms_merged_into = target
		doc.flags.crms_merging = True
		doc.flags.ignore_permissions = True
		doc.flags.ignore_mandatory = True
		doc.save()
		_comment(name, _("Merged into {0}.").format(get_link_to_form("Issue", target)))
	_comment(
		target,
		_(
			"Merged {0} into this ticket: {1} messages, {2} comments, {3} attachments, {4} assignments moved."
		).format(
			", ".join(get_link_to_form("Issue", n) for n in names),
			moved["communications"],
			moved["comments"],
			moved["attachments"],
			moved["todos"],
		),
	)
	return {"target": target, "merged": names, "moved": moved}


def _refuse_merge(code: str, name: str | None) -> None:
	messages = {
		"no_sources": _("Choose at least one ticket to merge."),
		"same_ticket": _("A ticket cannot be merged into itself."),
		"source_merged": _("Ticket {0} was already merged into another ticket."),
		"target_merged": _("Ticket {0} was merged into another ticket: merge into that one instead."),
		"different_customer": _(
			"Ticket {0} belongs to a different customer. Only a Service Supervisor can force this merge."
		),
	}
	frappe.throw(messages[code].format(name), title=_("Tickets not merged"))


def _move_rows(target: str, sources: list[str]) -> dict:
	"""Set-based: one UPDATE per table. Duplicate open assignments (same user) are cancelled."""
	comm = frappe.qb.DocType("Communication")
	link = frappe.qb.DocType("Communication Link")
	comment = frappe.qb.DocType("Comment")
	file = frappe.qb.DocType("File")
	todo = frappe.qb.DocType("ToDo")
	moved = {
		"communications": frappe.db.count(
			"Communication", {"reference_doctype": "Issue", "reference_name": ("in", sources)}
		),
		"comments": frappe.db.count(
			"Comment", {"reference_doctype": "Issue", "reference_name": ("in", sources)}
		),
		"attachments": frappe.db.count(
			"File", {"attached_to_doctype": "Issue", "attached_to_name": ("in", sources)}
		),
	}
	frappe.qb.update(comm).set(comm.reference_name, target).where(
		(comm.reference_doctype == "Issue") & comm.reference_name.isin(sources)
	).run()
	frappe.qb.update(link).set(link.link_name, target).where(
		(link.link_doctype == "Issue") & link.link_name.isin(sources)
	).run()
	frappe.qb.update(comment).set(comment.reference_name, target).where(
		(comment.reference_doctype == "Issue") & comment.reference_name.isin(sources)
	).run()
	frappe.qb.update(file).set(file.attached_to_name, target).where(
		(file.attached_to_doctype == "Issue") & file.attached_to_name.isin(sources)
	).run()
	target_users = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Issue", "reference_name": target, "status": "Open"},
		pluck="allocated_to",
	)
	open_todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Issue", "reference_name": ("in", sources), "status": "Open"},
		fields=["name", "allocated_to"],
		order_by="creation asc",
	)
	_move, cancel = tl.dedupe_assignments(target_users, [(t.name, t.allocated_to) for t in open_todos])
	moved["todos"] = frappe.db.count("ToDo", {"reference_type": "Issue", "reference_name": ("in", sources)})
	frappe.qb.update(todo).set(todo.reference_name, target).where(
		(todo.reference_type == "Issue") & todo.reference_name.isin(sources)
	).run()
	if cancel:
		frappe.qb.update(todo).set(todo.status, "Cancelled").where(todo.name.isin(cancel)).run()
	for name in (target, *sources):
		_refresh_assign(name)
	return moved


def _refresh_assign(issue: str) -> None:
	users = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Issue", "reference_name": issue, "status": "Open"},
		pluck="allocated_to",
		order_by="creation asc",
	)
	value = json.dumps(list(dict.fromkeys(u for u in users if u))) if users else None
	frappe.db.set_value("Issue", issue, "_assign", value, update_modified=False)


@frappe.whitelist(methods=["POST"])
def split_ticket(issue: str, subject: str, communication: str) -> str:
	"""ERPNext's Issue.split_issue (messages from `communication` on move to a new ticket), logged on both."""
	doc = frappe.get_doc("Issue", issue)
	doc.check_permission("write")
	frappe.has_permission("Issue", "create", throw=True)
	subject = (subject or "").strip()
	if not subject:
		frappe.throw(_("Give the new ticket a subject."))
	ref = frappe.db.get_value(
		"Communication", communication, ["reference_doctype", "reference_name"], as_dict=True
	)
	if not ref or ref.reference_doctype != "Issue" or ref.reference_name != issue:
		frappe.throw(_("Message {0} does not belong to ticket {1}.").format(communication, issue))
	new_name = doc.split_issue(subject, communication)
	_comment(
		issue,
		_("Split into {0} from message {1}.").format(
			get_link_to_form("Issue", new_name), get_link_to_form("Communication", communication)
		),
	)
	return new_name


# ------------------------------------------------------------------------------------------------
# Internal notes and CAPA


@frappe.whitelist(methods=["POST"])
def add_internal_note(issue: str, content: str) -> str:
	"""An agent's note: a Comment (never e-mailed, unpublished so the portal never shows it), unlike a
	reply, which is a Communication sent to the customer."""
	from frappe.utils.html_utils import clean_html

	if frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User":
		frappe.throw(_("Only desk users can add internal notes."), frappe.PermissionError)
	doc = frappe.get_doc("Issue", issue)
	doc.check_permission("read")
	content = clean_html(content or "").strip()
	if not content:
		frappe.throw(_("Write the note first."))
	note = doc.add_comment("Comment", text=content)
	if note.published:
		note.db_set("published", 0)
	return note.name


@frappe.whitelist(methods=["POST"])
def open_capa(issue: str) -> str:
	"""A Non Conformance (ERPNext Quality) linked to the complaint: its corrective and preventive actions
	must be closed before the complaint can close."""
	doc = frappe.get_doc("Issue", issue)
	doc.check_permission("write")
	nc = frappe.get_doc(
		{
			"doctype": "Non Conformance",
			"subject": _("Complaint {0}: {1}").format(doc.name, doc.subject)[:140],
			"procedure": capa_procedure(),
			"status": "Open",
			"crms_issue": doc.name,
			"details": doc.crms_root_cause or doc.description,
			"full_name": frappe.utils.get_fullname(),
		}
	).insert(ignore_permissions=True)
	_comment(
		doc.name,
		_("Corrective and preventive action opened: {0}.").format(
			get_link_to_form("Non Conformance", nc.name)
		),
	)
	return nc.name


def capa_procedure() -> str:
	if not frappe.db.exists("Quality Procedure", CAPA_PROCEDURE):
		frappe.get_doc({"doctype": "Quality Procedure", "quality_procedure_name": CAPA_PROCEDURE}).insert(
			ignore_permissions=True
		)
	return CAPA_PROCEDURE


# ------------------------------------------------------------------------------------------------
# Defaults and helpers


def create_default_complaint_policies() -> None:
	"""One CRMS SLA Policy per complaint class (72 / 24 / 4 h to resolve), unless the site has its own.
	24x7 clock, the usual pause statuses; edit or disable them like any policy."""
	existing = set(
		frappe.get_all("CRMS SLA Policy", filters={"complaint_class": ("is", "set")}, pluck="complaint_class")
	)
	for complaint_class, (respond, resolve) in tl.COMPLAINT_LIMIT_HOURS.items():
		name = f"Complaint - {complaint_class}"
		if complaint_class in existing or frappe.db.exists("CRMS SLA Policy", name):
			continue
		frappe.get_doc(
			{
				"doctype": "CRMS SLA Policy",
				"policy_name": name,
				"complaint_class": complaint_class,
				"response_hours": respond,
				"resolution_hours": resolve,
				"sort_order": 5,
				"description": "Default complaint time limit (crm_suite); edit or disable as needed.",
			}
		).insert(ignore_permissions=True)


def _comment(issue: str, text: str, by: str | None = None) -> None:
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": "Issue",
			"reference_name": issue,
			"comment_email": frappe.session.user,
			"comment_by": by,
			"content": text,
		}
	).insert(ignore_permissions=True)
