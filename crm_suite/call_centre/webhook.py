"""Telephony webhook: provider events in, one ERPNext Call Log per call (docs/telephony-webhooks.md).

Why this shape: providers deliver call progress late, out of order and more than once, and many
deliveries of one call can be in flight at once. So one delivery, in one transaction:

1. refuses anything too large before parsing, from an unknown or disabled provider, unsigned or stale
   (engine `telephony.verify`), or unparsable (`telephony.parse`): 4xx + a short JSON code, an Error
   Log at most once a minute per code (a flood must not fill the Error Log), nothing stored;
2. locks the call's Call Log row (an INSERT ... ON DUPLICATE KEY UPDATE creates or X-locks it), so
   concurrent deliveries of one call queue up while other calls proceed;
3. stores the events with INSERT IGNORE on their unique event id (a retry is a no-op);
4. reads ALL stored events of the call, folds them (`telephony.fold`: order- and replay-insensitive)
   and writes the result with one UPDATE: the Call Log ends the same whatever the delivery order.

Set-based writes instead of Document.save (the endpoint is benchmarked), but the row stays a valid
Call Log: status and type from its options, `id` = name, links in its Dynamic Link table.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import cint, get_system_timezone, now_datetime
from werkzeug.wrappers import Response

from crm_suite.engine import telephony as tel
from crm_suite.engine.dedupe import phone_key

EVENT_DOCTYPE = "CRMS Call Event"
PROVIDER_DOCTYPE = "CRMS Telephony Provider"
INGEST_USER = "Administrator"
LOG_EVERY_SECONDS = 60  # at most one Error Log per refusal code per minute
CALLBACK_HOURS = 2  # an abandoned call / voicemail is to be called back within this

HTTP_STATUS = {
	"bad_signature": 403,
	"stale": 403,
	"too_large": 413,
	"unsupported_media_type": 415,
	"method_not_allowed": 405,
}  # every other BadEvent code: 400

# engine record status -> ERPNext Call Log status (its options: Ringing, In Progress, Completed, Failed,
# Busy, No Answer, Queued, Canceled); abandoned / voicemail are told apart by crms_abandoned / crms_voicemail
CALL_LOG_STATUS = {
	tel.ST_RINGING: "Ringing",
	tel.ST_IN_PROGRESS: "In Progress",
	tel.ST_ON_HOLD: "In Progress",
	tel.ST_COMPLETED: "Completed",
	tel.ST_MISSED: "No Answer",
	tel.ST_ABANDONED: "No Answer",
	tel.ST_VOICEMAIL: "No Answer",
	tel.ST_NO_ANSWER: "No Answer",
	tel.ST_BUSY: "Busy",
	tel.ST_FAILED: "Failed",
}
CALLBACK_STATES = (tel.ST_ABANDONED, tel.ST_VOICEMAIL)


# ---------------------------------------------------------------------------------------------------
# HTTP endpoint


@frappe.whitelist(allow_guest=True, methods=["POST", "GET"])
def receive():
	"""The provider's webhook: `?provider=<CRMS Telephony Provider name>`; GET only for Exotel's passthru."""
	request = frappe.request
	body = request.get_data(cache=True) or b""
	status, answer = deliver(
		request.args.get("provider") or "",
		body,
		headers=dict(request.headers),
		content_type=request.content_type or "",
		query=request.query_string.decode("latin-1"),
		method=request.method,
		url=_request_url(request),
	)
	if request.method == "GET":
		frappe.local.flags.commit = True  # frappe commits GET requests only when asked to
	return Response(json.dumps(answer), status=status, mimetype="application/json")


def _request_url(request) -> str:
	"""The URL as the provider called it (Twilio signs it); behind a TLS proxy the scheme comes from
	X-Forwarded-Proto."""
	url = request.url
	proto = (request.headers.get("X-Forwarded-Proto") or "").split(",")[0].strip()
	if proto in ("http", "https") and not url.startswith(proto + "://"):
		url = proto + url[url.index("://") :]
	return url


def deliver(
	provider_name: str,
	body: bytes,
	*,
	headers: dict | None = None,
	content_type: str = "",
	query: str = "",
	method: str = "POST",
	url: str = "",
	fresh_snapshot: bool = True,
	now: float | None = None,
) -> tuple[int, dict]:
	"""Check, parse and ingest one delivery; returns (HTTP status, JSON answer). The webhook and the
	in-process simulator both come through here."""
	now = time.time() if now is None else now
	try:
		# size first: nothing is parsed, decrypted or looked up for an oversized request
		if len(body) > tel.MAX_BODY_BYTES or len(query) > tel.MAX_BODY_BYTES:
			raise tel.BadEvent("too_large", f"{len(body)} bytes")
		provider = get_provider(provider_name)
		if method == "GET" and provider["adapter"] != "exotel":
			raise tel.BadEvent("method_not_allowed", method)
		tel.verify(
			provider["adapter"],
			provider["secret"],
			headers,
			body,
			url,
			now,
			tolerance=cint(provider["timestamp_tolerance"]),
		)
		events = tel.parse(
			provider["adapter"],
			headers,
			body,
			content_type,
			query=query,
			received_at=datetime.fromtimestamp(now).astimezone(),
		)
	except tel.BadEvent as e:
		log_refusal(e.code, provider_name, e.detail)
		return HTTP_STATUS.get(e.code, 400), {"ok": False, "error": e.code}
	names = ingest_with_retry(provider, events, fresh_snapshot=fresh_snapshot)
	return 200, {"ok": True, "events": len(events), "calls": names}


DEADLOCK_RETRIES = 3


def ingest_with_retry(
	provider: dict, events: list[tel.CallEvent], *, fresh_snapshot: bool = True
) -> list[str]:
	"""ingest(), retried when MariaDB picks this delivery as a deadlock victim: concurrent deliveries of
	calls that share an agent or a customer can lock the same secondary-index gaps in either order, and
	a delivery is idempotent, so rolling back and running it again is safe (instead of a 500 the
	provider would have to retry)."""
	for attempt in range(DEADLOCK_RETRIES + 1):
		try:
			return ingest(provider, events, fresh_snapshot=fresh_snapshot)
		except frappe.QueryDeadlockError:
			if attempt == DEADLOCK_RETRIES:
				raise
			frappe.db.rollback()
			time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
	return []


def get_provider(name: str) -> dict:
	"""The enabled provider row with its decrypted secret (the secret is cached per process for 60 s,
	keyed by the row's modified time, so an edited secret applies at once)."""
	from crm_suite.call_centre.doctype.crms_telephony_provider.crms_telephony_provider import (
		provider_cache_key,
	)

	# the row (no secret) is kept in Redis for 5 minutes; the provider's on_update / on_trash drop it.
	# Misses are not cached: a flood of made-up names must not fill Redis.
	# expires=True: frappe's per-request memo would otherwise pin a miss (None) for the whole process
	row = frappe.cache.get_value(provider_cache_key(name), expires=True) if name else None
	if not row and name:
		rows = frappe.db.sql(
			"""select name, adapter, enabled, default_queue, timestamp_tolerance, modified
			from `tabCRMS Telephony Provider` where name = %s""",
			name,
			as_dict=True,
		)
		if rows:
			row = {**rows[0], "modified": str(rows[0].modified)}
			frappe.cache.set_value(provider_cache_key(name), row, expires_in_sec=300)
	row = frappe._dict(row or {})
	if not row or not row.enabled:
		raise tel.BadEvent("unknown_provider", name[:140])
	key = (frappe.local.site, row.name, str(row.modified))
	cached = _SECRETS.get(key)
	if not cached or cached[1] < time.monotonic():
		from frappe.utils.password import get_decrypted_password

		secret = get_decrypted_password(PROVIDER_DOCTYPE, row.name, "secret", raise_exception=False) or ""
		cached = (secret, time.monotonic() + 60)
		_SECRETS[key] = cached
	return {**row, "secret": cached[0]}


_SECRETS: dict[tuple, tuple[str, float]] = {}
_LOOKUPS: dict[tuple, tuple[object, float]] = {}
LOOKUP_TTL = 30  # seconds a worker reuses an agent -> user or queue -> team answer


def _cached(kind: str, key: str, compute):
	"""Per-process, per-site memo with a short TTL for lookups made on every delivery (agent -> user,
	queue -> team): configuration that changes rarely, and a stale answer only lasts LOOKUP_TTL."""
	k = (frappe.local.site, kind, key)
	hit = _LOOKUPS.get(k)
	now = time.monotonic()
	if hit and hit[1] > now:
		return hit[0]
	value = compute()
	if len(_LOOKUPS) > 10_000:
		_LOOKUPS.clear()
	_LOOKUPS[k] = (value, now + LOOKUP_TTL)
	return value


def log_refusal(code: str, provider: str, detail: str = "") -> bool:
	"""Error Log for a refused delivery, at most once per code per minute on this site (a Redis SET NX
	with expiry); returns whether it logged."""
	key = frappe.cache.make_key(f"crms_webhook_refused:{code}")
	try:
		first = frappe.cache.set(key, 1, ex=LOG_EVERY_SECONDS, nx=True)
	except Exception:
		first = True  # Redis down: log rather than hide the problem
	if not first:
		return False
	request = getattr(frappe.local, "request", None)
	frappe.log_error(
		title=_("Telephony webhook refused: {0}").format(code),
		message=json.dumps(
			{
				"code": code,
				"provider": (provider or "")[:140],
				"detail": (detail or "")[:500],
				"remote_addr": getattr(request, "remote_addr", None) if request else None,
				"note": "further refusals with this code in the next minute are not logged",
			},
			indent=1,
		),
	)
	return True


# ---------------------------------------------------------------------------------------------------
# ingestion


def ingest(provider: dict | str, events: list[tel.CallEvent], *, fresh_snapshot: bool = False) -> list[str]:
	"""Store `events` (one delivery) and refold every call they touch into its Call Log; returns the
	Call Log names. `fresh_snapshot` commits the request's read-only prelude first so the reads below
	see every event committed by deliveries that held the call's lock before us (MariaDB's repeatable
	read would otherwise read from the request's first snapshot)."""
	if not events:
		return []
	if isinstance(provider, str):
		provider = get_provider(provider)
	if fresh_snapshot:
		frappe.db.commit()
	now = now_datetime()
	call_ids = sorted({e.call_id for e in events})
	_lock_calls(call_ids, now)
	_store_events(provider["name"], events, now)
	stored = _load_events(call_ids)
	previous = {
		r.name: r
		for r in frappe.db.sql(
			"""select name, status, `from`, `to`, type, customer, crms_contact, crms_lead, crms_agent,
				crms_callback_todo, crms_callback_status
			from `tabCall Log` where name in %(names)s""",
			{"names": call_ids},
			as_dict=True,
		)
	}
	ctx = _Context(provider)
	for call_id in call_ids:
		record = tel.fold(stored[call_id])
		_write_call(ctx, record, previous[call_id], stored[call_id], now)
	return call_ids


def _lock_calls(call_ids: list[str], now: datetime) -> None:
	"""Create-or-lock each call's Call Log row, in name order (no deadlock between two deliveries)."""
	rows, values = [], {"now": now, "user": INGEST_USER}
	for i, call_id in enumerate(call_ids):
		values[f"c{i}"] = call_id
		rows.append(f"(%(c{i})s, %(c{i})s, %(now)s, %(now)s, %(user)s, %(user)s, 0, 0, '', 'Incoming')")
	frappe.db.sql(
		f"""insert into `tabCall Log` (name, id, creation, modified, owner, modified_by, docstatus, idx,
			status, type)
		values {", ".join(rows)} on duplicate key update name = values(name)""",
		values,
	)


def event_key(provider: str, event_id: str) -> str:
	"""Stored event id: unique per provider (two PBXs may both number their events 1, 2, 3)."""
	key = f"{provider}:{event_id}"
	return key if len(key) <= 140 else f"{provider[:60]}:{hashlib.sha256(key.encode()).hexdigest()}"


def _store_events(provider: str, events: list[tel.CallEvent], now: datetime) -> None:
	rows, values = [], {"now": now, "user": INGEST_USER, "provider": provider}
	for i, e in enumerate(events):
		values.update(
			{
				f"k{i}": event_key(provider, e.event_id),
				f"c{i}": e.call_id,
				f"t{i}": e.kind,
				f"a{i}": _local(e.at),
				f"p{i}": json.dumps(_event_dict(e), default=str, separators=(",", ":")),
			}
		)
		rows.append(
			f"(%(k{i})s, %(k{i})s, %(provider)s, %(c{i})s, %(t{i})s, %(a{i})s, %(p{i})s, %(now)s, %(now)s, "
			"%(now)s, %(user)s, %(user)s, 0, 0)"
		)
	frappe.db.sql(
		f"""insert ignore into `tabCRMS Call Event` (name, event_id, provider, call_id, kind, `at`, payload,
			received_on, creation, modified, owner, modified_by, docstatus, idx)
		values {", ".join(rows)}""",
		values,
	)


_EVENT_FIELDS = (
	"provider",
	"event_id",
	"call_id",
	"kind",
	"direction",
	"from_number",
	"to_number",
	"agent",
	"queue",
	"to_agent",
	"recording_url",
	"duration_seconds",
	"talk_seconds",
	"end_reason",
)


def _event_dict(e: tel.CallEvent) -> dict:
	d = {f: getattr(e, f) for f in _EVENT_FIELDS}
	d["at"] = e.at.isoformat()
	d["raw"] = dict(e.raw)
	return d


def event_from_payload(payload: str) -> tel.CallEvent:
	d = json.loads(payload)
	raw = d.pop("raw", None) or {}
	d["at"] = datetime.fromisoformat(d["at"])
	return tel.CallEvent(raw=raw, **{k: d.get(k) for k in ("at", *_EVENT_FIELDS) if k in d})


def _load_events(call_ids: list[str]) -> dict[str, list[tel.CallEvent]]:
	out: dict[str, list[tel.CallEvent]] = {c: [] for c in call_ids}
	for call_id, payload in frappe.db.sql(
		"select call_id, payload from `tabCRMS Call Event` where call_id in %(ids)s", {"ids": call_ids}
	):
		if call_id in out:
			out[call_id].append(event_from_payload(payload))
	return out


def load_record(call_id: str) -> tel.CallRecord | None:
	"""The folded record of a call from its stored events (None if none are stored)."""
	events = _load_events([call_id])[call_id]
	return tel.fold(events) if events else None


def _local(dt: datetime | None) -> datetime | None:
	"""Aware UTC -> naive system-time-zone datetime, as frappe stores Datetime fields."""
	if dt is None:
		return None
	return dt.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)


