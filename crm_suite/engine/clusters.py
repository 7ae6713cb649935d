"""k-means segmentation on standardised value features, beside the RFM grid.

RFM quintiles cut every axis at fixed shares; k-means finds the groups the customers actually form.
Features per customer: recency (days), log frequency, log average spend, log(1 + CLV), each
standardised (z-score). k is chosen by the mean silhouette (on a fixed sample for large sites), and
each cluster is described in words by how its centre differs from the average customer.

numpy only, deterministic for a given seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FEATURES = ("recency", "frequency", "spend", "value")
# (feature, low word, high word): recency is inverted (high recency days = long ago)
WORDS = {
	"recency": ("recent", "long inactive"),
	"frequency": ("rare buyers", "frequent buyers"),
	"spend": ("small baskets", "big baskets"),
	"value": ("low value", "high value"),
}


@dataclass
class Clustering:
	k: int
	labels: list[int]
	centres: list[list[float]]  # standardised space
	mean: list[float]
	std: list[float]
	silhouette: float
	silhouettes: dict[int, float]
	descriptions: list[str]
	sizes: list[int]

	def to_dict(self) -> dict:
		return {
			"k": self.k,
			"centres": self.centres,
			"mean": self.mean,
			"std": self.std,
			"silhouette": self.silhouette,
			"silhouettes": {str(k): v for k, v in self.silhouettes.items()},
			"descriptions": self.descriptions,
			"sizes": self.sizes,
		}


def features(recency_days, frequency, average_spend, clv) -> np.ndarray:
	return np.column_stack(
		[
			np.asarray(recency_days, dtype=float),
			np.log1p(np.maximum(np.asarray(frequency, dtype=float), 0)),
			np.log1p(np.maximum(np.asarray(average_spend, dtype=float), 0)),
			np.log1p(np.maximum(np.asarray(clv, dtype=float), 0)),
		]
	)


def kmeans(z: np.ndarray, k: int, seed: int = 0, iterations: int = 100) -> tuple[np.ndarray, np.ndarray]:
	"""Lloyd's algorithm with k-means++ seeding."""
	rng = np.random.default_rng(seed)
	n = len(z)
	centres = [z[rng.integers(n)]]
	for _ in range(1, k):
		d2 = np.min(((z[:, None, :] - np.array(centres)[None, :, :]) ** 2).sum(-1), axis=1)
		total = d2.sum()
		centres.append(z[rng.choice(n, p=d2 / total)] if total > 0 else z[rng.integers(n)])
	c = np.array(centres)
	labels = np.zeros(n, dtype=int)
	for _ in range(iterations):
		d = ((z[:, None, :] - c[None, :, :]) ** 2).sum(-1)
		new = d.argmin(1)
		if _ and np.array_equal(new, labels):
			break
		labels = new
		for j in range(k):
			members = z[labels == j]
			if len(members):
				c[j] = members.mean(0)
	return labels, c


def silhouette(z: np.ndarray, labels: np.ndarray) -> float:
	"""Mean silhouette coefficient (exact, O(n^2): pass a sample for large n)."""
	ks = np.unique(labels)
	if len(ks) < 2:
		return -1.0
	d = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(-1))
	scores = np.zeros(len(z))
	for i in range(len(z)):
		own = labels == labels[i]
		if own.sum() <= 1:
			continue
		a = d[i, own].sum() / (own.sum() - 1)
		b = min(d[i, labels == j].mean() for j in ks if j != labels[i])
		scores[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
	return float(scores.mean())


def describe(centre: Sequence[float]) -> str:
	"""Words for the features whose centre is at least half a standard deviation from average."""
	parts = []
	for name, value in sorted(zip(FEATURES, centre, strict=True), key=lambda kv: -abs(kv[1])):
		if abs(value) >= 0.5:
			low, high = WORDS[name]
			parts.append(high if value > 0 else low)
	return ", ".join(parts) or "average customers"


def cluster(
	x: np.ndarray, k_range: Sequence[int] = (2, 3, 4, 5, 6), sample: int = 1500, seed: int = 0
) -> Clustering | None:
	"""Standardise, try each k, keep the best mean silhouette; None with fewer than 10 customers."""
	n = len(x)
	if n < 10:
		return None
	mean, std = x.mean(0), x.std(0)
	std = np.where(std > 0, std, 1.0)
	z = (x - mean) / std
	rng = np.random.default_rng(seed)
	idx = rng.choice(n, size=min(sample, n), replace=False)
	best = None
	scores: dict[int, float] = {}
	for k in k_range:
		if k >= n:
			break
		labels, centres = kmeans(z, k, seed)
		score = silhouette(z[idx], labels[idx])
		scores[k] = round(score, 4)
		if best is None or score > best[0] + 1e-9:
			best = (score, k, labels, centres)
	if best is None:
		return None
	score, k, labels, centres = best
	# order clusters by value, highest first, so cluster 1 is always the most valuable
	order = np.argsort(-centres[:, FEATURES.index("value")], kind="stable")
	remap = np.empty(k, dtype=int)
	remap[order] = np.arange(k)
	labels = remap[labels]
	centres = centres[order]
	return Clustering(
		k=k,
		labels=labels.tolist(),
		centres=np.round(centres, 4).tolist(),
		mean=mean.tolist(),
		std=std.tolist(),
		silhouette=round(score, 4),
		silhouettes=scores,
		descriptions=[describe(c) for c in centres],
		sizes=[int((labels == j).sum()) for j in range(k)],
	)


def assign(x: np.ndarray, model: dict) -> list[int]:
	"""Nearest stored centre for new rows (one customer refreshed between nightly runs)."""
	z = (x - np.array(model["mean"])) / np.array(model["std"])
	c = np.array(model["centres"])
	return ((z[:, None, :] - c[None, :, :]) ** 2).sum(-1).argmin(1).tolist()


def label(index: int, description: str) -> str:
	return f"{index + 1}: {description}"
