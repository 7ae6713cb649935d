import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from crm_suite.engine.forecast import backtest, counts_from_starts, errors, fit, forecast, seasonal_naive

START = date(2026, 1, 5)  # a Monday
DAY_FACTOR = [1.0, 0.9, 0.9, 0.85, 0.8, 0.35, 0.0]  # closed on Sundays


def true_rate(d: date, i: int, growth: float = 0.0) -> float:
	"""Expected calls in half-hour i: open 08:00-20:00, peaks mid-morning and mid-afternoon."""
	if not 16 <= i < 40:
		return 0.0
	h = i / 2
	shape = 1 + 0.8 * math.exp(-((h - 10.5) ** 2) / 2) + 0.6 * math.exp(-((h - 14.5) ** 2) / 3)
	return 20 * DAY_FACTOR[d.weekday()] * shape * (1 + growth) ** ((d - START).days / 7)


def synth(weeks: int, seed: int, growth: float = 0.0) -> dict:
	rng = np.random.default_rng(seed)
	out = {}
	for k in range(weeks * 7):
		d = START + timedelta(days=k)
		for i in range(48):
			n = int(rng.poisson(true_rate(d, i, growth)))
			if n:
				out[(d, i)] = n
	return out


def next_week(history) -> list[date]:
	end = max(d for d, _ in history)
	return [end + timedelta(days=j) for j in range(1, 8)]


def test_counts_from_starts_buckets_by_half_hour():
	starts = [
		datetime(2026, 3, 2, 0, 0),
		datetime(2026, 3, 2, 0, 29, 59),
		datetime(2026, 3, 2, 0, 30),
		datetime(2026, 3, 2, 23, 59),
		datetime(2026, 3, 3, 9, 15),
	]
	assert counts_from_starts(starts) == {
		(date(2026, 3, 2), 0): 2,
		(date(2026, 3, 2), 1): 1,
		(date(2026, 3, 2), 47): 1,
		(date(2026, 3, 3), 18): 1,
	}
	assert counts_from_starts(starts[:3], interval_minutes=60) == {(date(2026, 3, 2), 0): 3}
	with pytest.raises(ValueError):
		counts_from_starts(starts, interval_minutes=7)


def test_forecast_recovers_a_known_rate():
	history = synth(8, seed=11)
	days = next_week(history)
	f = forecast(history, days)
	truth = {(d, i): true_rate(d, i) for d in days for i in range(48)}
	# per interval: within 10% WAPE of the true rate (a single Poisson day is ~15% off its own rate)
	assert errors(truth, f)["wape"] < 0.10
	assert abs(errors(truth, f)["bias"]) < 0.04
	for d in days:
		want = sum(true_rate(d, i) for i in range(48))
		got = sum(f[(d, i)] for i in range(48))
		if want == 0:
			assert got == 0  # closed Sunday stays closed
		else:
			assert got == pytest.approx(want, rel=0.08)
	# nothing outside opening hours
	assert all(f[(d, i)] == 0 for d in days for i in list(range(16)) + list(range(40, 48)))


def test_forecast_carries_a_trend():
	history = synth(10, seed=3, growth=0.03)
	days = next_week(history)
	f = forecast(history, days)
	want = sum(true_rate(d, i, 0.03) for d in days for i in range(48))
	got = sum(f.values())
	assert got == pytest.approx(want, rel=0.04)
	# a flat mean of the last four weeks would be ~7% low here; the trend keeps us above it
	end = max(d for d, _ in history)
	last4 = sum(v for (d, _), v in history.items() if d > end - timedelta(days=28)) / 4
	assert got > last4 * 1.02


def test_backtest_beats_seasonal_naive_on_noisy_poisson():
	history = synth(10, seed=7)
	r = backtest(history, horizon_days=7, folds=4)
	assert r["folds"] == 4 and len(r["per_fold"]) == 4
	assert r["model"]["intervals"] == 28 * 48
	assert r["wape_ratio"] < 0.85
	assert r["model"]["wape"] < r["seasonal_naive"]["wape"]
	assert r["model"]["mape"] < r["seasonal_naive"]["mape"]
	assert abs(r["model"]["bias"]) < 0.05
	# every fold, not just the total
	assert all(f["model_wape"] < f["naive_wape"] for f in r["per_fold"])


