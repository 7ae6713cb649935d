"""What crm_suite adds to ERPNext's core flows: Customer insert and Sales Invoice submit.

Both sites live on one bench and are measured in one process, in interleaved ABBA rounds. Each
round's documents are rolled back, so the sites do not grow while we measure.
"""

import random
import time

import click

from crm_suite.benchmarks.dedupe import ADJECTIVES, NOUNS, SECTORS
from crm_suite.engine.benchstats import interleaved_order, paired_ratios, ratio, summarize

GOAL = 1.05
CUSTOMERS_PER_ROUND = 20
INVOICES_PER_ROUND = 10
OPS = ("customer_insert", "sales_invoice_submit")


def run(site: str, baseline_site: str | None, rounds: int, **_options) -> dict:
	if not baseline_site:
		raise click.UsageError("the overhead benchmark needs --baseline-site (a site with ERPNext alone)")
	sides = {"crm_suite": site, "erpnext_only": baseline_site}
	_check_sites(sides)
	for s in sides.values():
		_with_site(s, _prepare)
	samples = {side: {op: [] for op in OPS} for side in sides}
	round_totals = {side: {op: [] for op in OPS} for side in sides}
	for r, order in enumerate(interleaved_order(list(sides), rounds)):
		for side in order:
			timings = _with_site(sides[side], _measure_round, r)
			for op in OPS:
				samples[side][op].extend(timings[op])
				round_totals[side][op].append(sum(timings[op]))
	ops = {}
	for op in OPS:
		cand, base = summarize(samples["crm_suite"][op]), summarize(samples["erpnext_only"][op])
		ops[op] = {
			"crm_suite": cand,
			"erpnext_only": base,
			"ratio_of_medians": round(ratio(cand["median"], base["median"]), 4),
			"per_round_ratio": paired_ratios(round_totals["crm_suite"][op], round_totals["erpnext_only"][op]),
		}
	worst = max(o["ratio_of_medians"] for o in ops.values())
	return {
		"sites": sides,
		"rounds": rounds,
		"per_round": {"customer_insert": CUSTOMERS_PER_ROUND, "sales_invoice_submit": INVOICES_PER_ROUND},
		"unit": "seconds per document",
		"operations": ops,
		"goal_ratio": GOAL,
		"worst_ratio": round(worst, 4),
		"meets_goal": worst <= GOAL,
	}


def _with_site(site: str, fn, *args):
	import frappe

	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		return fn(*args)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def _check_sites(sides: dict) -> None:
	import frappe

	installed = {side: _with_site(site, frappe.get_installed_apps) for side, site in sides.items()}
	if "crm_suite" not in installed["crm_suite"]:
		raise click.UsageError(f"crm_suite is not installed on {sides['crm_suite']}")
	if "crm_suite" in installed["erpnext_only"] or "erpnext" not in installed["erpnext_only"]:
		raise click.UsageError(f"{sides['erpnext_only']} must have ERPNext and not crm_suite")


def _prepare() -> None:
	import frappe
	from frappe.utils import getdate, nowdate

	from crm_suite.demo.builder import DemoBuilder
	from crm_suite.engine.demo_plan import build_plan

	builder = DemoBuilder(build_plan(1, 0, getdate(nowdate())), seed=0, quiet=True)
	builder.ensure_masters()
	frappe.db.commit()
	_measure_round(-1)  # warm caches (meta, hooks, controllers) on this site before measuring


def _measure_round(r: int) -> dict[str, list[float]]:
	import frappe
	from frappe.utils import nowdate, random_string

	company = frappe.db.get_single_value("Global Defaults", "default_company")
	territory = "West"
	out = {op: [] for op in OPS}
	customers = []
	for i in range(CUSTOMERS_PER_ROUND):
		# realistic, varied names and numbers (the same on both sides of a round): sequential phones
		# and one shared name prefix would make every new customer a near-duplicate of the last ones
		rng = random.Random(f"{r}-{i}")
		name = " ".join(
			(rng.choice(ADJECTIVES).title(), rng.choice(NOUNS).title(), rng.choice(SECTORS).title())
		)
		doc = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": f"{name} {random_string(4)}",
				"customer_type": "Company",
				"customer_group": "Commercial",
				"territory": territory,
				"email_id": f"{name.split()[0].lower()}.{random_string(6).lower()}@example.com",
				"mobile_no": f"+1206{rng.randint(2000000, 9999999)}",
				"address_line1": f"{rng.randint(1, 999)} Main St",
				"city": "Seattle",
				"country": "United States",
			}
		)
		t = time.perf_counter()
		doc.insert(ignore_permissions=True)
		out["customer_insert"].append(time.perf_counter() - t)
		customers.append(doc.name)
	for i in range(INVOICES_PER_ROUND):
		doc = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customers[i % len(customers)],
				"company": company,
				"posting_date": nowdate(),
				"due_date": nowdate(),
				"selling_price_list": "Standard Selling",
				"items": [
					{"item_code": "CRMS-LAPTOP-AIR", "qty": 2, "rate": 980},
					{"item_code": "CRMS-SETUP", "qty": 1, "rate": 180},
				],
			}
		)
		doc.docstatus = 1
		t = time.perf_counter()
		doc.insert(ignore_permissions=True)
		out["sales_invoice_submit"].append(time.perf_counter() - t)
	frappe.db.rollback()
	return out
