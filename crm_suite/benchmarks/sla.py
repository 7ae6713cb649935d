"""SLA re-evaluation of N open tickets: our set-based job against ERPNext's per-document SLA computation.

Inside one transaction that is rolled back at the end: a Holiday List and a CRMS SLA Policy (Monday to
Friday 09:00-17:00 in the system time zone, targets per Issue Priority), and N open Issues written with
`frappe.db.bulk_insert` (starts spread over the past ten days, a third already answered). Then, in one
process:

- ours: `reevaluate_open_tickets(now)` (one query loads every open ticket, the engine evaluates them
  in memory, chunked UPDATE ... CASE writes them back), `rounds` times, `now` five minutes later each
  round, at 11:00 on a weekday (working time, so every running clock moves and every ticket is
  written each round); the first round also fills fields that were empty;
- ERPNext: what its SLA does per document, on a sample: `frappe.get_doc("Issue", name)`, then its
  own `set_response_by`, `set_resolution_by` and `update_agreement_status` from
  erpnext/support/doctype/service_level_agreement/service_level_agreement.py with the same working
  hours and holidays, then `doc.db_update()` (the cheapest write: no hooks, no Version, no SLA lookup;
  a lower bound on what a save costs), extrapolated to N. Also reported without the write.

Reported: seconds for N tickets on each side, the ratios (goal >= 10, like for like: both load,
compute and write back), and whether both give identical response and resolution due times for
every sampled ticket. Escalation fan-out is excluded (tickets
are inserted at level 3): it costs per escalating ticket, once per level, not per evaluation.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

GOAL = 10.0
TARGETS = {"Low": (8, 40), "Medium": (4, 24), "High": (1, 8)}  # hours: response, resolution
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
HOLIDAYS = 2  # two weekdays in the window are holidays


def run(site: str, baseline_site: str | None, rounds: int, **options) -> dict:
	import frappe

	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		n = int(options.get("tickets", 10000))
		sample = min(n, int(options.get("sample", 300)))
		seed = int(options.get("seed", 7))
		return _run(n, sample, max(1, int(rounds)), seed)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def _run(n: int, sample: int, rounds: int, seed: int) -> dict:
	import frappe
	from frappe.utils import now_datetime

	from crm_suite.service_desk.sla import clear_policy_cache, reevaluate_open_tickets

	rng = random.Random(seed)
	# a weekday at 11:00 (site time): inside working hours, so every round moves every running clock
	now = now_datetime().replace(hour=11, minute=0, second=0, microsecond=0) - timedelta(days=1)
	while now.weekday() >= 5:
		now -= timedelta(days=1)
	holiday_list, holidays = _holiday_list(now)
	policy = _policy(holiday_list)
	names = _insert_issues(n, policy, now, rng)
	clear_policy_cache()

	ours = []
	result = {}
	for r in range(rounds):
		t = time.perf_counter()
		result = reevaluate_open_tickets(now=now + timedelta(minutes=5 * r))
		ours.append(time.perf_counter() - t)

	picked = rng.sample(names, sample)
	erp_times, erp_write_times, erp_due = _erpnext(picked, holiday_list)
	ours_due = {
		r.name: (r.crms_response_due, r.crms_resolution_due)
		for r in frappe.get_all(
			"Issue",
			filters={"name": ("in", picked)},
			fields=["name", "crms_response_due", "crms_resolution_due"],
		)
	}
	mismatches = [name for name in picked if erp_due[name] != ours_due.get(name)]
	per_doc = sum(erp_times) / len(erp_times)
	erp_total = per_doc * n
	erp_write_total = sum(erp_write_times) / len(erp_write_times) * n
	best = min(ours)
	later = min(ours[1:]) if len(ours) > 1 else best
	return {
		"site": frappe.local.site,
		"tickets": n,
		"evaluated_by_job": result.get("evaluated"),
		"rounds": rounds,
		"calendar": "Mon-Fri 09:00-17:00, {0} holidays, time zone {1}".format(
			len(holidays), frappe.utils.get_system_timezone()
		),
		"targets_hours": TARGETS,
		"ours_seconds_per_round": [round(x, 3) for x in ours],
		"ours_first_round_seconds": round(ours[0], 3),
		"ours_best_later_round_seconds": round(later, 3),
		"erpnext_sample": sample,
		"erpnext_seconds_per_doc_median": round(sorted(erp_times)[len(erp_times) // 2], 6),
		"erpnext_seconds_per_doc_mean": round(per_doc, 6),
		"erpnext_seconds_for_all_extrapolated": round(erp_total, 3),
		"erpnext_with_write_seconds_per_doc_mean": round(erp_write_total / n, 6),
		"erpnext_with_write_seconds_for_all_extrapolated": round(erp_write_total, 3),
		"ratio_compute_only_first_round": round(erp_total / ours[0], 2),
		"ratio_compute_only_later_rounds": round(erp_total / later, 2),
		"ratio_with_write_first_round": round(erp_write_total / ours[0], 2),
		"ratio_with_write_later_rounds": round(erp_write_total / later, 2),
		"ratio_with_write_worst_round": round(erp_write_total / max(ours), 2),
		"goal_ratio": GOAL,
		"meets_goal": erp_write_total / max(ours) >= GOAL,
		"due_times_identical": not mismatches,
		"due_time_mismatches": mismatches[:10],
	}


def _holiday_list(now):
	import frappe

	days, d = [], now.date() - timedelta(days=3)
	while len(days) < HOLIDAYS:
		if d.weekday() < 5:
			days.append(d)
		d -= timedelta(days=2)
	doc = frappe.get_doc(
		{
			"doctype": "Holiday List",
			"holiday_list_name": f"_Bench CRMS SLA {frappe.generate_hash(length=6)}",
			"from_date": now.date() - timedelta(days=60),
			"to_date": now.date() + timedelta(days=300),
			"holidays": [{"holiday_date": h, "description": "Bench"} for h in days],
		}
	).insert(ignore_permissions=True)
	return doc.name, days


def _policy(holiday_list: str) -> str:
	import frappe
	from frappe.utils import get_system_timezone

	for priority in TARGETS:
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	doc = frappe.get_doc(
		{
			"doctype": "CRMS SLA Policy",
			"policy_name": f"_Bench SLA {frappe.generate_hash(length=6)}",
			"is_default": 1,
			"sort_order": -1,
			"response_hours": 8,
			"resolution_hours": 40,
			"time_zone": get_system_timezone(),
			"holiday_list": holiday_list,
			"targets": [
				{"issue_priority": p, "response_hours": a, "resolution_hours": b} for p, (a, b) in TARGETS.items()
			],
			"working_hours": [{"weekday": d, "start_time": "09:00:00", "end_time": "17:00:00"} for d in DAYS],
		}
	).insert(ignore_permissions=True)
	return doc.name


def _insert_issues(n: int, policy: str, now, rng: random.Random) -> list[str]:
	import frappe

	fields = [
		"name",
		"owner",
		"creation",
		"modified",
		"modified_by",
		"naming_series",
		"subject",
		"status",
		"priority",
		"opening_date",
		"service_level_agreement_creation",
		"first_responded_on",
		"crms_sla_policy",
		"crms_escalation_level",
	]
	rows, names = [], []
	tag = frappe.generate_hash(length=5)
	for i in range(n):
		start = now - timedelta(seconds=rng.randint(600, 10 * 86400))
		responded = start + timedelta(seconds=rng.randint(60, 6 * 3600)) if rng.random() < 0.33 else None
		if responded and responded > now:
			responded = None
		name = f"BENCH-SLA-{tag}-{i:06d}"
		names.append(name)
		rows.append(
			(
				name,
				"Administrator",
				start,
				start,
				"Administrator",
				"ISS-.YYYY.-",
				f"Bench ticket {i}",
				"Open",
				rng.choice(tuple(TARGETS)),
				start.date(),
				start,
				responded,
				policy,
				3,
			)
		)
	frappe.db.bulk_insert("Issue", fields, rows, chunk_size=5000)
	return names


def _erpnext(names: list[str], holiday_list: str):
	"""Per document, as ERPNext's SLA does it in a save: load the ticket, set both due times and the
	agreement status with its own functions; then write the row back (`db_update`, the cheapest write,
	no hooks), timed separately."""
	import frappe
	from frappe.utils import get_datetime

	from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
		set_resolution_by,
		set_response_by,
		update_agreement_status,
	)

	rows = [
		frappe._dict(workday=d, start_time=timedelta(hours=9), end_time=timedelta(hours=17)) for d in DAYS
	]
	compute, write, due = [], [], {}
	for name in names:
		t = time.perf_counter()
		doc = frappe.get_doc("Issue", name)
		response, resolution = TARGETS[doc.priority]
		level = frappe._dict(
			response_time=response * 3600,
			resolution_time=resolution * 3600,
			support_and_resolution=rows,
			holiday_list=holiday_list,
		)
		start = get_datetime(doc.service_level_agreement_creation or doc.creation)
		set_response_by(doc, start, level)
		set_resolution_by(doc, start, level)
		update_agreement_status(doc, True)
		t2 = time.perf_counter()
		doc.db_update()
		t3 = time.perf_counter()
		compute.append(t2 - t)
		write.append(t3 - t)
		due[name] = (get_datetime(doc.response_by), get_datetime(doc.sla_resolution_by))
	return compute, write, due
