import pytest

np = pytest.importorskip("numpy", reason="numpy (a crm_suite dependency) is not installed")

from crm_suite.engine import clusters


def blobs(seed=1):
	rng = np.random.default_rng(seed)
	# three planted groups: recent frequent big spenders, lapsed one-timers, average
	a = np.column_stack([rng.normal(10, 5, 80), rng.normal(20, 3, 80), rng.normal(500, 50, 80), rng.normal(9000, 900, 80)])
	b = np.column_stack([rng.normal(400, 40, 120), np.ones(120), rng.normal(40, 8, 120), rng.normal(5, 2, 120)])
	c = np.column_stack([rng.normal(120, 20, 100), rng.normal(4, 1, 100), rng.normal(120, 20, 100), rng.normal(400, 60, 100)])
	x = np.vstack([a, b, c])
	return clusters.features(x[:, 0], x[:, 1], x[:, 2], x[:, 3]), [0] * 80 + [1] * 120 + [2] * 100


def test_silhouette_picks_the_planted_number_of_groups_and_recovers_them():
	x, truth = blobs()
	result = clusters.cluster(x)
	assert result.k == 3
	assert result.silhouette > 0.5
	# each planted group lands in one cluster
	for g in range(3):
		members = {result.labels[i] for i, t in enumerate(truth) if t == g}
		assert len(members) == 1
	# cluster 1 is the most valuable, and is described as such
	assert result.labels[0] == 0
	assert "high value" in result.descriptions[0] and "recent" in result.descriptions[0]
	assert "long inactive" in result.descriptions[1] or "long inactive" in result.descriptions[2]
	assert sum(result.sizes) == 300


def test_assign_puts_new_rows_with_their_group_and_is_deterministic():
	x, _truth = blobs()
	result = clusters.cluster(x)
	again = clusters.cluster(x)
	assert again.labels == result.labels
	assert clusters.assign(x[:5], result.to_dict()) == result.labels[:5]


def test_too_few_customers_gives_no_clustering():
	x, _ = blobs()
	assert clusters.cluster(x[:5]) is None
