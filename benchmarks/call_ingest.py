"""Telephony webhook ingestion over HTTP against ERPNext's plain Call Log insert, plus replay/shuffle
correctness. Run from the bench's sites folder with the bench's Python (it needs frappe):

	cd ~/frappe-bench/sites && ../env/bin/python /path/to/crm_suite/benchmarks/call_ingest.py \\
		--site a1.localhost --url http://127.0.0.1:8051 [--requests 500] [--rounds 3] [--clients 20]

The site is served the way the intake benchmark does it (crm_suite/benchmarks/intake.py `served`):
an already running server at --url, else gunicorn -w4 started for the run. Then:

1. Throughput, `rounds` rounds ABBA-ordered after a warm-up per side, `requests` requests per side
   from `clients` threads (one keep-alive session each), every request timed:
   - ours: POST /api/method/crm_suite.call_centre.webhook.receive?provider=Simulator, one generic
     event per request, HMAC-signed as a PBX would, taken in time order from call_sim traffic (so a
     request creates a Call Log or refolds an existing one, with concurrent deliveries of one call);
   - baseline: POST /api/method/frappe.client.insert of a Call Log (id, from, to, type, status) by an
     API-token user, same HTTP stack and concurrency: ERPNext's own path for a telephony integration.
   Reported per side: requests/s (median over rounds of requests / round wall time), p50/p95/max
   latency over all timed requests, errors; the ratio ours / baseline.
2. Correctness: `calls` simulated calls, every event sent three times in a shuffled order from
   `clients` threads; then, by SQL, Call Logs per call and how many equal the fold of the call's events
   in order (status, abandoned, voicemail, wait, talk, hold, event count, start).
Results: benchmarks/results/call_ingest.json with machine info and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

from crm_suite.benchmarks import machine_info, versions
from crm_suite.engine.benchstats import interleaved_order, percentile

OURS_PATH = "/api/method/crm_suite.call_centre.webhook.receive?provider={provider}"
BASE_PATH = "/api/method/frappe.client.insert"
USER = "call-bench@crm-suite.invalid"
PROVIDER = "Simulator"


def _connect(site: str):
	import frappe

	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	return frappe


def prepare(site: str) -> dict:
	"""Committed, idempotent: the simulator provider (its secret) and an API user for the baseline."""
	frappe = _connect(site)
	try:
		from crm_suite.call_centre.simulate import ensure_provider

		secret = ensure_provider(PROVIDER)
		if not frappe.db.exists("User", USER):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": USER,
					"first_name": "Call Bench",
					"send_welcome_email": 0,
					"user_type": "System User",
					"roles": [{"role": "System Manager"}],
				}
			).insert(ignore_permissions=True)
		user = frappe.get_doc("User", USER)
		api_secret = frappe.generate_hash(length=15)
		user.api_key = user.api_key or frappe.generate_hash(length=15)
		user.api_secret = api_secret
		user.save(ignore_permissions=True)
		frappe.db.commit()
		return {"secret": secret, "token": f"{user.api_key}:{api_secret}"}
	finally:
		frappe.destroy()


def sim_bodies(site: str, run_id: str, calls: int, seed: int, day: datetime) -> tuple[list[bytes], list]:
	"""Generic JSON bodies for `calls` simulated calls (time order) with run-unique call ids."""
	frappe = _connect(site)
	try:
		from crm_suite.call_centre.simulate import customer_numbers, deliveries, sim_config
		from crm_suite.engine import call_sim

		config = sim_config(customer_numbers())
		sims = []
		d = day
		while len(sims) < calls:
			sims += call_sim.simulate(config, d, 1, seed)
			d += timedelta(days=1)
		sims = sims[:calls]
		bodies = []
		for _at, b in deliveries(sims, day):
			body = json.loads(b)
			body["call_id"] = f"{run_id}-{body['call_id']}"
			body["event_id"] = f"{run_id}-{body['event_id']}"
			bodies.append(json.dumps(body, separators=(",", ":")).encode())
		return bodies, sims
	finally:
		frappe.destroy()


class Sender:
	def __init__(self, url: str, host: str, secret: str, token: str):
		self.url, self.host, self.secret, self.token = url.rstrip("/"), host, secret, token
		self.local = threading.local()

	@property
	def session(self):
		import requests

		if not hasattr(self.local, "s"):
			self.local.s = requests.Session()
		return self.local.s

	def ours(self, body: bytes):
		from crm_suite.engine import telephony as tel

		ts = str(int(time.time()))
		headers = {
			"Host": self.host,
			"Content-Type": "application/json",
			tel.GENERIC_TS_HEADER: ts,
			tel.GENERIC_SIG_HEADER: tel.sign(self.secret, ts, body),
		}
		return self.session.post(
			self.url + OURS_PATH.format(provider=PROVIDER), data=body, headers=headers, timeout=120
		)

	def baseline(self, doc: dict):
		headers = {"Host": self.host, "Authorization": f"token {self.token}", "Accept": "application/json"}
		return self.session.post(self.url + BASE_PATH, json={"doc": doc}, headers=headers, timeout=120)


def run_batch(clients: int, jobs: list, send) -> dict:
	lock = threading.Lock()
	latencies: list[float] = []
	errors: list[str] = []
	queue = list(reversed(jobs))

	def worker():
		while True:
			with lock:
				if not queue:
					return
				job = queue.pop()
			t = time.perf_counter()
			try:
				r = send(job)
				ok, detail = r.status_code == 200, f"{r.status_code}: {r.text[:200]}"
			except Exception as e:
				ok, detail = False, repr(e)[:200]
			elapsed = time.perf_counter() - t
			with lock:
				latencies.append(elapsed)
				if not ok:
					errors.append(detail)

	threads = [threading.Thread(target=worker) for _ in range(clients)]
	start = time.perf_counter()
	for th in threads:
		th.start()
	for th in threads:
		th.join()
	return {"wall": time.perf_counter() - start, "latencies": latencies, "errors": errors}


def baseline_docs(run_id: str, n: int, rng: random.Random, start: int) -> list[dict]:
	return [
		{
			"doctype": "Call Log",
			"id": f"{run_id}-base-{start + i}",
			"from": f"+4930{rng.randrange(10**7, 10**8)}",
			"to": "+493010000",
			"type": "Incoming",
			"status": "Ringing",
			"medium": "+493010000",
		}
		for i in range(n)
	]


def side_summary(batches: list[dict]) -> dict:
	lat = sorted(x for b in batches for x in b["latencies"])
	rates = [len(b["latencies"]) / b["wall"] for b in batches]
	return {
		"requests": len(lat),
		"per_second_median": round(statistics.median(rates), 1),
		"per_second_rounds": [round(r, 1) for r in rates],
		"p50_ms": round(percentile(lat, 50) * 1000, 1),
		"p95_ms": round(percentile(lat, 95) * 1000, 1),
		"max_ms": round(lat[-1] * 1000, 1),
		"errors": sum(len(b["errors"]) for b in batches),
		"error_samples": [e for b in batches for e in b["errors"]][:5],
	}


def check(site: str, bodies: list[bytes]) -> dict:
	"""Call Logs per call and how many match the in-order fold of their events."""
	frappe = _connect(site)
	try:
		from crm_suite.call_centre.webhook import CALL_LOG_STATUS, _local
		from crm_suite.engine import telephony as tel

		by_call: dict[str, list] = {}
		for b in bodies:
			for e in tel.parse("generic", {}, b, "application/json"):
				by_call.setdefault(e.call_id, []).append(e)
		ids = list(by_call)
		rows = {
			r.name: r
			for r in frappe.db.sql(
				"""select name, status, crms_abandoned, crms_voicemail, crms_wait_seconds, crms_talk_seconds,
					crms_hold_seconds, crms_event_count, start_time from `tabCall Log` where name in %(ids)s""",
				{"ids": ids},
				as_dict=True,
			)
		}
		events = dict(
			frappe.db.sql(
				"select call_id, count(*) from `tabCRMS Call Event` where call_id in %(ids)s group by call_id",
				{"ids": ids},
			)
		)
		correct, wrong = 0, []
		for call_id, evs in by_call.items():
			rec = tel.fold(sorted(evs, key=lambda e: e.at))
			row = rows.get(call_id)
			want = (
				CALL_LOG_STATUS[rec.status],
				int(rec.abandoned),
				int(rec.voicemail),
				round(rec.wait_seconds or 0),
				round(rec.talk_seconds or 0),
				round(rec.hold_seconds or 0),
				rec.event_count,
				_local(rec.ring_at),
			)
			got = (
				(
					row.status,
					row.crms_abandoned,
					row.crms_voicemail,
					row.crms_wait_seconds,
					row.crms_talk_seconds,
					row.crms_hold_seconds,
					row.crms_event_count,
					row.start_time,
				)
				if row
				else None
			)
			if got == want and events.get(call_id) == rec.event_count:
				correct += 1
			elif len(wrong) < 5:
				wrong.append({"call": call_id, "want": str(want), "got": str(got)})
		return {
			"calls": len(ids),
			"call_logs": len(rows),
			"correct": correct,
			"events_distinct": sum(len({e.event_id for e in v}) for v in by_call.values()),
			"events_stored": int(sum(events.values())),
			"wrong_samples": wrong,
		}
	finally:
		frappe.destroy()


def main(argv=None) -> dict:
	p = argparse.ArgumentParser()
	p.add_argument("--site", required=True)
	p.add_argument("--url", default="http://127.0.0.1:8051")
	p.add_argument("--requests", type=int, default=500)
	p.add_argument("--rounds", type=int, default=3)
	p.add_argument("--warmup", type=int, default=60)
	p.add_argument("--clients", type=int, default=20)
	p.add_argument("--calls", type=int, default=150, help="calls in the 3x replay / shuffle check")
	p.add_argument("--seed", type=int, default=21)
	p.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "call_ingest.json"))
	args = p.parse_args(argv)

	from crm_suite.benchmarks.intake import served

	started = time.time()
	load_before = os.getloadavg()
	fixtures = prepare(args.site)
	run_id = "B" + uuid.uuid4().hex[:6]
	need = args.warmup + args.requests * args.rounds
	bodies, _ = sim_bodies(args.site, run_id, max(50, need // 4 + 50), args.seed, datetime(2026, 11, 2))
	bodies = bodies[:need]
	rng = random.Random(args.seed)
	frappe_site = args.site

	_connect(frappe_site)  # served() reads the bench path from frappe
	import frappe

	with served(args.url, args.site) as server:
		frappe.destroy()
		sender = Sender(args.url, args.site, fixtures["secret"], fixtures["token"])
		run_batch(args.clients, bodies[: args.warmup], sender.ours)
		run_batch(args.clients, baseline_docs(run_id, args.warmup, rng, 0), sender.baseline)
		ours, base = [], []
		offset = args.warmup
		for r, order in enumerate(interleaved_order(["ours", "baseline"], args.rounds)):
			for which in order:
				if which == "ours":
					chunk = bodies[offset + r * args.requests : offset + (r + 1) * args.requests]
					ours.append(run_batch(args.clients, chunk, sender.ours))
				else:
					docs = baseline_docs(run_id, args.requests, rng, (r + 1) * 100_000)
					base.append(run_batch(args.clients, docs, sender.baseline))
		# correctness: 3x replay, shuffled, concurrent
		check_bodies, _ = sim_bodies(
			frappe_site, run_id + "R", args.calls, args.seed + 1, datetime(2026, 11, 9)
		)
		stream = check_bodies * 3
		random.Random(args.seed).shuffle(stream)
		replay = run_batch(args.clients, stream, sender.ours)
	correctness = check(frappe_site, check_bodies)
	o, b = side_summary(ours), side_summary(base)
	result = {
		"benchmark": "call_ingest",
		"finished": datetime.now().isoformat(timespec="seconds"),
		"machine": machine_info(),
		"versions": versions(),
		"load_average_before": [round(x, 2) for x in load_before],
		"load_average_after": [round(x, 2) for x in os.getloadavg()],
		"site": args.site,
		"server": server,
		"url": args.url,
		"run_id": run_id,
		"clients": args.clients,
		"rounds": args.rounds,
		"requests_per_side_per_round": args.requests,
		"ours": {"what": "webhook.receive, one signed generic event per request", **o},
		"baseline": {"what": "frappe.client.insert of a Call Log", **b},
		"ratio_per_second": round(o["per_second_median"] / b["per_second_median"], 2),
		"ratio_p95": round(o["p95_ms"] / b["p95_ms"], 2),
		"replay_shuffle": {
			"deliveries": len(stream),
			"http_errors": len(replay["errors"]),
			"seconds": round(replay["wall"], 1),
			**correctness,
			"ok": correctness["correct"] == correctness["calls"] == correctness["call_logs"]
			and correctness["events_stored"] == correctness["events_distinct"],
		},
		"seconds_total": round(time.time() - started, 1),
	}
	Path(args.out).parent.mkdir(parents=True, exist_ok=True)
	Path(args.out).write_text(json.dumps(result, indent=1, default=str) + "\n")
	print(
		json.dumps(
			{k: result[k] for k in ("ours", "baseline", "ratio_per_second", "replay_shuffle")}, indent=1
		)
	)
	return result


if __name__ == "__main__":
	main()
