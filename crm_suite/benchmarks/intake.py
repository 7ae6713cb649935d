"""REST ticket intake over HTTP: `crm_suite.api.tickets.create` against ERPNext's `frappe.client.insert`.

Needs the site served like production, e.g. from the bench's sites folder:

    ../env/bin/gunicorn -b 127.0.0.1:8041 -w 4 -t 120 frappe.app:application --preload

plus its Redis cache / queue (and `bench worker` for enqueued jobs). The benchmark process prepares the
site (committed, idempotent, names start with "_Bench Intake"): a Support Team user with an API key, a
service team with three agents, a default CRMS SLA Policy, a catch-all CRMS Ticket Rule, and customers
with a contact each, whose emails half the tickets come from. Then, `rounds` times, ABBA ordered, after
a warm-up per side, `tickets` requests per side from `clients` threads (one keep-alive requests.Session
each), every request timed:

- ours: POST /api/method/crm_suite.api.tickets.create with subject, description, raised_by and a fresh
  idempotency key (validate, match contact / customer, classify, prioritise, route and assign, SLA);
- baseline: POST /api/method/frappe.client.insert of an Issue with the same subject and description,
  same user, same HTTP stack and concurrency. Without raised_by, so crm_suite's intake hooks step aside
  (its Issue validate SLA hook still runs: it is the same site).

Reported per side: tickets/s (requests / wall time of a round; median over rounds), p50 / p95 / max
latency over all timed requests, errors; and the ratios ours / baseline. The tickets stay on the site
(the load test counts its own by idempotency key prefix).
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
import uuid
from contextlib import contextmanager

from crm_suite.engine.benchstats import interleaved_order, percentile

GOAL_TPS = 50.0
GOAL_P95_MS = 500.0
PREFIX = "_Bench Intake"
USER = "intake-bench@crm-suite.invalid"
AGENTS = tuple(f"intake-agent-{i}@crm-suite.invalid" for i in range(1, 4))
CUSTOMERS = 40
OURS = "crm_suite.api.tickets.create"
BASELINE = "frappe.client.insert"
WORDS = (
	"invoice refund delivery login password broken screen order missing charged twice cannot access app "
	"slow payment card shipping address warranty replacement damaged"
).split()


# ------------------------------------------------------------------------------------------------
# Site preparation (runs in the bench process, commits)


def prepare_site() -> dict:
	"""Idempotent fixtures for the HTTP benchmarks; returns the API credentials and customer emails."""
	import frappe

	for email in (USER, *AGENTS):
		_user(email)
	team = f"{PREFIX} Team"
	if not frappe.db.exists("CRMS Service Team", team):
		frappe.get_doc(
			{
				"doctype": "CRMS Service Team",
				"team_name": team,
				"members": [{"user": a, "capacity": 100_000} for a in AGENTS],
			}
		).insert(ignore_permissions=True)
	for priority in ("Low", "Medium", "High"):
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	policy = f"{PREFIX} SLA"
	if not frappe.db.exists("CRMS SLA Policy", policy):
		frappe.get_doc(
			{
				"doctype": "CRMS SLA Policy",
				"policy_name": policy,
				"is_default": 1,
				"sort_order": 9999,
				"response_hours": 4,
				"resolution_hours": 24,
				"time_zone": "UTC",
			}
		).insert(ignore_permissions=True)
	# a rule needs a condition: one per channel makes the catch-all
	from crm_suite.setup.fields.service_desk_intake import CHANNELS

	rule = f"{PREFIX} Catch-all"
	for channel in CHANNELS:
		if not frappe.db.exists("CRMS Ticket Rule", f"{rule} {channel}"):
			frappe.get_doc(
				{
					"doctype": "CRMS Ticket Rule",
					"rule_name": f"{rule} {channel}",
					"rule_order": 9999,
					"channel": channel,
					"team": team,
				}
			).insert(ignore_permissions=True)
	emails = []
	for i in range(1, CUSTOMERS + 1):
		name = f"{PREFIX} Customer {i:03d}"
		email = f"intake-customer-{i:03d}@example.com"
		emails.append(email)
		if frappe.db.exists("Customer", name):
			continue
		customer = frappe.get_doc(
			{"doctype": "Customer", "customer_name": name, "customer_type": "Company"}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": f"Intake {i:03d}",
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer.name}],
			}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", USER)
	secret = frappe.generate_hash(length=15)
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	frappe.db.commit()
	from crm_suite.service_desk.sla import clear_policy_cache

	clear_policy_cache()
	return {
		"token": f"{user.api_key}:{secret}",
		"customer_emails": emails,
		"team": team,
		"policy": policy,
		"rule": rule,
	}


def _user(email: str) -> None:
	import frappe

	if frappe.db.exists("User", email):
		return
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": email.split("@")[0],
			"send_welcome_email": 0,
			"user_type": "System User",
			"roles": [{"role": "Support Team"}],
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)


# ------------------------------------------------------------------------------------------------
# HTTP server and client


@contextmanager
def served(url: str, host: str, workers: int = 4):
	"""The site answering at `url`: an already running server, else gunicorn started for the run."""
	import subprocess

	import frappe

	if _answers(url, host):
		yield "already running"
		return
	port = url.rsplit(":", 1)[-1].strip("/")
	bench = os.path.abspath(frappe.utils.get_bench_path())
	cmd = [
		os.path.join(bench, "env", "bin", "gunicorn"),
		f"-b127.0.0.1:{port}",
		f"-w{workers}",
		"-t120",
		"--preload",
		"frappe.app:application",
	]
	log = open(os.path.join(bench, "logs", "crm_suite_intake_bench.log"), "ab")
	proc = subprocess.Popen(cmd, cwd=os.path.join(bench, "sites"), stdout=log, stderr=log)
	try:
		for _ in range(120):
			if _answers(url, host):
				break
			time.sleep(0.5)
		else:
			raise RuntimeError(f"gunicorn did not answer on {url} (see logs/crm_suite_intake_bench.log)")
		yield " ".join(cmd[1:])
	finally:
		proc.terminate()
		proc.wait(timeout=60)
		log.close()


def _answers(url: str, host: str) -> bool:
	import requests

	try:
		return requests.get(f"{url}/api/method/ping", headers={"Host": host}, timeout=3).status_code == 200
	except requests.RequestException:
		return False


class Client:
	"""One site over HTTP: base URL (127.0.0.1:port) plus the Host header that picks the site."""

	def __init__(self, url: str, host: str, token: str, timeout: float = 30.0):
		self.url = url.rstrip("/")
		self.headers = {"Host": host, "Authorization": f"token {token}", "Accept": "application/json"}
		self.timeout = timeout
		self._local = threading.local()

	@property
	def session(self):
		import requests

		if not hasattr(self._local, "session"):
			self._local.session = requests.Session()
		return self._local.session

	def post(self, method: str, payload: dict, timeout: float | None = None):
		return self.session.post(
			f"{self.url}/api/method/{method}",
			json=payload,
			headers=self.headers,
			timeout=timeout or self.timeout,
		)


def ticket_payload(rng: random.Random, emails: list[str], key: str) -> dict:
	words = rng.sample(WORDS, 4)
	email = rng.choice(emails) if rng.random() < 0.5 else f"walkin-{rng.randrange(10**9)}@example.org"
	return {
		"subject": " ".join(words[:3]).capitalize(),
		"description": " ".join(rng.choice(WORDS) for _ in range(30)),
		"raised_by": email,
		"channel": "App",
		"idempotency_key": key,
	}


def baseline_payload(ticket: dict) -> dict:
	return {"doc": {"doctype": "Issue", "subject": ticket["subject"], "description": ticket["description"]}}


def run_batch(clients: int, jobs: list, send) -> dict:
	"""Run `send(job)` over `jobs` from `clients` threads; latencies (s), errors and wall time."""
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
				response = send(job)
				ok = response.status_code == 200
				detail = f"{response.status_code}: {response.text[:200]}"
			except Exception as e:  # a client-side failure counts as an error, not a crash
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


# ------------------------------------------------------------------------------------------------
# The benchmark


def run(site: str, baseline_site: str | None, rounds: int, **options) -> dict:
	import frappe

	url = options.get("url", "http://127.0.0.1:8041")
	host = options.get("host", site)
	tickets = int(options.get("tickets", 400))
	clients = int(options.get("clients", 20))
	warmup = int(options.get("warmup", 60))
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		fixtures = prepare_site()
	finally:
		frappe.destroy()
	with served(url, host) as server:
		result = _measure(url, host, fixtures, tickets, clients, warmup, rounds, options)
	return {"site": site, "server": server, **result}


def _measure(url, host, fixtures, tickets, clients, warmup, rounds, options) -> dict:
	client = Client(url, host, fixtures["token"])
	rng = random.Random(int(options.get("seed", 11)))
	run_id = uuid.uuid4().hex[:8]
	counter = iter(range(10**9))

	def jobs(n: int) -> list[dict]:
		return [
			ticket_payload(rng, fixtures["customer_emails"], f"bench-{run_id}-{next(counter)}")
			for _ in range(n)
		]

	sides = {
		"crm_suite": lambda job: client.post(OURS, job),
		"baseline": lambda job: client.post(BASELINE, baseline_payload(job)),
	}
	check = client.post(OURS, jobs(1)[0])
	if check.status_code != 200:
		raise RuntimeError(f"intake endpoint failed: {check.status_code} {check.text[:500]}")
	for send in sides.values():
		run_batch(clients, jobs(warmup), send)
	per_side: dict[str, dict] = {s: {"tps": [], "latencies": [], "errors": []} for s in sides}
	for order in interleaved_order(list(sides), max(1, rounds)):
		for side in order:
			result = run_batch(clients, jobs(tickets), sides[side])
			per_side[side]["tps"].append(tickets / result["wall"])
			per_side[side]["latencies"].extend(result["latencies"])
			per_side[side]["errors"].extend(result["errors"])
	summary = {side: _summary(data) for side, data in per_side.items()}
	ours, base = summary["crm_suite"], summary["baseline"]
	return {
		"url": url,
		"clients": clients,
		"tickets_per_side_per_round": tickets,
		"rounds": rounds,
		"warmup_per_side": warmup,
		"ours_endpoint": OURS,
		"baseline_endpoint": BASELINE + " (Issue, no raised_by)",
		"crm_suite": ours,
		"baseline": base,
		"ratio_tps": round(ours["tps_median"] / base["tps_median"], 3),
		"ratio_p50": round(ours["p50_ms"] / base["p50_ms"], 3),
		"ratio_p95": round(ours["p95_ms"] / base["p95_ms"], 3),
		"goal_tps": GOAL_TPS,
		"goal_p95_ms": GOAL_P95_MS,
		"meets_goal": ours["tps_median"] >= GOAL_TPS and ours["p95_ms"] < GOAL_P95_MS,
	}


def _summary(data: dict) -> dict:
	ordered = sorted(data["latencies"])
	return {
		"requests": len(ordered),
		"tps_per_round": [round(x, 1) for x in data["tps"]],
		"tps_median": round(statistics.median(data["tps"]), 1),
		"p50_ms": round(percentile(ordered, 50) * 1000, 1),
		"p95_ms": round(percentile(ordered, 95) * 1000, 1),
		"max_ms": round(ordered[-1] * 1000, 1),
		"errors": len(data["errors"]),
		"error_samples": data["errors"][:5],
	}


def profile(n: int = 200, path: str | None = None) -> str:
	"""pyinstrument profile of `n` intake calls in this process (bench execute), rolled back."""
	import frappe
	from pyinstrument import Profiler

	from crm_suite.service_desk.intake import create_ticket

	fixtures = prepare_site()
	rng = random.Random(3)
	payloads = [ticket_payload(rng, fixtures["customer_emails"], f"profile-{i}") for i in range(n)]
	frappe.set_user(USER)
	profiler = Profiler(interval=0.0005)
	profiler.start()
	for p in payloads:
		key = p.pop("idempotency_key") + uuid.uuid4().hex[:6]
		channel = p.pop("channel")
		create_ticket(p, channel, key)
	profiler.stop()
	frappe.db.rollback()
	frappe.set_user("Administrator")
	text = profiler.output_text(unicode=False, color=False, show_all=False)
	if path:
		with open(path, "w") as f:
			f.write(text)
	return text
