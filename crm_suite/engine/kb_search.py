"""BM25 search over knowledge-base articles and canned replies, for English and Chinese text.

Why our own index: agents need suggestions while they type a reply, over thousands of articles, in
two scripts. A SQL `LIKE %word%` scan neither ranks (every match weighs the same, common words drown
the rare, telling ones) nor finds Chinese words (there are no spaces to split on). Okapi BM25 over an
inverted index does both and only touches documents that share a term with the query.

Tokenizer (`tokenize`):
- NFKC first, so full-width letters and digits typed with a Chinese IME (U+FF36 'V', U+FF14 '4') fold to ASCII;
  then lower case; HTML tags and entities are stripped (article bodies are HTML).
- Text is split into runs by script. Latin/digit runs become words: stop words dropped, a light
  suffix stemmer (plural, -ing, -ed, -ly, final e) so "charging", "charged" and "charge" meet.
- CJK runs (Han, kana, hangul) become character bigrams plus unigrams: no dictionary needed (jieba is
  not a dependency), bigrams carry most Chinese words, unigrams keep single-character words and
  recall when a bigram is split differently. Function characters (的, 了, 吗...) are dropped as
  unigrams. Mixed text ("VPN连接失败") is split at the script boundary.

Scoring is BM25F: per document and term, the field frequencies are weighted (title boosted) and
length-normalised per field, then saturated with k1. That part does not depend on the query, so it
is precomputed per posting ("impact"); a query only adds idf * impact over the postings of its
terms. Average field lengths are frozen when impacts are computed and refreshed when incremental
adds/removes move them by more than `REFRESH_DRIFT`, so an add costs one document, not the index.

Typo tolerance: a query word (>= 5 letters once stemmed) absent from the vocabulary is mapped to the most
frequent vocabulary word within one edit (delete-neighbourhood lookup, as SymSpell does), at a
reduced weight. It is reported as "query~term" in the matched terms.
"""

from __future__ import annotations

import heapq
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

FORMAT_VERSION = 1
REFRESH_DRIFT = 0.05  # relative change of an average field length that triggers recomputing impacts
TYPO_WEIGHT = 0.7  # a corrected query word counts this much of an exact one
TYPO_MIN_LEN = 5
MAX_QUERY_TERMS = 96  # distinct terms scored per query (the highest weight x idf ones)
SYNONYM_WEIGHT = 0.7  # a term added by a synonym group counts this much of a typed one

DEFAULT_FIELD_WEIGHTS = {"title": 3.0, "body": 1.0, "tags": 2.0}
DEFAULT_FIELD_B = {"title": 0.5, "body": 0.75, "tags": 0.3}

# fmt: off
EN_STOP = frozenset("""
a about above after again against all am an and any are aren't as at be because been before being
below between both but by can cannot could did do does doing don't down during each few for from
further had has have having he her here hers herself him himself his how i i'm if in into is it it's
its itself just let's me more most my myself no nor not of off on once only or other ought our ours
ourselves out over own same she should so some such than that that's the their theirs them
themselves then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your yours yourself yourselves hi hello
please thanks thank dear regards can't won't isn't doesn't didn't i've i'd get got also still
""".split())
# fmt: on
# single Han characters that carry grammar, not topic; dropped as unigrams (bigrams keep them)
ZH_STOP_CHARS = frozenset(
	"的了吗呢吧啊呀么是在和与及或就都也还又很我你您他她它们这那个一有把被给让从到对为而但"
)

_TAG_RE = re.compile(r"<[^>]*>")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN_RE = re.compile(rf"([{_CJK}]+)|([a-z0-9]+(?:'[a-z]+)?)")


# ------------------------------------------------------------------------------------------------
# Tokenizer
# ------------------------------------------------------------------------------------------------
def normalise(text: str) -> str:
	"""NFKC + lower case + HTML stripped: the one canonical form both documents and queries go through."""
	if not text:
		return ""
	if "<" in text or "&" in text:
		text = html.unescape(_TAG_RE.sub(" ", text))
	return unicodedata.normalize("NFKC", text).lower()


