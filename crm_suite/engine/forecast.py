"""Calls per interval (default 30 minutes) forecast from history, for Erlang staffing.

Model: weekly volume x weekday share x intraday profile.
- Weekly volume: damped-trend Holt smoothing over the totals of the last 7-day blocks (ending on the
  last history day), so growth or decline carries forward without running away.
- Weekday share and intraday profile: pooled over the last `weeks` same-weekday days. Pooling many days
  is what beats "same interval last week": one half-hour of one day is a single Poisson draw, while the
  pooled shape averages out most of that noise.
Excluded dates (holidays, outages, days with missing data) are left out of every estimate; a 7-day block
with excluded days is scaled up by the weekday shares it did observe.

History is counts per (date, interval index) for every day from the first to the last date seen (a day
without rows counts as zero calls, e.g. a closed Sunday), or the raw call start datetimes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

Counts = Mapping[tuple[date, int], float]


def counts_from_starts(starts: Iterable[datetime], interval_minutes: int = 30) -> dict[tuple[date, int], int]:
	"""Bucket naive local call start times into (date, interval index)."""
	_check_interval(interval_minutes)
	out: dict[tuple[date, int], int] = {}
	for t in starts:
		key = (t.date(), (t.hour * 60 + t.minute) // interval_minutes)
		out[key] = out.get(key, 0) + 1
	return out


def _as_counts(history, interval_minutes: int) -> Counts:
	if isinstance(history, Mapping):
		per_day = 1440 // interval_minutes
		for (_d, i), v in history.items():
			if not 0 <= i < per_day:
				raise ValueError("interval_index_out_of_range")
			if v < 0:
				raise ValueError("negative_count")
		return history
	return counts_from_starts(history, interval_minutes)


@dataclass
class Model:
	"""A fitted forecast; `predict(day)` gives the expected calls per interval of that day."""

	end: date
	interval_minutes: int
	level: float
	trend: float
	phi: float
	shares: list[float]  # by weekday (Monday = 0), sums to 1
	profiles: list[list[float]]  # by weekday, per interval, each sums to 1 (or all 0)
	blocks: int

	def weekly_volume(self, weeks_ahead: int) -> float:
		damp = sum(self.phi**k for k in range(1, weeks_ahead + 1))
		return max(0.0, self.level + self.trend * damp)

	def predict(self, day: date) -> list[float]:
		ahead = (day - self.end).days
		weeks_ahead = max(1, math.ceil(ahead / 7))
		total = self.weekly_volume(weeks_ahead) * self.shares[day.weekday()]
		return [total * p for p in self.profiles[day.weekday()]]


def fit(
	history,
	*,
	end: date | None = None,
	exclude: Iterable[date] = (),
	interval_minutes: int = 30,
	weeks: int = 8,
	alpha: float = 0.5,
	beta: float = 0.2,
	phi: float = 0.9,
) -> Model:
	"""Fit on history up to and including `end` (default: the last date in it)."""
	_check_interval(interval_minutes)
	if weeks < 1:
		raise ValueError("weeks_must_be_positive")
	if not (0 < alpha <= 1 and 0 <= beta <= 1 and 0 <= phi <= 1):
		raise ValueError("smoothing_out_of_range")
	counts = _as_counts(history, interval_minutes)
	if not counts:
		raise ValueError("empty_history")
	per_day = 1440 // interval_minutes
	start = min(d for d, _ in counts)
	if end is None:
		end = max(d for d, _ in counts)
	if end < start:
		raise ValueError("end_before_history")
	skip = set(exclude)
	days: dict[date, list[float]] = {}
	d = start
	while d <= end:
		if d not in skip:
			days[d] = [0.0] * per_day
		d += timedelta(days=1)
	for (d, i), v in counts.items():
		if d in days:
			days[d][i] += v
	if not days:
		raise ValueError("no_usable_days")

	# Shape: the last `weeks` usable days of each weekday, pooled.
	window = end - timedelta(days=7 * weeks - 1)
	wd_totals = [0.0] * 7
	wd_days = [0] * 7
	profiles = [[0.0] * per_day for _ in range(7)]
	for d, row in days.items():
		if d >= window:
			w = d.weekday()
			wd_days[w] += 1
			wd_totals[w] += sum(row)
			for i, v in enumerate(row):
				profiles[w][i] += v
	for w in range(7):
		t = sum(profiles[w])
		profiles[w] = [v / t for v in profiles[w]] if t > 0 else [0.0] * per_day
	# A weekday with no usable day in the window borrows the mean of the others.
	seen = [wd_totals[w] / wd_days[w] for w in range(7) if wd_days[w]]
	fallback = sum(seen) / len(seen) if seen else 0.0
	means = [wd_totals[w] / wd_days[w] if wd_days[w] else fallback for w in range(7)]
	flat_profile = [1.0 / per_day] * per_day
	for w in range(7):
		if not wd_days[w] and fallback > 0:
			profiles[w] = flat_profile
	total_mean = sum(means)
	shares = [m / total_mean for m in means] if total_mean > 0 else [1 / 7] * 7

	# Volume: totals of 7-day blocks ending on `end`, oldest first; partial leading block dropped.
	block_totals: list[float] = []
	n_blocks = ((end - start).days + 1) // 7
	for b in range(n_blocks - 1, -1, -1):
		last = end - timedelta(days=7 * b)
		seen_total = 0.0
		seen_share = 0.0
		for k in range(7):
			d = last - timedelta(days=k)
			if d in days:
				seen_total += sum(days[d])
				seen_share += shares[d.weekday()]
		if seen_share > 0.3:  # at least ~2 typical days observed, else the block says too little
			block_totals.append(seen_total / seen_share)
	if not block_totals:
		# less than a week of history: scale the observed days up to a week
		level = sum(means) if total_mean > 0 else 0.0
		return Model(end, interval_minutes, level, 0.0, phi, shares, profiles, 0)
	level = block_totals[0]
	trend = block_totals[1] - block_totals[0] if len(block_totals) > 1 else 0.0
	for y in block_totals[1:]:
		prev = level
		level = alpha * y + (1 - alpha) * (level + phi * trend)
		trend = beta * (level - prev) + (1 - beta) * phi * trend
	return Model(end, interval_minutes, level, trend, phi, shares, profiles, len(block_totals))


def forecast(history, days: Iterable[date], **kwargs) -> dict[tuple[date, int], float]:
	"""Expected calls per (date, interval) for future `days`; kwargs go to `fit`."""
	model = fit(history, **kwargs)
	out: dict[tuple[date, int], float] = {}
	for d in days:
		if d <= model.end:
			raise ValueError("forecast_day_not_after_history")
		for i, v in enumerate(model.predict(d)):
			out[(d, i)] = v
	return out


def seasonal_naive(
	history,
	days: Iterable[date],
	*,
	end: date | None = None,
	exclude: Iterable[date] = (),
	interval_minutes: int = 30,
) -> dict[tuple[date, int], float]:
	"""Baseline: the same interval on the latest usable same-weekday day up to `end`."""
	counts = _as_counts(history, interval_minutes)
	if not counts:
		raise ValueError("empty_history")
	per_day = 1440 // interval_minutes
	start = min(d for d, _ in counts)
	if end is None:
		end = max(d for d, _ in counts)
	skip = set(exclude)
	out: dict[tuple[date, int], float] = {}
	for d in days:
		src = d - timedelta(days=7 * max(1, math.ceil((d - end).days / 7)))
		while src >= start and src in skip:
			src -= timedelta(days=7)
		for i in range(per_day):
			out[(d, i)] = float(counts.get((src, i), 0)) if src >= start else 0.0
	return out


def errors(actual: Mapping, predicted: Mapping) -> dict[str, float | int | None]:
	"""WAPE = sum|e| / sum(actual); MAPE over intervals with actual > 0; bias = sum(e) / sum(actual)."""
	abs_err = err = total = 0.0
	ape = []
	for k, a in actual.items():
		p = predicted.get(k, 0.0)
		abs_err += abs(p - a)
		err += p - a
		total += a
		if a > 0:
			ape.append(abs(p - a) / a)
	return {
		"intervals": len(actual),
		"actual": total,
		"wape": abs_err / total if total else None,
		"mape": sum(ape) / len(ape) if ape else None,
		"bias": err / total if total else None,
	}


def backtest(
	history,
	horizon_days: int = 7,
	folds: int = 4,
	*,
	exclude: Iterable[date] = (),
	interval_minutes: int = 30,
	**fit_kwargs,
) -> dict:
	"""Rolling-origin backtest: fold k fits on everything before its origin and forecasts the next
	`horizon_days`; origins step by `horizon_days`, the last fold ends on the last history day.
	Excluded days are neither fitted nor scored. Returns the model's and the seasonal-naive
	baseline's WAPE, MAPE and bias over all folds, and wape_ratio = model / baseline."""
	if horizon_days < 1 or folds < 1:
		raise ValueError("horizon_and_folds_must_be_positive")
	counts = _as_counts(history, interval_minutes)
	if not counts:
		raise ValueError("empty_history")
	skip = set(exclude)
	per_day = 1440 // interval_minutes
	first = min(d for d, _ in counts)
	last = max(d for d, _ in counts)
	if (last - first).days + 1 < horizon_days * folds + 7:
		raise ValueError("history_too_short")
	actual: dict = {}
	ours: dict = {}
	naive: dict = {}
	per_fold = []
	for k in range(folds, 0, -1):
		origin = last - timedelta(days=horizon_days * k)  # last fitted day
		test_days = [
			origin + timedelta(days=j)
			for j in range(1, horizon_days + 1)
			if origin + timedelta(days=j) not in skip
		]
		fold_actual = {(d, i): float(counts.get((d, i), 0)) for d in test_days for i in range(per_day)}
		model = fit(counts, end=origin, exclude=skip, interval_minutes=interval_minutes, **fit_kwargs)
		fold_ours = {(d, i): v for d in test_days for i, v in enumerate(model.predict(d))}
		fold_naive = seasonal_naive(
			counts, test_days, end=origin, exclude=skip, interval_minutes=interval_minutes
		)
		actual.update(fold_actual)
		ours.update(fold_ours)
		naive.update(fold_naive)
		m, b = errors(fold_actual, fold_ours), errors(fold_actual, fold_naive)
		per_fold.append({"origin": origin, "model_wape": m["wape"], "naive_wape": b["wape"]})
	model_err = errors(actual, ours)
	naive_err = errors(actual, naive)
	ratio = (
		model_err["wape"] / naive_err["wape"] if model_err["wape"] is not None and naive_err["wape"] else None
	)
	return {
		"horizon_days": horizon_days,
		"folds": folds,
		"model": model_err,
		"seasonal_naive": naive_err,
		"wape_ratio": ratio,
		"per_fold": per_fold,
	}


def _check_interval(interval_minutes: int) -> None:
	if not isinstance(interval_minutes, int) or interval_minutes <= 0 or 1440 % interval_minutes:
		raise ValueError("interval_minutes_must_divide_a_day")
