"""The timeline engine: ordering, cursors, per-source bounds, merge across sources and pages."""

import random
from datetime import date, datetime

import pytest

from crm_suite.engine import timeline as t


def item(ts, doctype="Sales Invoice", name="A"):
	return {"timestamp": ts, "doctype": doctype, "name": name}


def test_normalize_timestamp_forms_sort_alike():
	assert t.normalize_timestamp(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05.000000"
	assert t.normalize_timestamp("2026-01-02 03:04:05") == "2026-01-02 03:04:05.000000"
	assert t.normalize_timestamp("2026-01-02 03:04:05.5") == "2026-01-02 03:04:05.500000"
	assert t.normalize_timestamp(date(2026, 1, 2)) == "2026-01-02 00:00:00.000000"
	assert t.normalize_timestamp(None) < t.normalize_timestamp("1900-01-01")


def test_cursor_round_trip_and_rejects_garbage():
	key = ("2026-01-02 03:04:05.000001", "Comment", "abc/def+ü")
	assert t.decode_cursor(t.encode_cursor(key)) == key
	assert t.decode_cursor(None) is None
	for bad in ("!!!", "e30", t.encode_cursor(("a", "b", "c"))[:-3] + "zz"):
		with pytest.raises(t.InvalidCursor):
			t.decode_cursor(bad)


def test_source_bounds_follow_the_key_order():
	cursor = ("2026-01-01 00:00:00.000000", "Issue", "ISS-5")
	assert t.source_bounds(None, "Issue") == [{}]
	assert t.source_bounds(cursor, "Comment") == [{"ts_op": "<=", "ts": cursor[0]}]
	assert t.source_bounds(cursor, "Sales Invoice") == [{"ts_op": "<", "ts": cursor[0]}]
	assert t.source_bounds(cursor, "Issue") == [
		{"ts_op": "<", "ts": cursor[0]},
		{"ts_op": "=", "ts": cursor[0], "name_lt": "ISS-5"},
	]


def test_selected_types_canonical_order_and_parsing():
	assert t.selected_types(None) == list(t.TYPES)
	assert t.selected_types(["Sales Invoice", "Comment", "Bogus"]) == ["Comment", "Sales Invoice"]
	assert t.selected_types('["Issue"]') == ["Issue"]
	assert t.selected_types("Issue, Lead") == ["Issue", "Lead"]


def test_merge_orders_newest_first_dedupes_and_cuts():
	a = [item("2026-01-03", "Issue", "I1"), item("2026-01-01", "Issue", "I0")]
	b = [item("2026-01-02", "Comment", "C1"), item("2026-01-03", "Issue", "I1")]
	page = t.merge([a, b], limit=2)
	assert [i["name"] for i in page["items"]] == ["I1", "C1"]
	assert t.decode_cursor(page["next_cursor"]) == ("2026-01-02 00:00:00.000000", "Comment", "C1")
	last = t.merge([a, b], limit=2, cursor=t.decode_cursor(page["next_cursor"]))
	assert [i["name"] for i in last["items"]] == ["I0"] and last["next_cursor"] is None


def _simulate(rows_by_source, limit):
	"""Page through like the view does: each source gives its first limit+1 rows after the cursor."""
	cursor, seen = None, []
	for _ in range(1000):
		fetched = []
		for doctype, rows in rows_by_source.items():
			for bound in t.source_bounds(cursor, doctype):
				picked = []
				for r in rows:
					ts = t.normalize_timestamp(r["timestamp"])
					if bound:
						op = bound["ts_op"]
						ok = (
							ts < bound["ts"]
							if op == "<"
							else ts <= bound["ts"]
							if op == "<="
							else ts == bound["ts"]
						)
						if "name_lt" in bound:
							ok = ok and r["name"] < bound["name_lt"]
						if not ok:
							continue
					picked.append(r)
				picked.sort(key=lambda r: (t.normalize_timestamp(r["timestamp"]), r["name"]), reverse=True)
				fetched.append(picked[: limit + 1])
		page = t.merge(fetched, limit, cursor)
		seen.extend((i["doctype"], i["name"]) for i in page["items"])
		assert len(page["items"]) <= limit
		if not page["next_cursor"]:
			return seen
		cursor = t.decode_cursor(page["next_cursor"])
	raise AssertionError("pagination did not end")


@pytest.mark.parametrize("limit", [1, 3, 7, 20])
def test_pagination_returns_every_item_once_in_order_with_ties(limit):
	rng = random.Random(limit)
	doctypes = ["Comment", "Issue", "Sales Invoice", "Communication"]
	rows = {d: [] for d in doctypes}
	for n in range(150):
		d = rng.choice(doctypes)
		# few distinct timestamps, so many ties across and within sources
		rows[d].append(item(f"2026-01-0{rng.randint(1, 3)} 10:00:00", d, f"{d[:2]}-{n:04d}"))
	seen = _simulate(rows, limit)
	assert len(seen) == len(set(seen)) == 150
	expected = sorted(
		(r for rs in rows.values() for r in rs),
		key=lambda r: t.item_key(r),
		reverse=True,
	)
	assert seen == [(r["doctype"], r["name"]) for r in expected]


def test_merge_rejects_bad_limit():
	with pytest.raises(ValueError):
		t.merge([], 0)
