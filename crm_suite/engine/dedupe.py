"""Duplicate detection on plain dicts: normalisation, blocking (never all pairs) and rapidfuzz scoring.

A record is a mapping with `id`, `name`, `phones` (list), `emails` (list), `tax_id`, `address`.
`find_duplicates` returns candidate pairs with a weighted total and per-field scores, deterministic
for the same input (pairs sorted, ties broken by id).

Blocking: two records are compared only if they share a key: the last 8 digits of a phone, an email,
an email domain (not free mail) + first name token, a tax id, a name prefix, a sorted-token key or a
phonetic key of the first two name tokens. Blocks larger than `max_block` (common name prefixes) are
not expanded to all pairs: their members are sorted by normalised name and each is compared with the
next `window` members only (sorted neighbourhood), so cost stays linear in the number of records.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

WEIGHTS: dict[str, float] = {"name": 0.35, "phone": 0.2, "email": 0.2, "tax_id": 0.15, "address": 0.1}
# a match on name (and address) with no phone, email or tax id to confirm it is never certain
NAME_ONLY_FACTOR = 0.9
STRONG_FIELDS = frozenset(("phone", "email", "tax_id"))
TAX_CONFLICT_CAP = 60.0  # two different tax ids are two legal entities, whatever the names say
MAX_BLOCK = 100
WINDOW = 8

LEGAL_SUFFIXES = {
	"ltd",
	"limited",
	"inc",
	"incorporated",
	"llc",
	"llp",
	"co",
	"corp",
	"corporation",
	"company",
	"gmbh",
	"ag",
	"sa",
	"sarl",
	"srl",
	"spa",
	"bv",
	"nv",
	"plc",
	"pty",
	"pte",
	"kk",
	"oy",
	"ab",
	"the",
	"and",
}
CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
FREE_MAIL = {
	"gmail.com",
	"yahoo.com",
	"hotmail.com",
	"outlook.com",
	"live.com",
	"icloud.com",
	"qq.com",
	"163.com",
	"126.com",
	"sina.com",
	"foxmail.com",
	"aol.com",
	"mail.ru",
	"gmx.de",
	"web.de",
}
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(slots=True)
class Prepared:
	id: str
	name: str  # normalised, legal suffixes dropped, tokens space separated
	compact: str  # name without spaces
	tokens: tuple[str, ...]
	phones: frozenset[str]  # last 8 digits
	emails: frozenset[str]
	domains: frozenset[str]
	tax_id: str
	address: str


@dataclass(frozen=True, slots=True)
class Match:
	a: str
	b: str
	total: float
	scores: dict[str, float] = field(default_factory=dict)  # field -> 0..100, only fields on both


@dataclass
class Stats:
	records: int = 0
	blocks: int = 0
	capped_blocks: int = 0
	pairs_compared: int = 0
	all_pairs: int = 0
	matches: int = 0


def fold(text) -> str:
	return unicodedata.normalize("NFKC", str(text or "")).lower().strip()


def normalise_company_name(raw) -> tuple[str, tuple[str, ...]]:
	text = fold(raw)
	for suffix in CJK_SUFFIXES:
		if text.endswith(suffix) and len(text) > len(suffix):
			text = text[: -len(suffix)]
			break
	text = _PUNCT.sub(" ", text).replace("_", " ")
	tokens = tuple(t for t in text.split() if t not in LEGAL_SUFFIXES) or tuple(text.split())
	return " ".join(tokens), tokens


def phone_key(raw) -> str:
	digits = re.sub(r"\D", "", fold(raw).split("ext")[0])
	return digits[-8:] if len(digits) >= 6 else ""


def tax_key(raw) -> str:
	return re.sub(r"[^0-9a-z]", "", fold(raw))


def prepare(record: Mapping) -> Prepared:
	name, tokens = normalise_company_name(record.get("name"))
	emails = frozenset(e for e in (fold(x) for x in record.get("emails") or ()) if "@" in e)
	domains = frozenset(e.rsplit("@", 1)[1] for e in emails) - FREE_MAIL
	return Prepared(
		id=str(record["id"]),
		name=name,
		compact=name.replace(" ", ""),
		tokens=tokens,
		phones=frozenset(k for k in (phone_key(p) for p in record.get("phones") or ()) if k),
		emails=emails,
		domains=frozenset(domains),
		tax_id=tax_key(record.get("tax_id")),
		address=" ".join(_PUNCT.sub(" ", fold(record.get("address"))).split()),
	)


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def soundex(token: str) -> str:
	"""American Soundex of an ASCII token ('' for other scripts)."""
	if not token or not token[0].isascii() or not token[0].isalpha():
		return ""
	head, out, prev = token[0], [], token[0].translate(_SOUNDEX)
	for ch in token[1:]:
		if not ch.isascii():
			continue
		code = ch.translate(_SOUNDEX)
		if code.isdigit() and code != prev:
			out.append(code)
		if ch not in "hw":
			prev = code
	return (head + "".join(out) + "000")[:4]


def blocking_keys(p: Prepared) -> set[str]:
	keys = {f"p:{k}" for k in p.phones}
	keys.update(f"e:{e}" for e in p.emails)
	if p.tokens:
		keys.update(f"d:{d}:{p.tokens[0][:4]}" for d in p.domains)
	if p.tax_id and len(p.tax_id) >= 5:
		keys.add(f"t:{p.tax_id}")
	if p.compact:
		cjk = bool(_CJK.search(p.compact))
		keys.add(f"n:{p.compact[: 3 if cjk else 6]}")
		if len(p.tokens) >= 2:
			longest = sorted(sorted(p.tokens, key=lambda t: (-len(t), t))[:2])
			keys.add("k:" + "|".join(t[:4] for t in longest))
			s1, s2 = soundex(p.tokens[0]), soundex(p.tokens[1])
			if s1 and s2:
				keys.add(f"s:{s1}{s2}")
	return keys


def candidate_pairs(
	prepared: Sequence[Prepared], max_block: int = MAX_BLOCK, window: int = WINDOW, stats: Stats | None = None
) -> list[tuple[int, int]]:
	"""Index pairs (i < j) sharing at least one blocking key, sorted."""
	blocks: dict[str, list[int]] = defaultdict(list)
	for i, p in enumerate(prepared):
		for key in blocking_keys(p):
			blocks[key].append(i)
	pairs: set[tuple[int, int]] = set()
	n_blocks = capped = 0
	for members in blocks.values():
		if len(members) < 2:
			continue
		n_blocks += 1
		if len(members) <= max_block:
			for x in range(len(members)):
				mi = members[x]
				for y in range(x + 1, len(members)):
					mj = members[y]
					pairs.add((mi, mj) if mi < mj else (mj, mi))
		else:
			capped += 1
			ordered = sorted(members, key=lambda i: (prepared[i].compact, prepared[i].id))
			for x, mi in enumerate(ordered):
				for mj in ordered[x + 1 : x + 1 + window]:
					pairs.add((mi, mj) if mi < mj else (mj, mi))
	if stats is not None:
		stats.blocks, stats.capped_blocks = n_blocks, capped
	return sorted(pairs)


def _best(values_a: Iterable[str], values_b: Iterable[str], scorer) -> float:
	return max((scorer(x, y) for x in values_a for y in values_b), default=0.0)


def _address_similarity(x: str, y: str) -> float:
	"""Token-sort similarity, halved when the house / unit numbers differ (same street, other door)."""
	score = fuzz.token_sort_ratio(x, y)
	if {t for t in x.split() if t.isdigit()} != {t for t in y.split() if t.isdigit()}:
		score *= 0.5
	return score


def _email_similarity(x: str, y: str) -> float:
	if x == y:
		return 100.0
	lx, _, dx = x.partition("@")
	ly, _, dy = y.partition("@")
	return fuzz.ratio(lx, ly) * (1.0 if dx == dy else 0.6)


def score_pair(
	a: Prepared, b: Prepared, weights: Mapping[str, float] = WEIGHTS, threshold: float | None = None
) -> Match | None:
	"""Per-field scores (0..100, only for fields both records have) and their weighted mean.

	With `threshold`, returns None as soon as the pair provably cannot reach it (an upper bound that
	takes every field not yet scored as perfect), so most blocked pairs cost one or two comparisons.
	"""
	on_both = [
		k
		for k, present in (
			("name", a.name and b.name),
			("phone", a.phones and b.phones),
			("email", a.emails and b.emails),
			("tax_id", a.tax_id and b.tax_id),
			("address", a.address and b.address),
		)
		if present
	]
	weight = sum(weights[k] for k in on_both)
	if not weight:
		return None if threshold is not None else _match(a, b, 0.0, {})
	factor = 1.0 if STRONG_FIELDS.intersection(on_both) else NAME_ONLY_FACTOR
	scores: dict[str, float] = {}
	lost = 0.0  # weighted points below 100 so far

	def hopeless() -> bool:
		return threshold is not None and (100 * weight - lost) / weight * factor < threshold

	if "tax_id" in on_both:
		scores["tax_id"] = 100.0 if a.tax_id == b.tax_id else 0.0
		if scores["tax_id"] == 0.0 and threshold is not None and TAX_CONFLICT_CAP < threshold:
			return None
	if "phone" in on_both:
		scores["phone"] = 100.0 if a.phones & b.phones else _best(a.phones, b.phones, fuzz.ratio)
		lost += weights["phone"] * (100 - scores["phone"])
	if "email" in on_both:
		scores["email"] = 100.0 if a.emails & b.emails else _best(a.emails, b.emails, _email_similarity)
		lost += weights["email"] * (100 - scores["email"])
	if hopeless():
		return None
	if "name" in on_both:
		scores["name"] = max(fuzz.token_sort_ratio(a.name, b.name), fuzz.ratio(a.compact, b.compact))
		lost += weights["name"] * (100 - scores["name"])
		if hopeless():
			return None
	if "address" in on_both:
		scores["address"] = _address_similarity(a.address, b.address)
	total = sum(weights[k] * v for k, v in scores.items()) / weight * factor
	if scores.get("tax_id") == 0.0:
		total = min(total, TAX_CONFLICT_CAP)
	if threshold is not None and total < threshold:
		return None
	return _match(a, b, total, scores)


def _match(a: Prepared, b: Prepared, total: float, scores: dict[str, float]) -> Match:
	x, y = (a, b) if a.id <= b.id else (b, a)
	return Match(x.id, y.id, round(total, 2), {k: round(v, 2) for k, v in scores.items()})


def find_duplicates(
	records: Sequence[Mapping],
	threshold: float = 85.0,
	max_block: int = MAX_BLOCK,
	window: int = WINDOW,
	weights: Mapping[str, float] = WEIGHTS,
	stats: Stats | None = None,
) -> list[Match]:
	"""Pairs scoring at least `threshold`, sorted by (-total, a, b)."""
	prepared = sorted((prepare(r) for r in records), key=lambda p: p.id)
	stats = stats if stats is not None else Stats()
	stats.records = len(prepared)
	stats.all_pairs = len(prepared) * (len(prepared) - 1) // 2
	pairs = candidate_pairs(prepared, max_block, window, stats)
	stats.pairs_compared = len(pairs)
	out = []
	for i, j in pairs:
		match = score_pair(prepared[i], prepared[j], weights, threshold)
		if match is not None:
			out.append(match)
	out.sort(key=lambda m: (-m.total, m.a, m.b))
	stats.matches = len(out)
	return out


def all_pairs(records: Sequence[Mapping], threshold: float = 85.0) -> list[Match]:
	"""Naive O(n^2) baseline: every pair scored. For benchmarks and tests on small inputs only."""
	prepared = sorted((prepare(r) for r in records), key=lambda p: p.id)
	out = []
	for i, a in enumerate(prepared):
		for b in prepared[i + 1 :]:
			match = score_pair(a, b)
			if match.total >= threshold:
				out.append(match)
	out.sort(key=lambda m: (-m.total, m.a, m.b))
	return out


def best_matches(
	record: Mapping, others: Iterable[Mapping], threshold: float = 85.0, limit: int = 5
) -> list[Match]:
	"""Scores of one (new) record against candidates fetched by indexed lookups; best first."""
	p = prepare({**record, "id": record.get("id") or "\x00new"})
	out = [score_pair(p, prepare(o)) for o in others if str(o["id"]) != p.id]
	out = [m for m in out if m.total >= threshold]
	out.sort(key=lambda m: (-m.total, m.a, m.b))
	return out[:limit]