def stem(word: str) -> str:
	"""A light, deterministic English suffix stripper. Not Porter: it only needs to send the inflected
	forms agents and customers actually write (plural, -ing, -ed, -ly) to one key, and must never
	merge unrelated words; both documents and queries go through it, so consistency is what counts."""
	if len(word) <= 3 or not word.isalpha():
		return word
	if word.endswith("'s"):
		word = word[:-2]
	if word.endswith("ies") and len(word) > 4:
		word = word[:-3] + "y"
	elif word.endswith("sses"):
		word = word[:-2]
	elif (word.endswith("es") and word[-3:-2] in ("x", "z")) or word.endswith(("ches", "shes")):
		word = word[:-2]
	elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
		word = word[:-1]
	for suffix in ("ing", "ed"):
		if word.endswith(suffix) and len(word) - len(suffix) >= 3:
			base = word[: -len(suffix)]
			if any(c in "aeiouy" for c in base):
				if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
					base = base[:-1]
				word = base
			break
	if word.endswith("ly") and len(word) > 5:
		word = word[:-2]
	if word.endswith("e") and len(word) > 4:
		word = word[:-1]
	return word


def tokenize(text: str | None, normalised: bool = False) -> list[str]:
	"""Index terms of a text, in order (duplicates kept: the caller counts them)."""
	if not text:
		return []
	if not normalised:
		text = normalise(text)
	out: list[str] = []
	append = out.append
	for cjk, word in _TOKEN_RE.findall(text):
		if cjk:
			n = len(cjk)
			for i in range(n):
				ch = cjk[i]
				if ch not in ZH_STOP_CHARS:
					append(ch)
				if i + 1 < n:
					append(cjk[i : i + 2])
		elif word not in EN_STOP and (len(word) > 1 or word.isdigit()):
			append(stem(word))
	return out


def is_cjk_term(term: str) -> bool:
	"""True for a Han/kana/hangul unigram or bigram (those never get typo correction)."""
	return bool(term) and bool(re.match(rf"[{_CJK}]", term))


# ------------------------------------------------------------------------------------------------
# Index
# ------------------------------------------------------------------------------------------------
@dataclass
class Hit:
	"""One ranked result: the document id, its BM25 score and the query terms it matched."""

	id: str
	score: float
	matched: list[str]

	def as_tuple(self) -> tuple[str, float, list[str]]:
		return (self.id, self.score, self.matched)


@dataclass
class _Doc:
	slot: int
	language: str
	tags: tuple[str, ...]
	meta: dict
	lengths: dict[str, int]
	counts: dict[str, dict[str, int]]  # field -> term -> frequency
	terms: frozenset = field(default_factory=frozenset)


def _tags(value) -> tuple[str, ...]:
	if not value:
		return ()
	if isinstance(value, str):
		value = value.split(",")
	return tuple(sorted({str(t).strip().lower() for t in value if str(t).strip()}))


