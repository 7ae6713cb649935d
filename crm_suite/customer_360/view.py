"""The Customer 360 view: KPIs and one unified, paginated timeline, read with the viewer's permissions.

Every document source is read with `frappe.get_list` (roles, User Permissions and
permission_query_conditions apply), so the timeline never shows a document the viewer cannot read.
Comments are the one exception: frappe shows a document's comments to whoever can read the
document (frappe.desk.form.load), and so do we, after the Customer read check.
Each source gets `limit + 1` rows below the keyset cursor, newest first; the pure engine
(crm_suite.engine.timeline) merges them into the page.
"""

from __future__ import annotations

from importlib import import_module

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, get_datetime, getdate, now_datetime, nowdate

from crm_suite.engine import timeline as engine

MAX_PAGE = 100
OPEN_ISSUE_STATUSES = ("Open", "Replied", "On Hold")
COMMENT_TYPES = ("Comment", "Info", "Attachment")

# doctype -> (party filters builder key, timestamp column, extra fields, extra filters)
DOCUMENT_SOURCES = {
	"Issue": ("customer", ["subject", "status", "priority", "agreement_status"], []),
	"Quotation": (
		"party_name",
		["title", "status", "base_grand_total", "transaction_date"],
		[["quotation_to", "=", "Customer"], ["docstatus", "<", 2]],
	),
	"Sales Order": (
		"customer",
		["title", "status", "base_grand_total", "transaction_date"],
		[["docstatus", "<", 2]],
	),
	"Delivery Note": (
		"customer",
		["title", "status", "base_grand_total", "posting_date"],
		[["docstatus", "<", 2]],
	),
	"Sales Invoice": (
		"customer",
		["title", "status", "base_grand_total", "outstanding_amount", "posting_date"],
		[["docstatus", "<", 2]],
	),
	"Payment Entry": (
		"party",
		["title", "status", "payment_type", "base_paid_amount", "posting_date"],
		[["party_type", "=", "Customer"], ["docstatus", "<", 2]],
	),
	"Opportunity": (
		"party_name",
		["title", "status", "opportunity_amount", "transaction_date"],
		[["opportunity_from", "=", "Customer"]],
	),
}
# Composite indexes that back every timeline source query (added in CRMS Care Rule's on_doctype_update).
TIMELINE_INDEXES = {
	"Issue": ["customer", "creation"],
	"Quotation": ["party_name", "creation"],
	"Sales Order": ["customer", "creation"],
	"Delivery Note": ["customer", "creation"],
	"Sales Invoice": ["customer", "creation"],
	"Payment Entry": ["party", "creation"],
	"Opportunity": ["party_name", "creation"],
	"Communication": ["reference_doctype", "reference_name", "communication_date"],
	"Comment": ["reference_doctype", "reference_name", "creation"],
}


def add_timeline_indexes():
	for doctype, columns in TIMELINE_INDEXES.items():
		frappe.db.add_index(doctype, columns, "crms_" + "_".join(columns) + "_index")


