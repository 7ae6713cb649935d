"""Quality assurance: scorecard scoring, weekly review samples, inspector calibration, coaching triggers.

- Scoring: weighted criteria in four groups (the guide's attitude, efficiency, effect, plus compliance).
  A criterion marked N/A drops out and the others are re-weighted, so an agent is not penalised for a
  step the ticket did not need. Any failed auto-fail item (say, disclosing data to the wrong person)
  makes the whole review 0 whatever else went well.
- Sampling: a seeded, stratified random sample per agent per week (strata: channel x category), never a
  ticket already reviewed, so every agent is judged on a fair mix rather than on cherry-picked tickets.
- Calibration: several inspectors score the same tickets; per-criterion spread and Krippendorff's alpha
  (interval metric, any number of inspectors, missing ratings allowed) say whether the scorecard is
  applied consistently.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crm_suite.engine.sampling import stratified_sample

ATTITUDE = "attitude"
EFFICIENCY = "efficiency"
EFFECT = "effect"
COMPLIANCE = "compliance"
GROUPS = (ATTITUDE, EFFICIENCY, EFFECT, COMPLIANCE)

# Coaching reason codes (translated by the caller)
AUTO_FAIL = "auto_fail"
BELOW_THRESHOLD = "below_threshold"
# Review status codes
OK = "ok"
ALL_NOT_APPLICABLE = "all_not_applicable"


@dataclass(frozen=True)
class Criterion:
	key: str
	group: str
	weight: float = 1.0
	max_score: int = 1  # 1 = yes/no item; 5 = a 0-5 scale
	auto_fail: bool = False
	allow_na: bool = True
	pass_mark: float | None = None  # auto-fail items: failed below this (default: full marks)

	def failed(self, value: float) -> bool:
		mark = self.max_score if self.pass_mark is None else self.pass_mark
		return self.auto_fail and value < mark


@dataclass(frozen=True)
class Scorecard:
	name: str
	version: int
	criteria: tuple[Criterion, ...]

	def __post_init__(self) -> None:
		keys = [c.key for c in self.criteria]
		if not keys or len(keys) != len(set(keys)):
			raise ValueError("a scorecard needs criteria with unique keys")
		for c in self.criteria:
			if c.group not in GROUPS:
				raise ValueError(f"criterion {c.key}: unknown group {c.group!r}")
			if c.weight < 0 or c.max_score < 1:
				raise ValueError(f"criterion {c.key}: weight must be >= 0 and max_score >= 1")
		if sum(c.weight for c in self.criteria) <= 0:
			raise ValueError("a scorecard needs a positive total weight")

	def criterion(self, key: str) -> Criterion:
		return next(c for c in self.criteria if c.key == key)


@dataclass(frozen=True)
class ReviewScore:
	status: str
	score: float | None  # 0..100 after auto-fail; None if every weighted criterion was N/A
	raw_score: float | None  # 0..100 before auto-fail (shown to the agent: what else went well)
	group_scores: dict[str, float | None]
	auto_failed: list[str] = field(default_factory=list)
	not_applicable: list[str] = field(default_factory=list)


def _weighted(items: list[tuple[Criterion, float]]) -> float | None:
	total = sum(c.weight for c, _ in items)
	if total <= 0:
		return None
	return 100 * sum(c.weight * v / c.max_score for c, v in items) / total


def score_review(card: Scorecard, answers: Mapping[str, float | None]) -> ReviewScore:
	"""Score one review: answers map every criterion key to a value 0..max_score, or None for N/A."""
	unknown = set(answers) - {c.key for c in card.criteria}
	if unknown:
		raise ValueError(f"answers for unknown criteria: {sorted(unknown)}")
	applicable: list[tuple[Criterion, float]] = []
	na: list[str] = []
	failed: list[str] = []
	for c in card.criteria:
		if c.key not in answers:
			raise ValueError(f"criterion {c.key} is unanswered")
		value = answers[c.key]
		if value is None:
			if not c.allow_na:
				raise ValueError(f"criterion {c.key} cannot be N/A")
			na.append(c.key)
			continue
		if not 0 <= value <= c.max_score:
			raise ValueError(f"criterion {c.key}: {value} is outside 0..{c.max_score}")
		applicable.append((c, float(value)))
		if c.failed(value):
			failed.append(c.key)
	groups = {g: _weighted([(c, v) for c, v in applicable if c.group == g]) for g in GROUPS}
	raw = _weighted(applicable)
	if raw is None:
		return ReviewScore(ALL_NOT_APPLICABLE, 0.0 if failed else None, None, groups, failed, na)
	return ReviewScore(OK, 0.0 if failed else raw, raw, groups, failed, na)


def coaching_trigger(result: ReviewScore, threshold: float = 80.0) -> str | None:
	"""Why this review should open a coaching action (AUTO_FAIL or BELOW_THRESHOLD), or None."""
	if result.auto_failed:
		return AUTO_FAIL
	if result.score is not None and result.score < threshold:
		return BELOW_THRESHOLD
	return None


# ------------------------------------------------------------------------------------------------
# Weekly sampling
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QaTicket:
	ticket: str
	agent: str
	channel: str = ""
	category: str = ""


@dataclass
class AgentSample:
	agent: str
	tickets: list[QaTicket]
	requested: int
	available: int  # eligible (not yet reviewed) tickets of the agent
	allocation: dict[Hashable, int] = field(default_factory=dict)  # (channel, category) -> drawn

	@property
	def shortfall(self) -> int:
		return max(self.requested - len(self.tickets), 0)


def weekly_sample(
	tickets: Iterable[QaTicket],
	seed: int | str,
	size: int | Mapping[str, int] = 5,
	default_size: int = 5,
	reviewed: Iterable[str] = (),
) -> dict[str, AgentSample]:
	"""Per agent, a stratified random sample of `size` tickets (a number, or per agent with a default).

	The generator is seeded with (seed, agent), so one agent's sample does not change when another
	agent's tickets do; pass the ISO week (e.g. "2026-W49") as seed for a reproducible weekly draw.
	"""
	done = set(reviewed)
	by_agent: dict[str, list[QaTicket]] = {}
	seen: set[str] = set()
	for t in tickets:
		if t.ticket in done or t.ticket in seen:
			continue
		seen.add(t.ticket)
		by_agent.setdefault(t.agent, []).append(t)
	out = {}
	for agent in sorted(by_agent):
		n = size if isinstance(size, int) else size.get(agent, default_size)
		rng = random.Random(f"{seed}|{agent}")
		picked, alloc = stratified_sample(
			by_agent[agent], n, stratum=lambda t: (t.channel, t.category), key=lambda t: t.ticket, rng=rng
		)
		out[agent] = AgentSample(agent, picked, n, len(by_agent[agent]), alloc)
	return out


# ------------------------------------------------------------------------------------------------
# Calibration
# ------------------------------------------------------------------------------------------------
INTERVAL = "interval"
NOMINAL = "nominal"


def _pair_disagreement(values: Sequence[float], metric: str) -> float:
	"""Sum of delta(a, b) over ordered pairs of distinct positions, in O(m) rather than O(m^2).

	interval: sum (a - b)^2 = 2 m sum v^2 - 2 (sum v)^2; nominal: m^2 - sum of squared value counts.
	"""
	m = len(values)
	if metric == INTERVAL:
		total = math.fsum(values)
		return max(2 * m * math.fsum(v * v for v in values) - 2 * total * total, 0.0)
	return float(m * m - sum(c * c for c in Counter(values).values()))


def krippendorff_alpha(units: Sequence[Sequence[float | None]], metric: str = INTERVAL) -> float | None:
	"""Krippendorff's alpha; `units` is one row per rated item, one value (or None) per rater.

	Units with fewer than two ratings are not pairable and are ignored. Returns None when there is no
	expected disagreement (every rating identical, or fewer than two pairable values).
	Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C.
	"""
	if metric not in (INTERVAL, NOMINAL):
		raise ValueError(f"unknown metric {metric!r}")
	pairable = [[v for v in unit if v is not None] for unit in units]
	pairable = [u for u in pairable if len(u) >= 2]
	values = [v for u in pairable for v in u]
	n = len(values)
	if n < 2:
		return None
	d_observed = sum(_pair_disagreement(u, metric) / (len(u) - 1) for u in pairable) / n
	d_expected = _pair_disagreement(values, metric) / (n * (n - 1))
	if d_expected == 0:
		return None
	return 1 - d_observed / d_expected


@dataclass(frozen=True)
class CriterionSpread:
	criterion: str
	n: int  # inspectors x items that rated it (N/A excluded)
	mean: float | None  # 0..100 (percent of the criterion's max)
	stdev: float | None  # 0..100, mean over items of the across-inspector sample SD
	max_range: float | None  # 0..100, largest max-min across inspectors on any one item
	disagrees: bool  # max_range above the tolerance


@dataclass
class Calibration:
	criteria: list[CriterionSpread]
	inspector_scores: dict[str, dict[str, float | None]]  # item -> inspector -> total score 0..100
	score_stdev: dict[str, float | None]  # item -> SD of the inspectors' total scores
	score_range: dict[str, float | None]  # item -> max-min of the inspectors' total scores
	alpha: float | None  # Krippendorff's alpha (interval) over (item, criterion) units, on 0..1 scale


def calibrate(
	card: Scorecard,
	ratings: Mapping[str, Mapping[str, Mapping[str, float | None]]],
	tolerance: float = 20.0,
) -> Calibration:
	"""Spread of several inspectors scoring the same items: ratings[item][inspector] = answers.

	Values are put on 0..100 (value / max_score) so a yes/no item and a 0-5 scale compare; a criterion
	disagrees when inspectors are more than `tolerance` points apart on some item.
	"""
	inspectors = sorted({i for by_insp in ratings.values() for i in by_insp})
	spreads = []
	units: list[list[float | None]] = []
	for c in card.criteria:
		all_vals: list[float] = []
		sds: list[float] = []
		ranges: list[float] = []
		for item in sorted(ratings):
			row: list[float | None] = []
			for insp in inspectors:
				ans = ratings[item].get(insp)
				v = None if ans is None else ans.get(c.key)
				row.append(None if v is None else 100 * v / c.max_score)
			units.append([None if v is None else v / 100 for v in row])
			vals = [v for v in row if v is not None]
			all_vals.extend(vals)
			if len(vals) >= 2:
				sds.append(statistics.stdev(vals))
				ranges.append(max(vals) - min(vals))
		spreads.append(
			CriterionSpread(
				c.key,
				len(all_vals),
				statistics.fmean(all_vals) if all_vals else None,
				statistics.fmean(sds) if sds else None,
				max(ranges) if ranges else None,
				bool(ranges) and max(ranges) > tolerance,
			)
		)
	totals: dict[str, dict[str, float | None]] = {}
	sd: dict[str, float | None] = {}
	rng: dict[str, float | None] = {}
	for item in sorted(ratings):
		totals[item] = {insp: score_review(card, ans).score for insp, ans in sorted(ratings[item].items())}
		vals = [v for v in totals[item].values() if v is not None]
		sd[item] = statistics.stdev(vals) if len(vals) >= 2 else None
		rng[item] = max(vals) - min(vals) if len(vals) >= 2 else None
	return Calibration(spreads, totals, sd, rng, krippendorff_alpha(units, INTERVAL))


def error_rate(results: Iterable[ReviewScore], threshold: float = 80.0) -> float | None:
	"""Share of reviews that trigger coaching (auto-fail or below threshold): the QA error rate."""
	flags = [coaching_trigger(r, threshold) is not None for r in results if r.score is not None]
	return sum(flags) / len(flags) if flags else None