class KBIndex:
	"""Inverted BM25F index over documents given as plain dicts:
	{"id", "title", "body", "language", "tags", ...}; any other key is kept as metadata for filters
	(e.g. "kind": "article" / "canned_reply", "is_public": 1, "category": "Billing").

	Postings are dicts (cheap to change one document); each term's posting is also materialised as
	two numpy arrays on first use, so a query is a handful of vectorised adds, not a Python loop per
	posting: Chinese queries have dozens of terms whose postings cover most Chinese documents."""

	FIELDS = ("title", "body", "tags")

	def __init__(
		self,
		k1: float = 1.2,
		b: float = 0.75,
		field_weights: Mapping[str, float] | None = None,
		field_b: Mapping[str, float] | None = None,
		typo_tolerance: bool = True,
		synonyms: Iterable[Iterable[str]] | None = None,
	) -> None:
		if k1 < 0 or not 0 <= b <= 1:
			raise ValueError("k1 must be >= 0 and b within 0..1")
		self.k1 = float(k1)
		self.b = float(b)
		self.field_weights = {**DEFAULT_FIELD_WEIGHTS, **(field_weights or {})}
		# a given b applies to the body; the short fields keep their milder normalisation
		self.field_b = {**DEFAULT_FIELD_B, "body": self.b, **(field_b or {})}
		self.typo_tolerance = typo_tolerance
		self._docs: dict[str, _Doc] = {}
		self._ids: list[str | None] = []
		self._postings: dict[str, dict[int, float]] = {}
		self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
		self._masks: dict[str, np.ndarray] = {}
		self._total_len = dict.fromkeys(self.FIELDS, 0)
		self._frozen_avg = dict.fromkeys(self.FIELDS, 1.0)
		self._deletes: dict[str, set[str]] | None = None
		self.set_synonyms(synonyms or ())

	def set_synonyms(self, groups: Iterable[Iterable[str]]) -> None:
		"""Groups of words or phrases meaning the same ("VPN", "virtual private network", "远程访问").
		Applied to queries only (the index is untouched, so the list can change without a rebuild): a
		query containing every term of one member also scores the other members' terms, at
		SYNONYM_WEIGHT. Customers and articles rarely share wording; this is how a knowledge team
		closes the gap it observes."""
		self.synonyms: list[list[str]] = [
			[str(m) for m in group if str(m).strip()] for group in groups if group
		]
		self._synonym_keys: dict[str, list[tuple[frozenset, list[str], str]]] = {}
		for group in self.synonyms:
			members = [(m, tokenize(m)) for m in group]
			members = [(m, toks) for m, toks in members if toks]
			for m, toks in members:
				others = list(
					dict.fromkeys(t for m2, toks2 in members if m2 != m for t in toks2 if t not in toks)
				)
				if others:
					self._synonym_keys.setdefault(toks[0], []).append((frozenset(toks), others, m))

	# -- building --------------------------------------------------------------------------------
	@classmethod
	def build(cls, docs: Iterable[Mapping], **params) -> KBIndex:
		"""Index many documents at once: tokenized first, impacts computed once with the final averages."""
		index = cls(**params)
		prepared = [index._prepare(doc) for doc in docs]
		index._bulk_store(prepared)
		return index

	def __len__(self) -> int:
		return len(self._docs)

	def __contains__(self, doc_id: object) -> bool:
		return str(doc_id) in self._docs

	@property
	def vocabulary_size(self) -> int:
		return len(self._postings)

	def add(self, doc: Mapping) -> None:
		"""Add or replace one document (an edited article is re-added under the same id)."""
		doc_id, language, tags, meta, counts = self._prepare(doc)
		self.remove(doc_id)
		self._store(doc_id, language, tags, meta, counts)
		self._maybe_refresh()

	def remove(self, doc_id: str) -> bool:
		"""Drop one document; False when it was not indexed."""
		d = self._docs.pop(str(doc_id), None)
		if d is None:
			return False
		for term in d.terms:
			posting = self._postings.get(term)
			if posting is not None:
				posting.pop(d.slot, None)
				self._arrays.pop(term, None)
				if not posting:
					del self._postings[term]
		for f in self.FIELDS:
			self._total_len[f] -= d.lengths.get(f, 0)
		self._ids[d.slot] = None
		self._masks = {}
		self._maybe_refresh()
		return True

	def _prepare(self, doc: Mapping) -> tuple[str, str, tuple, dict, dict]:
		doc_id = doc.get("id") if doc.get("id") is not None else doc.get("name")
		if doc_id is None or str(doc_id) == "":
			raise ValueError("every document needs an id")
		tags = _tags(doc.get("tags"))
		texts = {"title": doc.get("title") or "", "body": doc.get("body") or "", "tags": " ".join(tags)}
		counts = {f: dict(Counter(tokenize(texts[f]))) for f in self.FIELDS}
		meta = {k: v for k, v in doc.items() if k not in ("id", "name", "title", "body", "tags")}
		return str(doc_id), str(doc.get("language") or "").lower(), tags, meta, counts

	def _bulk_store(self, prepared: list[tuple]) -> None:
		"""Store many prepared documents, averages taken over all of them first (as in a fresh build)."""
		seen: dict[str, tuple] = {}
		for item in prepared:
			seen[item[0]] = item  # a repeated id: the last one wins, as add() would do
		n = len(seen) + len(self._docs)
		for f in self.FIELDS:
			total = self._total_len[f] + sum(sum(item[4].get(f, {}).values()) for item in seen.values())
			self._frozen_avg[f] = max(total / max(n, 1), 1.0)
		for item in seen.values():
			self.remove(item[0]) if item[0] in self._docs else None
			self._store(*item)
		self._maybe_refresh()

	def _store(self, doc_id: str, language: str, tags: tuple, meta: dict, counts: dict) -> None:
		slot = len(self._ids)
		self._ids.append(doc_id)
		lengths = {f: sum(counts.get(f, {}).values()) for f in self.FIELDS}
		d = _Doc(slot, language, tags, meta, lengths, counts)
		impacts = self._impacts(d)
		d.terms = frozenset(impacts)
		self._docs[doc_id] = d
		for f in self.FIELDS:
			self._total_len[f] += lengths[f]
		postings, arrays = self._postings, self._arrays
		for term, impact in impacts.items():
			posting = postings.get(term)
			if posting is None:
				postings[term] = posting = {}
				if self._deletes is not None:
					self._add_deletes(term)
			posting[slot] = impact
			arrays.pop(term, None)
		self._masks = {}

	def _impacts(self, d: _Doc) -> dict[str, float]:
		"""BM25F saturation of every term of one document (idf excluded: applied per query)."""
		tf: dict[str, float] = {}
		for f in self.FIELDS:
			field_counts = d.counts.get(f)
			if not field_counts:
				continue
			b = self.field_b[f]
			scale = self.field_weights[f] / (1.0 - b + b * d.lengths[f] / self._frozen_avg[f])
			for term, c in field_counts.items():
				tf[term] = tf.get(term, 0.0) + c * scale
		k1 = self.k1
		return {term: x * (k1 + 1.0) / (x + k1) for term, x in tf.items()}

	def _current_avg(self) -> dict[str, float]:
		n = max(len(self._docs), 1)
		return {f: max(self._total_len[f] / n, 1.0) for f in self.FIELDS}

	def _maybe_refresh(self) -> None:
		avg = self._current_avg()
		if any(abs(avg[f] - self._frozen_avg[f]) > REFRESH_DRIFT * self._frozen_avg[f] for f in self.FIELDS):
			self._refresh()

	def _refresh(self) -> None:
		"""Recompute every impact with the current average field lengths (and compact free slots)."""
		self._frozen_avg = self._current_avg()
		docs = self._docs
		self._docs, self._ids, self._postings, self._arrays = {}, [], {}, {}
		self._deletes = None  # rebuilt lazily from the new vocabulary
		self._total_len = dict.fromkeys(self.FIELDS, 0)
		for doc_id, d in docs.items():
			self._store(doc_id, d.language, d.tags, d.meta, d.counts)

	# -- searching -------------------------------------------------------------------------------
	def idf(self, term: str) -> float:
		"""Okapi idf in Lucene's form (log(1 + ...)): never negative, so very common terms never subtract."""
		n = len(self._docs)
		df = len(self._postings.get(term, ()))
		return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

	def query_terms(self, query: str) -> list[tuple[str, str, float]]:
		"""(query word as typed, index term, weight) for each distinct term the query will score with."""
		counts = Counter(tokenize(query))
		out = []
		if self._synonym_keys:
			present = set(counts)
			expanded: dict[str, str] = {}
			for term in list(counts):
				for toks, others, member in self._synonym_keys.get(term, ()):
					if toks <= present:
						for other in others:
							if other not in present and other in self._postings:
								expanded.setdefault(other, member)
			out.extend((f"{member}={term}", term, SYNONYM_WEIGHT) for term, member in expanded.items())
		for term, qtf in counts.items():
			weight = 1.0 + math.log(qtf)  # repeated words count, but sublinearly
			if term in self._postings:
				out.append((term, term, weight))
			elif self.typo_tolerance and len(term) >= TYPO_MIN_LEN and not is_cjk_term(term):
				fixed = self._correct(term)
				if fixed and fixed not in counts and all(fixed != t for _x, t, _w in out):
					out.append((term, fixed, weight * TYPO_WEIGHT))
		return out

	def _array(self, term: str) -> tuple[np.ndarray, np.ndarray]:
		cached = self._arrays.get(term)
		if cached is None:
			posting = self._postings[term]
			cached = (
				np.fromiter(posting.keys(), dtype=np.int64, count=len(posting)),
				np.fromiter(posting.values(), dtype=np.float64, count=len(posting)),
			)
			self._arrays[term] = cached
		return cached

	def _language_mask(self, language: str) -> np.ndarray:
		"""Slots whose document is in the language (same primary subtag) or has no language."""
		mask = self._masks.get(language)
		if mask is None or len(mask) != len(self._ids):
			primary = language.split("-")[0]
			docs = self._docs
			mask = np.fromiter(
				(
					doc_id is not None
					and (not (lg := docs[doc_id].language) or lg == language or lg.split("-")[0] == primary)
					for doc_id in self._ids
				),
				dtype=bool,
				count=len(self._ids),
			)
			self._masks[language] = mask
		return mask

	def search(
		self,
		query: str,
		k: int = 10,
		language: str | None = None,
		filters: Mapping | Callable[[Mapping], bool] | None = None,
	) -> list[Hit]:
		"""Top-k documents for the query, best first (ties in index order, so results are stable).

		language: only documents in that language (or without one). filters: {key: value}, where value
		may be a list/tuple/set (any of), for "tags" a document matches when it has any given tag; or a
		callable receiving the document's metadata (with "tags" and "language")."""
		if k <= 0 or not self._docs:
			return []
		terms = self.query_terms(query)
		if not terms:
			return []
		weighted = [(typed, term, weight * self.idf(term)) for typed, term, weight in terms]
		if len(weighted) > MAX_QUERY_TERMS:
			# a pasted e-mail thread: keep the most telling terms, so latency stays bounded
			weighted = sorted(weighted, key=lambda x: -x[2])[:MAX_QUERY_TERMS]
		scores = np.zeros(len(self._ids), dtype=np.float64)
		for _typed, term, w in weighted:
			slots, impacts = self._array(term)
			scores[slots] += w * impacts
		if language:
			scores[~self._language_mask(language.lower())] = 0.0
		candidates = np.flatnonzero(scores > 0.0)
		if not len(candidates):
			return []
		accept = self._acceptor(filters)
		if accept is None and len(candidates) > k:
			# the k best (plus anything tied with the k-th, so ties resolve by slot, not by chance)
			kth = np.partition(scores[candidates], len(candidates) - k)[len(candidates) - k]
			candidates = candidates[scores[candidates] >= kth]
		order = candidates[np.lexsort((candidates, -scores[candidates]))]
		ids, postings = self._ids, self._postings
		hits: list[Hit] = []
		for slot in order.tolist():
			doc_id = ids[slot]
			if accept is not None and not accept(self._docs[doc_id]):
				continue
			matched = [_label(typed, term) for typed, term, _w in weighted if slot in postings[term]]
			hits.append(Hit(doc_id, round(float(scores[slot]), 6), matched))
			if len(hits) >= k:
				break
		return hits

	@staticmethod
	def _acceptor(filters) -> Callable[[_Doc], bool] | None:
		if not filters:
			return None
		if callable(filters):
			return lambda d: bool(filters({**d.meta, "tags": list(d.tags), "language": d.language}))

		def accept(d: _Doc) -> bool:
			for key, wanted in filters.items():
				if key == "tags":
					want = set(_tags(wanted))
					if want and not want.intersection(d.tags):
						return False
					continue
				have = d.language if key == "language" else d.meta.get(key)
				if isinstance(wanted, list | tuple | set | frozenset):
					if have not in wanted:
						return False
				elif have != wanted:
					return False
			return True

		return accept

	# -- typo tolerance --------------------------------------------------------------------------
	@staticmethod
	def _delete_keys(term: str) -> set[str]:
		return {term[:i] + term[i + 1 :] for i in range(len(term))}

	def _add_deletes(self, term: str) -> None:
		if (
			self._deletes is not None
			and len(term) >= TYPO_MIN_LEN - 1
			and term.isalpha()
			and not is_cjk_term(term)
		):
			for key in self._delete_keys(term) | {term}:
				self._deletes.setdefault(key, set()).add(term)

	def _correct(self, word: str) -> str | None:
		"""The most frequent vocabulary term within one edit (insert, delete, substitute, swap)."""
		if self._deletes is None:
			self._deletes = {}
			for term in self._postings:
				self._add_deletes(term)
		found: set[str] = set()
		for key in self._delete_keys(word) | {word}:
			found |= self._deletes.get(key, set())
		best, best_df = None, 0
		for term in sorted(found):
			df = len(self._postings.get(term, ()))  # stale entries (removed terms) have df 0
			if df > best_df and _within_one_edit(word, term):
				best, best_df = term, df
		return best

	# -- serialisation ---------------------------------------------------------------------------
	def to_dict(self) -> dict:
		"""A JSON-able snapshot: the vocabulary once, then per document and field its terms as hex
		vocabulary numbers grouped by frequency ("c 7||1f" = terms 12 and 7 once, term 31 three times).
		Term counts, not postings:
		loading skips tokenizing, and a snapshot stays valid if the scoring parameters change."""
		vocab = sorted(self._postings)
		number = {t: format(i, "x") for i, t in enumerate(vocab)}

		def encode(counts: dict[str, int]) -> str:
			# "|"-separated groups by frequency: group i holds the terms seen i + 1 times
			groups: list[list[str]] = [[] for _ in range(max(counts.values()))]
			for t, c in counts.items():
				groups[c - 1].append(number[t])
			return "|".join(" ".join(g) for g in groups)

		return {
			"format": FORMAT_VERSION,
			"params": {
				"k1": self.k1,
				"b": self.b,
				"field_weights": self.field_weights,
				"field_b": self.field_b,
				"typo_tolerance": self.typo_tolerance,
				"synonyms": self.synonyms,
			},
			"vocabulary": vocab,
			"docs": [
				{
					"id": doc_id,
					"language": d.language,
					"tags": list(d.tags),
					"meta": d.meta,
					"terms": {f: encode(d.counts[f]) for f in self.FIELDS if d.counts.get(f)},
				}
				for doc_id, d in sorted(self._docs.items(), key=lambda kv: kv[1].slot)
			],
		}

	@classmethod
	def from_dict(cls, data: Mapping) -> KBIndex:
		"""Rebuild an index from `to_dict` output (ValueError for another format version)."""
		if data.get("format") != FORMAT_VERSION:
			raise ValueError(f"unsupported index format {data.get('format')!r}")
		index = cls(**data.get("params", {}))
		vocab = {format(i, "x"): str(t) for i, t in enumerate(data.get("vocabulary") or [])}
		prepared = []
		for d in data.get("docs", []):
			counts: dict[str, dict[str, int]] = {}
			terms = d.get("terms") or {}
			for f in cls.FIELDS:
				field_counts: dict[str, int] = {}
				for tf, group in enumerate((terms.get(f) or "").split("|"), 1):
					field_counts.update(dict.fromkeys((vocab[n] for n in group.split()), tf))
				counts[f] = field_counts
			prepared.append(
				(
					str(d["id"]),
					d.get("language") or "",
					tuple(d.get("tags") or ()),
					dict(d.get("meta") or {}),
					counts,
				)
			)
		index._bulk_store(prepared)
		return index


def _label(typed: str, term: str) -> str:
	"""How a matched term is shown: as typed, "typed~term" when corrected, "phrase=term" when added by
	a synonym (the typed phrase then carries the '=')."""
	if typed == term or "=" in typed:
		return typed
	return f"{typed}~{term}"


def _within_one_edit(a: str, b: str) -> bool:
	"""Optimal-string-alignment distance <= 1, without building the matrix."""
	if a == b:
		return True
	la, lb = len(a), len(b)
	if abs(la - lb) > 1:
		return False
	if la == lb:
		diff = [i for i in range(la) if a[i] != b[i]]
		if len(diff) == 1:
			return True
		return (
			len(diff) == 2
			and diff[1] == diff[0] + 1
			and a[diff[0]] == b[diff[1]]
			and a[diff[1]] == b[diff[0]]
		)
	if la > lb:
		a, b = b, a
	i = 0
	while i < len(a) and a[i] == b[i]:
		i += 1
	return a[i:] == b[i + 1 :]


def build_index(docs: Iterable[Mapping], **params) -> KBIndex:
	"""Index articles and canned replies given as plain dicts (see KBIndex)."""
	return KBIndex.build(docs, **params)