def _int(value: float | None) -> int:
	return round(value) if value is not None else 0


class _Context:
	"""Per-delivery lookups (agent users, teams, supervisors) so a batch asks each question once."""

	def __init__(self, provider: dict):
		self.provider = provider
		self.users: dict[str, str | None] = {}
		self.teams: dict[str, str | None] = {}
		self.has_agent_status = frappe.db.table_exists("CRMS Agent Status")  # cached table list

	def user_for(self, agent: str) -> str | None:
		if not agent:
			return None
		if agent not in self.users:
			self.users[agent] = _cached("agent", agent, lambda: agent_user(agent, self.has_agent_status))
		return self.users[agent]

	def team_for(self, queue: str) -> str | None:
		if not queue:
			return None
		if queue not in self.teams:
			self.teams[queue] = _cached(
				"team", queue, lambda: frappe.db.get_value("CRMS Service Team", queue, "name")
			)
		return self.teams[queue]


def agent_user(agent: str, has_agent_status: bool | None = None) -> str | None:
	"""A provider's agent id -> User: an existing user (email / name), else CRMS Agent Status.extension."""
	if "@" in agent or agent == "Administrator":
		user = frappe.db.get_value("User", agent, "name")
		if user:
			return user
	if has_agent_status is None:
		has_agent_status = frappe.db.table_exists("CRMS Agent Status")
	if has_agent_status:
		return frappe.db.get_value("CRMS Agent Status", {"extension": agent}, "user")
	return None


