from datetime import datetime, timedelta

import pytest

from crm_suite.engine.service_stats import (
	COMPLAINT_LIMIT_HOURS,
	closed_within_limit,
	hours_between,
	open_over_limit,
	percentile,
	share,
	summarize,
)

T0 = datetime(2026, 11, 2, 9, 0)


def test_percentile_interpolates_like_numpy():
	values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
	assert percentile(values, 50) == 5.5
	assert percentile(values, 90) == pytest.approx(9.1)
	assert percentile(values, 0) == 1
	assert percentile(values, 100) == 10
	assert percentile([7], 90) == 7
	assert percentile([], 50) is None
	with pytest.raises(ValueError):
		percentile(values, 101)


def test_percentile_ignores_input_order():
	assert percentile([10, 1, 5], 50) == 5


def test_summarize_rounds_and_handles_empty():
	s = summarize([1.0, 2.0, 4.0, 8.0])
	assert (s.count, s.median, s.p90, s.mean) == (4, 3.0, 6.8, 3.8)
	assert summarize([]).median is None and summarize([]).count == 0


def test_hours_between_never_negative():
	assert hours_between(T0, T0 + timedelta(minutes=90)) == 1.5
	assert hours_between(T0, T0 - timedelta(hours=2)) == 0.0


def test_share():
	assert share(1, 3) == 33.3
	assert share(0, 0) is None


def test_complaint_limits_by_class():
	assert COMPLAINT_LIMIT_HOURS == {"Normal": 72.0, "Urgent": 24.0, "Major": 4.0}
	assert closed_within_limit("Major", T0, T0 + timedelta(hours=4)) is True
	assert closed_within_limit("Major", T0, T0 + timedelta(hours=4, seconds=1)) is False
	assert closed_within_limit("Urgent", T0, T0 + timedelta(hours=20)) is True
	assert closed_within_limit("Normal", T0, T0 + timedelta(hours=80)) is False
	assert closed_within_limit("Normal", T0, None) is None
	assert closed_within_limit(None, T0, T0) is None


def test_open_over_limit():
	assert open_over_limit("Major", T0, T0 + timedelta(hours=5))
	assert not open_over_limit("Normal", T0, T0 + timedelta(hours=5))
	assert not open_over_limit(None, T0, T0 + timedelta(days=30))