# ------------------------------------------------------------------------------------------------
# Timeline


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
def get_timeline(
	customer: str,
	start_after: str | None = None,
	limit: int = 20,
	types: str | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
) -> dict:
	"""One page of the customer's timeline, newest first. `start_after` is the previous page's cursor."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	limit = max(1, min(cint(limit) or 20, MAX_PAGE))
	try:
		cursor = engine.decode_cursor(start_after)
	except engine.InvalidCursor:
		frappe.throw(_("Invalid timeline cursor."), frappe.ValidationError)
	wanted = engine.selected_types(types)
	window = _date_window(from_date, to_date)
	context = _Context(customer)
	sources = []
	for doctype in wanted:
		sources.extend(_fetch_source(doctype, context, cursor, limit + 1, window))
	page = engine.merge(sources, limit, cursor)
	for item in page["items"]:
		item["type"] = item["doctype"]
	return {**page, "types": wanted}


class _Context:
	def __init__(self, customer: str):
		self.customer = customer
		self._contacts = None
		self._lead = False

	@property
	def contacts(self) -> list[str]:
		if self._contacts is None:
			self._contacts = frappe.get_all(
				"Dynamic Link",
				filters={
					"parenttype": "Contact",
					"link_doctype": "Customer",
					"link_name": self.customer,
				},
				pluck="parent",
			)
		return self._contacts

	@property
	def lead(self) -> str | None:
		if self._lead is False:
			self._lead = frappe.db.get_value("Customer", self.customer, "lead_name")
		return self._lead


def _date_window(from_date, to_date) -> list[tuple[str, str]]:
	window = []
	if from_date:
		window.append((">=", f"{getdate(from_date)} 00:00:00"))
	if to_date:
		window.append(("<=", f"{getdate(to_date)} 23:59:59.999999"))
	return window


def _bounded_queries(doctype: str, ts_field: str, cursor, window) -> list[list]:
	"""The WHERE lists (cursor bound + date window) for one source; one query per list."""
	out = []
	for bound in engine.source_bounds(cursor, doctype):
		filters = [[ts_field, op, value] for op, value in window]
		if bound:
			filters.append([ts_field, bound["ts_op"], bound["ts"]])
			if "name_lt" in bound:
				filters.append(["name", "<", bound["name_lt"]])
		out.append(filters)
	return out


def _get_list(doctype, ts_field, fields, filters, limit):
	rows = frappe.get_list(
		doctype,
		fields=["name", f"{ts_field} as timestamp", *fields],
		filters=filters,
		order_by=f"{ts_field} desc, name desc",
		limit_page_length=limit,
	)
	for row in rows:
		row["doctype"] = doctype
	return rows


def _can_read(doctype: str) -> bool:
	return bool(frappe.has_permission(doctype, "read"))


def _fetch_source(doctype, context: _Context, cursor, limit, window) -> list[list[dict]]:
	if doctype == "Comment":
		return _fetch_comments(context, cursor, limit, window)
	if not _can_read(doctype):
		return []
	if doctype == "Communication":
		return _fetch_communications(context, cursor, limit, window)
	if doctype == "Call Log":
		return _fetch_call_logs(context, cursor, limit, window)
	if doctype == "Lead":
		if not context.lead:
			return []
		return [
			_get_list(
				"Lead",
				"creation",
				["lead_name", "company_name", "status"],
				[*base, ["name", "=", context.lead]],
				limit,
			)
			for base in _bounded_queries("Lead", "creation", cursor, window)
		]
	party_field, fields, extra = DOCUMENT_SOURCES[doctype]
	return [
		_get_list(doctype, "creation", fields, [[party_field, "=", context.customer], *extra, *base], limit)
		for base in _bounded_queries(doctype, "creation", cursor, window)
	]


COMMUNICATION_FIELDS = [
	"subject",
	"communication_medium",
	"communication_type",
	"sent_or_received",
	"sender",
	"status",
]


def _fetch_communications(context: _Context, cursor, limit, window) -> list[list[dict]]:
	ts = "communication_date"
	party_filters = [
		[["reference_doctype", "=", "Customer"], ["reference_name", "=", context.customer]],
	]
	if context.contacts:
		party_filters.append(
			[["reference_doctype", "=", "Contact"], ["reference_name", "in", context.contacts]]
		)
	# Communications linked through their timeline links (emails from a contact, calls ...).
	linked = frappe.get_all(
		"Communication Link",
		filters={
			"link_doctype": ["in", ["Customer", "Contact"]],
			"link_name": ["in", [context.customer, *context.contacts]],
		},
		pluck="parent",
		distinct=True,
	)
	if linked:
		party_filters.append([["name", "in", linked]])
	out = []
	for party in party_filters:
		for base in _bounded_queries("Communication", ts, cursor, window):
			out.append(_get_list("Communication", ts, COMMUNICATION_FIELDS, [*party, *base], limit))
	return out


def _fetch_call_logs(context: _Context, cursor, limit, window) -> list[list[dict]]:
	names = frappe.get_all(
		"Dynamic Link",
		filters={
			"parenttype": "Call Log",
			"link_doctype": ["in", ["Customer", "Contact"]],
			"link_name": ["in", [context.customer, *context.contacts]],
		},
		pluck="parent",
		distinct=True,
	)
	if not names:
		return []
	fields = ["type", "status", "from", "to", "duration"]
	return [
		_get_list("Call Log", "creation", fields, [["name", "in", names], *base], limit)
		for base in _bounded_queries("Call Log", "creation", cursor, window)
	]


def _fetch_comments(context: _Context, cursor, limit, window) -> list[list[dict]]:
	# Shown to whoever can read the Customer (checked by the caller), as on the Customer form.
	out = []
	for base in _bounded_queries("Comment", "creation", cursor, window):
		filters = [
			["reference_doctype", "=", "Customer"],
			["reference_name", "=", context.customer],
			["comment_type", "in", COMMENT_TYPES],
			*base,
		]
		rows = frappe.get_all(
			"Comment",
			fields=["name", "creation as timestamp", "comment_type", "comment_email", "content"],
			filters=filters,
			order_by="creation desc, name desc",
			limit_page_length=limit,
		)
		for row in rows:
			row["doctype"] = "Comment"
			row["content"] = frappe.utils.strip_html(row.get("content") or "")[:280]
		out.append(rows)
	return out


# ------------------------------------------------------------------------------------------------
# KPIs


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
def get_customer_360(customer: str) -> dict:
	"""KPIs for the 360 view; each block is None when the viewer cannot read its documents."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	doc = frappe.db.get_value(
		"Customer",
		customer,
		[
			"name",
			"customer_name",
			"crms_lifecycle_stage",
			"crms_tier",
			"territory",
			"industry",
			"customer_group",
		],
		as_dict=True,
	)
	company = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
		"Global Defaults", "default_company"
	)
	currency = frappe.get_cached_value("Company", company, "default_currency") if company else None
	metrics = _metrics(customer)
	return {
		"customer": doc,
		"currency": currency,
		"revenue": _revenue(customer),
		"open_orders": _open_orders(customer),
		"overdue_invoices": _overdue_invoices(customer),
		"issues": _open_issues(customer),
		"last_contact": _last_contact(customer),
		"lifecycle_stage": doc.crms_lifecycle_stage,
		"tier": doc.crms_tier,
		"metrics": metrics,
		"metrics_computed": metrics is not None,
		"timeline_types": list(engine.TYPES),
	}


