"""Survey tokens: the only credential of a customer answering a CSAT or NPS survey without logging in.

Requirements (issue 9 part 2): unguessable, single use, expiring, bound to one ticket (CSAT) or one
customer (NPS). Only an HMAC-SHA256 of the token under a site secret ("pepper") is stored, so a leaked
database table or backup does not leak working links, and the pepper alone is useless without the
tokens. Lookups go by hash (indexed column); comparisons are constant-time.

Single use across concurrent submissions is the caller's job at the database level: mark the token used
with `UPDATE ... SET used_on = now WHERE token_hash = %s AND used_on IS NULL` and accept the answer only
if exactly one row changed. `verify` here decides the reason shown to the customer.

One-click rating links carry the rating in the URL. Mail scanners (Outlook Safe Links, corporate
gateways) fetch every link in a message, so a GET must not consume the token: the page it opens
shows the chosen rating pre-selected and the answer is recorded by a POST.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

# Reason codes (translated by the caller)
OK = "ok"
UNKNOWN = "unknown"
EXPIRED = "expired"
USED = "used"
WRONG_TICKET = "wrong_ticket"
NOT_ANSWERED = "not_answered"  # a comment posted before any rating

CSAT = "csat"
NPS = "nps"
# Rating scales per survey kind: CSAT 1-5 stars, NPS 0-10.
SCALES: dict[str, tuple[int, int]] = {CSAT: (1, 5), NPS: (0, 10)}

MIN_TOKEN_BYTES = 16  # 128 bits: the floor OWASP sets for session identifiers
DEFAULT_TOKEN_BYTES = 32
DEFAULT_TTL = timedelta(days=14)
DEFAULT_COMMENT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class TokenRecord:
	"""What is stored for a token: never the token itself."""

	token_hash: str
	kind: str  # CSAT (bound to a ticket) or NPS (bound to a customer)
	subject: str  # ticket name for CSAT, customer name for NPS
	issued_on: datetime
	expires_on: datetime
	used_on: datetime | None = None
	commented_on: datetime | None = None


@dataclass(frozen=True)
class Verification:
	reason: str
	record: TokenRecord | None = None

	@property
	def ok(self) -> bool:
		return self.reason == OK


def generate_token(nbytes: int = DEFAULT_TOKEN_BYTES) -> str:
	"""A URL-safe random token from the OS CSPRNG; refuses fewer than 128 bits."""
	if nbytes < MIN_TOKEN_BYTES:
		raise ValueError("a survey token needs at least 16 random bytes (128 bits)")
	return secrets.token_urlsafe(nbytes)


def hash_token(token: str, pepper: str | bytes) -> str:
	"""HMAC-SHA256 of the token keyed by the site pepper, hex (64 chars: fits an indexed Data field)."""
	if not pepper:
		raise ValueError("a pepper (site secret) is required")
	key = pepper.encode() if isinstance(pepper, str) else pepper
	return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def issue_token(
	kind: str,
	subject: str,
	now: datetime,
	pepper: str | bytes,
	ttl: timedelta = DEFAULT_TTL,
	nbytes: int = DEFAULT_TOKEN_BYTES,
) -> tuple[str, TokenRecord]:
	"""A fresh token (to put in the e-mail, never stored) and the record to store."""
	if kind not in SCALES:
		raise ValueError(f"unknown survey kind {kind!r}")
	if not subject:
		raise ValueError("a token must be bound to a ticket or a customer")
	if ttl <= timedelta(0):
		raise ValueError("ttl must be positive")
	token = generate_token(nbytes)
	return token, TokenRecord(hash_token(token, pepper), kind, subject, now, now + ttl)


def verify(
	token: str,
	record: TokenRecord | None,
	expected_subject: str,
	now: datetime,
	pepper: str | bytes,
) -> Verification:
	"""Why this token may or may not answer the survey for `expected_subject` at `now`.

	`record` is what the caller found by `hash_token(token, pepper)` (None if nothing). The hash is
	compared again in constant time so a record passed by mistake cannot validate another token.
	Order of checks: unknown, wrong ticket, used, expired: a customer clicking twice is told the
	answer was already recorded, even after expiry.
	"""
	if record is None or not token:
		return Verification(UNKNOWN)
	if not hmac.compare_digest(hash_token(token, pepper), record.token_hash):
		return Verification(UNKNOWN)
	if not hmac.compare_digest(record.subject.encode(), (expected_subject or "").encode()):
		return Verification(WRONG_TICKET, record)
	if record.used_on is not None:
		return Verification(USED, record)
	if now >= record.expires_on:
		return Verification(EXPIRED, record)
	return Verification(OK, record)


def verify_in(
	token: str,
	store: dict[str, TokenRecord],
	expected_subject: str,
	now: datetime,
	pepper: str | bytes,
) -> Verification:
	"""`verify` against an in-memory store keyed by hash (tests, batch jobs)."""
	return verify(token, store.get(hash_token(token, pepper)), expected_subject, now, pepper)


def consume(record: TokenRecord, now: datetime) -> TokenRecord:
	"""The record marked used; raises if it already was (the database UPDATE mirrors this guard)."""
	if record.used_on is not None:
		raise ValueError("token already used")
	return replace(record, used_on=now)


def verify_comment(
	token: str,
	record: TokenRecord | None,
	expected_subject: str,
	now: datetime,
	pepper: str | bytes,
	window: timedelta = DEFAULT_COMMENT_WINDOW,
) -> Verification:
	"""May this token add the optional comment to the rating it already recorded?

	The one-click rating consumes the token; the thank-you page then offers a comment box. The same
	token may post one comment within `window` of the rating, never a second rating (the caller
	stores the comment only), so the answer stays one per ticket.
	"""
	v = verify(token, record, expected_subject, now, pepper)
	if v.reason != USED or record is None or record.used_on is None:
		# not rated yet: the comment goes with the rating through verify()
		return v if v.reason != OK else Verification(NOT_ANSWERED, record)
	if record.commented_on is not None:
		return Verification(USED, record)
	if now - record.used_on > window:
		return Verification(EXPIRED, record)
	return Verification(OK, record)


def add_comment(record: TokenRecord, now: datetime) -> TokenRecord:
	"""The record with its one comment marked; the database UPDATE guards on commented_on IS NULL."""
	if record.used_on is None or record.commented_on is not None:
		raise ValueError("comment not allowed")
	return replace(record, commented_on=now)


def check_rating(kind: str, rating: int | str | None) -> int | None:
	"""The rating as an int if it is on the survey's scale, else None (tampered or truncated link)."""
	lo, hi = SCALES[kind]
	try:
		value = int(str(rating).strip())
	except (TypeError, ValueError):
		return None
	if str(rating).strip() != str(value):  # "4.0", "+4", "04" are not what we sent
		return None
	return value if lo <= value <= hi else None


def rating_link(base_url: str, token: str, kind: str, rating: int) -> str:
	"""One-click link: the token plus the rating. Opening it pre-selects the rating; see module doc."""
	if check_rating(kind, rating) is None:
		raise ValueError(f"rating {rating!r} is off the {kind} scale")
	sep = "&" if urlsplit(base_url).query else "?"
	return f"{base_url}{sep}{urlencode({'t': token, 'r': rating})}"


def rating_links(base_url: str, token: str, kind: str) -> dict[int, str]:
	"""All one-click links for an e-mail (5 for CSAT, 11 for NPS): one token, so only one can count."""
	lo, hi = SCALES[kind]
	return {r: rating_link(base_url, token, kind, r) for r in range(lo, hi + 1)}


def parse_rating_link(url: str, kind: str) -> tuple[str | None, int | None]:
	"""(token, rating) from a one-click link; None for a missing part or an off-scale rating."""
	query = parse_qs(urlsplit(url).query)
	token = (query.get("t") or [None])[0]
	rating = check_rating(kind, (query.get("r") or [None])[0])
	return token, rating
