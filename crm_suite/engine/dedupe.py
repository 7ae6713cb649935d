"""Duplicate detection on plain dicts: normalisation, blocking (never all pairs) and a Fellegi-Sunter
match model whose m/u probabilities are estimated by EM on the site's own records.

A record is a mapping with `id` and any of: `name`, `phones` (list), `emails` (list), `tax_id`,
`address` (free text), `address_line`, `city`, `postcode`, `birth_date` (ISO or digits). A field
missing on either side is neutral: it adds no evidence either way.

Why Fellegi-Sunter: a hand-weighted similarity cannot say how much a postcode typo or a shared
surname is worth on this site's data; the model learns, per field and per comparison level, how
often true duplicates (m) and random pairs (u) agree at that level, and turns the agreement pattern
into a match weight (log2 Bayes factor) and a calibrated match probability.

Blocking: two records are compared only if they share a key: the last 8 digits of a phone, an email,
an email domain (not free mail) + first name token, a tax id, a birth date, a postcode + name
initials, a name prefix, a sorted-token key or a phonetic key of the first two name tokens. Blocks
larger than `max_block` are not expanded to all pairs: their members are sorted by normalised name
and each is compared with the next `window` members only, so cost stays linear in the records.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

MAX_BLOCK = 100
WINDOW = 8
# default review threshold: calibrated match probability (0..1) at or above which a pair is a candidate
DEFAULT_THRESHOLD = 0.5
# EM needs enough pairs to say anything; below this the built-in priors are used unchanged
MIN_PAIRS_TO_FIT = 300
MIN_RECORDS_TO_FIT = 200
# a comparison seen on fewer candidate pairs than this keeps its built-in m/u
MIN_FIELD_PAIRS = 30

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
# common English given-name variants: a nickname is as good as a one-letter typo
NICKNAMES = {
	"bill": "william",
	"will": "william",
	"liam": "william",
	"bob": "robert",
	"rob": "robert",
	"bobby": "robert",
	"dick": "richard",
	"rick": "richard",
	"rich": "richard",
	"jim": "james",
	"jimmy": "james",
	"jamie": "james",
	"mike": "michael",
	"mick": "michael",
	"tom": "thomas",
	"tommy": "thomas",
	"tony": "anthony",
	"dave": "david",
	"steve": "stephen",
	"steven": "stephen",
	"chris": "christopher",
	"kate": "katherine",
	"katie": "katherine",
	"kathy": "katherine",
	"catherine": "katherine",
	"liz": "elizabeth",
	"beth": "elizabeth",
	"betty": "elizabeth",
	"jenny": "jennifer",
	"jen": "jennifer",
	"sam": "samuel",
	"ben": "benjamin",
	"dan": "daniel",
	"danny": "daniel",
	"matt": "matthew",
	"nick": "nicholas",
	"alex": "alexander",
	"andy": "andrew",
	"drew": "andrew",
	"joe": "joseph",
	"jo": "joanne",
	"pat": "patrick",
	"peggy": "margaret",
	"maggie": "margaret",
	"meg": "margaret",
	"sue": "susan",
	"suzy": "susan",
	"ed": "edward",
	"ted": "edward",
	"eddie": "edward",
	"charlie": "charles",
	"chuck": "charles",
	"harry": "henry",
	"jack": "john",
	"johnny": "john",
	"jon": "john",
	"larry": "lawrence",
	"tim": "timothy",
	"fred": "frederick",
	"greg": "gregory",
	"jeff": "jeffrey",
	"ken": "kenneth",
	"ron": "ronald",
	"don": "donald",
	"pete": "peter",
	"abby": "abigail",
	"becky": "rebecca",
	"vicky": "victoria",
	"mandy": "amanda",
	"sandy": "sandra",
	"cathy": "katherine",
}
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DIGITS = re.compile(r"\d+")
_POSTCODE = re.compile(r"^\d{4,6}$")


# ---------------------------------------------------------------------------------------------
# comparisons: each maps a pair of prepared values to a level (0 = disagree ... top = exact);
# MISSING (-1) means one side has no value and the comparison is left out of the weight.
# ---------------------------------------------------------------------------------------------
MISSING = -1


@dataclass(frozen=True, slots=True)
class Comparison:
	name: str
	levels: tuple[str, ...]  # level labels, index = level; the last is the strongest agreement
	m_prior: tuple[float, ...]
	u_prior: tuple[float, ...]


COMPARISONS: tuple[Comparison, ...] = (
	Comparison(
		"name",
		("different", "one token agrees", "similar", "one typo", "same"),
		(0.02, 0.05, 0.08, 0.2, 0.65),
		(0.9, 0.07, 0.02, 0.008, 0.002),
	),
	Comparison("phone", ("different", "two digits off", "one digit off", "same"), (0.05, 0.03, 0.07, 0.85), (0.997, 0.002, 0.0008, 0.0002)),
	Comparison("email", ("different", "similar", "same user", "same"), (0.1, 0.05, 0.05, 0.8), (0.998, 0.0015, 0.0004, 0.0001)),
	Comparison("tax_id", ("different", "two characters off", "one character off", "same"), (0.03, 0.02, 0.1, 0.85), (0.998, 0.0015, 0.0004, 0.0001)),
	Comparison(
		"birth_date",
		("different", "same year", "one digit off or day/month swapped", "same"),
		(0.03, 0.02, 0.15, 0.8),
		(0.96, 0.035, 0.004, 0.0003),
	),
	Comparison("street", ("different", "similar", "one typo", "same"), (0.05, 0.05, 0.15, 0.75), (0.95, 0.04, 0.008, 0.002)),
	Comparison("house_no", ("different", "partly the same", "same"), (0.1, 0.1, 0.8), (0.9, 0.08, 0.02)),
	Comparison("city", ("different", "similar", "same"), (0.06, 0.1, 0.84), (0.97, 0.02, 0.01)),
	Comparison("postcode", ("different", "one digit off", "same"), (0.06, 0.1, 0.84), (0.97, 0.02, 0.01)),
)
FIELD_NAMES: tuple[str, ...] = tuple(c.name for c in COMPARISONS)
_INDEX = {c.name: i for i, c in enumerate(COMPARISONS)}


@dataclass(slots=True)
class Prepared:
	id: str
	name: str  # normalised, legal suffixes dropped, tokens space separated
	compact: str  # name without spaces
	tokens: tuple[str, ...]
	canon: tuple[str, ...]  # tokens with nicknames replaced by the full name, sorted
	phones: frozenset[str]  # last 8 digits
	emails: frozenset[str]
	domains: frozenset[str]
	tax_id: str
	birth: str  # YYYYMMDD
	street: str  # address words without numbers
	numbers: frozenset[str]  # house / unit numbers
	city: str
	postcode: str


@dataclass(frozen=True, slots=True)
class Match:
	a: str
	b: str
	total: float  # calibrated match probability in percent (0..100)
	scores: dict[str, float] = field(default_factory=dict)  # field -> match weight in bits (present fields)
	weight: float = 0.0  # total match weight in bits (prior included)
	levels: dict[str, str] = field(default_factory=dict)  # field -> level label (present fields)

	@property
	def probability(self) -> float:
		return self.total / 100


@dataclass
class Stats:
	records: int = 0
	blocks: int = 0
	capped_blocks: int = 0
	pairs_compared: int = 0
	all_pairs: int = 0
	matches: int = 0
	patterns: int = 0
	em_iterations: int = 0
	fitted: bool = False


# ---------------------------------------------------------------------------------------------
# normalisation
# ---------------------------------------------------------------------------------------------
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


def birth_key(raw) -> str:
	digits = re.sub(r"\D", "", fold(raw))
	return digits if len(digits) == 8 else ""


def _words(text: str) -> str:
	return " ".join(_PUNCT.sub(" ", fold(text)).replace("_", " ").split())


def prepare(record: Mapping) -> Prepared:
	name, tokens = normalise_company_name(record.get("name"))
	emails = frozenset(e for e in (fold(x) for x in record.get("emails") or ()) if "@" in e)
	domains = frozenset(e.rsplit("@", 1)[1] for e in emails) - FREE_MAIL
	line = _words(record.get("address_line") or "")
	city = _words(record.get("city") or "")
	postcode = re.sub(r"\s", "", fold(record.get("postcode")))
	if not line and record.get("address"):
		# free text only: words make the street, digit runs the numbers (a postcode cannot be told
		# apart from a house number here, so it stays among the numbers)
		line = _words(record.get("address"))
	numbers = frozenset(_DIGITS.findall(line))
	street = " ".join(t for t in line.split() if not t.isdigit())
	return Prepared(
		id=str(record["id"]),
		name=name,
		compact=name.replace(" ", ""),
		tokens=tokens,
		canon=tuple(sorted(NICKNAMES.get(t, t) for t in tokens)),
		phones=frozenset(k for k in (phone_key(p) for p in record.get("phones") or ()) if k),
		emails=emails,
		domains=frozenset(domains),
		tax_id=tax_key(record.get("tax_id")),
		birth=birth_key(record.get("birth_date")),
		street=street,
		numbers=numbers,
		city=city,
		postcode=postcode,
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


# ---------------------------------------------------------------------------------------------
# blocking
# ---------------------------------------------------------------------------------------------
def blocking_keys(p: Prepared) -> set[str]:
	keys = {f"p:{k}" for k in p.phones}
	keys.update(f"e:{e}" for e in p.emails)
	if p.tokens:
		keys.update(f"d:{d}:{p.tokens[0][:4]}" for d in p.domains)
	if p.tax_id and len(p.tax_id) >= 5:
		keys.add(f"t:{p.tax_id}")
	if p.birth:
		keys.add(f"b:{p.birth}")
	if p.postcode:
		keys.add(f"z:{p.postcode}")
	if p.compact:
		cjk = bool(_CJK.search(p.compact))
		person_like = 2 <= len(p.tokens) <= 3
		if person_like:
			# each name token on its own (a typo elsewhere in the name must not hide the pair); huge
			# blocks of common tokens fall back to the sorted neighbourhood below
			keys.update(f"w:{t}" for t in p.tokens if len(t) >= 3)
		else:
			keys.add(f"n:{p.compact[: 3 if cjk else 6]}")
		if len(p.tokens) >= 2:
			if not person_like:
				longest = sorted(sorted(p.tokens, key=lambda t: (-len(t), t))[:2])
				keys.add("k:" + "|".join(t[:4] for t in longest))
			s1, s2 = soundex(p.tokens[0]), soundex(p.tokens[1])
			if s1 and s2:
				keys.add("s:" + "".join(sorted((s1, s2))))
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


# ---------------------------------------------------------------------------------------------
# comparison levels
# ---------------------------------------------------------------------------------------------
def _token_sim(x: str, y: str) -> float:
	if x == y:
		return 1.0
	if len(x) == 1 or len(y) == 1:  # an initial agrees with the name it abbreviates
		return 0.9 if x[0] == y[0] else 0.0
	return JaroWinkler.normalized_similarity(x, y)


def name_level(a: Prepared, b: Prepared) -> int:
	if not a.compact or not b.compact:
		return MISSING
	if a.compact == b.compact or a.canon == b.canon:
		return 4
	ta, tb = (a.canon, b.canon) if len(a.canon) <= len(b.canon) else (b.canon, a.canon)
	same_len = len(ta) == len(tb)
	if len(ta) >= 2 or (len(ta) == 1 and len(tb) == 1 and not _CJK.search(a.compact)):
		whole = fuzz.token_sort_ratio(a.name, b.name) / 100
		common = set(ta).intersection(tb)
		if not common and whole < 0.6:
			return 0  # no token agrees and the names are far apart: no token can be a near-typo of all
		rest_b = [y for y in tb if y not in common] or list(tb)
		rest = [max(_token_sim(x, y) for y in rest_b) for x in ta if x not in common]
		worst = min(rest) if rest else 1.0
		if worst >= 0.92:
			return 3 if same_len else 2
		if common and worst >= 0.75:
			return 2
		if whole >= 0.88:
			return 3 if same_len else 2
		if common or whole >= 0.75:
			return 1
		return 0
	# one-token or CJK names: whole-string similarity only
	whole = max(fuzz.ratio(a.compact, b.compact), fuzz.token_sort_ratio(a.name, b.name)) / 100
	if whole >= 0.9:
		return 3
	if whole >= 0.8:
		return 2
	if whole >= 0.65:
		return 1
	return 0


def _distance_level(x: str, y: str) -> int:
	"""3 same, 2 one edit (transposition included), 1 two edits, 0 further apart."""
	if x == y:
		return 3
	dist = DamerauLevenshtein.distance(x, y, score_cutoff=2)
	return 2 if dist == 1 else 1 if dist == 2 else 0


def phone_level(a: Prepared, b: Prepared) -> int:
	if not a.phones or not b.phones:
		return MISSING
	if a.phones & b.phones:
		return 3
	return max(_distance_level(x, y) for x in a.phones for y in b.phones)


def email_level(a: Prepared, b: Prepared) -> int:
	if not a.emails or not b.emails:
		return MISSING
	if a.emails & b.emails:
		return 3
	best = 0
	for x in a.emails:
		lx, _, dx = x.partition("@")
		for y in b.emails:
			ly, _, dy = y.partition("@")
			if lx == ly or (dx == dy and DamerauLevenshtein.distance(lx, ly, score_cutoff=1) <= 1):
				best = max(best, 2)
			elif fuzz.ratio(lx, ly) >= 80:
				best = max(best, 1)
	return best


def tax_level(a: Prepared, b: Prepared) -> int:
	if not a.tax_id or not b.tax_id:
		return MISSING
	return _distance_level(a.tax_id, b.tax_id)


def birth_level(a: Prepared, b: Prepared) -> int:
	if not a.birth or not b.birth:
		return MISSING
	x, y = a.birth, b.birth
	if x == y:
		return 3
	if x[:4] == y[:4] and x[4:6] == y[6:8] and x[6:8] == y[4:6]:
		return 2
	if DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1:
		return 2
	return 1 if x[:4] == y[:4] else 0


def street_level(a: Prepared, b: Prepared) -> int:
	if not a.street or not b.street:
		return MISSING
	if a.street == b.street:
		return 3
	sim = fuzz.token_sort_ratio(a.street, b.street) / 100
	if sim >= 0.9:
		return 2
	if sim >= 0.7 or fuzz.token_set_ratio(a.street, b.street) >= 90:
		return 1
	return 0


def house_level(a: Prepared, b: Prepared) -> int:
	if not a.numbers or not b.numbers:
		return MISSING
	if a.numbers == b.numbers:
		return 2
	return 1 if a.numbers & b.numbers else 0


def city_level(a: Prepared, b: Prepared) -> int:
	if not a.city or not b.city:
		return MISSING
	if a.city == b.city:
		return 2
	return 1 if JaroWinkler.normalized_similarity(a.city, b.city) >= 0.88 else 0


def postcode_level(a: Prepared, b: Prepared) -> int:
	if not a.postcode or not b.postcode:
		return MISSING
	if a.postcode == b.postcode:
		return 2
	return 1 if DamerauLevenshtein.distance(a.postcode, b.postcode, score_cutoff=1) <= 1 else 0


LEVEL_FUNCTIONS = (
	name_level,
	phone_level,
	email_level,
	tax_level,
	birth_level,
	street_level,
	house_level,
	city_level,
	postcode_level,
)


def compare(a: Prepared, b: Prepared) -> tuple[int, ...]:
	"""The agreement pattern of a pair: one level per comparison (MISSING where a side is empty)."""
	return tuple(f(a, b) for f in LEVEL_FUNCTIONS)


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------
@dataclass
class Model:
	"""m and u probabilities per comparison level and the prior match rate among blocked pairs."""

	m: list[list[float]]
	u: list[list[float]]
	prior: float  # P(match) for a blocked candidate pair
	fitted: bool = False
	pairs: int = 0  # candidate pairs the fit saw
	iterations: int = 0

	@classmethod
	def default(cls) -> Model:
		return cls(
			m=[list(c.m_prior) for c in COMPARISONS],
			u=[list(c.u_prior) for c in COMPARISONS],
			prior=0.05,
		)

	def to_dict(self) -> dict:
		return {
			"m": {c.name: list(self.m[i]) for i, c in enumerate(COMPARISONS)},
			"u": {c.name: list(self.u[i]) for i, c in enumerate(COMPARISONS)},
			"prior": self.prior,
			"fitted": self.fitted,
			"pairs": self.pairs,
			"iterations": self.iterations,
		}

	@classmethod
	def from_dict(cls, data: Mapping | None) -> Model:
		"""A stored model; anything missing or malformed falls back to the built-in priors."""
		model = cls.default()
		if not data:
			return model
		try:
			for i, c in enumerate(COMPARISONS):
				for key, target in (("m", model.m), ("u", model.u)):
					values = [float(x) for x in (data.get(key) or {}).get(c.name) or ()]
					if len(values) == len(c.levels) and all(0 < x < 1 for x in values):
						target[i] = values
			prior = float(data.get("prior") or model.prior)
			if 0 < prior < 1:
				model.prior = prior
			model.fitted = bool(data.get("fitted"))
			model.pairs = int(data.get("pairs") or 0)
			model.iterations = int(data.get("iterations") or 0)
		except (TypeError, ValueError, AttributeError):
			return cls.default()
		return model

	def level_weights(self) -> list[list[float]]:
		"""log2(m/u) per comparison and level: the evidence each level carries, in bits."""
		return [[math.log2(m / u) for m, u in zip(ms, us, strict=True)] for ms, us in zip(self.m, self.u, strict=True)]

	def weight(self, pattern: Sequence[int], weights: list[list[float]] | None = None) -> float:
		weights = weights or self.level_weights()
		total = math.log2(self.prior / (1 - self.prior))
		for i, level in enumerate(pattern):
			if level != MISSING:
				total += weights[i][level]
		return total

	def probability(self, pattern: Sequence[int], weights: list[list[float]] | None = None) -> float:
		return weight_to_probability(self.weight(pattern, weights))

	def describe(self) -> list[dict]:
		"""Per comparison and level: m, u and the weight, for settings and docs."""
		weights = self.level_weights()
		return [
			{
				"field": c.name,
				"level": label,
				"m": round(self.m[i][k], 4),
				"u": round(self.u[i][k], 6),
				"weight": round(weights[i][k], 2),
			}
			for i, c in enumerate(COMPARISONS)
			for k, label in enumerate(c.levels)
		]


def weight_to_probability(weight: float) -> float:
	if weight > 60:
		return 1.0
	if weight < -60:
		return 0.0
	odds = 2.0**weight
	return odds / (1 + odds)


def probability_to_weight(p: float) -> float:
	p = min(max(p, 1e-12), 1 - 1e-12)
	return math.log2(p / (1 - p))


def _smoothed(counts: Sequence[float], floor: float = 1e-6) -> list[float]:
	total = sum(counts)
	if total <= 0:
		return []
	values = [max(c / total, floor) for c in counts]
	norm = sum(values)
	return [v / norm for v in values]


def estimate_u(prepared: Sequence[Prepared], samples: int = 50_000, seed: int = 1) -> list[list[float]] | None:
	"""u probabilities from random record pairs (almost all non-matches), as Splink does."""
	n = len(prepared)
	if n < 2:
		return None
	rng = random.Random(seed)
	counts = [[0.5] * len(c.levels) for c in COMPARISONS]  # Jeffreys-style smoothing
	total_pairs = n * (n - 1) // 2
	draws = min(samples, total_pairs)
	for _ in range(draws):
		i = rng.randrange(n)
		j = rng.randrange(n - 1)
		if j >= i:
			j += 1
		for k, level in enumerate(compare(prepared[i], prepared[j])):
			if level != MISSING:
				counts[k][level] += 1
	return [_smoothed(c) for c in counts]


def fit(
	patterns: Mapping[tuple[int, ...], int],
	u_random: list[list[float]] | None = None,
	max_iterations: int = 100,
	tolerance: float = 1e-6,
) -> Model:
	"""EM over the agreement patterns of the blocked candidate pairs (pattern -> count).

	m and the prior are re-estimated from the posterior match probabilities; u starts from random
	pairs and is also re-estimated on the candidates, because blocked non-matches agree on names far
	more often than random pairs do (keeping u at its random-pair value would overstate that evidence).
	"""
	model = Model.default()
	if u_random:
		model.u = [list(x) for x in u_random]
	items = [(p, c) for p, c in patterns.items()]
	n_pairs = sum(c for _p, c in items)
	model.pairs = n_pairs
	if n_pairs < MIN_PAIRS_TO_FIT:
		return model
	n_fields = len(COMPARISONS)
	prev_ll = None
	for iteration in range(1, max_iterations + 1):
		weights = model.level_weights()
		m_counts = [[1e-3] * len(c.levels) for c in COMPARISONS]
		u_counts = [[1e-3] * len(c.levels) for c in COMPARISONS]
		matched = 0.0
		ll = 0.0
		log_prior = math.log2(model.prior / (1 - model.prior))
		for pattern, count in items:
			w = log_prior
			for k in range(n_fields):
				level = pattern[k]
				if level != MISSING:
					w += weights[k][level]
			p = weight_to_probability(w)
			pm, pu = p * count, (1 - p) * count
			matched += pm
			for k in range(n_fields):
				level = pattern[k]
				if level != MISSING:
					m_counts[k][level] += pm
					u_counts[k][level] += pu
			# log-likelihood up to a constant: log of the mixture odds normaliser
			ll += count * math.log1p(2.0 ** min(w, 60)) if w < 60 else count * w * math.log(2)
		model.m = [_smoothed(c) for c in m_counts]
		model.u = [_smoothed(c) for c in u_counts]
		model.prior = min(max(matched / n_pairs, 1e-6), 1 - 1e-6)
		model.iterations = iteration
		if prev_ll is not None and abs(ll - prev_ll) <= tolerance * max(abs(ll), 1.0):
			break
		prev_ll = ll
	# a field (almost) never filled on these records says nothing about its weights: keep the priors
	observed = [0] * n_fields
	for pattern, count in items:
		for k in range(n_fields):
			if pattern[k] != MISSING:
				observed[k] += count
	for k, c in enumerate(COMPARISONS):
		if observed[k] < MIN_FIELD_PAIRS:
			model.m[k] = list(c.m_prior)
			model.u[k] = list(c.u_prior)
	_keep_monotone(model)
	model.fitted = True
	return model


def _keep_monotone(model: Model) -> None:
	"""A stronger agreement level must never weigh less than a weaker one (EM on few pairs can invert
	sparse levels); pool-adjacent-violators on the weights, then rebuild m from u."""
	for i in range(len(COMPARISONS)):
		weights = [math.log2(m / u) for m, u in zip(model.m[i], model.u[i], strict=True)]
		fixed = _isotonic(weights, [model.m[i][k] + model.u[i][k] for k in range(len(weights))])
		if fixed != weights:
			m = [model.u[i][k] * 2.0 ** fixed[k] for k in range(len(fixed))]
			total = sum(m)
			model.m[i] = [x / total for x in m]


def _isotonic(values: list[float], weights: list[float]) -> list[float]:
	blocks = [[v, w, 1] for v, w in zip(values, weights, strict=True)]
	merged: list[list[float]] = []
	for block in blocks:
		merged.append(block)
		while len(merged) > 1 and merged[-2][0] > merged[-1][0]:
			v2, w2, n2 = merged.pop()
			v1, w1, n1 = merged.pop()
			w = w1 + w2
			merged.append([(v1 * w1 + v2 * w2) / w if w else (v1 + v2) / 2, w, n1 + n2])
	out: list[float] = []
	for v, _w, n in merged:
		out.extend([v] * int(n))
	return out


# ---------------------------------------------------------------------------------------------
# finding duplicates
# ---------------------------------------------------------------------------------------------
def _match(a: Prepared, b: Prepared, pattern: Sequence[int], model: Model, weights) -> Match:
	x, y = (a, b) if a.id <= b.id else (b, a)
	total = model.weight(pattern, weights)
	return Match(
		x.id,
		y.id,
		round(weight_to_probability(total) * 100, 2),
		{c.name: round(weights[i][pattern[i]], 2) for i, c in enumerate(COMPARISONS) if pattern[i] != MISSING},
		round(total, 2),
		{c.name: c.levels[pattern[i]] for i, c in enumerate(COMPARISONS) if pattern[i] != MISSING},
	)


def explain(match: Match) -> str:
	"""One line per field in words, strongest evidence first (English; the desk translates labels)."""
	parts = sorted(match.scores.items(), key=lambda kv: -abs(kv[1]))
	return "; ".join(f"{f}: {match.levels[f]} ({w:+.1f})" for f, w in parts)


def find_duplicates(
	records: Sequence[Mapping],
	threshold: float = DEFAULT_THRESHOLD,
	max_block: int = MAX_BLOCK,
	window: int = WINDOW,
	model: Model | None = None,
	stats: Stats | None = None,
	train: bool = True,
) -> list[Match]:
	"""Pairs whose match probability is at least `threshold` (0..1), sorted by (-probability, a, b).

	With `train` (the default) the model is fitted by EM on these records' own candidate pairs,
	starting from `model` (or the built-in priors); the fitted model is available as `stats.model`.
	"""
	prepared = sorted((prepare(r) for r in records), key=lambda p: p.id)
	stats = stats if stats is not None else Stats()
	stats.records = len(prepared)
	stats.all_pairs = len(prepared) * (len(prepared) - 1) // 2
	pairs = candidate_pairs(prepared, max_block, window, stats)
	stats.pairs_compared = len(pairs)
	pattern_ids: dict[tuple[int, ...], int] = {}
	pattern_of_pair: list[int] = []
	counts: Counter = Counter()
	for i, j in pairs:
		pattern = compare(prepared[i], prepared[j])
		pid = pattern_ids.setdefault(pattern, len(pattern_ids))
		pattern_of_pair.append(pid)
		counts[pattern] += 1
	stats.patterns = len(pattern_ids)
	model = model or Model.default()
	if train and len(prepared) >= MIN_RECORDS_TO_FIT and len(pairs) >= MIN_PAIRS_TO_FIT:
		model = fit(counts, estimate_u(prepared) or model.u)
	stats.model = model  # type: ignore[attr-defined]
	stats.fitted = model.fitted
	stats.em_iterations = model.iterations
	weights = model.level_weights()
	patterns = list(pattern_ids)
	keep = [model.probability(p, weights) >= threshold for p in patterns]
	out = [
		_match(prepared[i], prepared[j], patterns[pid], model, weights)
		for (i, j), pid in zip(pairs, pattern_of_pair, strict=True)
		if keep[pid]
	]
	out.sort(key=lambda m: (-m.total, m.a, m.b))
	stats.matches = len(out)
	return out


def score_pair(a: Prepared, b: Prepared, model: Model | None = None) -> Match:
	model = model or Model.default()
	return _match(a, b, compare(a, b), model, model.level_weights())


def all_pairs(
	records: Sequence[Mapping], threshold: float = DEFAULT_THRESHOLD, model: Model | None = None
) -> list[Match]:
	"""Naive O(n^2) baseline: every pair scored. For benchmarks and tests on small inputs only."""
	prepared = sorted((prepare(r) for r in records), key=lambda p: p.id)
	model = model or Model.default()
	weights = model.level_weights()
	out = []
	for i, a in enumerate(prepared):
		for b in prepared[i + 1 :]:
			pattern = compare(a, b)
			if model.probability(pattern, weights) >= threshold:
				out.append(_match(a, b, pattern, model, weights))
	out.sort(key=lambda m: (-m.total, m.a, m.b))
	return out


def best_matches(
	record: Mapping,
	others: Iterable[Mapping],
	threshold: float = DEFAULT_THRESHOLD,
	limit: int = 5,
	model: Model | None = None,
) -> list[Match]:
	"""Scores of one (new) record against candidates fetched by indexed lookups; best first.

	Runs inside a document's save: the weights are computed once and a Match is built only for the
	pairs that reach the threshold."""
	model = model or Model.default()
	weights = model.level_weights()
	p = prepare({**record, "id": record.get("id") or "\x00new"})
	out = []
	for o in others:
		if str(o["id"]) == p.id:
			continue
		q = prepare(o)
		pattern = compare(p, q)
		if model.probability(pattern, weights) >= threshold:
			out.append(_match(p, q, pattern, model, weights))
	out.sort(key=lambda m: (-m.total, m.a, m.b))
	return out[:limit]