def _sum(doctype: str, expression: str, filters: list) -> tuple[int, float]:
	rows = frappe.get_list(
		doctype,
		fields=["count(name) as n", f"sum({expression}) as total"],
		filters=filters,
		limit_page_length=1,
	)
	if not rows:
		return 0, 0.0
	return cint(rows[0].n), flt(rows[0].total)


def _revenue(customer: str) -> dict | None:
	if not _can_read("Sales Invoice"):
		return None
	base = [["customer", "=", customer], ["docstatus", "=", 1]]
	_n, lifetime = _sum("Sales Invoice", "base_net_total", base)
	_n, last_12 = _sum(
		"Sales Invoice", "base_net_total", [*base, ["posting_date", ">", add_days(nowdate(), -365)]]
	)
	return {"lifetime": lifetime, "last_12_months": last_12}


def _open_orders(customer: str) -> dict | None:
	if not _can_read("Sales Order"):
		return None
	count, value = _sum(
		"Sales Order",
		"base_grand_total",
		[
			["customer", "=", customer],
			["docstatus", "=", 1],
			["status", "not in", ["Completed", "Closed", "Cancelled"]],
		],
	)
	return {"count": count, "value": value}


def _overdue_invoices(customer: str) -> dict | None:
	if not _can_read("Sales Invoice"):
		return None
	count, outstanding = _sum(
		"Sales Invoice",
		"outstanding_amount",
		[
			["customer", "=", customer],
			["docstatus", "=", 1],
			["outstanding_amount", ">", 0],
			["due_date", "<", nowdate()],
		],
	)
	return {"count": count, "outstanding": outstanding}


def _open_issues(customer: str) -> dict | None:
	if not _can_read("Issue"):
		return None
	rows = frappe.get_list(
		"Issue",
		fields=["name", "subject", "status", "priority", "agreement_status", "response_by", "resolution_by"],
		filters=[["customer", "=", customer], ["status", "in", OPEN_ISSUE_STATUSES]],
		order_by="creation desc",
		limit_page_length=50,
	)
	now = now_datetime()
	states = {}
	for row in rows:
		row["sla_state"] = sla_state(row, now)
		states[row["sla_state"]] = states.get(row["sla_state"], 0) + 1
	return {"count": len(rows), "sla_states": states, "items": rows[:10]}


def sla_state(issue: dict, now) -> str:
	"""Failed / Overdue / Due Soon / On Track / No SLA for an open Issue, from ERPNext's SLA fields."""
	status = issue.get("agreement_status")
	if status == "Failed":
		return "Failed"
	due = issue.get("resolution_by") or issue.get("response_by")
	if not due and not status:
		return "No SLA"
	if due and get_datetime(due) < now:
		return "Overdue"
	if due and (get_datetime(due) - now).total_seconds() < 4 * 3600:
		return "Due Soon"
	return "On Track"


def _last_contact(customer: str) -> dict | None:
	items = get_timeline(customer, limit=1, types=["Communication", "Call Log"])["items"]
	return items[0] if items else None


def _metrics(customer: str) -> dict | None:
	"""H2's metrics (RFM cell, CLV, churn risk and reasons), if that area is installed and computed."""
	try:
		module = import_module("crm_suite.customer_analytics.metrics")
	except ImportError:
		return None
	getter = getattr(module, "get_customer_metrics", None)
	if getter is None:
		return None
	try:
		result = getter(customer)
	except Exception:
		frappe.log_error(title=_("Customer 360: metrics unavailable"))
		return None
	return dict(result) if result else None


def crms_customer_profile(customer: str, recent: int = 10) -> dict:
	"""Context of the "Customer Profile" print format (a jinja method): KPIs and recent activity,
	with the same permission checks as the 360 view."""
	return {
		"kpis": get_customer_360(customer),
		"recent": get_timeline(customer, limit=recent)["items"],
	}
