"""Erlang C staffing per interval: how many agents a queue of calls needs to meet a service level.

The textbook formula divides A**N by N!, which overflows a float past about 170 agents and is slow with
exact integers. We use the Erlang B recursion instead (B(0) = 1, B(k) = A*B / (k + A*B)), which stays in
[0, 1] at every step, and convert B to C. Searching upwards for the agent count then costs one O(1)
recursion step per extra agent, so a 1,000-Erlang interval is as safe as a 10-Erlang one.

Erlang C assumes Poisson arrivals, exponential handle times and callers who never abandon: it
over-staffs slightly when callers hang up, which is the usual, safe bias for planning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The search stops adding agents past this many times the traffic plus a margin: with a service-level
# target below 1 the criteria are met long before, so reaching it means the inputs are inconsistent.
_SEARCH_MARGIN = 1000


def traffic_erlangs(calls: float, interval_seconds: float, aht_seconds: float) -> float:
	"""Offered load: calls per interval x handle time / interval length."""
	return calls * aht_seconds / interval_seconds


def erlang_b(servers: int, traffic: float) -> float:
	"""Blocking probability of `servers` lines offered `traffic` Erlangs (no queue)."""
	_check_servers_traffic(servers, traffic)
	b = 1.0
	for k in range(1, servers + 1):
		b = traffic * b / (k + traffic * b)
	return b


def _c_from_b(agents: int, traffic: float, b: float) -> float:
	if agents <= traffic:
		return 1.0
	return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
	"""Probability that a call waits (all agents busy on arrival).

	1.0 when agents <= traffic: the queue grows without bound, every caller waits.
	"""
	_check_servers_traffic(agents, traffic)
	if traffic == 0:
		return 0.0
	if agents <= traffic:
		return 1.0
	return _c_from_b(agents, traffic, erlang_b(agents, traffic))


def _sl_from_c(agents: int, traffic: float, pw: float, aht_seconds: float, target_seconds: float) -> float:
	if traffic == 0:
		return 1.0
	if agents <= traffic:
		return 0.0
	return 1.0 - pw * math.exp(-(agents - traffic) * target_seconds / aht_seconds)


def _asa_from_c(agents: int, traffic: float, pw: float, aht_seconds: float) -> float:
	if traffic == 0:
		return 0.0
	if agents <= traffic:
		return math.inf
	return pw * aht_seconds / (agents - traffic)


def service_level(agents: int, traffic: float, aht_seconds: float, target_seconds: float) -> float:
	"""Share of calls answered within target_seconds (0.0 for an unstable queue)."""
	_check_times(aht_seconds, target_seconds)
	return _sl_from_c(agents, traffic, erlang_c(agents, traffic), aht_seconds, target_seconds)


def asa(agents: int, traffic: float, aht_seconds: float) -> float:
	"""Average speed of answer in seconds, over all calls (inf for an unstable queue)."""
	_check_times(aht_seconds, 0)
	return _asa_from_c(agents, traffic, erlang_c(agents, traffic), aht_seconds)


def occupancy(agents: int, traffic: float) -> float:
	"""Share of agents' time on calls; capped at 1.0 since agents cannot be busier than always."""
	_check_servers_traffic(agents, traffic)
	if traffic == 0:
		return 0.0
	if agents == 0:
		return 1.0
	return min(1.0, traffic / agents)


@dataclass(frozen=True)
class StaffingResult:
	"""One interval's requirement. `agents` are on the phones; `scheduled` adds shrinkage (breaks,
	training, absence) and is what a roster must hold."""

	label: str | None
	calls: float
	traffic: float
	agents: int
	scheduled: int
	service_level: float
	asa: float
	occupancy: float
	prob_wait: float
	aht_seconds: float
	target_seconds: float
	shrinkage: float


def agents_needed(
	calls: float,
	interval_seconds: float,
	aht_seconds: float,
	target_sl: float = 0.8,
	target_seconds: float = 20,
	max_asa: float | None = None,
	max_occupancy: float | None = None,
	shrinkage: float = 0.0,
	label: str | None = None,
) -> StaffingResult:
	"""Fewest agents meeting every target given (service level, and ASA and occupancy caps if set).

	Starts at the least stable count (floor(A) + 1) and adds one agent at a time, carrying the
	Erlang B value forward, so the whole search is O(agents).
	"""
	_check_staffing_args(
		calls, interval_seconds, aht_seconds, target_sl, target_seconds, max_asa, max_occupancy, shrinkage
	)
	if calls == 0:
		return StaffingResult(
			label, calls, 0.0, 0, 0, 1.0, 0.0, 0.0, 0.0, aht_seconds, target_seconds, shrinkage
		)
	a = traffic_erlangs(calls, interval_seconds, aht_seconds)
	n = math.floor(a) + 1
	b = erlang_b(n, a)
	limit = n + _SEARCH_MARGIN + int(a)
	while True:
		pw = _c_from_b(n, a, b)
		sl = _sl_from_c(n, a, pw, aht_seconds, target_seconds)
		wait = _asa_from_c(n, a, pw, aht_seconds)
		occ = a / n
		if (
			sl >= target_sl
			and (max_asa is None or wait <= max_asa)
			and (max_occupancy is None or occ <= max_occupancy)
		):
			break
		n += 1
		if n > limit:
			raise ValueError("no_staffing_solution")
		b = a * b / (n + a * b)
	# round() first so 14 / 0.7 = 20.000000000000004 schedules 20, not 21
	scheduled = math.ceil(round(n / (1.0 - shrinkage), 9))
	return StaffingResult(
		label, calls, a, n, scheduled, sl, wait, occ, pw, aht_seconds, target_seconds, shrinkage
	)


