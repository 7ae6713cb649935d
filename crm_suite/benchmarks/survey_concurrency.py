"""Survey answers under concurrency over HTTP: a token counts once, and no answer is lost.

Needs the site served like production (several gunicorn workers and threads), e.g. from sites/:

    ../env/bin/gunicorn -b 127.0.0.1:8061 -w 4 --threads 4 -t 120 frappe.app:application --preload

and the per-IP page budget raised for the run (all requests come from one address):
`bench --site <site> set-config crms_survey_rate_limit 100000` (remove it afterwards).

    bench --site <site> execute crm_suite.benchmarks.survey_concurrency.run \
        --kwargs "{'base_url': 'http://<site>:8061', 'surveys': 200, 'copies': 5}"

It commits `surveys` NPS survey rows for one bench customer (tokens from engine/survey_tokens.py, only
their hashes stored), then POSTs every token `copies` times with different ratings, all at once from
`clients` threads (one requests.Session each, shuffled order, started together by a barrier). Counted:
answers recorded per survey (must be exactly 1), "thank you" pages (must equal `surveys`), "already
answered" pages (the rest), other statuses. The rows and their follow-up ToDos are deleted afterwards.
"""

from __future__ import annotations

import random
import threading
import time

import frappe
from frappe.utils import add_days, now_datetime

from crm_suite.engine import survey_tokens as tokens
from crm_suite.engine.benchstats import percentile
from crm_suite.service_desk import surveys

CUSTOMER = "_Bench Survey Customer"


def _customer() -> str:
	if not frappe.db.exists("Customer", CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": CUSTOMER,
				"customer_type": "Company",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			}
		).insert(ignore_permissions=True)
	return CUSTOMER


def _prepare(n: int) -> list[tuple[str, str]]:
	"""n committed NPS survey rows; returns (row name, token)."""
	customer = _customer()
	out = []
	for _i in range(n):
		token, record = tokens.issue_token(tokens.NPS, customer, now_datetime(), surveys.pepper())
		doc = frappe.get_doc(
			{
				"doctype": surveys.DOCTYPE,
				"survey_type": "NPS",
				"customer": customer,
				"email": "bench-survey@crm-suite.invalid",
				"token_hash": record.token_hash,
				"sent_on": record.issued_on,
				"expires_on": add_days(record.issued_on, 1),
			}
		).insert(ignore_permissions=True)
		out.append((doc.name, token))
	frappe.db.commit()
	return out


def _cleanup(names: list[str]) -> None:
	frappe.db.delete("ToDo", {"reference_type": surveys.DOCTYPE, "reference_name": ("in", names)})
	frappe.db.delete(surveys.DOCTYPE, {"name": ("in", names)})
	frappe.db.commit()


def run(base_url: str, surveys_: int | None = None, copies: int = 5, clients: int = 50, **kwargs) -> dict:
	import requests

	n = int(kwargs.get("surveys") or surveys_ or 200)
	rows = _prepare(n)
	jobs = [(name, token, random.randint(0, 10)) for name, token in rows for _c in range(copies)]
	random.Random(7).shuffle(jobs)
	customer = CUSTOMER
	results: list[tuple[str, str, int, float]] = []  # (row, outcome, http status, seconds)
	lock = threading.Lock()
	barrier = threading.Barrier(clients)
	per_client = [jobs[i::clients] for i in range(clients)]

	def client(batch):
		session = requests.Session()
		barrier.wait()
		for name, token, score in batch:
			started = time.perf_counter()
			try:
				r = session.post(
					base_url + "/survey",
					data={"t": token, "ref": customer, "r": str(score), "_lang": "en"},
					timeout=120,
				)
				body, status = r.text, r.status_code
			except requests.RequestException as e:
				body, status = str(e), 0
			took = time.perf_counter() - started
			if "crms-survey-thanks" in body:
				outcome = "recorded"
			elif "already been answered" in body:
				outcome = "already"
			else:
				outcome = "other"
			with lock:
				results.append((name, outcome, status, took))

	wall = time.perf_counter()
	threads = [threading.Thread(target=client, args=(b,)) for b in per_client]
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	wall = time.perf_counter() - wall

	names = [name for name, _t in rows]
	frappe.db.rollback()
	answered = dict(
		frappe.db.sql(
			"select name, score from `tabCRMS Survey Response` where name in %(names)s and used_on is not null",
			{"names": names},
		)
	)
	recorded = [r for r in results if r[1] == "recorded"]
	recorded_per_row: dict[str, int] = {}
	for r in recorded:
		recorded_per_row[r[0]] = recorded_per_row.get(r[0], 0) + 1
	latencies = sorted(r[3] * 1000 for r in results)
	report = {
		"surveys": n,
		"submissions": len(jobs),
		"clients": clients,
		"wall_seconds": round(wall, 2),
		"submissions_per_second": round(len(jobs) / wall, 1),
		"p50_ms": round(percentile(latencies, 50), 1),
		"p95_ms": round(percentile(latencies, 95), 1),
		"answered_in_db": len(answered),
		"thank_you_pages": len(recorded),
		"already_answered_pages": sum(1 for r in results if r[1] == "already"),
		"other_pages": sum(1 for r in results if r[1] == "other"),
		"http_statuses": sorted({r[2] for r in results}),
		"rows_recorded_twice": sum(1 for c in recorded_per_row.values() if c > 1),
		"lost": n - len(answered),
		"follow_ups": frappe.db.count(
			"ToDo", {"reference_type": surveys.DOCTYPE, "reference_name": ("in", names)}
		),
		"low_scores": sum(1 for s in answered.values() if s is not None and s <= 6),
	}
	report["ok"] = (
		report["answered_in_db"] == n
		and report["thank_you_pages"] == n
		and report["rows_recorded_twice"] == 0
		and report["other_pages"] == 0
		and report["follow_ups"] == report["low_scores"]
	)
	_cleanup(names)
	print(report)
	return report
