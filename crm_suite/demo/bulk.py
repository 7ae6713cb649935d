"""Benchmark-scale demo data (e.g. 100k customers, 1M invoice lines) through raw multi-row INSERTs.

This path SKIPS ERPNext's controllers: no validation, no GL or payment ledger entries, no contacts
or addresses, no doc events. Rows carry the fields reports read (customer, dates, totals, status,
territory, group) so set-based analytics can be measured at scale. Use the default (controller) path
for anything that must balance in the books.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import frappe
from frappe.utils import getdate, nowdate

from crm_suite.demo.builder import DemoBuilder
from crm_suite.engine import demo_plan as dp

AVG_LINES_PER_INVOICE = 1.8
CHUNK = 10_000


def build_bulk(customers: int, seed: int, invoice_lines: int | None = None) -> dict:
	min_invoices = math.ceil(invoice_lines / AVG_LINES_PER_INVOICE) if invoice_lines else None
	plan = dp.build_plan(customers, seed, getdate(nowdate()), min_invoices=min_invoices)
	builder = DemoBuilder(dp.build_plan(1, seed, getdate(nowdate())), seed, quiet=True)
	builder.ensure_masters()
	frappe.db.commit()
	print("Bulk path: raw inserts, ERPNext controllers, ledgers and doc events are SKIPPED.")
	prefix = f"BULK{seed}"
	now = datetime.now()
	customer_names = _insert_customers(plan, prefix, now)
	lines = _insert_invoices(plan, prefix, customer_names, builder, now)
	frappe.db.commit()
	return {
		"path": "bulk (controllers skipped)",
		"customers": len(customer_names),
		"invoices": len(plan.invoices),
		"invoice_lines": lines,
		"company": builder.company,
	}


def _insert_customers(plan: dp.DemoPlan, prefix: str, now: datetime) -> dict[int, str]:
	has_segment = frappe.get_meta("Customer").has_field("crms_customer_type")
	fields = [
		"name",
		"customer_name",
		"customer_type",
		"customer_group",
		"territory",
		"industry",
		"owner",
		"modified_by",
		"creation",
		"modified",
		"docstatus",
	]
	if has_segment:
		fields.append("crms_customer_type")
	names, rows = {}, []
	for c in plan.customers:
		name = f"{c.name} ({prefix}-{c.key})"
		names[c.key] = name
		ts = datetime.combine(c.since, now.time())
		row = [
			name,
			name,
			c.kind,
			c.customer_group,
			c.territory,
			c.industry,
			"Administrator",
			"Administrator",
			ts,
			ts,
			0,
		]
		if has_segment:
			row.append(c.segment)
		rows.append(row)
	for start in range(0, len(rows), CHUNK):
		frappe.db.bulk_insert("Customer", fields, rows[start : start + CHUNK], ignore_duplicates=True)
		frappe.db.commit()
	return names


def _insert_invoices(plan, prefix, customer_names, builder: DemoBuilder, now: datetime) -> int:
	company, currency = builder.company, builder.currency
	income = frappe.get_cached_value("Company", company, "default_income_account")
	cost_center = frappe.get_cached_value("Company", company, "cost_center")
	items = {i.code: i for i in dp.ITEMS}
	paid = {i for p in plan.payments for i in p.invoices}
	today = plan.today
	inv_fields = [
		"name",
		"customer",
		"customer_name",
		"company",
		"posting_date",
		"due_date",
		"currency",
		"conversion_rate",
		"selling_price_list",
		"price_list_currency",
		"plc_conversion_rate",
		"total",
		"base_total",
		"net_total",
		"base_net_total",
		"grand_total",
		"base_grand_total",
		"outstanding_amount",
		"status",
		"territory",
		"customer_group",
		"debit_to",
		"is_pos",
		"docstatus",
		"owner",
		"modified_by",
		"creation",
		"modified",
	]
	item_fields = [
		"name",
		"parent",
		"parenttype",
		"parentfield",
		"idx",
		"item_code",
		"item_name",
		"qty",
		"stock_qty",
		"uom",
		"stock_uom",
		"conversion_factor",
		"rate",
		"base_rate",
		"net_rate",
		"base_net_rate",
		"amount",
		"base_amount",
		"net_amount",
		"base_net_amount",
		"income_account",
		"cost_center",
		"docstatus",
		"owner",
		"modified_by",
		"creation",
		"modified",
	]
	inv_rows, item_rows, lines = [], [], 0
	for idx, inv in enumerate(plan.invoices):
		c = plan.customers[inv.customer]
		name = f"{prefix}-SINV-{idx:08d}"
		total = inv.total
		settled = inv.paid_at_sale or idx in paid
		due = inv.posting_date + timedelta(days=30)
		status = "Paid" if settled else ("Overdue" if due < today else "Unpaid")
		ts = datetime.combine(inv.posting_date, now.time())
		inv_rows.append(
			[
				name,
				customer_names[inv.customer],
				customer_names[inv.customer],
				company,
				inv.posting_date,
				due,
				currency,
				1,
				"Standard Selling",
				currency,
				1,
				total,
				total,
				total,
				total,
				total,
				total,
				0 if settled else total,
				status,
				c.territory,
				c.customer_group,
				builder.receivable,
				int(inv.paid_at_sale),
				1,
				"Administrator",
				"Administrator",
				ts,
				ts,
			]
		)
		for n, (code, qty, rate) in enumerate(inv.lines, 1):
			amount = round(qty * rate, 2)
			item_rows.append(
				[
					f"{name}-{n}",
					name,
					"Sales Invoice",
					"items",
					n,
					code,
					items[code].name,
					qty,
					qty,
					"Nos",
					"Nos",
					1,
					rate,
					rate,
					rate,
					rate,
					amount,
					amount,
					amount,
					amount,
					income,
					cost_center,
					1,
					"Administrator",
					"Administrator",
					ts,
					ts,
				]
			)
			lines += 1
		if len(item_rows) >= CHUNK:
			_flush(inv_fields, inv_rows, item_fields, item_rows)
	_flush(inv_fields, inv_rows, item_fields, item_rows)
	return lines


def _flush(inv_fields, inv_rows, item_fields, item_rows) -> None:
	if inv_rows:
		frappe.db.bulk_insert("Sales Invoice", inv_fields, inv_rows, ignore_duplicates=True)
	if item_rows:
		frappe.db.bulk_insert("Sales Invoice Item", item_fields, item_rows, ignore_duplicates=True)
	frappe.db.commit()
	inv_rows.clear()
	item_rows.clear()
