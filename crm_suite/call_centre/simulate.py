"""Drive the telephony webhook with simulated call-centre traffic (engine/call_sim.py).

`bench --site S crm-suite simulate-calls --days N --seed K` (see crm_suite/commands): every simulated
event becomes one generic-format delivery, signed like a real PBX would sign it, and goes either
in-process through the webhook's own `deliver` (default; commits in batches) or over HTTP to `--url`
from `--concurrency` threads. Callers are the site's customers' phone numbers where it has some, so the
calls link to customers; agents are the demo service agents when they exist (crm_suite/demo/calls.py).
Call ids carry the seed and the start date, so a rerun re-delivers the same events (idempotent).
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import get_system_timezone, getdate

from crm_suite.engine import call_sim
from crm_suite.engine import telephony as tel

DEFAULT_PROVIDER = "Simulator"
BATCH = 200  # in-process deliveries per commit
OFFER_SECONDS = 4  # the agent's phone rings this long before they answer
END_REASON = {
	call_sim.OUTCOME_ANSWERED: "completed",
	call_sim.OUTCOME_TRANSFERRED: "completed",
	call_sim.OUTCOME_VOICEMAIL: "completed",
	call_sim.OUTCOME_ABANDONED: "abandoned",
	call_sim.OUTCOME_CLOSED: "abandoned",
}
_SHIFT_STARTS = (7, 8, 9, 10, 12, 13, 8, 9, 11)


def ensure_provider(name: str = DEFAULT_PROVIDER) -> str:
	"""A generic-adapter provider for the simulator (created with a random secret); returns its secret."""
	from frappe.utils.password import get_decrypted_password

	if not frappe.db.exists("CRMS Telephony Provider", name):
		frappe.get_doc(
			{
				"doctype": "CRMS Telephony Provider",
				"provider_name": name,
				"adapter": "generic",
				"enabled": 1,
				"secret": frappe.generate_hash(length=32),
				"timestamp_tolerance": 300,
			}
		).insert(ignore_permissions=True)
	return get_decrypted_password("CRMS Telephony Provider", name, "secret")


def customer_numbers(limit: int = 2000) -> list[str]:
	"""Phone numbers of the site's customers (their contacts' and their own), for the callers."""
	rows = frappe.db.sql(
		"""(select coalesce(nullif(c.mobile_no, ''), c.phone) from `tabContact` c
			join `tabDynamic Link` dl on dl.parenttype = 'Contact' and dl.parent = c.name
				and dl.link_doctype = 'Customer'
			where c.crms_phone_key is not null and c.crms_phone_key != '' limit %(limit)s)
		union (select mobile_no from `tabCustomer`
			where crms_phone_key is not null and crms_phone_key != '' and ifnull(mobile_no, '') != ''
			limit %(limit)s)""",
		{"limit": limit},
	)
	return sorted({r[0] for r in rows if r[0]})


def sim_config(numbers: list[str]) -> call_sim.SimConfig:
	"""Default traffic; with demo agents on the site they staff the shifts (volume scaled to their number)."""
	from crm_suite.demo.calls import QUEUES, demo_call_agents

	agents = demo_call_agents()
	base = call_sim.SimConfig(caller_numbers=tuple(numbers))
	if not agents:
		return base
	skills = tuple(call_sim.Skill(name, share, talk) for name, share, talk in QUEUES)
	everything = tuple(q for q, _share, _talk in QUEUES)
	shifts = []
	for i, a in enumerate(agents):
		start = _SHIFT_STARTS[i % len(_SHIFT_STARTS)]
		shifts.append(call_sim.Shift(a["user"], tuple(a["skills"]), start, start + 8, (0, 1, 2, 3, 4)))
		if i % 3 == 0:
			shifts.append(call_sim.Shift(a["user"], everything, 9, 17, (5, 6)))
	scale = min(1.0, len(agents) / len(call_sim.DEFAULT_SHIFTS) * 1.1)
	return call_sim.SimConfig(
		caller_numbers=tuple(numbers), skills=skills, shifts=tuple(shifts), volume_scale=scale
	)


def deliveries(calls: list[call_sim.SimCall], start: datetime) -> list[tuple[datetime, bytes]]:
	"""One generic JSON body per event, all calls merged in time order."""
	tz = ZoneInfo(get_system_timezone())
	suffix = f"-{start:%Y%m%d}"
	out = []
	for call in calls:
		call_id = call.call_id + suffix
		evs = call_sim.events(call)
		if call.answered_at is not None and call.agent:
			# the PBX offers the call to the agent's phone a few seconds before they pick up: a RINGING
			# with the agent, which is what pops the caller on the agent's screen
			offer = max(call.arrival, call.answered_at - timedelta(seconds=OFFER_SECONDS))
			evs.append({**evs[0], "kind": call_sim.RINGING, "at": offer, "agent": call.agent})
		for i, ev in enumerate(evs):
			at = ev["at"].replace(tzinfo=tz) if ev["at"].tzinfo is None else ev["at"]
			body = {
				"event_id": f"{call_id}-{i}",
				"call_id": call_id,
				"type": ev["kind"].lower(),
				"at": at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
				"direction": ev["direction"],
				"from": ev["from_number"],
				"to": ev["to_number"],
				"queue": ev["queue"],
				"vip": bool(ev.get("vip")),
			}
			if ev.get("agent"):
				body["agent"] = ev["agent"]
			if ev.get("to_agent"):
				body["to_agent"] = ev["to_agent"]
			if ev["kind"] == call_sim.ENDED:
				body["end_reason"] = END_REASON.get(ev.get("outcome"), "completed")
			if ev.get("duration_seconds") is not None:
				body["duration_seconds"] = ev["duration_seconds"]
			out.append((at, json.dumps(body, separators=(",", ":")).encode()))
	out.sort(key=lambda d: d[0])
	return out


def per_call(bodies: list[tuple[datetime, bytes]]) -> list[tuple[datetime, bytes]]:
	"""The same events as one generic batch delivery per call (history loads: 1 transaction per call)."""
	calls: dict[str, list] = {}
	first: dict[str, datetime] = {}
	for at, body in bodies:
		event = json.loads(body)
		calls.setdefault(event["call_id"], []).append(event)
		first.setdefault(event["call_id"], at)
	out = [
		(first[c], json.dumps({"events": evs}, separators=(",", ":")).encode()) for c, evs in calls.items()
	]
	out.sort(key=lambda d: d[0])
	return out


def signed_headers(secret: str, body: bytes) -> dict:
	ts = str(int(time.time()))
	return {
		"Content-Type": "application/json",
		tel.GENERIC_TS_HEADER: ts,
		tel.GENERIC_SIG_HEADER: tel.sign(secret, ts, body),
	}


def simulate_calls(
	days: int,
	seed: int,
	start: date | datetime | str | None = None,
	url: str | None = None,
	provider: str = DEFAULT_PROVIDER,
	concurrency: int = 20,
	host: str | None = None,
	progress=None,
	batch_per_call: bool = False,
) -> dict:
	"""Simulate and deliver; returns counts, timing and the simulator's own summary."""
	secret = ensure_provider(provider)
	frappe.db.commit()
	start_dt = datetime.combine(
		getdate(start or frappe.utils.add_days(getdate(), -days)), datetime.min.time()
	)
	calls = call_sim.simulate(sim_config(customer_numbers()), start_dt, days, seed)
	bodies = deliveries(calls, start_dt)
	events = len(bodies)
	if batch_per_call:
		bodies = per_call(bodies)
	began = time.perf_counter()
	if url:
		statuses = _over_http(bodies, url, host or frappe.local.site, provider, secret, concurrency, progress)
	else:
		statuses = _in_process(bodies, provider, secret, progress)
	seconds = time.perf_counter() - began
	return {
		"calls": len(calls),
		"events": events,
		"deliveries": len(bodies),
		"statuses": statuses,
		"seconds": round(seconds, 1),
		"deliveries_per_second": round(len(bodies) / seconds, 1) if seconds else None,
		"events_per_second": round(events / seconds, 1) if seconds else None,
		"simulated": {k: round(v, 2) for k, v in call_sim.summary(calls).items()},
		"start": str(start_dt.date()),
		"days": days,
		"seed": seed,
		"mode": (f"http {url} x{concurrency}" if url else "in-process")
		+ (", one delivery per call" if batch_per_call else ", one delivery per event"),
	}