def _write_call(ctx: _Context, record: tel.CallRecord, prev, events: list[tel.CallEvent], now) -> None:
	name = record.call_id
	previous_status = prev.status or None
	incoming = record.direction != tel.OUTBOUND
	caller = record.from_number if incoming else record.to_number
	queue = record.queue or ctx.provider.get("default_queue") or None
	agent = ctx.user_for(record.agent)
	chain = [ctx.user_for(a) or a for a in record.transfers]
	status = CALL_LOG_STATUS[record.status]
	values = {
		"from": record.from_number or None,
		"to": record.to_number or None,
		"type": "Incoming" if incoming else "Outgoing",
		"status": status,
		"medium": (record.to_number if incoming else record.from_number) or None,
		"start_time": _local(record.ring_at),
		"end_time": _local(record.ended_at),
		"duration": (record.ended_at - record.ring_at).total_seconds() if record.ended_at else None,
		"recording_url": recording_path(name) if record.recording_url else None,
		"employee_user_id": agent,
		"crms_queue": queue,
		"crms_team": ctx.team_for(queue) if queue else None,
		"crms_agent": agent,
		"crms_provider": ctx.provider["name"],
		"crms_vip": int(any(str(e.raw.get("vip", "")).lower() in ("1", "true") for e in events)),
		"crms_ring_at": _local(record.ring_at),
		"crms_answered_at": _local(record.answered_at),
		"crms_wait_seconds": _int(record.wait_seconds),
		"crms_talk_seconds": _int(record.talk_seconds),
		"crms_hold_seconds": _int(record.hold_seconds),
		"crms_wrapup_seconds": _int(record.wrapup_seconds),
		"crms_abandoned": int(record.abandoned),
		"crms_voicemail": int(record.voicemail),
		"crms_transferred": int(len(record.transfers) > 1),
		"crms_transfer_chain": " > ".join(chain) or None,
		"crms_end_reason": record.end_reason or None,
		"crms_event_count": record.event_count,
		"modified": now,
		"modified_by": INGEST_USER,
	}
	old_caller = (prev["from"] if prev.type != "Outgoing" else prev["to"]) or ""
	if caller and not (prev.customer or prev.crms_contact or prev.crms_lead) and caller != old_caller:
		customer, contact, lead = match_number(caller)
		if customer or contact or lead:
			values.update({"customer": customer, "crms_contact": contact, "crms_lead": lead})
			_add_links(name, {"Customer": customer, "Contact": contact, "Lead": lead}, now)
	callback = _callback_change(ctx, record, prev, name, caller, queue, agent)
	values.update(callback)
	sets = ", ".join(f"`{k}` = %({k})s" for k in values)
	frappe.db.sql(f"update `tabCall Log` set {sets} where name = %(name)s", {**values, "name": name})

	if (
		record.status == tel.ST_RINGING
		and agent
		and (previous_status != "Ringing" or prev.crms_agent != agent)
	):
		frappe.publish_realtime(
			"crms_call_ringing",
			{
				"call_log": name,
				"number": caller,
				"direction": "Incoming" if incoming else "Outgoing",
				"queue": queue,
			},
			user=agent,
			after_commit=True,
		)
	for hook in frappe.get_hooks("crms_call_updated"):
		frappe.get_attr(hook)(name, record, previous_status)


