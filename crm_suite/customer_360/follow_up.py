"""Next follow-up date and owner on Customer, Lead and Opportunity, kept in step with a ToDo.

`sync_follow_up` (on_update) keeps exactly one open ToDo (flagged `crms_follow_up`) per record for
its follow-up owner: created when date and owner are set, moved when they change, cancelled when
either is cleared. Saves that touch neither field cost nothing beyond comparing two values.
The link works both ways: closing, cancelling or deleting that ToDo clears the record's follow-up
(`on_todo_update` / `on_todo_trash`), so a done follow-up stops reminding.
Finished records (disabled Customer, converted or do-not-contact Lead, lost or closed Opportunity)
get no reminders: saving one into that state clears its follow-up, and the daily job clears those
that got there without a save (ERPNext sets some statuses with db_set).
`daily_reminders` sends each owner one Notification Log per due or overdue record per day.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate, today

FOLLOW_UP_DOCTYPES = ("Customer", "Lead", "Opportunity")
DATE, OWNER = "crms_next_follow_up", "crms_follow_up_owner"
REMINDERS_PER_OWNER = 200
CLEANUP_LIMIT = 5000
# doctype -> (field, values that mean the record is finished: no more follow-ups)
FINISHED = {
	"Customer": ("disabled", (1,)),
	"Lead": ("status", ("Converted", "Do Not Contact", "Lost Quotation")),
	"Opportunity": ("status", ("Lost", "Closed", "Converted")),
}
DONE_TODO_STATUSES = ("Closed", "Cancelled")


def is_finished(doc) -> bool:
	field, values = FINISHED[doc.doctype]
	value = doc.get(field)
	return (int(value or 0) if field == "disabled" else value) in values


def active_filters(doctype: str) -> list[list]:
	"""get_list filters that keep only records still open for follow-ups."""
	field, values = FINISHED[doctype]
	return [[field, "not in", list(values)]]


def sync_follow_up(doc, method=None):
	if doc.doctype not in FOLLOW_UP_DOCTYPES or doc.flags.ignore_follow_up_sync:
		return
	date, owner = doc.get(DATE), doc.get(OWNER)
	if (date or owner) and is_finished(doc):
		# a finished record keeps no follow-up: clear it and cancel its ToDo
		doc.db_set({DATE: None, OWNER: None}, update_modified=False)
		apply_follow_up(doc.doctype, doc.name, None, None)
		return
	before = doc.get_doc_before_save()
	if before is None:
		if not (date and owner):
			return
	elif str(before.get(DATE) or "") == str(date or "") and (before.get(OWNER) or "") == (owner or ""):
		return
	apply_follow_up(doc.doctype, doc.name, date, owner)


def apply_follow_up(doctype: str, name: str, date, owner: str | None):
	open_todos = frappe.get_all(
		"ToDo",
		filters={
			"reference_type": doctype,
			"reference_name": name,
			"crms_follow_up": 1,
			"status": "Open",
		},
		fields=["name", "allocated_to", "date"],
		order_by="creation asc",
	)
	keep = None
	if date and owner:
		keep = open_todos[0].name if open_todos else None
		if keep:
			todo = frappe.get_doc("ToDo", keep)
			if todo.allocated_to != owner or str(todo.date) != str(getdate(date)):
				todo.allocated_to = owner
				todo.date = getdate(date)
				todo.description = _description(doctype, name)
				todo.flags.crms_follow_up_sync = True
				todo.save(ignore_permissions=True)
		else:
			todo = frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": owner,
					"reference_type": doctype,
					"reference_name": name,
					"date": getdate(date),
					"description": _description(doctype, name),
					"crms_follow_up": 1,
					"assigned_by": frappe.session.user,
				}
			)
			todo.flags.crms_follow_up_sync = True
			todo.insert(ignore_permissions=True)
	for row in open_todos:
		if row.name != keep:
			todo = frappe.get_doc("ToDo", row.name)
			todo.status = "Cancelled"
			todo.flags.crms_follow_up_sync = True  # we moved or cleared it: the record is already right
			todo.save(ignore_permissions=True)


def on_todo_update(doc, method=None):
	"""The owner closed or cancelled the follow-up ToDo: the follow-up is done, clear it."""
	if not doc.get("crms_follow_up") or doc.flags.crms_follow_up_sync:
		return
	if doc.status not in DONE_TODO_STATUSES or doc.reference_type not in FOLLOW_UP_DOCTYPES:
		return
	before = doc.get_doc_before_save()
	if before is not None and before.status == doc.status:
		return
	clear_follow_up(doc.reference_type, doc.reference_name, doc.name)


def on_todo_trash(doc, method=None):
	"""Deleting the open follow-up ToDo ends the follow-up too."""
	if not doc.get("crms_follow_up") or doc.flags.crms_follow_up_sync or doc.status != "Open":
		return
	if doc.reference_type in FOLLOW_UP_DOCTYPES:
		clear_follow_up(doc.reference_type, doc.reference_name, doc.name)


def clear_follow_up(doctype: str, name: str | None, done_todo: str | None = None) -> None:
	"""Clear the record's follow-up date and owner unless another open follow-up ToDo remains."""
	if not name or not frappe.db.exists(doctype, name):
		return
	still_open = frappe.db.exists(
		"ToDo",
		{
			"reference_type": doctype,
			"reference_name": name,
			"crms_follow_up": 1,
			"status": "Open",
			"name": ("!=", done_todo or ""),
		},
	)
	if still_open:
		return
	current = frappe.db.get_value(doctype, name, [DATE, OWNER], as_dict=True)
	if current and (current[DATE] or current[OWNER]):
		# modified moves on, so a form opened before cannot silently save the old follow-up back
		frappe.db.set_value(doctype, name, {DATE: None, OWNER: None})


