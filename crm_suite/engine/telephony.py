"""Provider-neutral telephony events: parse PBX webhooks, verify their signatures, fold them into a call.

Why this shape: PBX providers (Twilio, Exotel, our own generic JSON) deliver call progress as a stream
of webhooks that arrive late, out of order and more than once (providers retry on any non-2xx or slow
answer). The app stores every event it accepts and re-folds all stored events of a call on each
delivery, so `fold` must be a pure function of the *set* of events: same record whatever the order and
however many times an event was delivered. Each adapter gives every event a stable `event_id` (the
provider's own id, or a hash of call id + kind + timestamp) so the store can dedupe on it.

Nothing here imports frappe; errors are `BadEvent(code)` with a short code the app layer maps to an HTTP
status and a translated message. See docs/telephony-webhooks.md for the wire formats.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit, urlunsplit

MAX_BODY_BYTES = 64 * 1024  # a status callback is < 2 KiB; anything near this is not a PBX
MAX_BATCH_EVENTS = 100  # generic format may carry a batch; bounded so one request stays cheap

# Event kinds
RINGING = "RINGING"
ANSWERED = "ANSWERED"
HOLD = "HOLD"
UNHOLD = "UNHOLD"
TRANSFER = "TRANSFER"
ENDED = "ENDED"
RECORDING = "RECORDING"
VOICEMAIL = "VOICEMAIL"
WRAPUP_DONE = "WRAPUP_DONE"
# Tie-break when two events carry the same timestamp: the natural life-cycle order.
KIND_RANK: dict[str, int] = {
	RINGING: 0,
	ANSWERED: 1,
	HOLD: 2,
	UNHOLD: 3,
	TRANSFER: 4,
	RECORDING: 5,
	VOICEMAIL: 6,
	ENDED: 7,
	WRAPUP_DONE: 8,
}
KINDS = frozenset(KIND_RANK)

INBOUND = "inbound"
OUTBOUND = "outbound"

# End reasons
END_COMPLETED = "completed"
END_NO_ANSWER = "no-answer"
END_BUSY = "busy"
END_FAILED = "failed"
END_ABANDONED = "abandoned"  # caller hung up before anyone answered
END_CANCELED = "canceled"  # the calling side (API / agent) gave up before the callee answered
END_REASONS = frozenset({END_COMPLETED, END_NO_ANSWER, END_BUSY, END_FAILED, END_ABANDONED, END_CANCELED})

# Record statuses
ST_RINGING = "ringing"
ST_IN_PROGRESS = "in_progress"
ST_ON_HOLD = "on_hold"
ST_COMPLETED = "completed"
ST_MISSED = "missed"
ST_ABANDONED = "abandoned"
ST_VOICEMAIL = "voicemail"
ST_FAILED = "failed"
ST_BUSY = "busy"
ST_NO_ANSWER = "no_answer"

# Exotel sends "YYYY-MM-DD HH:mm:ss" in Indian Standard Time (its passthru EndTime placeholder is
# "1970-01-01 05:30:00", i.e. the epoch in IST). IST has had no DST since 1945: a fixed offset is exact.
EXOTEL_TZ = timezone(timedelta(hours=5, minutes=30), "IST")

GENERIC_TS_HEADER = "X-CRMS-Timestamp"
GENERIC_SIG_HEADER = "X-CRMS-Signature"
TWILIO_SIG_HEADER = "X-Twilio-Signature"
EXOTEL_TOKEN_PARAM = "key"  # Frappe CRM's name for the secret query token, kept for drop-in setups


class BadEvent(ValueError):
	"""A delivery we refuse; `code` is one of: malformed, unknown_provider, missing_field, bad_value,
	too_large, too_many_events, unsupported_media_type, bad_signature, stale, mixed_calls, empty."""

	def __init__(self, code: str, detail: str = "") -> None:
		super().__init__(f"{code}: {detail}" if detail else code)
		self.code = code
		self.detail = detail


@dataclass(frozen=True)
class CallEvent:
	"""One thing that happened to one call, in provider-neutral terms."""

	provider: str
	event_id: str
	call_id: str
	kind: str
	at: datetime  # aware, UTC
	direction: str = ""  # inbound / outbound / "" when the payload does not say
	from_number: str = ""
	to_number: str = ""
	agent: str = ""  # extension, number or user id of the agent concerned
	queue: str = ""
	to_agent: str = ""  # TRANSFER target
	recording_url: str = ""
	duration_seconds: float | None = None  # provider's total call duration hint
	talk_seconds: float | None = None  # provider's conversation duration hint
	end_reason: str = ""
	raw: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class CallRecord:
	"""Everything the call log needs, derived from the set of events of one call."""

	call_id: str
	direction: str
	from_number: str
	to_number: str
	status: str
	ring_at: datetime
	answered_at: datetime | None
	ended_at: datetime | None
	wait_seconds: float | None
	talk_seconds: float | None
	hold_seconds: float
	wrapup_seconds: float | None
	abandoned: bool
	transfers: tuple[str, ...]  # agents in the order they held the call (first answerer first)
	agent: str  # final agent
	queue: str
	recording_url: str
	voicemail: bool
	end_reason: str
	event_count: int  # distinct events folded


# ---------------------------------------------------------------------------------------------------
# helpers


def _utc(dt: datetime) -> datetime:
	if dt.tzinfo is None or dt.utcoffset() is None:
		raise BadEvent("bad_value", "naive timestamp")
	return dt.astimezone(timezone.utc)


def derive_event_id(provider: str, call_id: str, kind: str, at: datetime, extra: str = "") -> str:
	"""Stable id for providers that send none: the same delivery retried hashes to the same id."""
	basis = "|".join((provider, call_id, kind, _utc(at).isoformat(), extra))
	return f"{provider}:{hashlib.sha256(basis.encode()).hexdigest()[:32]}"


def _header(headers: Mapping[str, str] | None, name: str) -> str:
	if not headers:
		return ""
	low = name.lower()
	for k, v in headers.items():
		if k.lower() == low:
			return v or ""
	return ""


def _media(content_type: str) -> str:
	return (content_type or "").split(";", 1)[0].strip().lower()


def _as_bytes(body: bytes | str | None) -> bytes:
	if body is None:
		return b""
	return body.encode() if isinstance(body, str) else bytes(body)


def _form(body: bytes) -> dict[str, str]:
	try:
		text = body.decode("utf-8")
		pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
	except (UnicodeDecodeError, ValueError) as e:
		raise BadEvent("malformed", str(e))
	return dict(pairs)


def _json(body: bytes) -> object:
	try:
		return json.loads(body.decode("utf-8"))
	except (UnicodeDecodeError, ValueError) as e:
		raise BadEvent("malformed", str(e))


def _num(value: object) -> float | None:
	if value in (None, ""):
		return None
	try:
		n = float(value)  # type: ignore[arg-type]
	except (TypeError, ValueError):
		raise BadEvent("bad_value", f"not a number: {value!r}")
	if n < 0 or n != n:
		raise BadEvent("bad_value", f"negative duration: {value!r}")
	return n


def _s(value: object) -> str:
	return "" if value is None else str(value).strip()


# ---------------------------------------------------------------------------------------------------
# adapters


def parse(
	provider: str,
	headers: Mapping[str, str] | None,
	body_bytes: bytes | str | None,
	content_type: str = "",
	*,
	query: str = "",
	received_at: datetime | None = None,
) -> list[CallEvent]:
	"""Turn one webhook delivery into CallEvents (usually one; [] for deliveries that carry no call
	progress, e.g. Exotel's agent "free" ping or a Twilio child leg's own hang-up).

	`query` is the request's query string (Exotel's passthru applet is a GET); `received_at` is only a
	fallback clock for payloads without any timestamp."""
	body = _as_bytes(body_bytes)
	if len(body) > MAX_BODY_BYTES or len(query) > MAX_BODY_BYTES:
		raise BadEvent("too_large", f"{len(body)} bytes")
	if provider == "generic":
		return _parse_generic(headers, body, content_type)
	if provider == "twilio":
		return _parse_twilio(body, content_type, received_at)
	if provider == "exotel":
		return _parse_exotel(body, content_type, query, received_at)
	raise BadEvent("unknown_provider", provider)


# generic ---------------------------------------------------------------------------------------------

_GENERIC_KIND = {k.lower(): k for k in KINDS}


def _parse_generic(headers: Mapping[str, str] | None, body: bytes, content_type: str) -> list[CallEvent]:
	if _media(content_type) not in ("application/json", ""):
		raise BadEvent("unsupported_media_type", content_type)
	data = _json(body)
	if isinstance(data, dict) and "events" in data:
		items = data["events"]
		if not isinstance(items, list):
			raise BadEvent("malformed", "events must be a list")
		if len(items) > MAX_BATCH_EVENTS:
			raise BadEvent("too_many_events", str(len(items)))
		if not items:
			raise BadEvent("empty")
	else:
		items = [data]
	return [_generic_event(item) for item in items]


def _generic_event(item: object) -> CallEvent:
	if not isinstance(item, dict):
		raise BadEvent("malformed", "event must be an object")
	call_id = _s(item.get("call_id"))
	if not call_id:
		raise BadEvent("missing_field", "call_id")
	kind_in = _s(item.get("type") or item.get("kind")).lower()
	if not kind_in:
		raise BadEvent("missing_field", "type")
	kind = _GENERIC_KIND.get(kind_in)
	if not kind:
		raise BadEvent("bad_value", f"type {kind_in!r}")
	at_in = _s(item.get("at"))
	if not at_in:
		raise BadEvent("missing_field", "at")
	try:
		at = datetime.fromisoformat(at_in.replace("Z", "+00:00"))
	except ValueError:
		raise BadEvent("bad_value", f"at {at_in!r}")
	at = _utc(at)
	direction = _s(item.get("direction")).lower()
	if direction not in ("", INBOUND, OUTBOUND):
		raise BadEvent("bad_value", f"direction {direction!r}")
	end_reason = _s(item.get("end_reason")).lower()
	if end_reason and end_reason not in END_REASONS:
		raise BadEvent("bad_value", f"end_reason {end_reason!r}")
	if kind == TRANSFER and not _s(item.get("to_agent")):
		raise BadEvent("missing_field", "to_agent")
	event_id = _s(item.get("event_id")) or derive_event_id("generic", call_id, kind, at)
	return CallEvent(
		provider="generic",
		event_id=event_id,
		call_id=call_id,
		kind=kind,
		at=at,
		direction=direction,
		from_number=_s(item.get("from")),
		to_number=_s(item.get("to")),
		agent=_s(item.get("agent")),
		queue=_s(item.get("queue")),
		to_agent=_s(item.get("to_agent")),
		recording_url=_s(item.get("recording_url")),
		duration_seconds=_num(item.get("duration_seconds")),
		talk_seconds=_num(item.get("talk_seconds")),
		end_reason=end_reason,
		raw=item,
	)


# twilio ----------------------------------------------------------------------------------------------

# CallStatus -> (kind, end reason). Inbound "canceled" means the caller hung up while it rang.
_TWILIO_STATUS: dict[str, tuple[str, str]] = {
	"queued": (RINGING, ""),
	"initiated": (RINGING, ""),
	"ringing": (RINGING, ""),
	"in-progress": (ANSWERED, ""),
	"completed": (ENDED, END_COMPLETED),
	"busy": (ENDED, END_BUSY),
	"no-answer": (ENDED, END_NO_ANSWER),
	"canceled": (ENDED, END_CANCELED),
	"failed": (ENDED, END_FAILED),
}


def _twilio_time(value: str) -> datetime:
	try:
		return _utc(parsedate_to_datetime(value))
	except (TypeError, ValueError, IndexError):
		raise BadEvent("bad_value", f"Timestamp {value!r}")


def _parse_twilio(body: bytes, content_type: str, received_at: datetime | None) -> list[CallEvent]:
	if _media(content_type) not in ("application/x-www-form-urlencoded", ""):
		raise BadEvent("unsupported_media_type", content_type)
	p = _form(body)
	own_sid = _s(p.get("CallSid"))
	if not own_sid:
		raise BadEvent("missing_field", "CallSid")
	parent = _s(p.get("ParentCallSid"))
	call_id = parent or own_sid  # a <Dial>ed agent leg belongs to its caller's call
	tw_dir = _s(p.get("Direction"))
	direction = INBOUND if tw_dir == "inbound" else (OUTBOUND if tw_dir.startswith("outbound") else "")
	stamp = _s(p.get("Timestamp")) or _s(p.get("RecordingStartTime"))
	if stamp:
		at = _twilio_time(stamp)
	elif received_at is not None:
		at = _utc(received_at)
	else:
		raise BadEvent("missing_field", "Timestamp")
	raw = dict(p)

	if _s(p.get("RecordingSid")) or _s(p.get("RecordingStatus")):
		status = _s(p.get("RecordingStatus")) or "completed"
		if status != "completed" or not _s(p.get("RecordingUrl")):
			return []  # in-progress / absent / failed recordings carry no usable URL
		rec_sid = _s(p.get("RecordingSid"))
		return [
			CallEvent(
				provider="twilio",
				event_id=f"twilio:{rec_sid}:{status}"
				if rec_sid
				else derive_event_id("twilio", call_id, RECORDING, at),
				call_id=call_id,
				kind=RECORDING,
				at=at,
				recording_url=_s(p.get("RecordingUrl")),
				duration_seconds=_num(p.get("RecordingDuration")),
				raw=raw,
			)
		]

	status = _s(p.get("CallStatus"))
	if not status:
		raise BadEvent("missing_field", "CallStatus")
	if status not in _TWILIO_STATUS:
		raise BadEvent("bad_value", f"CallStatus {status!r}")
	kind, end_reason = _TWILIO_STATUS[status]
	agent = ""
	from_number, to_number = _s(p.get("From")), _s(p.get("To"))
	if parent:
		# Agent leg (<Dial> child): its ring/answer are the agent being offered / picking up the call.
		# Its own end is not the end of the customer's call (the parent reports that), so skip it.
		if kind == ENDED:
			return []
		agent = to_number
		from_number = to_number = direction = ""
	elif direction == INBOUND and kind == ANSWERED:
		# Twilio "answers" every inbound call to run TwiML; the caller is still waiting for a person.
		kind = RINGING
	if kind == ENDED and status == "canceled" and direction == INBOUND:
		end_reason = END_ABANDONED
	seq = _s(p.get("SequenceNumber"))
	if seq:
		event_id = f"twilio:{own_sid}:{_s(p.get('CallbackSource')) or 'call-progress-events'}:{seq}"
	else:
		event_id = derive_event_id("twilio", own_sid, kind, at, status)
	return [
		CallEvent(
			provider="twilio",
			event_id=event_id,
			call_id=call_id,
			kind=kind,
			at=at,
			direction=direction,
			from_number=from_number,
			to_number=to_number,
			agent=agent,
			recording_url=_s(p.get("RecordingUrl")),
			duration_seconds=_num(p.get("CallDuration")) if not parent else None,
			end_reason=end_reason,
			raw=raw,
		)
	]


# exotel ----------------------------------------------------------------------------------------------

# Status callback "Status" (terminal) and passthru DialCallStatus -> end reason
_EXOTEL_END = {
	"completed": END_COMPLETED,
	"failed": END_FAILED,
	"busy": END_BUSY,
	"no-answer": END_NO_ANSWER,
	"canceled": END_ABANDONED,
}
_EPOCH_IST = "1970-01-01 05:30:00"  # passthru's constant EndTime placeholder


def _exotel_time(value: str) -> datetime | None:
	value = value.strip()
	if not value or value == _EPOCH_IST or value.startswith("0000-00-00"):
		return None
	try:
		if "T" in value:
			dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
			return _utc(dt if dt.tzinfo else dt.replace(tzinfo=EXOTEL_TZ))
		return _utc(datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=EXOTEL_TZ))
	except ValueError:
		raise BadEvent("bad_value", f"time {value!r}")


def _exotel_params(body: bytes, content_type: str, query: str) -> dict[str, str]:
	params: dict[str, str] = {}
	if query:
		params.update(_form(query.encode()))
	media = _media(content_type)
	if body.strip():
		if media == "application/json":
			data = _json(body)
			if not isinstance(data, dict):
				raise BadEvent("malformed", "object expected")
			params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()})
		elif media in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
			params.update(_form(body))
		else:
			raise BadEvent("unsupported_media_type", content_type)
	params.pop(EXOTEL_TOKEN_PARAM, None)  # the shared secret must not be stored with the event
	return params


def _parse_exotel(
	body: bytes, content_type: str, query: str, received_at: datetime | None
) -> list[CallEvent]:
	p = _exotel_params(body, content_type, query)
	call_id = _s(p.get("CallSid"))
	if not call_id:
		raise BadEvent("missing_field", "CallSid")
	if _s(p.get("Status")).lower() == "free":
		return []  # agent availability ping (Frappe CRM / ERPNext skip it too)
	ex_dir = _s(p.get("Direction")).lower()
	direction = (
		INBOUND if ex_dir in ("incoming", "inbound") else (OUTBOUND if ex_dir.startswith("outbound") else "")
	)
	from_number = _s(p.get("CallFrom") or p.get("From"))
	to_number = _s(p.get("CallTo") or p.get("To"))
	agent = _s(p.get("AgentEmail") or p.get("DialWhomNumber"))
	recording_url = _s(p.get("RecordingUrl"))
	if recording_url.lower() in ("null", "none"):
		recording_url = ""
	# DialCallDuration runs from dialling the agent leg to its end (ring + talk); ConversationDuration is
	# the talk alone, so only the latter may place the answer time.
	dial_duration = _num(p.get("DialCallDuration"))
	talk = _num(p.get("ConversationDuration"))
	event_type = _s(p.get("EventType")).lower()
	call_type = _s(p.get("CallType")).lower()
	dial_status = _s(p.get("DialCallStatus")).lower()
	status = _s(p.get("Status")).lower()

	def when(*names: str) -> datetime:
		for n in names:
			t = _exotel_time(_s(p.get(n)))
			if t:
				return t
		if received_at is not None:
			return _utc(received_at)
		raise BadEvent("missing_field", names[0])

	end_reason = ""
	if event_type == "answered":
		kind, at = ANSWERED, when("DateUpdated", "StartTime", "CurrentTime")
	elif event_type == "terminal" or ("DateUpdated" in p and status in _EXOTEL_END):
		# StatusCallback (POST) at the end of an API call: Status is the overall outcome.
		kind, at = ENDED, when("EndTime", "DateUpdated", "CurrentTime")
		end_reason = _EXOTEL_END.get(status, "")
		if not end_reason:
			raise BadEvent("bad_value", f"Status {status!r}")
	elif call_type:
		# Passthru applet (GET) somewhere in the flow; CallType says how far the call got.
		at = when("CurrentTime", "DateUpdated", "StartTime")
		if call_type in ("call-attempt", "call"):
			kind = RINGING  # in the IVR / before the connect applet
		elif call_type == "voicemail":
			kind = VOICEMAIL
		elif call_type == "completed":
			kind, end_reason = ENDED, END_COMPLETED
		elif call_type == "client-hangup":
			kind, end_reason = ENDED, END_ABANDONED
		elif call_type == "incomplete":
			kind, end_reason = ENDED, _EXOTEL_END.get(dial_status, END_NO_ANSWER)
			if end_reason == END_COMPLETED:
				end_reason = END_NO_ANSWER
		else:
			raise BadEvent("bad_value", f"CallType {call_type!r}")
	elif dial_status or status:
		s = dial_status or status
		at = when("CurrentTime", "DateUpdated", "StartTime")
		if s in ("ringing", "queued"):
			kind = RINGING
		elif s == "in-progress":
			kind = ANSWERED
		elif s in _EXOTEL_END:
			kind, end_reason = ENDED, _EXOTEL_END[s]
		else:
			raise BadEvent("bad_value", f"status {s!r}")
	else:
		raise BadEvent("missing_field", "Status")

	return [
		CallEvent(
			provider="exotel",
			event_id=derive_event_id("exotel", call_id, kind, at, end_reason),
			call_id=call_id,
			kind=kind,
			at=at,
			direction=direction,
			from_number=from_number,
			to_number=to_number,
			agent=agent,
			queue=_s(p.get("flow_id")),
			recording_url=recording_url,
			duration_seconds=dial_duration if kind == ENDED else None,
			talk_seconds=talk if kind == ENDED else None,
			end_reason=end_reason,
			raw=p,
		)
	]


# ---------------------------------------------------------------------------------------------------
# signatures


def sign(secret: str | bytes, timestamp: int | str, body: bytes | str) -> str:
	"""Hex HMAC-SHA256 over b"<timestamp>." + body: the generic scheme (same idea as Stripe/Slack)."""
	key = secret.encode() if isinstance(secret, str) else secret
	msg = f"{timestamp}.".encode() + _as_bytes(body)
	return hmac.new(key, msg, hashlib.sha256).hexdigest()


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
	"""Twilio's documented X-Twilio-Signature: base64 HMAC-SHA1 of the full URL followed by every POST
	parameter name and value, sorted by name (then value), with no separators."""
	pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
	data = url + "".join(k + v for k, v in sorted(pairs))
	digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
	return base64.b64encode(digest).decode()


def _url_variants(url: str) -> list[str]:
	"""Twilio signs the URL as configured; proxies add or drop the default port, so try both forms."""
	parts = urlsplit(url)
	host = parts.hostname or ""
	default = {"https": 443, "http": 80}.get(parts.scheme)
	out = [url]
	if default is None:
		return out
	userinfo = parts.netloc.rpartition("@")[0]
	prefix = f"{userinfo}@" if userinfo else ""
	if parts.port is None:
		out.append(urlunsplit(parts._replace(netloc=f"{prefix}{host}:{default}")))
	elif parts.port == default:
		out.append(urlunsplit(parts._replace(netloc=f"{prefix}{host}")))
	return out


def _to_epoch(now: datetime | float | int) -> float:
	return _utc(now).timestamp() if isinstance(now, datetime) else float(now)


def verify(
	provider: str,
	secret: str,
	headers: Mapping[str, str] | None,
	body: bytes | str | None,
	url: str,
	now: datetime | float | int,
	tolerance: int = 300,
) -> None:
	"""Accept (return None) or raise BadEvent("bad_signature" | "stale" | "too_large" | ...).

	generic: X-CRMS-Timestamp (unix seconds) + X-CRMS-Signature = sign(secret, ts, body), both within
	`tolerance` seconds of `now` either way. twilio: X-Twilio-Signature with the Auth Token; Twilio puts
	no timestamp in it, replays are absorbed by event_id dedupe. exotel: Exotel cannot sign, so either
	the generic headers (set by a relay) or the secret as ?key=<secret> in the configured URL."""
	raw = _as_bytes(body)
	if len(raw) > MAX_BODY_BYTES:
		raise BadEvent("too_large", f"{len(raw)} bytes")
	if not secret:
		raise BadEvent("bad_signature", "no secret configured")
	if provider == "generic":
		_verify_generic(secret, headers, raw, now, tolerance)
	elif provider == "twilio":
		_verify_twilio(secret, headers, raw, url)
	elif provider == "exotel":
		if _header(headers, GENERIC_SIG_HEADER):
			_verify_generic(secret, headers, raw, now, tolerance)
			return
		token = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)).get(EXOTEL_TOKEN_PARAM, "")
		if not token or not hmac.compare_digest(token.encode(), secret.encode()):
			raise BadEvent("bad_signature", "token")
	else:
		raise BadEvent("unknown_provider", provider)


def _verify_generic(
	secret: str, headers: Mapping[str, str] | None, body: bytes, now: datetime | float | int, tolerance: int
) -> None:
	ts = _header(headers, GENERIC_TS_HEADER).strip()
	sig = _header(headers, GENERIC_SIG_HEADER).strip().lower()
	if not ts or not sig:
		raise BadEvent("bad_signature", "missing headers")
	if not ts.isdigit():
		raise BadEvent("bad_signature", "timestamp")
	# signature first: an attacker must not learn anything from which check failed
	if not hmac.compare_digest(sign(secret, ts, body).encode(), sig.encode()):
		raise BadEvent("bad_signature")
	if abs(_to_epoch(now) - int(ts)) > tolerance:
		raise BadEvent("stale", ts)


def _verify_twilio(secret: str, headers: Mapping[str, str] | None, body: bytes, url: str) -> None:
	sig = _header(headers, TWILIO_SIG_HEADER).strip()
	if not sig:
		raise BadEvent("bad_signature", "missing header")
	query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
	if "bodySHA256" in query:
		# JSON-bodied webhooks: the URL (with the body hash) is signed, and the hash must match the body
		params: list[tuple[str, str]] = []
		if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), query["bodySHA256"].lower()):
			raise BadEvent("bad_signature", "body hash")
	else:
		try:
			params = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
		except UnicodeDecodeError:
			raise BadEvent("malformed")
	for candidate in _url_variants(url):
		if hmac.compare_digest(twilio_signature(secret, candidate, params).encode(), sig.encode()):
			return
	raise BadEvent("bad_signature")


# ---------------------------------------------------------------------------------------------------
# reducer


def _order_key(e: CallEvent) -> tuple:
	return (e.at, KIND_RANK[e.kind], e.event_id)


def _canonical(events: Iterable[CallEvent]) -> list[CallEvent]:
	"""Dedupe by event_id (a deterministic pick if two differ) and sort by (at, kind rank, event_id)."""
	best: dict[str, CallEvent] = {}
	for e in events:
		if e.kind not in KIND_RANK:
			raise BadEvent("bad_value", f"kind {e.kind!r}")
		cur = best.get(e.event_id)
		if cur is None or (_order_key(e), repr(e)) < (_order_key(cur), repr(cur)):
			best[e.event_id] = e
	return sorted(best.values(), key=_order_key)


def _secs(a: datetime | None, b: datetime | None) -> float | None:
	if a is None or b is None:
		return None
	return max(0.0, (b - a).total_seconds())


def fold(events: Iterable[CallEvent]) -> CallRecord:
	"""All stored events of one call -> its record. Order- and duplicate-insensitive by construction:
	the result depends only on the set of distinct event_ids."""
	evs = _canonical(events)
	if not evs:
		raise BadEvent("empty")
	call_ids = {e.call_id for e in evs}
	if len(call_ids) > 1:
		raise BadEvent("mixed_calls", ",".join(sorted(call_ids)))
	call_id = evs[0].call_id

	def first(attr: str, pool: list[CallEvent] = evs) -> str:
		return next((getattr(e, attr) for e in pool if getattr(e, attr)), "")

	ends = [e for e in evs if e.kind == ENDED]
	end_ev = ends[-1] if ends else None  # the latest report of the end is the most complete one
	ended_at = end_ev.at if end_ev else None

	def live(e: CallEvent) -> bool:
		return ended_at is None or e.at <= ended_at

	rings = [e for e in evs if e.kind == RINGING and live(e)]
	ring_at = rings[0].at if rings else evs[0].at  # no RINGING seen: the call starts at its first event

	answers = [e for e in evs if e.kind == ANSWERED and live(e)]
	answer_ev = answers[0] if answers else None
	answered_at = answer_ev.at if answer_ev else None
	if answered_at is None:
		implied = [e for e in evs if e.kind in (HOLD, UNHOLD, TRANSFER) and live(e)]
		if implied:
			answered_at = implied[0].at  # a hold or transfer means someone had picked up
		elif end_ev and end_ev.end_reason == END_COMPLETED and end_ev.talk_seconds:
			# provider gave the conversation length but no answer event (e.g. Exotel terminal callback)
			answered_at = max(ring_at, end_ev.at - timedelta(seconds=end_ev.talk_seconds))

	# holds: spans between HOLD and the next UNHOLD inside [answered_at, end]; an open hold closes at end
	last_at = ended_at or evs[-1].at
	hold = 0.0
	hold_open: datetime | None = None
	if answered_at is not None:
		for e in evs:
			if e.at < answered_at or e.at > last_at:
				continue
			if e.kind == HOLD and hold_open is None:
				hold_open = e.at
			elif e.kind == UNHOLD and hold_open is not None:
				hold += (e.at - hold_open).total_seconds()
				hold_open = None
		if hold_open is not None:
			hold += (last_at - hold_open).total_seconds()

	talk = None
	if answered_at is not None:
		talk = max(0.0, (last_at - answered_at).total_seconds() - hold) if ended_at else None
	wait = _secs(ring_at, answered_at) if answered_at else _secs(ring_at, ended_at)

	wrapups = [e for e in evs if e.kind == WRAPUP_DONE and ended_at is not None and e.at >= ended_at]
	wrapup = _secs(ended_at, wrapups[0].at) if wrapups else None

	# agents: whoever answered, then each transfer target, in time order
	chain: list[str] = []
	first_agent = (answer_ev.agent if answer_ev else "") or first("agent", [e for e in evs if live(e)])
	if first_agent:
		chain.append(first_agent)
	for e in evs:
		if e.kind == TRANSFER and live(e) and e.to_agent and (not chain or chain[-1] != e.to_agent):
			chain.append(e.to_agent)

	recs = [e for e in evs if e.recording_url]
	rec_kind = [e for e in recs if e.kind == RECORDING]
	recording_url = (rec_kind or recs)[-1].recording_url if recs else ""
	voicemail = any(e.kind == VOICEMAIL for e in evs)
	direction = first("direction")
	end_reason = end_ev.end_reason if end_ev else ""

	abandoned = False
	if ended_at is None:
		status = (
			ST_RINGING if answered_at is None else (ST_ON_HOLD if hold_open is not None else ST_IN_PROGRESS)
		)
	elif answered_at is not None:
		status = ST_COMPLETED
	elif voicemail:
		status = ST_VOICEMAIL
	elif end_reason == END_BUSY:
		status = ST_BUSY
	elif end_reason == END_FAILED:
		status = ST_FAILED
	elif direction == OUTBOUND:
		status = ST_NO_ANSWER
	elif end_reason in (END_ABANDONED, END_CANCELED, END_COMPLETED, ""):
		# inbound, nobody answered and the caller hung up first
		status, abandoned = ST_ABANDONED, True
		end_reason = END_ABANDONED
	else:
		status = ST_MISSED  # inbound, rang out (no-answer) without the caller giving up
	return CallRecord(
		call_id=call_id,
		direction=direction,
		from_number=first("from_number"),
		to_number=first("to_number"),
		status=status,
		ring_at=ring_at,
		answered_at=answered_at,
		ended_at=ended_at,
		wait_seconds=wait,
		talk_seconds=talk,
		hold_seconds=hold,
		wrapup_seconds=wrapup,
		abandoned=abandoned,
		transfers=tuple(chain),
		agent=chain[-1] if chain else "",
		queue=first("queue"),
		recording_url=recording_url,
		voicemail=voicemail,
		end_reason=end_reason,
		event_count=len(evs),
	)
