"""Proportional stratified sampling shared by relational NPS surveys and weekly QA samples.

Both need the same guarantees: every stratum gets its fair share (largest-remainder rounding, so the
total is exactly n), and the same seed gives the same sample, so a supervisor can reproduce why a
customer or a ticket was picked.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def allocate(sizes: Mapping[Hashable, int], n: int) -> dict[Hashable, int]:
	"""Split n over strata proportionally to their sizes (Hamilton / largest remainder).

	Never gives a stratum more than it has; a stratum's cut-off share goes to the next-largest
	remainders. Ties in the remainder go to the larger stratum, then to the stratum key's sort order,
	so the split is deterministic.
	"""
	if n < 0:
		raise ValueError("n must be >= 0")
	total = sum(sizes.values())
	if n >= total:
		return dict(sizes)
	alloc = {k: 0 for k in sizes}
	remaining = n
	open_strata = {k: s for k, s in sizes.items() if s > 0}
	# Repeat because capping a stratum at its size frees seats for the others.
	while remaining > 0 and open_strata:
		pool = sum(open_strata[k] - alloc[k] for k in open_strata)
		quotas = {k: remaining * (open_strata[k] - alloc[k]) / pool for k in open_strata}
		floors = {k: int(q) for k, q in quotas.items()}
		for k, f in floors.items():
			alloc[k] += f
		remaining -= sum(floors.values())
		order = sorted(
			open_strata,
			key=lambda k: (-(quotas[k] - floors[k]), -(open_strata[k] - alloc[k]), str(k)),
		)
		for k in order:
			if remaining == 0:
				break
			if alloc[k] < open_strata[k]:
				alloc[k] += 1
				remaining -= 1
		open_strata = {k: s for k, s in open_strata.items() if alloc[k] < s}
	return alloc


def stratified_sample(
	items: Sequence[T],
	n: int,
	stratum: Callable[[T], Hashable],
	key: Callable[[T], str],
	rng: random.Random,
) -> tuple[list[T], dict[Hashable, int]]:
	"""Draw n items with proportional allocation; returns (sample, allocation per stratum).

	Items are sorted by `key` inside each stratum before drawing, so the result depends only on the
	seed and the set of items, not on the order the database returned them in.
	"""
	groups: dict[Hashable, list[T]] = {}
	for item in items:
		groups.setdefault(stratum(item), []).append(item)
	alloc = allocate({k: len(v) for k, v in groups.items()}, n)
	sample: list[T] = []
	for k in sorted(groups, key=str):
		members = sorted(groups[k], key=key)
		sample.extend(rng.sample(members, alloc[k]))
	return sample, alloc
