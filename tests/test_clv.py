import random
from datetime import date, timedelta

import pytest

np = pytest.importorskip("numpy", reason="numpy (a crm_suite dependency) is not installed")
pytest.importorskip("scipy", reason="scipy (a crm_suite dependency) is not installed")

from crm_suite.engine import clv

START = date(2024, 1, 1)


def simulate(n=3000, weeks=78, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=5):
	"""Purchases drawn from the BG/NBD process itself (weekly rate ~ Gamma, drop-out ~ Beta)."""
	rng = random.Random(seed)
	out = []
	for k in range(n):
		lam = rng.gammavariate(r, 1 / alpha)
		p = rng.betavariate(a, b)
		first = START + timedelta(days=rng.randrange(0, 84))
		t = 0.0
		spend = rng.gammavariate(3, 10)
		out.append((f"C{k:05d}", first, round(spend * rng.uniform(0.7, 1.3), 2)))
		while True:
			t += rng.expovariate(lam) if lam > 1e-9 else 1e9
			if t * 7 + (first - START).days > weeks * 7:
				break
			day = first + timedelta(days=int(t * 7))
			out.append((f"C{k:05d}", day, round(spend * rng.uniform(0.7, 1.3), 2)))
			if rng.random() < p:
				break
	return out


def test_fit_recovers_simulated_parameters():
	purchases = simulate()
	s = clv.summarise(purchases, START + timedelta(days=39 * 7))
	m = clv.fit(s)
	assert m.fitted
	# the mean weekly purchase rate r / alpha is what the data pins down (r and alpha trade off)
	assert m.r / m.alpha == pytest.approx(0.25 / 4.0, rel=0.25)
	assert m.a / (m.a + m.b) == pytest.approx(0.8 / 3.3, rel=0.35)  # mean drop-out chance


def test_backtest_on_simulated_history_predicts_holdout_revenue():
	purchases = simulate(seed=9)
	cutoff = START + timedelta(days=39 * 7)
	result = clv.backtest(purchases, cutoff, START + timedelta(days=78 * 7))
	assert abs(result["revenue_error"]) < 0.15, result
	assert result["spearman"] > 0.3
	assert result["churn_auc"] > 0.7
	assert result["top20_capture"] > 0.4


def test_p_alive_and_expectations_behave():
	m = clv.ModelParams(r=0.25, alpha=4.0, a=0.8, b=2.5, p=6, q=4, v=15)
	x = np.array([0.0, 5.0, 5.0])
	t_x = np.array([0.0, 30.0, 5.0])
	T = np.array([39.0, 39.0, 39.0])
	alive = clv.p_alive(m, x, t_x, T)
	assert alive[0] == 1.0  # never bought again: BG/NBD cannot have dropped out yet
	assert alive[1] > alive[2]  # same purchases, but the recent buyer is likelier still active
	e10 = clv.expected_purchases(m, 10, x, t_x, T)
	e20 = clv.expected_purchases(m, 20, x, t_x, T)
	assert np.all(e20 >= e10) and e10[1] > e10[2]
	none = clv.p_no_purchase(m, 13, x, t_x, T)
	assert np.all((none > 0) & (none < 1)) and none[2] > none[1]


def test_gamma_gamma_shrinks_spend_toward_the_population():
	m = clv.ModelParams(r=0.25, alpha=4.0, a=0.8, b=2.5, p=6, q=4, v=15)
	population = m.p * m.v / (m.q - 1)  # 30
	few, many = clv.expected_spend(m, np.array([1.0, 20.0]), np.array([300.0, 300.0]))
	assert population < few < many < 300


def test_clv_discounted_and_margin_scaled():
	s = clv.summarise(simulate(n=400), START + timedelta(days=39 * 7))
	m = clv.fit(s)
	full = clv.predict(m, s, horizon_months=12, discount_rate=0, margin=100)["clv"]
	disc = clv.predict(m, s, horizon_months=12, discount_rate=20, margin=50)["clv"]
	assert np.all(disc <= full * 0.5 + 1e-9) and full.sum() > 0


def test_tiny_history_uses_priors_not_a_wild_fit():
	s = clv.summarise([("A", START, 10.0), ("A", START + timedelta(days=30), 20.0)], START + timedelta(days=60))
	m = clv.fit(s)
	assert not m.fitted and m.notes
	pred = clv.predict(m, s)
	assert np.all(np.isfinite(pred["clv"])) and 0 < pred["p_no_purchase"][0] < 1


def test_summary_from_sql_rows_equals_summary_from_invoices():
	purchases = [("A", date(2025, 1, 6), 10.0), ("A", date(2025, 1, 7), 5.0), ("A", date(2025, 3, 3), 20.0)]
	as_of = date(2025, 6, 1)
	a = clv.summarise(purchases, as_of)
	b = clv.summary_from_rows(
		[
			{
				"customer": "A",
				"purchase_weeks": 2,
				"first_purchase": date(2025, 1, 6),
				"last_purchase": date(2025, 3, 3),
				"monetary": 35.0,
			}
		],
		as_of,
	)
	for field in ("x", "t_x", "T", "n", "mean_spend", "recency_days"):
		assert getattr(a, field).tolist() == getattr(b, field).tolist(), field
	assert a.x.tolist() == [1.0]  # two invoices in one week are one purchase


def test_model_params_round_trip_and_reject_bad_values():
	m = clv.ModelParams(r=0.3, alpha=4.0, a=0.8, b=2.5, p=6, q=4, v=15, fitted=True, customers=10)
	assert clv.ModelParams.from_dict(m.to_dict()) == m
	assert clv.ModelParams.from_dict({"r": -1, "alpha": 1, "a": 1, "b": 1, "p": 1, "q": 2, "v": 1}) is None
	assert clv.ModelParams.from_dict({"r": "x"}) is None
	assert clv.ModelParams.from_dict(None) is None


def test_ranking_measures():
	assert clv.auc([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == 1.0
	assert clv.auc([0.1, 0.2, 0.8, 0.9], [True, True, False, False]) == 0.0
	assert clv.top_share_capture([5, 4, 3, 2, 1], [50, 1, 1, 1, 1], share=0.2) == 1.0
	assert clv.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)


def test_expected_purchases_are_continuous_through_a_equal_one():
	x, t_x, T = np.array([3.0, 0.0]), np.array([20.0, 0.0]), np.array([39.0, 39.0])
	values = [
		clv.expected_purchases(clv.ModelParams(r=0.5, alpha=10, a=a, b=3, p=2, q=3, v=1), 13, x, t_x, T)
		for a in (0.95, 1.0, 1.05)
	]
	assert np.all(values[1] > 0)
	assert np.all(np.abs(values[1] - (values[0] + values[2]) / 2) < 0.05 * values[1])
