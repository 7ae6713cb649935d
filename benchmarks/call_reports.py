"""Call-centre reports on 1M Call Logs: Call Centre KPIs (by queue, agent, hour; a month and a day), the
wallboard data and the Staffing Plan, each with the report's indexes and with them ignored.

	cd /root/frappe-bench/sites && ../env/bin/python /work/main/benchmarks/call_reports.py \\
		--site d1.localhost [--rows 1000000] [--rounds 3] [--out benchmarks/results/call_reports.json]

Data: `rows` Call Logs named BENCH-<random hex> (provider call ids are random, so the clustered primary
key is in no time order, as in production), raw multi-row INSERTs (no controllers), spread over the 183
days ending today: weekday and intraday profiles (Monday busiest, Sunday quietest, peaks at 10:00 and
14:00), five queues with different weights, 60 agents, 90% inbound; 86% answered, 9% abandoned (a third
of them within 5 s), 5% voicemail; waits exponential (mean 25 s), talk lognormal (median 200 s), hold on
20%, wrap-up 20-60 s, 7% transferred, dispositions, first-call resolution 70%. Generated once per site
(skipped when the rows exist); delete with `delete from `tabCall Log` where name like 'BENCH-%'`.

Each case runs the real report function (execute / wallboard.build) once to warm up, then `rounds`
times with the indexes and `rounds` times with `IGNORE INDEX` on the four Call Log indexes of
ERPNEXT_INDEXES (the report's own code path, through call_data.INDEX_HINT), alternating which side goes
first. EXPLAIN of each report's query is recorded for both. Goal: < 2 s per report with the indexes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

INDEXES = ("crms_start_time", "crms_queue_start_time", "crms_agent_start_time", "crms_call_kpi_cover")
QUEUES = (("Billing", 0.35), ("Support", 0.30), ("Sales", 0.20), ("Technical", 0.10), ("VIP", 0.05))
DISPOSITIONS = (
	("Resolved", 0.40),
	("Information Given", 0.20),
	("Ticket Created", 0.12),
	("Interested", 0.05),
	("Not Interested", 0.04),
	("Callback Requested", 0.05),
	("Escalated", 0.04),
	("Complaint", 0.03),
	("", 0.07),
)
WEEKDAY = (1.25, 1.1, 1.0, 1.0, 0.95, 0.55, 0.3)
DAYS = 183
COLUMNS = (
	"name",
	"id",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"docstatus",
	"idx",
	"from",
	"to",
	"type",
	"status",
	"start_time",
	"end_time",
	"duration",
	"crms_queue",
	"crms_agent",
	"crms_answered_at",
	"crms_wait_seconds",
	"crms_talk_seconds",
	"crms_hold_seconds",
	"crms_wrapup_seconds",
	"crms_abandoned",
	"crms_voicemail",
	"crms_transferred",
	"crms_disposition",
	"crms_first_call_resolution",
)


def _intraday() -> list[float]:
	"""Relative arrival rate per minute of day: two bumps (10:00, 14:00) between 07:00 and 21:00."""
	w = []
	for m in range(1440):
		h = m / 60
		if h < 7 or h >= 21:
			w.append(0.02)
		else:
			w.append(math.exp(-((h - 10) ** 2) / 4) + 0.8 * math.exp(-((h - 14) ** 2) / 5) + 0.15)
	return w


def _pick(rng: random.Random, table) -> str:
	return rng.choices([t[0] for t in table], weights=[t[1] for t in table])[0]


def generate(frappe, rows: int, seed: int = 11, chunk: int = 4000) -> dict:
	existing = frappe.db.sql("select count(*) from `tabCall Log` where name like 'BENCH-%%'")[0][0]
	if existing >= rows:
		return {"generated": 0, "existing": existing, "seconds": 0.0}
	# an interrupted load resumes: only the missing rows, from a seed that depends on where it stopped
	rng = random.Random(seed * 1_000_003 + existing)
	rows -= existing
	today = date.today()
	first = today - timedelta(days=DAYS - 1)
	day_w = [WEEKDAY[(first + timedelta(days=d)).weekday()] for d in range(DAYS)]
	minute_w = _intraday()
	agents = [f"bench-agent-{i:02d}@example.com" for i in range(60)]
	now = datetime.now().replace(microsecond=0)
	placeholders = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
	cols = ", ".join(f"`{c}`" for c in COLUMNS)
	t0 = time.perf_counter()
	batch: list = []
	days = rng.choices(range(DAYS), weights=day_w, k=rows)
	minutes = rng.choices(range(1440), weights=minute_w, k=rows)
	for n in range(rows):
		start = datetime.combine(first + timedelta(days=days[n]), datetime.min.time()) + timedelta(
			minutes=minutes[n], seconds=rng.randrange(60)
		)
		if start > now:  # today's part only up to now, so the wallboard sees a real morning
			start = now - timedelta(seconds=rng.randrange(1, 3600 * 8))
		inbound = rng.random() < 0.9
		queue = _pick(rng, QUEUES)
		u = rng.random()
		wait = int(rng.expovariate(1 / 25)) if inbound else 0
		answered = u < 0.86 or not inbound
		abandoned = inbound and 0.86 <= u < 0.95
		voicemail = inbound and u >= 0.95
		if abandoned and rng.random() < 0.33:
			wait = rng.randint(0, 5)
		talk = int(rng.lognormvariate(math.log(200), 0.6)) if answered else 0
		hold = rng.randint(30, 120) if answered and rng.random() < 0.2 else 0
		wrap = rng.randint(20, 60) if answered else 0
		answered_at = start + timedelta(seconds=wait) if answered else None
		end = start + timedelta(seconds=wait + talk + hold)
		disp = _pick(rng, DISPOSITIONS) if answered else ("Voicemail Left" if voicemail else "")
		name = "BENCH-%032x" % rng.getrandbits(128)
		batch.append(
			(
				name,
				name,
				now,
				now,
				"Administrator",
				"Administrator",
				0,
				0,
				f"+49151{rng.randrange(10**7):07d}",
				"+493000000",
				"Incoming" if inbound else "Outgoing",
				"Completed" if answered else "No Answer",
				start,
				end,
				wait + talk + hold,
				queue,
				rng.choice(agents) if answered else None,
				answered_at,
				wait,
				talk,
				hold,
				wrap,
				int(abandoned),
				int(voicemail),
				int(answered and rng.random() < 0.07),
				disp or None,
				int(answered and bool(disp) and rng.random() < 0.7),
			)
		)
		if len(batch) >= chunk:
			_flush(frappe, cols, placeholders, batch)
			batch = []
	if batch:
		_flush(frappe, cols, placeholders, batch)
	frappe.db.sql("analyze table `tabCall Log`")
	return {"generated": rows, "existing": existing, "seconds": round(time.perf_counter() - t0, 1)}


def _flush(frappe, cols, placeholders, batch) -> None:
	sql = f"insert into `tabCall Log` ({cols}) values " + ", ".join([placeholders] * len(batch))
	frappe.db.sql(sql, [v for row in batch for v in row])
	frappe.db.commit()


def _cases(today: date) -> list[tuple[str, str, dict]]:
	month_end = today.replace(day=1) - timedelta(days=1)
	month = {"from_date": month_end.replace(day=1), "to_date": month_end}
	day = {"from_date": today - timedelta(days=1), "to_date": today - timedelta(days=1)}
	monday = today + timedelta(days=7 - today.weekday())
	out = []
	for period, rng_ in (("month", month), ("day", day)):
		for by in ("Queue", "Agent", "Hour"):
			out.append((f"kpis_by_{by.lower()}_{period}", "kpis", {**rng_, "group_by": by}))
	out.append(
		(
			"kpis_by_interval_month_one_queue",
			"kpis",
			{**month, "group_by": "30-min Interval", "queue": "Billing"},
		)
	)
	out.append(
		(
			"kpis_by_day_month_one_agent",
			"kpis",
			{**month, "group_by": "Day", "agent": "bench-agent-07@example.com"},
		)
	)
	out.append(("wallboard_today", "wallboard", {}))
	out.append(("staffing_plan_day", "staffing", {"date": today + timedelta(days=1)}))
	out.append(
		("staffing_plan_week_one_queue", "staffing", {"date": monday, "period": "Week", "queue": "Support"})
	)
	return out


def _explain(frappe, kind: str, filters: dict) -> list[dict]:
	"""EXPLAIN of the report's own query, captured by running it with frappe.db.sql patched."""
	captured: list = []
	real = frappe.db.sql

	def spy(query, values=(), *a, **kw):
		if "`tabCall Log`" in str(query) and not captured:
			captured.append((query, values))
		return real(query, values, *a, **kw)

	frappe.db.sql = spy
	try:
		_run(kind, filters)
	finally:
		frappe.db.sql = real
	if not captured:
		return []
	q, v = captured[0]
	rows = real("explain " + q, v, as_dict=True)
	return [{k: r.get(k) for k in ("table", "type", "key", "rows", "Extra")} for r in rows]


