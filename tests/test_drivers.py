import numpy as np
import pytest
from scipy import stats

from crm_suite.engine import drivers as d

TRUE = {
	"intercept": 4.2,
	"first_response_hours": -0.06,
	"resolution_hours": -0.015,
	"reopened": -0.9,
	"replies": -0.08,
	"channel=Chat": 0.25,
	"channel=Phone": -0.35,
}


def synthetic(n, seed, noise=0.6):
	rng = np.random.default_rng(seed)
	channels = rng.choice(["Email", "Chat", "Phone"], size=n, p=[0.5, 0.3, 0.2])
	frt = rng.gamma(2.0, 3.0, n)
	res = frt + rng.gamma(2.0, 12.0, n)  # correlated with first response, as in real data
	reopened = (rng.random(n) < 0.15).astype(int)
	replies = rng.poisson(3, n) + reopened * 2
	score = (
		TRUE["intercept"]
		+ TRUE["first_response_hours"] * frt
		+ TRUE["resolution_hours"] * res
		+ TRUE["reopened"] * reopened
		+ TRUE["replies"] * replies
		+ TRUE["channel=Chat"] * (channels == "Chat")
		+ TRUE["channel=Phone"] * (channels == "Phone")
		+ rng.normal(0, noise, n)
	)
	return [
		{
			"score": float(score[i]),
			"first_response_hours": float(frt[i]),
			"resolution_hours": float(res[i]),
			"reopened": int(reopened[i]),
			"replies": int(replies[i]),
			"channel": str(channels[i]),
		}
		for i in range(n)
	]


def test_ols_textbook_example():
	# x = 1..5, y = 2,4,5,4,5: slope 0.6, intercept 2.2, RSS 2.4, MSE 0.8, SE(slope) = sqrt(0.8/10)
	r = d.ols([[1, v] for v in [1, 2, 3, 4, 5]], [2, 4, 5, 4, 5], ["intercept", "x"], min_residual_df=1)
	assert r.status == d.OK and r.n == 5 and r.residual_df == 3
	x = r.coef("x")
	assert x.estimate == pytest.approx(0.6)
	assert r.coef("intercept").estimate == pytest.approx(2.2)
	assert x.se == pytest.approx(0.282843, abs=1e-6)
	assert x.t == pytest.approx(2.121320, abs=1e-6)
	assert x.p_value == pytest.approx(0.124027, abs=1e-6)  # t(3) two-sided
	assert x.ci_low == pytest.approx(0.6 - 3.182446 * 0.282843, abs=1e-5)
	assert r.r2 == pytest.approx(0.6) and r.adj_r2 == pytest.approx(0.466667, abs=1e-6)


def test_driver_regression_recovers_known_coefficients():
	r = d.driver_regression(synthetic(3000, seed=11))
	assert r.status == d.OK and r.n == 3000 and r.rows_skipped == 0
	assert r.baseline_channel == "Email"
	assert [c.name for c in r.coefficients] == list(TRUE)
	for name, true in TRUE.items():
		c = r.coef(name)
		assert c.ci_low <= true <= c.ci_high, (name, c)
	assert r.coef("reopened").p_value < 1e-10
	assert 0.3 < r.r2 < 0.9 and r.adj_r2 < r.r2


def test_confidence_intervals_have_nominal_coverage():
	# 300 replications of n = 150: each 95% interval should hold the true value about 95% of the time
	hits = {k: 0 for k in TRUE}
	reps = 300
	for seed in range(reps):
		r = d.driver_regression(synthetic(150, seed=1000 + seed), baseline_channel="Email")
		for k in TRUE:
			c = r.coef(k)
			hits[k] += c.ci_low <= TRUE[k] <= c.ci_high
	for k, h in hits.items():
		assert 0.91 <= h / reps <= 0.99, (k, h / reps)


def test_missing_values_are_skipped_and_counted():
	rows = synthetic(200, seed=3)
	rows[0]["first_response_hours"] = None
	rows[1]["channel"] = ""
	rows[2]["score"] = float("nan")
	r = d.driver_regression(rows)
	assert r.status == d.OK and r.n == 197 and r.rows_skipped == 3


def test_too_few_rows_and_constant_score_are_flagged_not_raised():
	r = d.driver_regression(synthetic(9, seed=1))
	assert r.status == d.TOO_FEW_ROWS and r.coefficients == []
	assert d.driver_regression([]).status == d.TOO_FEW_ROWS
	rows = synthetic(100, seed=2)
	for row in rows:
		row["score"] = 5
	assert d.driver_regression(rows).status == d.NO_VARIANCE


