"""The customer timeline's pure core: ordering, keyset cursors, per-source bounds and the merge.

Items are plain dicts with at least `timestamp` (datetime or ISO string), `doctype` and `name`. The
timeline is ordered newest first by the key (timestamp, doctype, name); a cursor is that key of the
last item on a page, and the next page holds the items whose key is strictly smaller. Each source
is queried with `limit + 1` rows below the cursor (see `source_bounds`), so merging the sources and
cutting at `limit` yields exactly the next page: any item of the true next page is among its own
source's first `limit` rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import date, datetime

Key = tuple[str, str, str]

# Timeline item types a viewer can filter on (one per source doctype).
TYPES = (
	"Communication",
	"Comment",
	"Call Log",
	"Issue",
	"Quotation",
	"Sales Order",
	"Delivery Note",
	"Sales Invoice",
	"Payment Entry",
	"Opportunity",
	"Lead",
)


class InvalidCursor(ValueError):
	pass


def normalize_timestamp(value: datetime | date | str | None) -> str:
	"""One sortable text form: 'YYYY-MM-DD HH:MM:SS.ffffff' (dates at midnight)."""
	if value is None:
		return "0001-01-01 00:00:00.000000"
	if isinstance(value, datetime):
		return value.isoformat(sep=" ", timespec="microseconds")
	if isinstance(value, date):
		return f"{value.isoformat()} 00:00:00.000000"
	text = str(value).strip().replace("T", " ")
	if len(text) == 10:
		text += " 00:00:00"
	if "." not in text:
		text += ".000000"
	head, frac = text.split(".", 1)
	return f"{head}.{(frac + '000000')[:6]}"


def item_key(item: dict) -> Key:
	return (normalize_timestamp(item["timestamp"]), str(item["doctype"]), str(item["name"]))


def encode_cursor(key: Key) -> str:
	raw = json.dumps(list(key), separators=(",", ":")).encode()
	return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Key | None:
	if not cursor:
		return None
	try:
		padded = cursor + "=" * (-len(cursor) % 4)
		value = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
	except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
		raise InvalidCursor(str(exc)) from exc
	if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value)):
		raise InvalidCursor("malformed cursor")
	return (normalize_timestamp(value[0]), value[1], value[2])


def source_bounds(cursor: Key | None, doctype: str) -> list[dict]:
	"""The WHERE parts that select a source's rows after `cursor`; one query per returned dict.

	Each dict has `ts_op` and `ts` (a bound on the timestamp column) and optionally `name_lt`.
	No cursor: one unbounded query ([{}]).
	"""
	if cursor is None:
		return [{}]
	ts, cursor_doctype, cursor_name = cursor
	if doctype < cursor_doctype:
		return [{"ts_op": "<=", "ts": ts}]
	if doctype > cursor_doctype:
		return [{"ts_op": "<", "ts": ts}]
	return [{"ts_op": "<", "ts": ts}, {"ts_op": "=", "ts": ts, "name_lt": cursor_name}]


def selected_types(types: Iterable[str] | str | None) -> list[str]:
	"""The requested types in canonical order; unknown names are ignored, none means all."""
	if types is None or types == "" or types == []:
		return list(TYPES)
	if isinstance(types, str):
		try:
			parsed = json.loads(types)
		except ValueError:
			parsed = [t.strip() for t in types.split(",")]
		types = parsed if isinstance(parsed, list) else [parsed]
	wanted = set(types)
	return [t for t in TYPES if t in wanted]


def merge(sources: Iterable[Iterable[dict]], limit: int, cursor: Key | None = None) -> dict:
	"""Merge per-source rows into one page: newest first, unique, strictly after the cursor.

	Returns {"items": [...], "next_cursor": str | None}; every item gets its normalised `timestamp`.
	"""
	if limit < 1:
		raise ValueError("limit must be positive")
	seen: dict[tuple[str, str], tuple[Key, dict]] = {}
	for rows in sources:
		for row in rows:
			key = item_key(row)
			if cursor is not None and not key < cursor:
				continue
			seen.setdefault((key[1], key[2]), (key, row))
	ordered = sorted(seen.values(), key=lambda pair: pair[0], reverse=True)
	page = ordered[:limit]
	items = [{**row, "timestamp": key[0]} for key, row in page]
	next_cursor = encode_cursor(page[-1][0]) if len(ordered) > limit else None
	return {"items": items, "next_cursor": next_cursor}
