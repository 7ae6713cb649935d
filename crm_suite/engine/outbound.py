"""Outbound campaign list rules: who may be called now, and when to try again.

Calling someone who opted out, at 07:00 their time, or for the ninth time this week is both a legal
risk (TCPA / national do-not-call rules, GDPR consent) and bad service, so the dialler asks this module
before every call. All times are aware datetimes; windows, weekdays and holidays are read on the
contact's own wall clock (IANA zone via zoneinfo), so a Shanghai contact and a New York contact in one
campaign each get their own 09:00-20:00, and a daylight-saving change moves the window with the clock.

Exclusions come back as reason codes (the app translates them); a contact can have several.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Exclusion reasons, in the order they are reported.
DO_NOT_CALL = "do_not_call"
NO_CONSENT = "no_consent"
DO_NOT_CONTACT = "do_not_contact"
INVALID_NUMBER = "invalid_number"
INVALID_TIMEZONE = "invalid_timezone"
ALREADY_DONE = "already_done"
FREQUENCY_CAP = "frequency_cap"
OUTSIDE_WINDOW = "outside_window"
REASONS = (
	DO_NOT_CALL,
	NO_CONSENT,
	DO_NOT_CONTACT,
	INVALID_NUMBER,
	INVALID_TIMEZONE,
	ALREADY_DONE,
	FREQUENCY_CAP,
	OUTSIDE_WINDOW,
)

# Dispositions of one attempt.
CONNECTED = "connected"  # spoke to the contact
COMPLETED = "completed"  # the campaign's goal reached (sale, survey done, appointment)
REFUSED = "refused"
WRONG_NUMBER = "wrong_number"
DNC_REQUESTED = "dnc_requested"  # asked not to be called again
NO_ANSWER = "no_answer"
BUSY = "busy"
ANSWERING_MACHINE = "answering_machine"
FAILED = "failed"  # network / carrier error
FINAL_DISPOSITIONS = frozenset({CONNECTED, COMPLETED, REFUSED, WRONG_NUMBER, DNC_REQUESTED})
CONNECT_DISPOSITIONS = frozenset({CONNECTED, COMPLETED, REFUSED, DNC_REQUESTED})  # a human answered

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class CallingRules:
	"""When and how often a contact may be called. window_end is exclusive."""

	window_start: time = time(9, 0)
	window_end: time = time(20, 0)
	weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4, 5})  # Monday = 0; Sunday off
	holidays: frozenset[date] = frozenset()  # local dates
	max_attempts: int = 3  # frequency cap: at most this many attempts ...
	period_days: float = 7  # ... in this many days
	require_consent: bool = True
	default_tz: str = "UTC"  # for contacts without a zone


@dataclass(frozen=True)
class Contact:
	contact_id: str
	phone: str
	tz: str | None = None  # IANA zone, e.g. "Asia/Shanghai"
	do_not_call: bool = False  # phone opt-out / national DNC registry
	do_not_contact: bool = False  # the customer asked for no contact on any channel
	consent: bool | None = None  # None: unknown (no consent on record)
	attempts: tuple[datetime, ...] = ()  # earlier attempts in this campaign (or any, per policy)
	last_disposition: str | None = None


@dataclass(frozen=True)
class Exclusion:
	contact: Contact
	reasons: tuple[str, ...]


def _zone(tz: str | None, rules: CallingRules) -> ZoneInfo | None:
	try:
		return ZoneInfo(tz or rules.default_tz)
	except (ZoneInfoNotFoundError, ValueError):
		return None


def _aware(now: datetime) -> None:
	if now.tzinfo is None or now.utcoffset() is None:
		raise ValueError("now must be timezone-aware")


def in_window(now: datetime, zone: ZoneInfo, rules: CallingRules) -> bool:
	"""Is `now` inside the calling window on the contact's wall clock (weekday, not a holiday)?"""
	local = now.astimezone(zone)
	return (
		local.weekday() in rules.weekdays
		and local.date() not in rules.holidays
		and rules.window_start <= local.time().replace(tzinfo=None) < rules.window_end
	)


def attempts_in_period(attempts: Iterable[datetime], now: datetime, period_days: float) -> int:
	"""Attempts in (now - period, now]."""
	since = now - timedelta(days=period_days)
	return sum(1 for a in attempts if since < a <= now)


def exclusion_reasons(contact: Contact, now: datetime, rules: CallingRules) -> tuple[str, ...]:
	"""Every reason `contact` may not be called at `now`; empty when it may."""
	_aware(now)
	reasons = []
	if contact.do_not_call:
		reasons.append(DO_NOT_CALL)
	if rules.require_consent and not contact.consent:
		reasons.append(NO_CONSENT)
	if contact.do_not_contact:
		reasons.append(DO_NOT_CONTACT)
	if not E164.match(contact.phone or ""):
		reasons.append(INVALID_NUMBER)
	zone = _zone(contact.tz, rules)
	if zone is None:
		reasons.append(INVALID_TIMEZONE)
	if contact.last_disposition in FINAL_DISPOSITIONS:
		reasons.append(ALREADY_DONE)
	if attempts_in_period(contact.attempts, now, rules.period_days) >= rules.max_attempts:
		reasons.append(FREQUENCY_CAP)
	if zone is not None and not in_window(now, zone, rules):
		reasons.append(OUTSIDE_WINDOW)
	return tuple(reasons)


