"""Summaries and ratios for benchmark timings. Ratios, not absolute times, are what we report:
the same machine runs both sides in the same process, so noise hits both."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def summarize(samples: Sequence[float]) -> dict[str, float | int]:
	if not samples:
		raise ValueError("no samples")
	ordered = sorted(samples)
	return {
		"n": len(ordered),
		"median": statistics.median(ordered),
		"mean": statistics.fmean(ordered),
		"p90": percentile(ordered, 90),
		"min": ordered[0],
		"max": ordered[-1],
		"stdev": statistics.stdev(ordered) if len(ordered) > 1 else 0.0,
	}


def percentile(ordered: Sequence[float], pct: float) -> float:
	"""Linear interpolation between closest ranks (numpy's default), on already-sorted data."""
	if not ordered:
		raise ValueError("no samples")
	if not 0 <= pct <= 100:
		raise ValueError("pct must be within 0..100")
	pos = (len(ordered) - 1) * pct / 100
	lo, hi = math.floor(pos), math.ceil(pos)
	return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def ratio(candidate: float, baseline: float) -> float:
	if baseline <= 0:
		raise ValueError("baseline must be positive")
	return candidate / baseline


def paired_ratios(candidate_rounds: Sequence[float], baseline_rounds: Sequence[float]) -> dict[str, float]:
	"""Per-round ratios of interleaved runs; the median is robust to one slow round on either side."""
	if len(candidate_rounds) != len(baseline_rounds) or not candidate_rounds:
		raise ValueError("need the same, non-zero number of rounds on both sides")
	ratios = sorted(ratio(c, b) for c, b in zip(candidate_rounds, baseline_rounds, strict=True))
	return {"median": statistics.median(ratios), "min": ratios[0], "max": ratios[-1]}


def interleaved_order(sides: Sequence[str], rounds: int) -> list[list[str]]:
	"""ABBA ordering: alternates which side runs first, so warm-up and drift favour neither."""
	order = []
	for r in range(rounds):
		order.append(list(sides) if r % 2 == 0 else list(reversed(sides)))
	return order
