"""Service-desk report arithmetic on plain numbers: percentiles, summaries, complaint closure limits.

Kept free of frappe so the figures the reports show can be checked without a site.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# Complaint class -> hours within which a complaint must be closed (wall-clock from opening)
COMPLAINT_LIMIT_HOURS: dict[str, float] = {"Normal": 72.0, "Urgent": 24.0, "Major": 4.0}


def percentile(values: Sequence[float], q: float) -> float | None:
	"""The q-th percentile (0-100) with linear interpolation between ranks (numpy's default)."""
	if not values:
		return None
	if not 0 <= q <= 100:
		raise ValueError("q must be between 0 and 100")
	ordered = sorted(values)
	rank = (len(ordered) - 1) * q / 100.0
	low = int(rank)
	high = min(low + 1, len(ordered) - 1)
	return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
	count: int
	median: float | None
	p90: float | None
	mean: float | None


def summarize(values: Iterable[float], digits: int = 1) -> Summary:
	"""Count, median, 90th percentile and mean, rounded to `digits` (None for no values)."""
	values = list(values)
	if not values:
		return Summary(0, None, None, None)

	def r(x: float | None) -> float | None:
		return None if x is None else round(x, digits)

	return Summary(
		len(values),
		r(percentile(values, 50)),
		r(percentile(values, 90)),
		r(sum(values) / len(values)),
	)


def hours_between(start: datetime, end: datetime) -> float:
	"""Wall-clock hours from start to end, never negative (a clock set back counts as zero)."""
	return max(0.0, (end - start).total_seconds() / 3600.0)


def share(hits: int, total: int, digits: int = 1) -> float | None:
	"""Percentage of hits in total; None when there is nothing to count."""
	return round(100.0 * hits / total, digits) if total else None


def closure_limit_hours(complaint_class: str | None) -> float | None:
	return COMPLAINT_LIMIT_HOURS.get(complaint_class or "")


def closed_within_limit(
	complaint_class: str | None, opened: datetime, closed: datetime | None
) -> bool | None:
	"""True / False for a closed complaint against its class limit; None when open or without a class."""
	limit = closure_limit_hours(complaint_class)
	if limit is None or closed is None:
		return None
	return hours_between(opened, closed) <= limit


def open_over_limit(complaint_class: str | None, opened: datetime, now: datetime) -> bool:
	"""An open complaint already older than its class limit."""
	limit = closure_limit_hours(complaint_class)
	return limit is not None and hours_between(opened, now) > limit