def _run(kind: str, filters: dict):
	from crm_suite.call_centre import wallboard
	from crm_suite.call_centre.report.call_centre_kpis import call_centre_kpis
	from crm_suite.call_centre.report.staffing_plan import staffing_plan

	if kind == "kpis":
		return call_centre_kpis.execute(dict(filters))
	if kind == "wallboard":
		return wallboard.build()
	return staffing_plan.execute(dict(filters))


def _time(kind, filters) -> float:
	t = time.perf_counter()
	_run(kind, filters)
	return time.perf_counter() - t


def measure(frappe, rounds: int) -> list[dict]:
	from crm_suite.call_centre import call_data

	hint = "ignore index (" + ", ".join(INDEXES) + ")"
	results = []
	for name, kind, filters in _cases(date.today()):
		sides = {"index": [], "no_index": []}
		explain = {}
		for side in ("index", "no_index"):
			call_data.INDEX_HINT = hint if side == "no_index" else ""
			explain[side] = _explain(frappe, kind, filters)
			_time(kind, filters)  # warm-up
		for r in range(rounds):
			order = ("index", "no_index") if r % 2 == 0 else ("no_index", "index")
			for side in order:
				call_data.INDEX_HINT = hint if side == "no_index" else ""
				sides[side].append(_time(kind, filters))
		call_data.INDEX_HINT = ""
		med = {s: statistics.median(v) for s, v in sides.items()}
		row = {
			"case": name,
			"filters": {k: str(v) for k, v in filters.items()},
			"with_index_s": round(med["index"], 3),
			"without_index_s": round(med["no_index"], 3),
			"speedup": round(med["no_index"] / med["index"], 2) if med["index"] else None,
			"runs_with_index_s": [round(x, 3) for x in sides["index"]],
			"runs_without_index_s": [round(x, 3) for x in sides["no_index"]],
			"explain_with_index": explain["index"],
			"explain_without_index": explain["no_index"],
			"goal_met": med["index"] < 2.0,
		}
		print(
			f"{name:36s} {row['with_index_s']:7.3f} s  without {row['without_index_s']:7.3f} s  "
			f"key={explain['index'][0]['key'] if explain['index'] else None}",
			flush=True,
		)
		results.append(row)
	return results


