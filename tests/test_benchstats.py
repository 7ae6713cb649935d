import pytest

from crm_suite.engine.benchstats import interleaved_order, paired_ratios, percentile, ratio, summarize


def test_summarize_odd_and_even():
	s = summarize([3.0, 1.0, 2.0])
	assert s["median"] == 2.0 and s["min"] == 1.0 and s["max"] == 3.0 and s["n"] == 3
	assert summarize([1.0, 2.0, 3.0, 4.0])["median"] == 2.5


def test_summarize_single_sample_has_zero_spread():
	assert summarize([5.0])["stdev"] == 0.0


def test_percentile_interpolates_like_numpy():
	data = [1.0, 2.0, 3.0, 4.0, 5.0]
	assert percentile(data, 90) == pytest.approx(4.6)
	assert percentile(data, 0) == 1.0 and percentile(data, 100) == 5.0


def test_ratio_and_guards():
	assert ratio(1.05, 1.0) == pytest.approx(1.05)
	with pytest.raises(ValueError):
		ratio(1.0, 0.0)
	with pytest.raises(ValueError):
		summarize([])


def test_paired_ratios_median_ignores_one_outlier_round():
	r = paired_ratios([1.0, 1.0, 5.0], [1.0, 1.0, 1.0])
	assert r["median"] == 1.0 and r["max"] == 5.0
	with pytest.raises(ValueError):
		paired_ratios([1.0], [1.0, 2.0])


def test_interleaved_order_alternates_who_goes_first():
	assert interleaved_order(["a", "b"], 3) == [["a", "b"], ["b", "a"], ["a", "b"]]
