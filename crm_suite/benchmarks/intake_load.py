"""Load test of the REST intake: nothing lost, nothing duplicated, every ticket with a policy and a team.

Against a served site (see `crm_suite/benchmarks/intake.py` for the gunicorn command and the fixtures:
default SLA policy, a team with three agents, a catch-all ticket rule), `clients` threads send
`tickets` tickets, each with its own idempotency key, the way a careful client does:

- a timeout, connection error or 5xx is retried with the same key and payload (up to `retries` times);
- every `timeout_every`-th first attempt uses a tiny client timeout (`short_timeout` s), so the client
  gives up while the server is still working and the retry races the first insert;
- `duplicate_share` of the keys are sent a second time after success, half of them from another
  thread at once (concurrent duplicates), and must return the same ticket name.

Afterwards, by SQL over the run's keys: rows, distinct keys, keys sent; lost = sent keys without a row,
duplicated = rows - distinct keys; rows without crms_sla_policy or crms_team. Then bad payloads
(missing subject, wrong types, unknown field, unknown customer, bad email, a 2 MB body): each must get
a 4xx and leave no row. Run:

    bench --site h4.localhost crm-suite benchmark intake_load --option tickets=10000 \
        --option url=http://127.0.0.1:8041
"""

from __future__ import annotations

import random
import threading
import time
import uuid

from crm_suite.benchmarks.intake import OURS, Client, prepare_site, served, ticket_payload
from crm_suite.engine.benchstats import percentile


def run(site: str, baseline_site: str | None, rounds: int, **options) -> dict:
	import frappe

	url = options.get("url", "http://127.0.0.1:8041")
	host = options.get("host", site)
	total = int(options.get("tickets", 10_000))
	clients = int(options.get("clients", 20))
	retries = int(options.get("retries", 6))
	timeout = float(options.get("timeout", 30))
	short_timeout = float(options.get("short_timeout", 0.05))
	timeout_every = int(options.get("timeout_every", 50))
	duplicate_share = float(options.get("duplicate_share", 0.03))
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		fixtures = prepare_site()
	finally:
		frappe.destroy()
	with served(url, host) as server:
		result = _load(
			url,
			host,
			fixtures,
			total,
			clients,
			retries,
			timeout,
			short_timeout,
			timeout_every,
			duplicate_share,
			options,
		)
	return {"site": site, "server": server, **result}


def _load(
	url,
	host,
	fixtures,
	total,
	clients,
	retries,
	timeout,
	short_timeout,
	timeout_every,
	duplicate_share,
	options,
):
	site = host
	client = Client(url, host, fixtures["token"], timeout=timeout)
	run_id = uuid.uuid4().hex[:8]
	prefix = f"load-{run_id}-"
	rng = random.Random(int(options.get("seed", 5)))
	payloads = [ticket_payload(rng, fixtures["customer_emails"], f"{prefix}{i}") for i in range(total)]
	duplicates = set(rng.sample(range(total), int(total * duplicate_share)))

	lock = threading.Lock()
	stats = {"attempts": 0, "retries": 0, "short_timeouts": 0, "gave_up": 0, "status": {}}
	names: dict[str, str] = {}
	mismatched: list[str] = []
	latencies: list[float] = []
	errors: list[str] = []

	def send(payload: dict, short: bool = False) -> str | None:
		"""POST until a 2xx/4xx; returns the ticket name (None when every retry failed)."""
		for attempt in range(retries + 1):
			t = time.perf_counter()
			try:
				response = client.post(
					OURS, payload, timeout=short_timeout if short and attempt == 0 else None
				)
				status = response.status_code
			except Exception as e:
				response, status = None, type(e).__name__
			elapsed = time.perf_counter() - t
			with lock:
				stats["attempts"] += 1
				stats["retries"] += attempt > 0
				stats["short_timeouts"] += short and attempt == 0 and response is None
				stats["status"][str(status)] = stats["status"].get(str(status), 0) + 1
				if response is not None and status == 200:
					latencies.append(elapsed)
				elif response is not None and len(errors) < 20:
					errors.append(f"{status}: {response.text[:400]}")
			if response is not None and status < 500:
				return response.json().get("message", {}).get("name") if status == 200 else None
			time.sleep(min(2.0, 0.1 * 2**attempt))
		with lock:
			stats["gave_up"] += 1
		return None

	def record(key: str, name: str | None) -> None:
		with lock:
			if name and names.setdefault(key, name) != name:
				mismatched.append(key)

	work = list(range(total))
	work_lock = threading.Lock()
	sent: list[int] = []
	max_seconds = float(options.get("max_seconds", 0))  # a time budget: no new tickets after it

	def worker(index: int) -> None:
		while True:
			with work_lock:
				if not work or (max_seconds and time.perf_counter() - start > max_seconds):
					return
				i = work.pop()
				sent.append(i)
			payload = payloads[i]
			key = payload["idempotency_key"]
			if i in duplicates and i % 2:
				# concurrent duplicate: a second thread sends the same key at the same moment
				other = threading.Thread(target=lambda p=payload, k=key: record(k, send(p)))
				other.start()
				record(key, send(payload, short=i % timeout_every == 0))
				other.join()
			else:
				record(key, send(payload, short=i % timeout_every == 0))
				if i in duplicates:
					record(key, send(payload))

	start = time.perf_counter()
	threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
	for th in threads:
		th.start()
	for th in threads:
		th.join()
	wall = time.perf_counter() - start
	bad = bad_payloads(client, prefix, fixtures)
	counts = count_rows(site, prefix, {payloads[i]["idempotency_key"] for i in sent})
	ordered = sorted(latencies)
	return {
		"url": url,
		"run_id": run_id,
		"clients": clients,
		"tickets_planned": total,
		"tickets_sent": len(sent),
		"stopped_by_time_budget": len(sent) < total,
		"duplicate_keys_sent_twice": len(duplicates & set(sent)),
		"client_retries_allowed": retries,
		"short_timeout_seconds": short_timeout,
		"short_timeout_every": timeout_every,
		"attempts": stats["attempts"],
		"retried_attempts": stats["retries"],
		"short_timeouts_hit": stats["short_timeouts"],
		"gave_up": stats["gave_up"],
		"status_counts": stats["status"],
		"error_samples": errors,
		"seconds": round(wall, 1),
		"tickets_per_second": round(len(sent) / wall, 1),
		"p50_ms": round(percentile(ordered, 50) * 1000, 1) if ordered else None,
		"p95_ms": round(percentile(ordered, 95) * 1000, 1) if ordered else None,
		"duplicate_sends_with_other_name": len(mismatched),
		**counts,
		"bad_payloads": bad,
		"ok": (
			counts["lost"] == 0
			and counts["duplicated"] == 0
			and counts["without_sla_policy"] == 0
			and counts["without_team"] == 0
			and not mismatched
			and all(b["ok"] for b in bad)
		),
	}