def main() -> None:
	ap = argparse.ArgumentParser()
	ap.add_argument("--site", required=True)
	ap.add_argument("--rows", type=int, default=1_000_000)
	ap.add_argument("--rounds", type=int, default=3)
	ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "call_reports.json"))
	args = ap.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		from crm_suite.benchmarks import machine_info, versions

		gen = generate(frappe, args.rows)
		print("data:", gen, flush=True)
		total = frappe.db.sql("select count(*) from `tabCall Log`")[0][0]
		span = frappe.db.sql(
			"select min(start_time), max(start_time) from `tabCall Log` where name like 'BENCH-%%'"
		)[0]
		results = measure(frappe, args.rounds)
		out = {
			"benchmark": "call_reports",
			"run_at": datetime.now().isoformat(timespec="seconds"),
			"machine": machine_info(),
			"versions": versions(),
			"buffer_pool_mb": int(frappe.db.sql("select @@innodb_buffer_pool_size")[0][0]) // 2**20,
			"params": {"rows": args.rows, "rounds": args.rounds, "days": DAYS, "indexes": list(INDEXES)},
			"data": {**gen, "call_logs_in_table": total, "first": str(span[0]), "last": str(span[1])},
			"goal_seconds": 2.0,
			"all_goals_met": all(r["goal_met"] for r in results),
			"cases": results,
		}
		Path(args.out).parent.mkdir(parents=True, exist_ok=True)
		Path(args.out).write_text(json.dumps(out, indent=1, default=str) + "\n")
		print("wrote", args.out)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
