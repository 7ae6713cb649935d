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

# doctype -> (party field, document date, extra fields, extra filters). The timeline orders each
# document by its own date (posting / transaction / opening date), not by when the row was typed in.
DOCUMENT_SOURCES = {
	"Issue": ("customer", "opening_date", ["subject", "status", "priority", "agreement_status"], []),
	"Quotation": (
		"party_name",
		"transaction_date",
		["title", "status", "grand_total", "currency"],
		[["quotation_to", "=", "Customer"], ["docstatus", "<", 2]],
	),
	"Sales Order": (
		"customer",
		"transaction_date",
		["title", "status", "grand_total", "currency"],
		[["docstatus", "<", 2]],
	),
	"Delivery Note": (
		"customer",
		"posting_date",
		["title", "status", "grand_total", "currency"],
		[["docstatus", "<", 2]],
	),
	"Sales Invoice": (
		"customer",
		"posting_date",
		["title", "status", "grand_total", "currency", "outstanding_amount", "party_account_currency"],
		[["docstatus", "<", 2]],
	),
	"Payment Entry": (
		"party",
		"posting_date",
		["title", "status", "payment_type", "base_paid_amount", "company"],
		[["party_type", "=", "Customer"], ["docstatus", "<", 2]],
	),
	"Opportunity": (
		"party_name",
		"transaction_date",
		["title", "status", "opportunity_amount", "currency"],
		[["opportunity_from", "=", "Customer"]],
	),
}
# Each item's amount in its own currency: doctype -> (amount field, currency field or None for the
# company's currency). Amounts of different documents are never added up here.
AMOUNTS = {
	"Quotation": ("grand_total", "currency"),
	"Sales Order": ("grand_total", "currency"),
	"Delivery Note": ("grand_total", "currency"),
	"Sales Invoice": ("grand_total", "currency"),
	"Payment Entry": ("base_paid_amount", None),
	"Opportunity": ("opportunity_amount", "currency"),
}
# The composite indexes behind these queries: crm_suite.setup.install.ERPNEXT_INDEXES.


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


def _is_date(doctype: str, field: str) -> bool:
	df = frappe.get_meta(doctype).get_field(field)
	return bool(df and df.fieldtype == "Date")


def _date_bound(op: str, ts: str) -> tuple[str, str] | None:
	"""A timestamp bound as a bound on a Date column, whose rows sort at midnight; None: no row.

	frappe compares Date columns with the date part only, so `< 2026-01-02 15:00` must become
	`<= 2026-01-02` (that day's documents sort before 15:00), and `= 15:00` matches nothing."""
	day, _sep, time = ts.partition(" ")
	midnight = not time.strip("0:.")
	if op == "<" and not midnight:
		return "<=", day
	if op == "=" and not midnight:
		return None
	return op, day


def _bounded_queries(doctype: str, ts_field: str, cursor, window) -> list[list]:
	"""The WHERE lists (cursor bound + date window) for one source; one query per list."""
	is_date = _is_date(doctype, ts_field)
	out = []
	for bound in engine.source_bounds(cursor, doctype):
		filters = [[ts_field, op, value] for op, value in window]
		if bound:
			op, ts = bound["ts_op"], bound["ts"]
			if is_date:
				converted = _date_bound(op, ts)
				if converted is None:
					continue
				op, ts = converted
			filters.append([ts_field, op, ts])
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
		# plain comparisons, so the (party, date) indexes serve the keyset bounds
		ignore_ifnull=True,
	)
	amount_field, currency_field = AMOUNTS.get(doctype, (None, None))
	date_only = _is_date(doctype, ts_field)
	for row in rows:
		row["doctype"] = doctype
		row["date_only"] = date_only  # a document date: show the day, not a time of day
		if amount_field:
			row["amount"] = row.get(amount_field)
			row["currency"] = row.get(currency_field) if currency_field else _company_currency(row.company)
	return rows