def test_holidays_are_excluded():
	history = synth(8, seed=5)
	end = max(d for d, _ in history)
	holidays = [end - timedelta(days=7 * k) for k in (1, 3)]  # same weekday as the day after next week's
	for h in holidays:
		for i in range(48):
			history.pop((h, i), None)  # closed: no calls that day
	target = end + timedelta(days=7)
	assert target.weekday() == holidays[0].weekday()
	want = sum(true_rate(target, i) for i in range(48))
	with_exclude = sum(fit(history, exclude=holidays).predict(target))
	without = sum(fit(history).predict(target))
	assert with_exclude == pytest.approx(want, rel=0.06)
	assert without < want * 0.85  # two zero days out of eight drag the unexcluded weekday down
	# the baseline steps back past an excluded day to the week before
	naive = seasonal_naive(history, [holidays[0] + timedelta(days=7)], end=holidays[0], exclude=holidays)
	src = holidays[0] - timedelta(days=7)
	assert naive[(holidays[0] + timedelta(days=7), 20)] == history.get((src, 20), 0)
	# backtest neither fits nor scores excluded days
	r = backtest(history, horizon_days=7, folds=4, exclude=holidays)
	assert r["model"]["intervals"] == (28 - 2) * 48
	assert r["wape_ratio"] < 0.9


def test_datetimes_and_counts_give_the_same_forecast():
	counts = {(START + timedelta(days=k), 20): 2 + k % 3 for k in range(21)}
	starts = [
		datetime.combine(d, datetime.min.time()) + timedelta(minutes=30 * i + j)
		for (d, i), n in counts.items()
		for j in range(n)
	]
	days = next_week(counts)
	assert forecast(starts, days) == pytest.approx(forecast(counts, days))


def test_seasonal_naive_is_last_week_same_interval():
	history = {(START + timedelta(days=k), 18): float(k) for k in range(14)}
	end = START + timedelta(days=13)
	day = end + timedelta(days=3)
	assert seasonal_naive(history, [day])[(day, 18)] == history[(day - timedelta(days=7), 18)]
	far = end + timedelta(days=10)  # two weeks ahead: last observed same weekday
	assert seasonal_naive(history, [far])[(far, 18)] == history[(far - timedelta(days=14), 18)]


def test_errors_by_hand():
	actual = {1: 10.0, 2: 0.0, 3: 30.0}
	predicted = {1: 12.0, 2: 1.0, 3: 27.0}
	e = errors(actual, predicted)
	assert e["wape"] == pytest.approx((2 + 1 + 3) / 40)
	assert e["mape"] == pytest.approx((0.2 + 0.1) / 2)  # the zero interval is left out of MAPE
	assert e["bias"] == pytest.approx((2 + 1 - 3) / 40)
	assert errors({1: 0.0}, {1: 1.0})["wape"] is None


def test_short_history_and_bad_inputs():
	three_days = {(START + timedelta(days=k), 20): 10 for k in range(3)}
	m = fit(three_days)
	# under a week: Monday-Wednesday seen, the rest borrow their mean; no trend
	assert m.blocks == 0 and m.trend == 0
	assert sum(m.predict(START + timedelta(days=7))) == pytest.approx(10.0)
	with pytest.raises(ValueError):
		backtest(three_days)
	with pytest.raises(ValueError):
		fit({})
	with pytest.raises(ValueError):
		fit({(START, 48): 1})
	with pytest.raises(ValueError):
		fit({(START, 1): -1})
	with pytest.raises(ValueError):
		forecast(three_days, [START + timedelta(days=1)])  # not after the history
	with pytest.raises(ValueError):
		fit(three_days, alpha=0)
	with pytest.raises(ValueError):
		backtest(synth(6, seed=1), folds=0)
