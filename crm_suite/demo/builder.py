"""Turn a `DemoPlan` into real ERPNext documents through their controllers.

Default scale (500 customers) inserts and submits every document normally, so totals, ledgers,
outstanding amounts and statuses are exactly what ERPNext would produce. The `bulk` path in
`crm_suite.demo.bulk` exists for benchmark-scale data and says that it skips controllers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dtime

import frappe
from frappe import _
from frappe.utils import update_progress_bar

from crm_suite.engine import demo_plan as dp
from crm_suite.setup.bootstrap import CompanySpec, ensure_erpnext_ready

COMMIT_EVERY = 25


class DemoBuilder:
	def __init__(
		self,
		plan: dp.DemoPlan,
		seed: int,
		spec: CompanySpec | None = None,
		quiet: bool = False,
		call_days: int = 30,
	):
		self.plan = plan
		self.seed = seed
		self.quiet = quiet
		self.call_days = call_days  # days of simulated call-centre traffic, ending yesterday
		self.timings: dict[str, dict] = {}
		self.company = ensure_erpnext_ready(spec)
		self.abbr = frappe.get_cached_value("Company", self.company, "abbr")
		self.currency = frappe.get_cached_value("Company", self.company, "default_currency")
		self.customer_names: dict[int, str] = {}
		self.lead_names: dict[int, str] = {}
		self.invoice_names: dict[int, str] = {}

	# -- orchestration -------------------------------------------------------------------------

	def build(self) -> dict:
		# Demo addresses are fake: mute mail where it could be sent. Without an outgoing account nothing
		# can be sent anyway, and muting there trips frappe 15's dummy sender (it has no address).
		if frappe.db.exists(
			"Email Account", {"enable_outgoing": 1, "default_outgoing": 1}
		) or frappe.conf.get("mail_server"):
			frappe.flags.mute_emails = True
		with _no_gravatar_lookups():
			return self._build()

	def _build(self) -> dict:
		self._step("masters", self.ensure_masters, 1)
		self._step("customers", self.make_customers, len(self.plan.customers))
		self._step("leads", self.make_leads, len(self.plan.leads))
		self._step("opportunities", self.make_opportunities, len(self.plan.opportunities))
		self._step(
			"quotations",
			lambda: self.make_orders("Quotation", self.plan.quotations),
			len(self.plan.quotations),
		)
		self._step(
			"sales_orders",
			lambda: self.make_orders("Sales Order", self.plan.sales_orders),
			len(self.plan.sales_orders),
		)
		self._step("sales_invoices", self.make_invoices, len(self.plan.invoices))
		self._step("payment_entries", self.make_payments, len(self.plan.payments))
		self._step("issues", self.make_issues, len(self.plan.issues))
		self._step("call_logs", self.make_call_logs, len(self.plan.call_logs))
		self._step("service_desk_masters", self.make_service_masters, 1)
		self._step("service_tickets", self.make_service_tickets, len(self.plan.tickets))
		self._step("service_quality", self.make_service_quality, 0)
		self._step("call_centre", self.make_call_centre, 0)
		frappe.db.commit()
		return self.timings

	def _step(self, name: str, fn: Callable[[], int | None], planned: int) -> None:
		started = time.perf_counter()
		made = fn()
		frappe.db.commit()
		seconds = time.perf_counter() - started
		made = planned if made is None else made
		self.timings[name] = {
			"documents": made,
			"seconds": round(seconds, 2),
			"per_second": round(made / seconds, 1) if seconds and made else None,
		}
		if not self.quiet:
			print(f"  {name}: {made} in {seconds:.1f}s")

	def _each(self, title: str, rows: Iterable, fn: Callable) -> int:
		rows = list(rows)
		made = 0
		for i, row in enumerate(rows, 1):
			if fn(*row) is not False:
				made += 1
			if i % COMMIT_EVERY == 0:
				frappe.db.commit()
			if not self.quiet:
				update_progress_bar(title, i - 1, len(rows))
		if not self.quiet and rows:
			print()
		return made

	# -- masters ---------------------------------------------------------------------------------

	def ensure_masters(self) -> None:
		root_territory = frappe.db.get_value(
			"Territory", {"is_group": 1, "parent_territory": ("in", ("", None))}
		)
		for territory in dp.TERRITORIES:
			_ensure("Territory", territory, {"territory_name": territory, "parent_territory": root_territory})
		root_group = frappe.db.get_value(
			"Customer Group", {"is_group": 1, "parent_customer_group": ("in", ("", None))}
		)
		for group in ("Commercial", "Government", "Non Profit", "Individual"):
			_ensure(
				"Customer Group", group, {"customer_group_name": group, "parent_customer_group": root_group}
			)
		root_item_group = frappe.db.get_value(
			"Item Group", {"is_group": 1, "parent_item_group": ("in", ("", None))}
		)
		for group in {item.group for item in dp.ITEMS}:
			_ensure("Item Group", group, {"item_group_name": group, "parent_item_group": root_item_group})
		for source in (*dp.LEAD_SOURCES, "Existing Customer"):
			_ensure("Lead Source", source, {"source_name": source})
		for industry in dp.INDUSTRIES:
			_ensure("Industry Type", industry, {"industry": industry})
		for priority in dp.ISSUE_PRIORITIES:
			_ensure("Issue Priority", priority, {"name": priority})
		_ensure("UOM", "Nos", {"uom_name": "Nos"})
		for item in dp.ITEMS:
			_ensure(
				"Item",
				item.code,
				{
					"item_code": item.code,
					"item_name": item.name,
					"item_group": item.group,
					"stock_uom": "Nos",
					"is_stock_item": 0,
					"include_item_in_manufacturing": 0,
					"standard_rate": item.rate,
				},
			)
		self.cash_account = frappe.get_cached_value("Company", self.company, "default_cash_account")
		self.receivable = frappe.get_cached_value("Company", self.company, "default_receivable_account")
		self.bank_account = self._ensure_bank_account()
		for mode, account, kind in (
			("Cash", self.cash_account, "Cash"),
			("Wire Transfer", self.bank_account, "Bank"),
		):
			self._ensure_mode_of_payment(mode, account, kind)

	def _ensure_bank_account(self) -> str:
		name = f"Demo Bank - {self.abbr}"
		if not frappe.db.exists("Account", name):
			parent = frappe.db.get_value(
				"Account", {"company": self.company, "account_type": "Bank", "is_group": 1}, "name"
			) or frappe.db.get_value(
				"Account", {"company": self.company, "root_type": "Asset", "is_group": 1}, "name"
			)
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": "Demo Bank",
					"parent_account": parent,
					"company": self.company,
					"account_type": "Bank",
					"account_currency": self.currency,
				}
			).insert(ignore_permissions=True)
		return name

	def _ensure_mode_of_payment(self, mode: str, account: str, kind: str) -> None:
		if not frappe.db.exists("Mode of Payment", mode):
			frappe.get_doc({"doctype": "Mode of Payment", "mode_of_payment": mode, "type": kind}).insert(
				ignore_permissions=True
			)
		doc = frappe.get_doc("Mode of Payment", mode)
		if not any(a.company == self.company for a in doc.accounts):
			doc.append("accounts", {"company": self.company, "default_account": account})
			doc.save(ignore_permissions=True)

	# -- customers and pipeline ------------------------------------------------------------------

	def make_customers(self) -> int:
		return self._each(_("Customers"), ((c,) for c in self.plan.customers), self._customer)

	def _customer(self, c: dp.Customer):
		if frappe.db.exists("Customer", {"customer_name": c.name}):
			# Already there from an earlier run: it keeps its history and gets no second copy of it.
			return False
		doc = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": c.name,
				"customer_type": c.kind,
				"customer_group": c.customer_group,
				"territory": c.territory,
				"industry": c.industry,
				"crms_customer_type": c.segment,
				"email_id": c.email,
				"mobile_no": c.phone,
				"address_line1": c.address_line,
				"city": c.city,
				"state": c.state,
				"pincode": c.pincode,
				"country": "United States",
			}
		)
		if c.kind == "Individual":
			doc.gender = c.gender
		doc.insert(ignore_permissions=True)
		self.customer_names[c.key] = doc.name
		_backdate("Customer", doc.name, c.since)
		for doctype, linked in (
			("Contact", doc.customer_primary_contact),
			("Address", doc.customer_primary_address),
		):
			if linked:
				_backdate(doctype, linked, c.since)

	def make_leads(self) -> int:
		return self._each(_("Leads"), enumerate(self.plan.leads), self._lead)

	def _lead(self, idx: int, lead: dp.Lead):
		if frappe.db.exists("Lead", {"email_id": lead.email}):
			return False
		doc = frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": lead.first_name,
				"last_name": lead.last_name,
				"company_name": lead.company_name or None,
				"email_id": lead.email,
				"mobile_no": lead.phone,
				"source": lead.source,
				"territory": lead.territory,
				"company": self.company,
			}
		).insert(ignore_permissions=True)
		self.lead_names[idx] = doc.name
		values = {"status": lead.status}
		if lead.customer is not None and lead.customer in self.customer_names:
			values["customer"] = self.customer_names[lead.customer]
			frappe.db.set_value("Customer", values["customer"], "lead_name", doc.name, update_modified=False)
		frappe.db.set_value("Lead", doc.name, values, update_modified=False)
		_backdate("Lead", doc.name, lead.created)

	def make_opportunities(self) -> int:
		return self._each(_("Opportunities"), ((o,) for o in self.plan.opportunities), self._opportunity)

	def _opportunity(self, o: dp.Opportunity):
		if o.lead is not None:
			party_type, party = "Lead", self.lead_names.get(o.lead)
		else:
			party_type, party = "Customer", self.customer_names.get(o.customer)
		if not party:
			return False
		doc = frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": party_type,
				"party_name": party,
				"source": o.source,
				"company": self.company,
				"transaction_date": o.created,
				"opportunity_amount": o.amount,
				"currency": self.currency,
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Opportunity", doc.name, "status", o.status, update_modified=False)
		_backdate("Opportunity", doc.name, o.created)

	def make_orders(self, doctype: str, orders: list[dp.Order]) -> int:
		return self._each(_(doctype), ((doctype, o) for o in orders), self._order)

	def _order(self, doctype: str, o: dp.Order):
		customer = self.customer_names.get(o.customer)
		if not customer:
			return False
		doc = frappe.get_doc(
			{
				"doctype": doctype,
				"company": self.company,
				"currency": self.currency,
				"selling_price_list": "Standard Selling",
				"items": [
					{
						"item_code": code,
						"qty": qty,
						"rate": rate,
						"delivery_date": o.transaction_date + timedelta(days=14),
					}
					for code, qty, rate in o.lines
				],
				"transaction_date": o.transaction_date,
			}
		)
		if doctype == "Quotation":
			doc.update(
				{
					"quotation_to": "Customer",
					"party_name": customer,
					"valid_till": o.transaction_date + timedelta(days=30),
				}
			)
		else:
			doc.update({"customer": customer, "delivery_date": o.transaction_date + timedelta(days=14)})
		doc.docstatus = 1
		doc.insert(ignore_permissions=True)
		_backdate(doctype, doc.name, o.transaction_date)

	# -- invoices and payments -------------------------------------------------------------------

	def make_invoices(self) -> int:
		return self._each(_("Sales Invoices"), enumerate(self.plan.invoices), self._invoice)

	def _invoice(self, idx: int, inv: dp.Invoice):
		customer = self.customer_names.get(inv.customer)
		if not customer:
			return False
		doc = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": self.company,
				"currency": self.currency,
				"set_posting_time": 1,
				"posting_date": inv.posting_date,
				"due_date": inv.posting_date + timedelta(days=30),
				"disable_rounded_total": 1,
				"selling_price_list": "Standard Selling",
				"items": [{"item_code": code, "qty": qty, "rate": rate} for code, qty, rate in inv.lines],
			}
		)
		if inv.paid_at_sale:
			doc.is_pos = 1
			doc.append(
				"payments", {"mode_of_payment": "Cash", "account": self.cash_account, "amount": inv.total}
			)
		doc.docstatus = 1
		doc.insert(ignore_permissions=True)
		self.invoice_names[idx] = doc.name
		_backdate("Sales Invoice", doc.name, inv.posting_date)

	def make_payments(self) -> int:
		return self._each(_("Payment Entries"), ((p,) for p in self.plan.payments), self._payment)

	def _payment(self, p: dp.Payment):
		customer = self.customer_names.get(p.customer)
		names = [self.invoice_names[i] for i in p.invoices if i in self.invoice_names]
		if not customer or not names:
			return False
		outstanding = dict(
			frappe.get_all(
				"Sales Invoice",
				filters={"name": ("in", names), "docstatus": 1},
				fields=["name", "outstanding_amount"],
				as_list=True,
			)
		)
		refs = [
			{"reference_doctype": "Sales Invoice", "reference_name": n, "allocated_amount": outstanding[n]}
			for n in names
			if outstanding.get(n, 0) > 0
		]
		if not refs:
			return False
		amount = round(sum(r["allocated_amount"] for r in refs), 2)
		doc = frappe.get_doc(
			{
				"doctype": "Payment Entry",
				"payment_type": "Receive",
				"company": self.company,
				"posting_date": p.posting_date,
				"mode_of_payment": "Wire Transfer",
				"party_type": "Customer",
				"party": customer,
				"paid_from": self.receivable,
				"paid_to": self.bank_account,
				"paid_from_account_currency": self.currency,
				"paid_to_account_currency": self.currency,
				"paid_amount": amount,
				"received_amount": amount,
				"source_exchange_rate": 1,
				"target_exchange_rate": 1,
				"reference_no": f"WIRE-{self.seed}-{refs[0]['reference_name']}",
				"reference_date": p.posting_date,
				"references": refs,
			}
		)
		doc.docstatus = 1
		doc.insert(ignore_permissions=True)
		_backdate("Payment Entry", doc.name, p.posting_date)

	# -- service ---------------------------------------------------------------------------------

	def make_issues(self) -> int:
		return self._each(_("Issues"), ((i,) for i in self.plan.issues), self._issue)

	def _issue(self, issue: dp.Issue):
		customer = self.customer_names.get(issue.customer)
		if not customer:
			return False
		c = self.plan.customers[issue.customer]
		doc = frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": issue.subject,
				"customer": customer,
				"raised_by": c.email,
				"priority": issue.priority,
				"company": self.company,
				"opening_date": issue.opened,
				"description": issue.subject,
			}
		).insert(ignore_permissions=True)
		values = {"status": issue.status, "opening_time": "10:00:00"}
		if issue.status != "Open":
			values["first_responded_on"] = _at(issue.opened, 11)
			values["first_response_time"] = 3600
		if issue.status in ("Resolved", "Closed"):
			values["resolution_time"] = 30 * 3600
			values["sla_resolution_date"] = _at(issue.opened + timedelta(days=1), 16)
		frappe.db.set_value("Issue", doc.name, values, update_modified=False)
		_backdate("Issue", doc.name, issue.opened)

	def make_service_masters(self) -> None:
		from crm_suite.demo.service_desk import ensure_service_masters

		ensure_service_masters()

	def make_service_tickets(self) -> int:
		from crm_suite.demo.service_desk import make_tickets

		return make_tickets(self, self.plan.tickets)

	def make_service_quality(self) -> int:
		from crm_suite.demo.quality import build

		return build(self)

	def make_call_centre(self) -> int:
		"""`call_days` (a month by default) of simulated calls through the real webhook ingestion
		(engine/call_sim.py)."""
		from crm_suite.demo.calls import build_demo_calls

		summary = build_demo_calls(days=self.call_days, seed=self.seed)
		return int(summary.get("calls") or summary.get("deliveries") or 0)

	def make_call_logs(self) -> int:
		return self._each(_("Call Logs"), enumerate(self.plan.call_logs), self._call_log)

	def _call_log(self, idx: int, call: dp.CallLog):
		customer = self.customer_names.get(call.customer)
		if not customer:
			return False
		c = self.plan.customers[call.customer]
		start = _at(call.start, 9 + idx % 8)
		office = "+12125550000"
		doc = frappe.get_doc(
			{
				"doctype": "Call Log",
				"id": f"demo-{self.seed}-{idx}",
				"from": c.phone if call.incoming else office,
				"to": office if call.incoming else c.phone,
				"type": "Incoming" if call.incoming else "Outgoing",
				"status": "Completed",
				"duration": call.duration,
				"start_time": start,
				"end_time": start + timedelta(seconds=call.duration),
				"summary": call.summary,
				"customer": customer,
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		if frappe.db.exists("Call Log", doc.id):
			return False
		doc.insert(ignore_permissions=True)
		_backdate("Call Log", doc.name, call.start)


@contextmanager
def _no_gravatar_lookups():
	"""Contact and Lead ask gravatar.com for every new email address (5 s timeout each when offline,
	and a third-party call per customer). Demo addresses are fictional, so skip the lookup."""
	import erpnext.crm.doctype.lead.lead as lead_module
	import frappe.contacts.doctype.contact.contact as contact_module

	saved = contact_module.has_gravatar, lead_module.has_gravatar
	contact_module.has_gravatar = lead_module.has_gravatar = lambda email: ""
	try:
		yield
	finally:
		contact_module.has_gravatar, lead_module.has_gravatar = saved


def _ensure(doctype: str, name: str, values: dict) -> None:
	if not frappe.db.exists(doctype, name):
		frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)


def _at(day: date, hour: int) -> datetime:
	return datetime.combine(day, dtime(hour, 0))


def _backdate(doctype: str, name: str, day: date) -> None:
	"""History is three years long: creation dates follow the plan, not the time of the demo run."""
	ts = _at(day, 10)
	frappe.db.set_value(doctype, name, {"creation": ts, "modified": ts}, update_modified=False)