def count_rows(site: str, prefix: str, sent: set[str]) -> dict:
	"""By SQL: rows and distinct keys for this run, lost and duplicated keys, missing policy / team."""
	import frappe

	frappe.init(site=site)
	frappe.connect()
	try:
		like = prefix.replace("_", "\\_") + "%"
		rows, distinct, no_policy, no_team = frappe.db.sql(
			"""select count(*), count(distinct crms_idempotency_key),
				sum(ifnull(crms_sla_policy, '') = ''), sum(ifnull(crms_team, '') = '')
			from tabIssue where crms_idempotency_key like %s""",
			like,
		)[0]
		stored = set(
			frappe.db.sql_list(
				"select crms_idempotency_key from tabIssue where crms_idempotency_key like %s", like
			)
		)
		assigned = frappe.db.sql(
			"""select count(distinct t.reference_name) from tabToDo t join tabIssue i on i.name = t.reference_name
			where t.reference_type = 'Issue' and i.crms_idempotency_key like %s""",
			like,
		)[0][0]
	finally:
		frappe.destroy()
	return {
		"keys_sent": len(sent),
		"rows": int(rows),
		"distinct_keys": int(distinct),
		"lost": len(sent - stored),
		"unexpected": len(stored - sent),
		"duplicated": int(rows) - int(distinct),
		"without_sla_policy": int(no_policy or 0),
		"without_team": int(no_team or 0),
		"assigned_to_an_agent": int(assigned),
	}


def bad_payloads(client: Client, prefix: str, fixtures: dict) -> list[dict]:
	"""Each bad payload must get a 4xx; the caller's SQL count shows none of them left a row."""
	cases = {
		"missing subject": {"description": "no subject"},
		"empty subject": {"subject": "  "},
		"subject is a number": {"subject": 12345},
		"subject is a list": {"subject": ["a", "b"]},
		"impact is an object": {"subject": "ok", "impact": {"x": 1}},
		"unknown customer": {"subject": "ok", "customer": "_No Such Customer 9f8e"},
		"bad email": {"subject": "ok", "raised_by": "not-an-email"},
		"unknown channel": {"subject": "ok", "channel": "Pigeon"},
		"2 MB description": {"subject": "ok", "description": "x" * (2 * 1024 * 1024)},
	}
	out = []
	for i, (label, payload) in enumerate(cases.items()):
		key = f"{prefix}bad-{i}"
		try:
			response = client.post(OURS, {**payload, "idempotency_key": key})
			status = response.status_code
		except Exception as e:
			status = type(e).__name__
		out.append({"case": label, "status": status, "key": key})
	import frappe

	frappe.init(site=client.headers["Host"])
	frappe.connect()
	try:
		saved = set(
			frappe.db.sql_list(
				"select crms_idempotency_key from tabIssue where crms_idempotency_key in %s",
				([c["key"] for c in out],),
			)
		)
	finally:
		frappe.destroy()
	for c in out:
		c["saved"] = c["key"] in saved
		c["ok"] = isinstance(c["status"], int) and 400 <= c["status"] < 500 and not c["saved"]
	return out