def staffing_plan(
	intervals: Sequence[tuple],
	interval_seconds: float = 1800,
	aht_seconds: float = 180,
	target_sl: float = 0.8,
	target_seconds: float = 20,
	max_asa: float | None = None,
	max_occupancy: float | None = None,
	shrinkage: float = 0.0,
) -> list[StaffingResult]:
	"""Requirement per interval. Items are (label, calls) or (label, calls, aht_seconds) when the
	handle time varies over the day (night calls are often longer)."""
	out = []
	for item in intervals:
		if len(item) not in (2, 3):
			raise ValueError("interval_item_shape")
		aht = item[2] if len(item) == 3 else aht_seconds
		out.append(
			agents_needed(
				item[1],
				interval_seconds,
				aht,
				target_sl=target_sl,
				target_seconds=target_seconds,
				max_asa=max_asa,
				max_occupancy=max_occupancy,
				shrinkage=shrinkage,
				label=item[0],
			)
		)
	return out


@dataclass(frozen=True)
class IntervalGap:
	"""Roster vs requirement. gap = rostered - required (negative: short). `on_phones` is the rostered
	head count after shrinkage and `service_level` what they would achieve under Erlang C."""

	label: str | None
	required: int
	rostered: int
	gap: int
	status: str  # "short" | "over" | "ok"
	on_phones: int
	service_level: float
	asa: float


def compare_plan(
	plan: Sequence[StaffingResult], rostered: Mapping[str, int] | Sequence[int]
) -> list[IntervalGap]:
	"""Compare a plan with the scheduled head count per interval (by label, or by position).

	A label missing from a mapping counts as nobody rostered. The achieved figures use each
	interval's own traffic, handle time, target and shrinkage, so they compare with the requirement.
	"""
	if not isinstance(rostered, Mapping) and len(rostered) != len(plan):
		raise ValueError("roster_length_mismatch")
	out = []
	for i, r in enumerate(plan):
		have = rostered.get(r.label, 0) if isinstance(rostered, Mapping) else rostered[i]
		if isinstance(have, bool) or not isinstance(have, int) or have < 0:
			raise ValueError("roster_must_be_non_negative_int")
		# floor: a fraction of an agent cannot take a call
		phones = math.floor(round(have * (1.0 - r.shrinkage), 9))
		gap = have - r.scheduled
		pw = erlang_c(phones, r.traffic)
		sl = _sl_from_c(phones, r.traffic, pw, r.aht_seconds, r.target_seconds)
		wait = _asa_from_c(phones, r.traffic, pw, r.aht_seconds)
		status = "short" if gap < 0 else "over" if gap > 0 else "ok"
		out.append(IntervalGap(r.label, r.scheduled, have, gap, status, phones, sl, wait))
	return out


def _check_servers_traffic(servers: int, traffic: float) -> None:
	if isinstance(servers, bool) or not isinstance(servers, int) or servers < 0:
		raise ValueError("agents_must_be_non_negative_int")
	if not (traffic >= 0 and math.isfinite(traffic)):
		raise ValueError("traffic_must_be_non_negative")


def _check_times(aht_seconds: float, target_seconds: float) -> None:
	if not (aht_seconds > 0 and math.isfinite(aht_seconds)):
		raise ValueError("aht_must_be_positive")
	if not (target_seconds >= 0 and math.isfinite(target_seconds)):
		raise ValueError("target_seconds_must_be_non_negative")


def _check_staffing_args(
	calls, interval_seconds, aht_seconds, target_sl, target_seconds, max_asa, max_occupancy, shrinkage
) -> None:
	if not (calls >= 0 and math.isfinite(calls)):
		raise ValueError("calls_must_be_non_negative")
	if not (interval_seconds > 0 and math.isfinite(interval_seconds)):
		raise ValueError("interval_must_be_positive")
	_check_times(aht_seconds, target_seconds)
	# SL = 1 is never reached with waiting possible, so 1.0 would search forever
	if not 0 <= target_sl < 1:
		raise ValueError("target_sl_out_of_range")
	if max_asa is not None and not max_asa > 0:
		raise ValueError("max_asa_must_be_positive")
	if max_occupancy is not None and not 0 < max_occupancy <= 1:
		raise ValueError("max_occupancy_out_of_range")
	if not 0 <= shrinkage < 1:
		raise ValueError("shrinkage_out_of_range")
