"""Discrete-event simulation of one call queue (M/M/n+M): Poisson calls, exponential handle times and
exponential patience, first come first served. The analytic models in `erlang` are checked against it
(tests/test_erlang_a.py, benchmarks/staffing.py); it makes no assumption the formulas make beyond the
model itself."""

from __future__ import annotations

import collections
import heapq
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class SimResult:
	offered: int
	service_level: float  # answered within the target / offered
	abandon: float  # hung up while waiting / offered
	asa: float  # mean wait of answered calls, seconds


def simulate(
	agents: int,
	traffic: float,
	aht_seconds: float,
	patience_seconds: float,
	target_seconds: float,
	calls: int,
	seed: int = 0,
) -> SimResult:
	"""Run `calls` arrivals through the queue (starting empty) and measure what callers experienced."""
	if agents < 1 or calls < 1 or not (traffic > 0 and aht_seconds > 0 and patience_seconds > 0):
		raise ValueError("simulation_needs_positive_inputs")
	rng = random.Random(seed)
	lam = traffic / aht_seconds
	# (time, kind, caller): kind 0 arrival, 1 an agent finishes, 2 a waiting caller's patience runs out
	events: list = [(rng.expovariate(lam), 0, 0, None)]
	seq = 1  # tie-breaker, so callers (dicts) are never compared
	queue: collections.deque = collections.deque()
	free, arrived, within, abandoned, answered, waited = agents, 0, 0, 0, 0, 0.0
	while events:
		now, kind, _seq, caller = heapq.heappop(events)
		if kind == 0:
			arrived += 1
			if arrived < calls:
				heapq.heappush(events, (now + rng.expovariate(lam), 0, seq, None))
				seq += 1
			if free:
				free -= 1
				answered += 1
				within += target_seconds >= 0
				heapq.heappush(events, (now + rng.expovariate(1 / aht_seconds), 1, seq, None))
			else:
				caller = {"at": now, "gone": False}
				queue.append(caller)
				heapq.heappush(events, (now + rng.expovariate(1 / patience_seconds), 2, seq, caller))
			seq += 1
		elif kind == 1:
			while queue and queue[0]["gone"]:
				queue.popleft()
			if queue:
				caller = queue.popleft()
				caller["gone"] = True
				answered += 1
				waited += now - caller["at"]
				within += now - caller["at"] <= target_seconds
				heapq.heappush(events, (now + rng.expovariate(1 / aht_seconds), 1, seq, None))
				seq += 1
			else:
				free += 1
		elif not caller["gone"]:
			caller["gone"] = True
			abandoned += 1
	return SimResult(arrived, within / arrived, abandoned / arrived, waited / answered if answered else 0.0)
