"""Screen pop: who is calling, and their 360 summary, for the agent whose phone rings.

The caller is found by the indexed duplicate keys of customer 360 (crms_phone_key on Customer,
Contact and Lead: the last 8 digits, engine.dedupe.phone_key), never by a LIKE scan of phone
columns. The summary reuses the Customer 360 view functions, which read with the viewer's
permissions: a viewer who may not read the customer gets no customer data (only `hidden`, so the
desk does not offer to create a duplicate lead for a known caller).
"""

from __future__ import annotations

import frappe
from frappe import _

from crm_suite.call_centre.agents import require_role
from crm_suite.engine.dedupe import phone_key

VIEW_ROLES = (
	"Call Centre Agent",
	"Call Centre Supervisor",
	"Support Team",
	"Service Supervisor",
	"Sales User",
	"Sales Manager",
	"System Manager",
)
LATEST = 3


def find_parties(number: str | None) -> dict:
	"""{customer, contact, lead} matching the number's phone key (trusted: no permission check)."""
	from crm_suite.customer_360.data_quality import find_similar
	from crm_suite.service_desk.intake import customer_of_contact

	key = phone_key(number) if number else ""
	out = {"key": key, "customer": None, "contact": None, "lead": None, "customers": [], "contacts": []}
	if not key:
		return out
	rows = find_similar("Contact", {"phone_key": key}, limit=5, also={"Customer": [], "Lead": []})
	by_type: dict[str, list[str]] = {}
	for row in rows:
		by_type.setdefault(row["doctype"], []).append(row["id"])
	out["contacts"] = by_type.get("Contact", [])
	out["customers"] = by_type.get("Customer", [])
	out["contact"] = out["contacts"][0] if out["contacts"] else None
	for contact in out["contacts"]:
		customer = customer_of_contact(contact)
		if customer:
			out["contact"], out["customer"] = contact, customer
			break
	out["customer"] = out["customer"] or (out["customers"][0] if out["customers"] else None)
	out["lead"] = (by_type.get("Lead") or [None])[0]
	return out


def _readable(doctype: str, name: str | None) -> bool:
	return bool(name) and bool(frappe.has_permission(doctype, "read", name))


def _call_info(call_log: str | None) -> dict | None:
	if not call_log or not _readable("Call Log", call_log):
		return None
	return frappe.db.get_value(
		"Call Log",
		call_log,
		[
			"name",
			"from",
			"to",
			"type",
			"status",
			"crms_queue",
			"crms_vip",
			"customer",
			"crms_issue",
			"crms_opportunity",
		],
		as_dict=True,
	)


def _customer_block(customer: str) -> dict:
	from crm_suite.customer_360.view import get_customer_360, get_timeline

	kpis = get_customer_360(customer)
	metrics = kpis.get("metrics") or {}
	issues = kpis.get("issues")
	orders = get_timeline(customer, limit=LATEST, types=["Sales Order", "Sales Invoice"])["items"]
	calls = get_timeline(customer, limit=LATEST, types=["Call Log"])["items"]
	return {
		"customer": {
			"name": customer,
			"customer_name": kpis["customer"].customer_name,
			"tier": kpis.get("tier"),
			"lifecycle_stage": kpis.get("lifecycle_stage"),
			"territory": kpis["customer"].territory,
			"churn_risk": metrics.get("churn_risk"),
			"churn_reasons": metrics.get("churn_reasons") or [],
			"segment": metrics.get("segment"),
		},
		"open_tickets": None
		if issues is None
		else {
			"count": issues["count"],
			"latest": [
				{k: row.get(k) for k in ("name", "subject", "status", "priority", "sla_state")}
				for row in issues["items"][:LATEST]
			],
		},
		"orders": [
			{
				k: row.get(k)
				for k in (
					"doctype",
					"name",
					"title",
					"status",
					"timestamp",
					"amount",
					"currency",
					"date_only",
				)
			}
			for row in orders
		],
		"overdue_invoices": kpis.get("overdue_invoices"),
		"last_calls": [
			{k: row.get(k) for k in ("name", "type", "status", "from", "to", "duration", "timestamp")}
			for row in calls
		],
	}


@frappe.whitelist(methods=["GET"])
def summary(number: str | None = None, call_log: str | None = None) -> dict:
	"""The caller's 360 summary for the screen pop; `unknown` when nothing matches the number."""
	require_role(VIEW_ROLES)
	call = _call_info(call_log)
	if not number and call:
		number = call["from"] if call.type == "Incoming" else call["to"]
	parties = find_parties(number)
	customer = (call.customer if call else None) or parties["customer"]
	out = {
		"number": number,
		"valid_number": bool(parties["key"]),
		"call": call,
		"unknown": not (customer or parties["contact"] or parties["lead"]),
		"hidden": False,
		"customer": None,
		"contact": None,
		"lead": None,
		"open_tickets": None,
		"orders": [],
		"last_calls": [],
	}
	if customer:
		if _readable("Customer", customer):
			out.update(_customer_block(customer))
		else:
			out["hidden"] = True
	if _readable("Contact", parties["contact"]):
		out["contact"] = frappe.db.get_value(
			"Contact",
			parties["contact"],
			["name", "full_name", "email_id", "mobile_no", "phone"],
			as_dict=True,
		)
	elif parties["contact"]:
		out["hidden"] = True
	if _readable("Lead", parties["lead"]):
		out["lead"] = frappe.db.get_value(
			"Lead", parties["lead"], ["name", "lead_name", "company_name", "status"], as_dict=True
		)
	elif parties["lead"]:
		out["hidden"] = True
	return out


@frappe.whitelist(methods=["POST"])
def repop(call_log: str) -> dict:
	"""Publish the ringing event of a call again to its agent (a supervisor's "pop it again" when an
	agent's screen missed it, e.g. after a reload)."""
	require_role(("Call Centre Supervisor", "System Manager"))
	call = frappe.db.get_value(
		"Call Log", call_log, ["name", "from", "to", "type", "crms_queue", "crms_agent"], as_dict=True
	)
	if not call:
		frappe.throw(_("Call Log {0} not found.").format(frappe.bold(call_log)), frappe.DoesNotExistError)
	if not call.crms_agent:
		frappe.throw(_("This call has no agent to pop it to."))
	message = {
		"call_log": call.name,
		"number": call["from"] if call.type == "Incoming" else call["to"],
		"direction": call.type or "Incoming",
		"queue": call.crms_queue,
	}
	frappe.publish_realtime("crms_call_ringing", message, user=call.crms_agent, after_commit=True)
	return {"agent": call.crms_agent, **message}
