"""Birthday and holiday care actions that respect do-not-contact flags.

The daily job reads each enabled CRMS Care Rule, selects its due recipients set-based (one query
per rule), lets the pure engine (crm_suite.engine.care) drop do-not-contact, unsubscribed and
already-handled recipients, then creates a ToDo or queues an email from the rule's Email
Template. Every action is recorded in CRMS Care Log under a unique key (rule, occasion year,
customer, contact), so no occasion is ever acted on twice.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Extract
from frappe.utils import getdate, nowdate

from crm_suite.engine import care as engine

CANDIDATE_LIMIT = 50_000


def daily():
	for rule in frappe.get_all("CRMS Care Rule", filters={"enabled": 1}, pluck="name"):
		savepoint = f"crms_care_{frappe.scrub(rule)[:40]}"
		frappe.db.savepoint(savepoint)
		try:
			run_rule(rule)
		except Exception:
			# nothing of a failed rule stays (no ToDo or email without its log entry)
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(title=_("Care rule {0} failed").format(rule))


def run_rule(rule_name: str, today=None) -> dict:
	"""Act on one rule for `today` (default: today); returns the engine's plan."""
	rule = frappe.get_cached_doc("CRMS Care Rule", rule_name)
	spec = rule.as_dict()
	target = engine.occasion_date(getdate(today or nowdate()), rule.days_before)
	holidays = _holidays(rule.holiday_list, target) if rule.occasion == "Holiday" else ()
	if not engine.rule_applies(spec, target, holidays):
		return {"actions": [], "skipped": []}
	candidates = _birthday_candidates(target) if rule.occasion == "Birthday" else _customer_candidates()
	done = frappe.get_all(
		"CRMS Care Log",
		filters={"care_rule": rule.name, "key": ["like", f"{rule.name}|{target.year}|%"]},
		pluck="key",
	)
	result = engine.plan(spec, candidates, target, done)
	for action in result["actions"]:
		_act(rule, action)
	return result


def _holidays(holiday_list: str | None, target) -> list:
	if not holiday_list:
		return []
	return frappe.get_all(
		"Holiday",
		filters={"parent": holiday_list, "parenttype": "Holiday List", "holiday_date": target},
		pluck="holiday_date",
	)


CUSTOMER_FIELDS = ("crms_dnc_email", "crms_dnc_phone", "crms_dnc_sms", "crms_dnc_visit")


def _customer_candidates() -> list[dict]:
	customer = DocType("Customer")
	rows = (
		frappe.qb.from_(customer)
		.select(
			customer.name.as_("customer"),
			customer.customer_primary_contact.as_("contact"),
			customer.email_id.as_("email"),
			customer.account_manager,
			customer.crms_follow_up_owner.as_("follow_up_owner"),
			*[customer[f] for f in CUSTOMER_FIELDS],
		)
		.where(customer.disabled == 0)
		.orderby(customer.name)
		.limit(CANDIDATE_LIMIT)
		.run(as_dict=True)
	)
	return rows


def _birthday_candidates(target) -> list[dict]:
	"""Contacts linked to an enabled Customer whose birthday is on `target` (29 Feb on 28 Feb)."""
	contact, link, customer = DocType("Contact"), DocType("Dynamic Link"), DocType("Customer")
	days = [target.day]
	if (target.month, target.day) == (2, 28):
		days.append(29)
	return (
		frappe.qb.from_(contact)
		.join(link)
		.on(
			(link.parent == contact.name) & (link.parenttype == "Contact") & (link.link_doctype == "Customer")
		)
		.join(customer)
		.on(customer.name == link.link_name)
		.select(
			customer.name.as_("customer"),
			contact.name.as_("contact"),
			contact.email_id.as_("email"),
			contact.unsubscribed,
			contact.crms_birthday.as_("birthday"),
			customer.account_manager,
			customer.crms_follow_up_owner.as_("follow_up_owner"),
			*[customer[f] for f in CUSTOMER_FIELDS],
		)
		.where(
			(customer.disabled == 0)
			& contact.crms_birthday.isnotnull()
			& (Extract("month", contact.crms_birthday) == target.month)
			& Extract("day", contact.crms_birthday).isin(days)
		)
		.orderby(customer.name)
		.orderby(contact.name)
		.limit(CANDIDATE_LIMIT)
		.run(as_dict=True)
	)


def _act(rule, action: dict):
	occasion = rule.name
	if rule.action == "Email":
		reference = _send_email(rule, action)
	else:
		reference = _make_todo(rule, action, occasion)
	frappe.get_doc(
		{
			"doctype": "CRMS Care Log",
			"key": action["key"],
			"care_rule": rule.name,
			"occasion_date": action["occasion_date"],
			"customer": action["customer"],
			"contact": action.get("contact"),
			"action": rule.action,
			"reference_doctype": reference[0],
			"reference_name": reference[1],
		}
	).insert(ignore_permissions=True)


def _make_todo(rule, action: dict, occasion: str) -> tuple[str, str]:
	description = _("{0}: {1} on {2} (channel: {3})").format(
		occasion, action.get("contact") or action["customer"], action["occasion_date"], _(rule.channel)
	)
	if rule.note:
		description = f"{description}\n{rule.note}"
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": action["owner"],
			"reference_type": "Customer",
			"reference_name": action["customer"],
			"date": action["occasion_date"],
			"description": description,
			"priority": "Medium",
		}
	).insert(ignore_permissions=True)
	return ("ToDo", todo.name)


def _send_email(rule, action: dict) -> tuple[str, str]:
	from frappe.email.doctype.email_template.email_template import get_email_template

	context = {
		**frappe.get_cached_doc("Customer", action["customer"]).as_dict(),
		"contact": action.get("contact"),
	}
	template = get_email_template(rule.email_template, context)
	frappe.sendmail(
		recipients=[action["email"]],
		subject=template["subject"],
		message=template["message"],
		reference_doctype="Customer",
		reference_name=action["customer"],
		delayed=True,
	)
	return ("Customer", action["customer"])