def clear_finished_follow_ups() -> int:
	"""Daily: finished records that still carry a follow-up (status set without a save) lose it."""
	cleared = 0
	for doctype in FOLLOW_UP_DOCTYPES:
		field, values = FINISHED[doctype]
		for name in frappe.get_all(
			doctype,
			filters=[[field, "in", list(values)], [DATE, "is", "set"]],
			pluck="name",
			limit_page_length=CLEANUP_LIMIT,
		):
			frappe.db.set_value(doctype, name, {DATE: None, OWNER: None}, update_modified=False)
			apply_follow_up(doctype, name, None, None)
			cleared += 1
	return cleared


def _description(doctype: str, name: str) -> str:
	return _("Follow up on {0} {1}").format(_(doctype), name)


def daily_reminders():
	"""Notify each owner once a day of their follow-ups due today or overdue, on open records only."""
	clear_finished_follow_ups()
	day = nowdate()
	already = {
		(r.for_user, r.document_type, r.document_name)
		for r in frappe.get_all(
			"Notification Log",
			filters={
				"document_type": ["in", FOLLOW_UP_DOCTYPES],
				"type": "Alert",
				"creation": [">=", f"{day} 00:00:00"],
			},
			fields=["for_user", "document_type", "document_name"],
		)
	}
	for doctype in FOLLOW_UP_DOCTYPES:
		per_owner: dict[str, int] = {}
		for row in frappe.get_all(
			doctype,
			filters=[[DATE, "<=", day], [OWNER, "is", "set"], *active_filters(doctype)],
			fields=["name", DATE, OWNER],
			order_by=f"{DATE} asc",
			limit_page_length=20_000,
		):
			owner = row[OWNER]
			if (owner, doctype, row.name) in already:
				continue
			per_owner[owner] = per_owner.get(owner, 0) + 1
			if per_owner[owner] > REMINDERS_PER_OWNER:
				continue
			overdue = getdate(row[DATE]) < getdate(day)
			subject = (
				_("Follow-up overdue since {0}: {1} {2}") if overdue else _("Follow-up due today: {1} {2}")
			).format(row[DATE], _(doctype), row.name)
			frappe.get_doc(
				{
					"doctype": "Notification Log",
					"for_user": owner,
					"type": "Alert",
					"document_type": doctype,
					"document_name": row.name,
					"subject": subject,
					"from_user": "Administrator",
				}
			).insert(ignore_permissions=True)
			already.add((owner, doctype, row.name))


def my_follow_ups(user: str | None = None, upcoming_days: int = 14) -> list[dict]:
	"""The user's follow-ups (overdue, today, upcoming), only from records the user may read."""
	user = user or frappe.session.user
	day = getdate(today())
	horizon = add_days(day, max(0, int(upcoming_days or 0)))
	rows = []
	title_field = {"Customer": "customer_name", "Lead": "lead_name", "Opportunity": "title"}
	for doctype in FOLLOW_UP_DOCTYPES:
		if not frappe.has_permission(doctype, "read", user=user):
			continue
		for r in frappe.get_list(
			doctype,
			filters=[
				[OWNER, "=", user],
				[DATE, "<=", horizon],
				[DATE, "is", "set"],
				*active_filters(doctype),
			],
			fields=["name", f"{title_field[doctype]} as title", DATE],
			order_by=f"{DATE} asc",
			limit_page_length=500,
			user=user,
		):
			due = getdate(r[DATE])
			bucket = "Overdue" if due < day else "Today" if due == day else "Upcoming"
			rows.append(
				{
					"reference_doctype": doctype,
					"reference_name": r.name,
					"title": r.title,
					"next_follow_up": due,
					"bucket": bucket,
					"days": (due - day).days,
				}
			)
	order = {"Overdue": 0, "Today": 1, "Upcoming": 2}
	rows.sort(
		key=lambda r: (order[r["bucket"]], r["next_follow_up"], r["reference_doctype"], r["reference_name"])
	)
	return rows