def eligible(
	contacts: Iterable[Contact], now: datetime, rules: CallingRules | None = None
) -> tuple[list[Contact], list[Exclusion]]:
	"""Split a campaign list into (callable now, excluded with reasons); input order is kept."""
	rules = rules or CallingRules()
	ok: list[Contact] = []
	excluded: list[Exclusion] = []
	for c in contacts:
		reasons = exclusion_reasons(c, now, rules)
		if reasons:
			excluded.append(Exclusion(c, reasons))
		else:
			ok.append(c)
	return ok, excluded


def next_window_start(
	t: datetime, zone: ZoneInfo, rules: CallingRules, max_days: int = 400
) -> datetime | None:
	"""The first instant >= t inside the calling window on `zone`'s clock; None when there is none.

	Built from local dates and wall-clock times, so across a DST change "09:00" stays 09:00 local (the
	UTC instant shifts by the offset change). A window start inside a spring-forward gap is moved to
	the first valid instant after it.
	"""
	_aware(t)
	if in_window(t, zone, rules):
		return t
	local = t.astimezone(zone)
	for offset in range(max_days + 1):
		d = local.date() + timedelta(days=offset)
		if d.weekday() not in rules.weekdays or d in rules.holidays:
			continue
		start = _wall(d, rules.window_start, zone)
		end = _wall(d, rules.window_end, zone)
		candidate = max(start, t)
		if candidate < end:
			return candidate.astimezone(t.tzinfo)
	return None


def _wall(d: date, tm: time, zone: ZoneInfo) -> datetime:
	"""Local wall-clock `d tm` as an aware instant.

	A time in a spring-forward gap (fold=0 reads it with the pre-change offset) comes back normalised
	to the wall-clock time after the gap, e.g. 02:30 on a New York spring-forward day -> 03:30 EDT.
	"""
	return datetime.combine(d, tm, tzinfo=zone).astimezone(timezone.utc).astimezone(zone)


@dataclass(frozen=True)
class RetryPolicy:
	"""Back-off per disposition: the n-th retry waits backoff[disposition][n-1] (the last one repeats).

	max_attempts counts every attempt including the first; dispositions not listed use `default`.
	"""

	backoff: Mapping[str, tuple[timedelta, ...]] = field(
		default_factory=lambda: {
			NO_ANSWER: (timedelta(hours=2), timedelta(days=1), timedelta(days=3)),
			BUSY: (timedelta(minutes=15), timedelta(minutes=15), timedelta(hours=2)),
			ANSWERING_MACHINE: (timedelta(hours=4), timedelta(days=1), timedelta(days=3)),
			FAILED: (timedelta(minutes=30), timedelta(hours=2), timedelta(days=1)),
		}
	)
	default: tuple[timedelta, ...] = (timedelta(hours=4), timedelta(days=1))
	max_attempts: int = 4
	final: frozenset[str] = FINAL_DISPOSITIONS
	rules: CallingRules = field(default_factory=CallingRules)


def next_attempt(
	attempts: Sequence[datetime] | int,
	disposition: str,
	now: datetime,
	policy: RetryPolicy | None = None,
	tz: str | None = None,
) -> datetime | None:
	"""When to call again after an attempt ended with `disposition` at `now`; None when done.

	`attempts` are the attempts made so far including this one (or just their count). The back-off
	time is moved into the next calling window on the contact's clock (`tz`, else the rules' default)
	and, when attempt times are given, past the frequency cap (to when the oldest attempt in the
	period drops out).
	"""
	_aware(now)
	policy = policy or RetryPolicy()
	rules = policy.rules
	times = sorted(attempts) if not isinstance(attempts, int) else []
	count = attempts if isinstance(attempts, int) else len(times)
	if disposition in policy.final or count >= policy.max_attempts:
		return None
	zone = _zone(tz, rules)
	if zone is None:
		return None
	steps = policy.backoff.get(disposition, policy.default)
	delay = steps[min(max(count, 1), len(steps)) - 1]
	candidate: datetime | None = now + delay
	period = timedelta(days=rules.period_days)
	for _ in range(rules.max_attempts + 2):
		candidate = next_window_start(candidate, zone, rules)
		if candidate is None:
			return None
		recent = [a for a in times if candidate - period < a <= candidate]
		if len(recent) < rules.max_attempts:
			return candidate
		# wait until enough attempts have left the (candidate - period, candidate] span
		candidate = recent[len(recent) - rules.max_attempts] + period
	return None


def connect_rate(
	dispositions: Iterable[str], connected: Collection[str] = CONNECT_DISPOSITIONS
) -> float | None:
	"""% of attempts where a person answered; None without attempts."""
	ds = list(dispositions)
	return 100 * sum(d in connected for d in ds) / len(ds) if ds else None


@dataclass(frozen=True)
class OutcomeSummary:
	attempts: int
	by_disposition: dict[str, int]  # most frequent first
	connect_rate: float | None
	contacts: int
	contacts_done: int  # whose last disposition is final


def outcomes(
	attempts: Iterable[tuple[str, str]], final: Collection[str] = FINAL_DISPOSITIONS
) -> OutcomeSummary:
	"""Summary of (contact_id, disposition) attempts in call order."""
	rows = list(attempts)
	counts = Counter(d for _, d in rows)
	last: dict[str, str] = {}
	for cid, d in rows:
		last[cid] = d
	return OutcomeSummary(
		attempts=len(rows),
		by_disposition=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
		connect_rate=connect_rate(d for _, d in rows),
		contacts=len(last),
		contacts_done=sum(d in final for d in last.values()),
	)