def _in_process(bodies, provider, secret, progress) -> dict:
	from crm_suite.call_centre.webhook import deliver

	statuses: dict[str, int] = {}
	frappe.flags.mute_emails = True
	for n, (_at, body) in enumerate(bodies, 1):
		status, _answer = deliver(
			provider,
			body,
			headers=signed_headers(secret, body),
			content_type="application/json",
			fresh_snapshot=False,
		)
		statuses[str(status)] = statuses.get(str(status), 0) + 1
		if n % BATCH == 0:
			frappe.db.commit()
			if progress:
				progress(n, len(bodies))
	frappe.db.commit()
	return statuses


def _over_http(bodies, url, host, provider, secret, concurrency, progress) -> dict:
	import requests

	endpoint = f"{url.rstrip('/')}/api/method/crm_suite.call_centre.webhook.receive?provider={provider}"
	local = threading.local()
	lock = threading.Lock()
	statuses: dict[str, int] = {}
	done = [0]

	def send(body: bytes) -> None:
		if not hasattr(local, "session"):
			local.session = requests.Session()
		for attempt in range(5):
			try:
				r = local.session.post(
					endpoint, data=body, headers={**signed_headers(secret, body), "Host": host}, timeout=60
				)
				code = str(r.status_code)
				if r.status_code < 500:
					break
			except requests.RequestException as e:
				code = type(e).__name__
			time.sleep(0.2 * 2**attempt)  # a PBX retries on 5xx and timeouts
		with lock:
			statuses[code] = statuses.get(code, 0) + 1
			done[0] += 1
			if progress and done[0] % BATCH == 0:
				progress(done[0], len(bodies))

	with ThreadPoolExecutor(max_workers=concurrency) as pool:
		list(pool.map(send, (b for _at, b in bodies)))
	return statuses