def recording_path(call_log: str) -> str:
	"""What the browser gets instead of the provider's URL: our permission-checked proxy."""
	return f"/api/method/crm_suite.call_centre.recording.stream?call_log={quote(call_log, safe='')}"


def match_number(number: str) -> tuple[str | None, str | None, str | None]:
	"""(customer, contact, lead) sharing the number's indexed phone key (last 8 digits, the customer-360
	duplicate key on Customer, Contact and Lead): one UNION query, each branch on its own index."""
	key = phone_key(number)
	if not key:
		return None, None, None
	rows = frappe.db.sql(
		"""(select 'Customer' as dt, name from `tabCustomer` where crms_phone_key = %(k)s order by name limit 1)
		union all (select 'Contact', name from `tabContact` where crms_phone_key = %(k)s order by name limit 1)
		union all (select 'Lead', name from `tabLead` where crms_phone_key = %(k)s order by name limit 1)""",
		{"k": key},
	)
	found = {dt: name for dt, name in rows}
	contact = found.get("Contact")
	customer = found.get("Customer")
	if contact and not customer:
		customer = frappe.db.get_value(
			"Dynamic Link",
			{"parenttype": "Contact", "parent": contact, "link_doctype": "Customer"},
			"link_name",
		)
	return customer, contact, found.get("Lead")


