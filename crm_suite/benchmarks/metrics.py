"""Full metrics recompute vs one plain GROUP BY over the same submitted Sales Invoices.

Data: `generate()` bulk-creates customers and submitted Sales Invoice rows with INSERT ... SELECT
over MariaDB's SEQUENCE engine (seq_1_to_N), skipping controllers (no items, GL or ledgers): the
metrics only read tabSales Invoice. About 2% of the rows are returns (negative, is_return=1);
customers get a skewed share of invoices and dates spread over four years. Run it once on a
dedicated bench site:

    bench --site crms_bench.localhost execute crm_suite.benchmarks.metrics.generate \
        --kwargs "{'customers': 100000, 'invoices': 1000000}"
    bench --site crms_bench.localhost crm-suite benchmark metrics --rounds 5

Both sides run in one process, interleaved (ABBA); the metrics side is the same code path as the
nightly job (`recompute_all`), committed each round, so its ratio includes writing the table.
"""

from __future__ import annotations

import resource
import time

import click

from crm_suite.engine.benchstats import interleaved_order, paired_ratios, ratio, summarize

GOAL_RATIO = 2.0
GOAL_RSS_MB = 1024
PREFIX = "BENCH"

U = "(CONV(SUBSTR(MD5(CONCAT(seq, ':{0}')), 1, 8), 16, 10) / 4294967296)"

BASELINE_SQL = """
	SELECT customer, COUNT(*), SUM(base_net_total), MAX(posting_date)
	FROM `tabSales Invoice` WHERE docstatus = 1 GROUP BY customer
"""


def generate(customers: int = 100_000, invoices: int = 1_000_000, days: int = 1460) -> dict:
	"""Idempotent bulk data for the benchmark (rows named BENCH-*); commits."""
	import frappe

	have_c = frappe.db.sql("select count(*) from tabCustomer where name like %s", f"{PREFIX}-CUST-%")[0][0]
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name") or "All Customer Groups"
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name") or "All Territories"
	t0 = time.perf_counter()
	if have_c < customers:
		frappe.db.sql(
			f"""
			INSERT IGNORE INTO tabCustomer (name, customer_name, customer_type, customer_group, territory,
				creation, modified, owner, modified_by, docstatus, crms_lifecycle_stage)
			SELECT CONCAT('{PREFIX}-CUST-', LPAD(seq, 7, '0')), CONCAT('Bench Customer ', seq), 'Company',
				%(group)s, %(territory)s, NOW() - INTERVAL {days} DAY, NOW(), 'Administrator',
				'Administrator', 0, 'Prospect'
			FROM seq_1_to_{int(customers)}
			""",
			{"group": group, "territory": territory},
		)
		frappe.db.commit()
	have_i = frappe.db.sql("select count(*) from `tabSales Invoice` where name like %s", f"{PREFIX}-SINV-%")[
		0
	][0]
	chunk = 200_000
	for start in range(have_i, invoices, chunk):
		end = min(start + chunk, invoices)
		# U(k): a uniform [0, 1) number hashed from (seq, k), so the data set is the same on every
		# run and the columns are independent (RAND(seq) is correlated across consecutive seeds).
		frappe.db.sql(
			f"""
			INSERT IGNORE INTO `tabSales Invoice` (name, customer, customer_name, company, posting_date,
				due_date, currency, conversion_rate, net_total, base_net_total, grand_total, base_grand_total,
				is_return, docstatus, status, creation, modified, owner, modified_by, naming_series)
			SELECT name, customer, customer, 'Bench Co', posting_date, posting_date + INTERVAL 30 DAY, 'USD', 1,
				amount, amount, amount, amount, is_return, 1, IF(is_return, 'Return', 'Paid'),
				NOW(), NOW(), 'Administrator', 'Administrator', 'BENCH-SINV-'
			FROM (
				SELECT CONCAT('{PREFIX}-SINV-', LPAD(seq, 8, '0')) AS name,
					CONCAT('{PREFIX}-CUST-', LPAD(1 + FLOOR(POW({U.format(1)}, 1.3) * {int(customers)}), 7, '0'))
						AS customer,
					CURDATE() - INTERVAL FLOOR({U.format(2)} * {int(days)}) DAY AS posting_date,
					IF({U.format(3)} < 0.02, 1, 0) AS is_return,
					ROUND((10 + {U.format(4)} * 990) * IF({U.format(3)} < 0.02, -0.3, 1), 2) AS amount
				FROM seq_{start + 1}_to_{end}
			) g
			"""
		)
		frappe.db.commit()
		print(f"invoices {end}/{invoices} after {time.perf_counter() - t0:.0f}s", flush=True)
	frappe.db.sql("ANALYZE TABLE `tabSales Invoice`")
	return {
		"customers": frappe.db.count("Customer"),
		"invoices": frappe.db.sql("select count(*) from `tabSales Invoice` where docstatus=1")[0][0],
		"seconds": round(time.perf_counter() - t0, 1),
	}


def _rss_mb() -> float:
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _mariadb_memory_mb() -> dict:
	import frappe

	out = {}
	try:
		rows = frappe.db.sql(
			"""select variable_name, variable_value from information_schema.global_status
			where variable_name in ('MEMORY_USED', 'MEMORY_USED_MAX')"""
		)
		out = {k.lower(): round(int(v) / 2**20, 1) for k, v in rows}
	except Exception:
		pass
	return out


def _timed(fn) -> float:
	t = time.perf_counter()
	fn()
	return time.perf_counter() - t


def run(site: str, baseline_site: str | None, rounds: int, **options) -> dict:
	import frappe

	from crm_suite.customer_analytics.metrics import recompute_all

	rounds = max(int(rounds or 3), 1)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		invoices = frappe.db.sql("select count(*) from `tabSales Invoice` where docstatus=1")[0][0]
		customers = frappe.db.count("Customer")
		if invoices < int(options.get("min_invoices", 1_000_000)):
			raise click.UsageError(
				f"{site} has {invoices} submitted invoices: run crm_suite.benchmarks.metrics.generate first"
			)

		def baseline():
			frappe.db.sql(BASELINE_SQL)

		def metrics():
			recompute_all(with_segments=False)
			frappe.db.commit()

		sides = {"baseline_group_by": baseline, "metrics_recompute": metrics}
		for fn in sides.values():  # warm the buffer pool and caches
			fn()
		samples = {s: [] for s in sides}
		for order in interleaved_order(list(sides), rounds):
			for side in order:
				samples[side].append(_timed(sides[side]))
		cand, base = summarize(samples["metrics_recompute"]), summarize(samples["baseline_group_by"])
		ratio_of_medians = ratio(cand["median"], base["median"])
		rss = _rss_mb()
		return {
			"site": site,
			"rounds": rounds,
			"data": {"customers": customers, "submitted_invoices": invoices},
			"baseline_sql": " ".join(BASELINE_SQL.split()),
			"unit": "seconds per full run",
			"metrics_recompute": cand,
			"baseline_group_by": base,
			"ratio_of_medians": round(ratio_of_medians, 4),
			"per_round_ratio": paired_ratios(samples["metrics_recompute"], samples["baseline_group_by"]),
			"peak_rss_mb": round(rss, 1),
			"mariadb_memory_mb": _mariadb_memory_mb(),
			"goal_ratio": GOAL_RATIO,
			"goal_rss_mb": GOAL_RSS_MB,
			"meets_goal": ratio_of_medians <= GOAL_RATIO and rss < GOAL_RSS_MB,
		}
	finally:
		frappe.db.rollback()
		frappe.destroy()
