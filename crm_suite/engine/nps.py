"""NPS and CSAT with confidence intervals, and who gets a relational NPS survey.

Scores are reported with intervals because agent- and team-level samples are small: an NPS of 40 from
12 answers is compatible with anything from about 0 to 80, and the reports must say so.

- NPS: each answer is +1 (promoter, 9-10), 0 (passive, 7-8) or -1 (detractor, 0-6); NPS is 100 times
  their mean. The variance of one answer (a trinomial) is p_prom + p_det - (p_prom - p_det)^2, so
  SE(NPS) = 100 * sqrt(var / n) and the normal (Wald) interval is NPS +- z * SE, clipped to [-100, 100].
- CSAT: share of 4-5 answers on the 1-5 scale, with the Wilson score interval (good coverage for small n
  and shares near 0 or 1, where the Wald interval fails).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist

from crm_suite.engine.sampling import stratified_sample

PROMOTER = "promoter"
PASSIVE = "passive"
DETRACTOR = "detractor"

# Exclusion reason codes (translated by the caller), in the order they are checked.
DO_NOT_CONTACT = "do_not_contact"
UNSUBSCRIBED = "unsubscribed"
NO_CONSENT = "no_consent"
RECENTLY_SURVEYED = "recently_surveyed"
EXCLUSION_REASONS = (DO_NOT_CONTACT, UNSUBSCRIBED, NO_CONSENT, RECENTLY_SURVEYED)


def z_value(confidence: float) -> float:
	"""Two-sided normal quantile: 1.959964 for 95%."""
	if not 0 < confidence < 1:
		raise ValueError("confidence must be between 0 and 1")
	return NormalDist().inv_cdf(0.5 + confidence / 2)


def nps_category(score: int) -> str:
	if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10:
		raise ValueError(f"NPS answers are integers 0-10, got {score!r}")
	if score >= 9:
		return PROMOTER
	if score >= 7:
		return PASSIVE
	return DETRACTOR


@dataclass(frozen=True)
class NpsResult:
	n: int
	promoters: int
	passives: int
	detractors: int
	nps: float | None  # -100..100, None without answers
	se: float | None
	ci_low: float | None
	ci_high: float | None


def nps(scores: Iterable[int], confidence: float = 0.95) -> NpsResult:
	"""NPS with its trinomial standard error and Wald interval (module doc)."""
	counts = Counter(nps_category(s) for s in scores)
	n = sum(counts.values())
	p, d = counts[PROMOTER], counts[DETRACTOR]
	if n == 0:
		return NpsResult(0, 0, 0, 0, None, None, None, None)
	pp, pd = p / n, d / n
	value = 100 * (pp - pd)
	var = max(pp + pd - (pp - pd) ** 2, 0.0)
	se = 100 * math.sqrt(var / n)
	half = z_value(confidence) * se
	return NpsResult(n, p, counts[PASSIVE], d, value, se, max(-100.0, value - half), min(100.0, value + half))


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
	"""Wilson score interval for a proportion (Newcombe 1998, method 3)."""
	if n <= 0:
		raise ValueError("n must be positive")
	if not 0 <= successes <= n:
		raise ValueError("successes must be within 0..n")
	z = z_value(confidence)
	ph = successes / n
	denom = 1 + z * z / n
	centre = (ph + z * z / (2 * n)) / denom
	half = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / denom
	lo = 0.0 if successes == 0 else max(0.0, centre - half)
	hi = 1.0 if successes == n else min(1.0, centre + half)
	return lo, hi


@dataclass(frozen=True)
class CsatResult:
	n: int
	satisfied: int
	csat: float | None  # percent 0..100
	ci_low: float | None
	ci_high: float | None
	mean: float | None  # mean rating, for the trend chart


def csat(
	ratings: Iterable[int], confidence: float = 0.95, satisfied_min: int = 4, scale: int = 5
) -> CsatResult:
	"""CSAT = percent of ratings >= satisfied_min on 1..scale, with a Wilson interval."""
	values = list(ratings)
	for r in values:
		if not isinstance(r, int) or isinstance(r, bool) or not 1 <= r <= scale:
			raise ValueError(f"CSAT ratings are integers 1-{scale}, got {r!r}")
	n = len(values)
	if n == 0:
		return CsatResult(0, 0, None, None, None, None)
	sat = sum(1 for r in values if r >= satisfied_min)
	lo, hi = wilson_interval(sat, n, confidence)
	return CsatResult(n, sat, 100 * sat / n, 100 * lo, 100 * hi, sum(values) / n)


# ------------------------------------------------------------------------------------------------
# Relational survey sampling
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyCandidate:
	customer: str
	segment: str = ""  # stratum: segment / tier
	do_not_contact: bool = False
	unsubscribed: bool = False
	consent: bool = False  # explicit consent to be surveyed; absent consent means no survey
	last_surveyed: date | None = None
	language: str = ""


@dataclass
class SurveySample:
	customers: list[SurveyCandidate]
	excluded: dict[str, int]  # reason -> count, every reason present (0 if none)
	eligible: int
	allocation: dict[Hashable, int] = field(default_factory=dict)  # stratum -> drawn


def exclusion_reason(c: SurveyCandidate, today: date, min_gap_days: int) -> str | None:
	"""The first reason this customer may not be surveyed today, or None."""
	if c.do_not_contact:
		return DO_NOT_CONTACT
	if c.unsubscribed:
		return UNSUBSCRIBED
	if not c.consent:
		return NO_CONSENT
	if c.last_surveyed is not None and (today - c.last_surveyed).days < min_gap_days:
		return RECENTLY_SURVEYED
	return None


def sample_relational(
	candidates: Iterable[SurveyCandidate],
	n: int,
	today: date,
	min_gap_days: int = 90,
	seed: int | str = 0,
) -> SurveySample:
	"""A stratified random sample of n eligible customers (proportional per segment, seeded).

	Customers surveyed fewer than `min_gap_days` ago, without consent, unsubscribed or marked
	do-not-contact are never drawn; each excluded customer is counted under the first reason that
	applies. If fewer than n are eligible, all eligible customers are returned.
	"""
	if n < 0:
		raise ValueError("n must be >= 0")
	excluded = dict.fromkeys(EXCLUSION_REASONS, 0)
	eligible: list[SurveyCandidate] = []
	seen: set[str] = set()
	for c in candidates:
		if c.customer in seen:  # one survey per customer even if the caller's join duplicated rows
			continue
		seen.add(c.customer)
		reason = exclusion_reason(c, today, min_gap_days)
		if reason:
			excluded[reason] += 1
		else:
			eligible.append(c)
	sample, alloc = stratified_sample(
		eligible, n, stratum=lambda c: c.segment, key=lambda c: c.customer, rng=random.Random(seed)
	)
	return SurveySample(sample, excluded, len(eligible), alloc)