def _add_links(name: str, links: dict[str, str | None], now: datetime) -> None:
	"""Call Log's own `links` table (what ERPNext shows the call on the linked records' timelines)."""
	rows = [(dt, ln) for dt, ln in links.items() if ln]
	existing = frappe.db.sql(
		"""select link_doctype, link_name from `tabDynamic Link`
		where parenttype = 'Call Log' and parent = %s and parentfield = 'links'""",
		name,
	)
	have = {tuple(r) for r in existing}
	idx = len(existing)
	for dt, ln in rows:
		if (dt, ln) in have:
			continue
		idx += 1
		frappe.db.sql(
			"""insert into `tabDynamic Link` (name, creation, modified, owner, modified_by, docstatus, idx,
				parent, parentfield, parenttype, link_doctype, link_name)
			values (%s, %s, %s, %s, %s, 0, %s, %s, 'links', 'Call Log', %s, %s)""",
			(frappe.generate_hash(length=10), now, now, INGEST_USER, INGEST_USER, idx, name, dt, ln),
		)


# ---------------------------------------------------------------------------------------------------
# callbacks


def _callback_change(ctx: _Context, record: tel.CallRecord, prev, name, caller, queue, agent) -> dict:
	"""Abandoned calls and voicemails get one callback ToDo; if later events show the call was answered
	after all (deliveries out of order), the open callback is cancelled."""
	wants = record.status in CALLBACK_STATES
	if wants and not prev.crms_callback_todo:
		due = _local(record.ended_at or record.ring_at) + timedelta(hours=CALLBACK_HOURS)
		todo = create_callback_todo(name, caller, queue, due, record.voicemail, ctx.team_for(queue))
		return {"crms_callback_todo": todo, "crms_callback_due": due, "crms_callback_status": "Open"}
	if not wants and prev.crms_callback_todo and prev.crms_callback_status == "Open":
		frappe.db.set_value("ToDo", prev.crms_callback_todo, "status", "Cancelled", update_modified=False)
		assigned = frappe.db.sql_list(
			"""select distinct allocated_to from `tabToDo` where reference_type = 'Call Log'
			and reference_name = %s and status = 'Open'""",
			name,
		)
		return {"crms_callback_status": "Cancelled", "_assign": json.dumps(assigned)}
	return {}


