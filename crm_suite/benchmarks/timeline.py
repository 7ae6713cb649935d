"""The Customer 360 timeline against the plain Customer form load, for a customer with 5,000 items.

One customer gets 5,000 timeline items (once; reused on later runs): Communications and Comments,
plus Sales Invoices, Sales Orders, Quotations, Delivery Notes, Payment Entries, Issues and
Opportunities written with `frappe.db.bulk_insert` (controllers skipped, so it is quick; the rows
carry the columns the timeline reads). Then, in one process and in interleaved rounds (the order of
the operations rotates each round), we time:

- `getdoc`: frappe.desk.form.load.getdoc("Customer", name), what opening the form costs (baseline);
- `timeline_first_page`: get_timeline(name) with the default page size (20);
- `timeline_deep_page`: the page after 4,000 items (cursor taken once, before measuring);
- `getdoc_no_items`: getdoc of a customer without any activity, for scale only (frappe's docinfo
  loads every Comment of a document, so getdoc itself grows with the customer's history).

Goal: each timeline page at most 1.5x getdoc (ratio of medians). `baseline_site` is not used.
"""

from __future__ import annotations

import time

GOAL = 1.5
CUSTOMER_NAME = "_Bench CRMS Timeline"
ITEMS = 5000
PER_ROUND = 5
MIX = {
	"Communication": 1800,
	"Comment": 1200,
	"Sales Invoice": 700,
	"Sales Order": 400,
	"Quotation": 250,
	"Delivery Note": 200,
	"Payment Entry": 200,
	"Issue": 150,
	"Opportunity": 100,
}
OPS = ("getdoc", "getdoc_no_items", "timeline_first_page", "timeline_deep_page")
PLAIN_CUSTOMER = "_Bench CRMS Timeline Plain"


def run(site: str, baseline_site: str | None, rounds: int, **options) -> dict:
	import frappe

	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		customer = ensure_data()
		plain = _ensure_customer(PLAIN_CUSTOMER)
		frappe.db.commit()
		deep_cursor = _cursor_after(customer, int(options.get("deep", 4000)))
		for _ in range(3):  # warm caches (meta, hooks, permissions)
			_measure(customer, plain, deep_cursor, OPS)
		samples = {op: [] for op in OPS}
		round_totals = {op: [] for op in OPS}
		for r in range(max(1, int(rounds))):
			order = OPS[r % len(OPS) :] + OPS[: r % len(OPS)]
			timings = _measure(customer, plain, deep_cursor, order)
			for op in OPS:
				samples[op].extend(timings[op])
				round_totals[op].append(sum(timings[op]))
		return _report(customer, samples, round_totals, rounds)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def _report(customer, samples, round_totals, rounds) -> dict:
	import frappe

	from crm_suite.engine.benchstats import paired_ratios, ratio, summarize

	base = summarize(samples["getdoc"])
	plain = summarize(samples["getdoc_no_items"])
	ops = {"getdoc": base, "getdoc_no_items": plain}
	for op in ("timeline_first_page", "timeline_deep_page"):
		s = summarize(samples[op])
		ops[op] = {
			**s,
			"ratio_of_medians": round(ratio(s["median"], base["median"]), 4),
			"per_round_ratio": paired_ratios(round_totals[op], round_totals["getdoc"]),
			"ratio_to_getdoc_no_items": round(ratio(s["median"], plain["median"]), 4),
		}
	worst = max(ops[op]["ratio_of_medians"] for op in ("timeline_first_page", "timeline_deep_page"))
	counts = {dt: _count(dt, customer) for dt in MIX}
	return {
		"site": frappe.local.site,
		"customer": customer,
		"timeline_items": sum(counts.values()),
		"items_by_type": counts,
		"rounds": rounds,
		"calls_per_op_per_round": PER_ROUND,
		"unit": "seconds per call",
		"user": "Administrator",
		"operations": ops,
		"goal_ratio": GOAL,
		"worst_ratio": round(worst, 4),
		"meets_goal": worst <= GOAL,
	}


def _measure(customer: str, plain: str, deep_cursor: str | None, order) -> dict[str, list[float]]:
	import frappe
	from frappe.desk.form.load import getdoc

	from crm_suite.customer_360.view import get_timeline

	calls = {
		"getdoc": lambda: getdoc("Customer", customer),
		"getdoc_no_items": lambda: getdoc("Customer", plain),
		"timeline_first_page": lambda: get_timeline(customer),
		"timeline_deep_page": lambda: get_timeline(customer, start_after=deep_cursor),
	}
	out = {op: [] for op in OPS}
	for op in order:
		for _ in range(PER_ROUND):
			frappe.local.response = frappe._dict(docs=[])
			frappe.local.request_cache.clear()  # each call starts like a fresh request
			t = time.perf_counter()
			calls[op]()
			out[op].append(time.perf_counter() - t)
	return out