def _company_currency(company: str | None) -> str | None:
	return frappe.get_cached_value("Company", company, "default_currency") if company else None


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
	party_field, date_field, fields, extra = DOCUMENT_SOURCES[doctype]
	return [
		_get_list(doctype, date_field, fields, [[party_field, "=", context.customer], *extra, *base], limit)
		for base in _bounded_queries(doctype, date_field, cursor, window)
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
def get_customer_360(customer: str, company: str | None = None) -> dict:
	"""KPIs for the 360 view; each block is None when the viewer cannot read its documents.

	Amounts come per company, each in that company's currency (`company` narrows to one): a
	customer buying from two companies in two currencies has no single meaningful total."""
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
	default_company = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
		"Global Defaults", "default_company"
	)
	metrics = _metrics(customer)
	return {
		"customer": doc,
		"company": company,
		# the currency of the metrics block (CLV), the viewer's default company's
		"currency": _company_currency(default_company),
		"revenue": _revenue(customer, company),
		"open_orders": _open_orders(customer, company),
		"overdue_invoices": _overdue_invoices(customer, company),
		"issues": _open_issues(customer),
		"last_contact": _last_contact(customer),
		"lifecycle_stage": doc.crms_lifecycle_stage,
		"tier": doc.crms_tier,
		"metrics": metrics,
		"metrics_computed": metrics is not None,
		"timeline_types": list(engine.TYPES),
	}


def _sums_by_company(
	doctype: str, expression: str, filters: list, currency_field: str | None = None
) -> list[dict]:
	"""[{company, currency, count, total}] per company (and per `currency_field` when the amount is
	in that currency rather than the company's), never summing two currencies together."""
	group = ["company", currency_field] if currency_field else ["company"]
	rows = frappe.get_list(
		doctype,
		fields=[*group, "count(name) as n", f"sum({expression}) as total"],
		filters=filters,
		group_by=", ".join(group),
		order_by="company asc",
		limit_page_length=0,
	)
	out = []
	for row in rows:
		currency = (row.get(currency_field) if currency_field else None) or _company_currency(row.company)
		out.append(
			{"company": row.company, "currency": currency, "count": cint(row.n), "total": flt(row.total)}
		)
	return out


def _company_filter(company: str | None) -> list[list]:
	return [["company", "=", company]] if company else []


def _revenue(customer: str, company: str | None = None) -> dict | None:
	if not _can_read("Sales Invoice"):
		return None
	base = [["customer", "=", customer], ["docstatus", "=", 1], *_company_filter(company)]
	lifetime = _sums_by_company("Sales Invoice", "base_net_total", base)
	recent = {
		r["company"]: r["total"]
		for r in _sums_by_company(
			"Sales Invoice", "base_net_total", [*base, ["posting_date", ">", add_days(nowdate(), -365)]]
		)
	}
	return {
		"by_company": [
			{
				"company": r["company"],
				"currency": r["currency"],
				"lifetime": r["total"],
				"last_12_months": recent.get(r["company"], 0.0),
			}
			for r in lifetime
		]
	}


def _open_orders(customer: str, company: str | None = None) -> dict | None:
	if not _can_read("Sales Order"):
		return None
	rows = _sums_by_company(
		"Sales Order",
		"base_grand_total",
		[
			["customer", "=", customer],
			["docstatus", "=", 1],
			["status", "not in", ["Completed", "Closed", "Cancelled"]],
			*_company_filter(company),
		],
	)
	return {
		"count": sum(r["count"] for r in rows),
		"by_company": [
			{"company": r["company"], "currency": r["currency"], "count": r["count"], "value": r["total"]}
			for r in rows
		],
	}


def _overdue_invoices(customer: str, company: str | None = None) -> dict | None:
	if not _can_read("Sales Invoice"):
		return None
	# outstanding_amount is in the party account's currency, which may differ from the company's
	rows = _sums_by_company(
		"Sales Invoice",
		"outstanding_amount",
		[
			["customer", "=", customer],
			["docstatus", "=", 1],
			["outstanding_amount", ">", 0],
			["due_date", "<", nowdate()],
			*_company_filter(company),
		],
		currency_field="party_account_currency",
	)
	return {
		"count": sum(r["count"] for r in rows),
		"by_company": [
			{
				"company": r["company"],
				"currency": r["currency"],
				"count": r["count"],
				"outstanding": r["total"],
			}
			for r in rows
		],
	}


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