def test_collinear_drivers_are_named_and_dropped():
	rows = synthetic(400, seed=5)
	for row in rows:
		row["reopened"] = 0  # constant: indistinguishable from the intercept
		row["resolution_hours"] = 2 * row["first_response_hours"] + 1  # exact linear function
	r = d.driver_regression(rows)
	assert r.status == d.COLLINEAR
	assert r.dropped_columns == ["resolution_hours", "reopened"]
	assert {c.name for c in r.coefficients} == {
		"intercept",
		"first_response_hours",
		"replies",
		"channel=Chat",
		"channel=Phone",
	}
	assert all(np.isfinite(c.se) for c in r.coefficients)


def test_single_channel_has_no_dummies():
	rows = synthetic(100, seed=8)
	for row in rows:
		row["channel"] = "Email"
	r = d.driver_regression(rows)
	assert r.status == d.OK and not any(c.name.startswith("channel=") for c in r.coefficients)
	with pytest.raises(KeyError):
		r.coef("channel=Chat")


def test_spearman_wikipedia_example_and_scipy_agreement():
	# Wikipedia "Spearman's rank correlation coefficient": IQ vs hours of TV, rho = -29/165
	iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
	tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
	c = d.spearman(iq, tv)
	assert c.status == d.OK and c.n == 10
	assert c.rho == pytest.approx(-29 / 165)
	ref = stats.spearmanr(iq, tv)
	assert c.p_value == pytest.approx(ref.pvalue)
	# Fisher z with SE sqrt(1.06 / 7): tanh(atanh(-0.17576) -+ 1.959964 * 0.38914)
	assert c.ci_low == pytest.approx(-0.73536, abs=1e-4)
	assert c.ci_high == pytest.approx(0.52636, abs=1e-4)


def test_spearman_ties_and_edges():
	x = [1, 2, 2, 3, 4, 4, 5]
	y = [2, 1, 3, 3, 5, 4, 6]
	assert d.spearman(x, y).rho == pytest.approx(stats.spearmanr(x, y).statistic)
	assert d.spearman([1, 2, 3], [1, 2, 3]).status == d.TOO_FEW_ROWS
	assert d.spearman([1, 1, 1, 1], [1, 2, 3, 4]).status == d.NO_VARIANCE
	perfect = d.spearman([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
	assert perfect.rho == 1 and perfect.ci_low == perfect.ci_high == 1
	with pytest.raises(ValueError):
		d.spearman([1, 2], [1])


def test_driver_correlations_signs_match_the_model():
	by = {c.driver: c for c in d.driver_correlations(synthetic(1000, seed=21))}
	assert set(by) == {"first_response_hours", "resolution_hours", "reopened", "replies"}
	for c in by.values():
		assert c.status == d.OK and c.rho < 0 and c.ci_high < 0 and c.ci_low < c.rho < c.ci_high


def test_hc3_matches_its_formula_on_a_small_example():
	x = np.array([[1, 1.0], [1, 2.0], [1, 3.0], [1, 4.0], [1, 5.0], [1, 9.0]])
	y = np.array([2.0, 4.0, 5.0, 4.0, 5.0, 12.0])
	r = d.ols(x, y, ["intercept", "x"], min_residual_df=1, cov_type=d.HC3)
	# independent computation, row by row: sum x_i x_i' e_i^2 / (1 - h_i)^2 sandwiched by (X'X)^-1
	inv = np.linalg.inv(x.T @ x)
	beta = inv @ x.T @ y
	meat = np.zeros((2, 2))
	for xi, yi in zip(x, y, strict=True):
		h = xi @ inv @ xi
		meat += np.outer(xi, xi) * (yi - xi @ beta) ** 2 / (1 - h) ** 2
	se = np.sqrt(np.diag(inv @ meat @ inv))
	assert r.coef("x").estimate == pytest.approx(beta[1])
	assert r.coef("x").se == pytest.approx(se[1]) and r.coef("intercept").se == pytest.approx(se[0])
	with pytest.raises(ValueError):
		d.ols(x, y, ["intercept", "x"], cov_type="hc9")


def test_hc3_keeps_coverage_when_noise_grows_with_the_driver():
	# noise SD grows with x: classical intervals for the slope are too narrow, HC3 ones are not
	hits = {d.CLASSICAL: 0, d.HC3: 0}
	reps = 400
	for seed in range(reps):
		rng = np.random.default_rng(seed)
		x = rng.uniform(0, 4, 80)
		y = 1 + 0.5 * x + rng.normal(0, 1, 80) * (0.1 + x**1.5)
		for cov_type in hits:
			c = d.ols(np.column_stack([np.ones(80), x]), y, ["i", "x"], cov_type=cov_type).coef("x")
			hits[cov_type] += c.ci_low <= 0.5 <= c.ci_high
	assert hits[d.CLASSICAL] / reps < 0.93
	assert 0.93 <= hits[d.HC3] / reps <= 0.97
	# and the drivers' entry point passes the choice through
	assert d.driver_regression(synthetic(300, seed=4), cov_type=d.HC3).status == d.OK