def _cursor_after(customer: str, depth: int) -> str | None:
	from crm_suite.customer_360.view import get_timeline

	cursor, seen = None, 0
	while seen < depth:
		page = get_timeline(customer, start_after=cursor, limit=100)
		seen += len(page["items"])
		cursor = page["next_cursor"]
		if not cursor:
			break
	return cursor


def _count(doctype: str, customer: str) -> int:
	import frappe

	field = {
		"Communication": "reference_name",
		"Comment": "reference_name",
		"Quotation": "party_name",
		"Opportunity": "party_name",
		"Payment Entry": "party",
	}.get(doctype, "customer")
	return frappe.db.count(doctype, {field: customer})


def ensure_data() -> str:
	"""The benchmark customer with its 5,000 items (created once)."""
	import frappe

	name = _ensure_customer(CUSTOMER_NAME)
	if _count("Communication", name) < MIX["Communication"]:
		_bulk_items(name)
	return name


def _ensure_customer(customer_name: str) -> str:
	import frappe

	name = frappe.db.get_value("Customer", {"customer_name": customer_name})
	if name:
		return name
	return (
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": customer_name,
				"customer_type": "Company",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def _bulk_items(customer: str) -> None:
	import random

	import frappe
	from frappe.utils import add_to_date, get_datetime, now_datetime, random_string

	rng = random.Random(5000)
	company = frappe.db.get_single_value("Global Defaults", "default_company") or frappe.db.get_value(
		"Company", {}, "name"
	)
	start = get_datetime(add_to_date(now_datetime(), days=-3 * 365))
	span = 3 * 365 * 24 * 3600

	def when():
		return add_to_date(start, seconds=rng.randint(0, span))

	def std(ts, prefix):
		return [f"{prefix}{random_string(10).lower()}", ts, ts, "Administrator", "Administrator"]

	head = ["name", "creation", "modified", "owner", "modified_by"]
	rows = []
	for i in range(MIX["Communication"]):
		ts = when()
		medium = rng.choice(["Email", "Phone", "Chat", "Meeting"])
		rows.append(
			(
				*std(ts, "bcom"),
				"Communication",
				medium,
				f"Bench {medium.lower()} {i}",
				"Customer",
				customer,
				ts,
				rng.choice(["Sent", "Received"]),
				"Linked",
				"<p>bench</p>",
			)
		)
	frappe.db.bulk_insert(
		"Communication",
		[
			*head,
			"communication_type",
			"communication_medium",
			"subject",
			"reference_doctype",
			"reference_name",
			"communication_date",
			"sent_or_received",
			"status",
			"content",
		],
		rows,
	)
	rows = [
		(*std(when(), "bcmt"), "Comment", "Customer", customer, f"Bench note {i}", "Administrator")
		for i in range(MIX["Comment"])
	]
	frappe.db.bulk_insert(
		"Comment",
		[*head, "comment_type", "reference_doctype", "reference_name", "content", "comment_email"],
		rows,
	)
	docs = {
		"Sales Invoice": ("customer", "posting_date", ["Paid", "Unpaid", "Overdue"]),
		"Sales Order": ("customer", "transaction_date", ["Completed", "To Deliver and Bill"]),
		"Quotation": ("party_name", "transaction_date", ["Ordered", "Open", "Lost"]),
		"Delivery Note": ("customer", "posting_date", ["Completed", "To Bill"]),
		"Payment Entry": ("party", "posting_date", ["Submitted"]),
		"Issue": ("customer", "opening_date", ["Open", "Closed", "Resolved"]),
		"Opportunity": ("party_name", "transaction_date", ["Open", "Converted", "Lost"]),
	}
	for doctype, (party, date_field, statuses) in docs.items():
		fields = [*head, party, date_field, "status"]
		extra: dict = {}
		if doctype in ("Sales Invoice", "Sales Order", "Quotation", "Delivery Note"):
			extra = {"company": company, "docstatus": 1, "naming_series": "BENCH-"}
		if doctype == "Quotation":
			extra["quotation_to"] = "Customer"
		if doctype == "Payment Entry":
			extra = {"company": company, "docstatus": 1, "party_type": "Customer", "payment_type": "Receive"}
		if doctype == "Issue":
			extra = {"subject": "Bench issue"}
		if doctype == "Opportunity":
			extra = {"opportunity_from": "Customer", "company": company}
		fields += list(extra)
		rows = []
		for _ in range(MIX[doctype]):
			ts = when()
			rows.append((*std(ts, "BENCH-"), customer, ts.date(), rng.choice(statuses), *extra.values()))
		frappe.db.bulk_insert(doctype, fields, rows)
