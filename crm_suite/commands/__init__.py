"""`bench --site S crm-suite ...` commands: demo data and benchmarks."""

import json
import time

import click
from frappe.commands import get_site, pass_context


@click.group("crm-suite")
def crm_suite_group():
	"""crm_suite: demo data and benchmarks."""


@crm_suite_group.command("demo")
@click.option(
	"--customers", default=500, show_default=True, type=click.IntRange(min=1), help="Customers to create"
)
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed; same seed, same data")
@click.option(
	"--bulk",
	is_flag=True,
	help="Benchmark scale: raw inserts that SKIP ERPNext controllers (no ledger, no validation)",
)
@click.option(
	"--invoice-lines",
	default=None,
	type=click.IntRange(min=1),
	help="Bulk only: at least this many invoice lines",
)
@pass_context
def demo(context, customers, seed, bulk, invoice_lines):
	"""Create reproducible demo data from ERPNext's own documents."""
	import frappe

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		started = time.perf_counter()
		# one set-based recompute at the end instead of one queued refresh per invoice
		frappe.flags.crms_skip_metrics_refresh = True
		if bulk:
			from crm_suite.demo.bulk import build_bulk

			summary = build_bulk(customers=customers, seed=seed, invoice_lines=invoice_lines)
		else:
			from crm_suite.demo import build_demo

			summary = build_demo(customers=customers, seed=seed)
		frappe.flags.crms_skip_metrics_refresh = False
		from crm_suite.customer_analytics.metrics import run_nightly

		click.echo("Computing lifecycle stages, metrics and segments ...")
		summary["customer_analytics"] = run_nightly()
		frappe.db.commit()
		summary["seconds"] = round(time.perf_counter() - started, 1)
		click.echo(json.dumps(summary, indent=1, default=str))
	finally:
		frappe.destroy()


@crm_suite_group.command("benchmark")
@click.argument("name", required=False)
@click.option("--baseline-site", help="A site with ERPNext alone, on the same bench (overhead benchmark)")
@click.option("--rounds", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--output", type=click.Path(dir_okay=False), help="Where to write the JSON result")
@click.option(
	"--option", "options", multiple=True, help="KEY=VALUE passed to the benchmark (e.g. customers=100000)"
)
@pass_context
def benchmark(context, name, baseline_site, rounds, output, options):
	"""Run a benchmark (all when NAME is omitted) and write its JSON result."""
	from crm_suite.benchmarks import BENCHMARKS, run_benchmark

	site = get_site(context)
	names = [name] if name else list(BENCHMARKS)
	for bench_name in names:
		if bench_name not in BENCHMARKS:
			raise click.BadParameter(f"unknown benchmark {bench_name!r}; known: {', '.join(BENCHMARKS)}")
		opts = dict(o.split("=", 1) for o in options if "=" in o)
		path = run_benchmark(
			bench_name, site=site, baseline_site=baseline_site, rounds=rounds, output=output, options=opts
		)
		click.echo(f"{bench_name}: {path}")


@crm_suite_group.command("simulate-calls")
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=1), help="Days of traffic")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed; same seed, same calls")
@click.option("--start", help="First day (YYYY-MM-DD); default: DAYS days before today")
@click.option(
	"--url", help="Send over HTTP to this served site (e.g. http://127.0.0.1:8000) instead of in-process"
)
@click.option("--provider", default="Simulator", show_default=True, help="CRMS Telephony Provider (generic)")
@click.option("--concurrency", default=20, show_default=True, type=click.IntRange(min=1), help="HTTP senders")
@click.option(
	"--per-call", is_flag=True, help="One delivery per call (a batch of its events): faster history loads"
)
@pass_context
def simulate_calls(context, days, seed, start, url, provider, concurrency, per_call):
	"""Drive the telephony webhook with simulated call-centre traffic (engine/call_sim.py)."""
	import frappe

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		from crm_suite.call_centre.simulate import simulate_calls as run

		summary = run(
			days=days,
			seed=seed,
			start=start,
			url=url,
			provider=provider,
			concurrency=concurrency,
			host=site,
			batch_per_call=per_call,
			progress=lambda n, total: (
				click.echo(f"{n}/{total} deliveries", err=True) if n % 2000 == 0 else None
			),
		)
		click.echo(json.dumps(summary, indent=1, default=str))
	finally:
		frappe.destroy()


commands = [crm_suite_group]