def callback_owner(team: str | None) -> str:
	"""The queue's team supervisor, else an enabled Call Centre Supervisor, else Administrator."""
	if team:
		supervisor = frappe.db.get_value("CRMS Service Team", team, "supervisor")
		if supervisor:
			return supervisor
	rows = frappe.db.sql(
		"""select u.name from `tabUser` u join `tabHas Role` r on r.parent = u.name and r.parenttype = 'User'
		where r.role = 'Call Centre Supervisor' and u.enabled = 1 order by u.name limit 1"""
	)
	return rows[0][0] if rows else "Administrator"


def create_callback_todo(call_log, caller, queue, due: datetime, voicemail: bool, team=None) -> str:
	owner = callback_owner(team)
	if voicemail:
		description = _("Call back {0}: voicemail left (call {1}).").format(
			caller or _("unknown number"), call_log
		)
	else:
		description = _("Call back {0}: hung up before an answer (call {1}).").format(
			caller or _("unknown number"), call_log
		)
	if queue:
		description += " " + _("Queue: {0}").format(queue)
	# a plain row (ToDo's controller would load and re-save the Call Log for its _assign, notify and
	# e-mail: ~0.3 s per callback); the Call Log's _assign is set here so the list shows the assignee
	name = frappe.generate_hash(length=10)
	now = now_datetime()
	frappe.db.sql(
		"""insert into `tabToDo` (name, creation, modified, owner, modified_by, docstatus, idx, status,
			priority, date, allocated_to, description, reference_type, reference_name, assigned_by)
		values (%(name)s, %(now)s, %(now)s, %(by)s, %(by)s, 0, 0, 'Open', 'High', %(date)s, %(owner)s,
			%(description)s, 'Call Log', %(call_log)s, %(by)s)""",
		{
			"name": name,
			"now": now,
			"by": INGEST_USER,
			"date": due.date(),
			"owner": owner,
			"description": description,
			"call_log": call_log,
		},
	)
	frappe.db.sql("update `tabCall Log` set _assign = %s where name = %s", (json.dumps([owner]), call_log))
	return name


def on_todo_update(doc, method=None) -> None:
	"""ToDo on_update: closing a call's callback task marks the callback Done (cancelling: Cancelled)."""
	if doc.reference_type != "Call Log" or not doc.reference_name or not doc.has_value_changed("status"):
		return
	status = {"Closed": "Done", "Cancelled": "Cancelled", "Open": "Open"}.get(doc.status)
	if not status:
		return
	frappe.db.sql(
		"""update `tabCall Log` set crms_callback_status = %s where name = %s and crms_callback_todo = %s""",
		(status, doc.reference_name, doc.name),
	)
