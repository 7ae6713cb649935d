"""Next follow-up date and owner on Customer, Lead and Opportunity, kept in step with a ToDo.

`sync_follow_up` (on_update) keeps exactly one open ToDo (flagged `crms_follow_up`) per record for
its follow-up owner: created when date and owner are set, moved when they change, cancelled when
either is cleared. Saves that touch neither field cost nothing beyond comparing two values.
`daily_reminders` sends each owner one Notification Log per due or overdue record per day.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate, today

FOLLOW_UP_DOCTYPES = ("Customer", "Lead", "Opportunity")
DATE, OWNER = "crms_next_follow_up", "crms_follow_up_owner"
REMINDERS_PER_OWNER = 200


def sync_follow_up(doc, method=None):
	if doc.doctype not in FOLLOW_UP_DOCTYPES or doc.flags.ignore_follow_up_sync:
		return
	before = doc.get_doc_before_save()
	date, owner = doc.get(DATE), doc.get(OWNER)
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
				todo.save(ignore_permissions=True)
		else:
			frappe.get_doc(
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
			).insert(ignore_permissions=True)
	for row in open_todos:
		if row.name != keep:
			todo = frappe.get_doc("ToDo", row.name)
			todo.status = "Cancelled"
			todo.save(ignore_permissions=True)


def _description(doctype: str, name: str) -> str:
	return _("Follow up on {0} {1}").format(_(doctype), name)


def daily_reminders():
	"""Notify each owner once a day of their follow-ups due today or overdue."""
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
			filters={DATE: ["<=", day], OWNER: ["is", "set"]},
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
			filters=[[OWNER, "=", user], [DATE, "<=", horizon], [DATE, "is", "set"]],
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
