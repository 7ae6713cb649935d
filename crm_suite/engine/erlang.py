"""Erlang C staffing per interval: how many agents a queue of calls needs to meet a service level.

The textbook formula divides A**N by N!, which overflows a float past about 170 agents and is slow with
exact integers. We use the Erlang B recursion instead (B(0) = 1, B(k) = A*B / (k + A*B)), which stays in
[0, 1] at every step, and convert B to C. Searching upwards for the agent count then costs one O(1)
recursion step per extra agent, so a 1,000-Erlang interval is as safe as a 10-Erlang one.

Erlang C assumes Poisson arrivals, exponential handle times and callers who never abandon. Real callers
hang up, and that changes the answer: Erlang C over-staffs a busy queue (the callers who give up shorten
the wait of the rest) and says nothing about how many calls are lost. `erlang_a` is Palm's M/M/n+M model
(Erlang A): each caller waits an exponential time with mean `patience_seconds` before hanging up. It is
solved exactly from the birth-death chain; the waiting-time distribution of a caller who finds j callers
ahead is a sum of exponentials with rates n*mu + i*theta, whose CDF is a regularized incomplete beta
function (Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with applications to call centers", 2007).
`agents_needed(..., patience_seconds=...)` staffs with it; with no patience it stays Erlang C.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import betainc, gammaln

# The search stops adding agents past this many times the traffic plus a margin: with a service-level
# target below 1 the criteria are met long before, so reaching it means the inputs are inconsistent.
_SEARCH_MARGIN = 1000
# Callers more patient than this many handle times never hang up in practice: Erlang C is then exact
# enough, and the Erlang A chain would need millions of queue states to converge.
PATIENT_FOREVER = 1000
_CHUNK = 64
_CUT = 40.0  # log-weight below the largest at which a state is dropped (e**-40 ~ 4e-18)
_MAX_QUEUE_STATES = 4_000_000


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
class QueueFigures:
	"""What callers experience with a given number of agents. `service_level` is the share of offered
	calls answered within the target (a caller who hangs up counts as not answered), `abandon` the share
	that hang up in the queue, `asa` the mean wait of the calls that are answered."""

	prob_wait: float
	service_level: float
	abandon: float
	asa: float
	occupancy: float


def erlang_a(
	agents: int, traffic: float, aht_seconds: float, patience_seconds: float, target_seconds: float
) -> QueueFigures:
	"""Palm's M/M/n+M queue: Poisson calls, exponential handle time and exponential patience."""
	_check_servers_traffic(agents, traffic)
	_check_times(aht_seconds, target_seconds)
	if not (patience_seconds > 0 and math.isfinite(patience_seconds)):
		raise ValueError("patience_must_be_positive")
	if traffic == 0:
		return QueueFigures(0.0, 1.0, 0.0, 0.0, 0.0)
	if agents == 0:
		return QueueFigures(1.0, 0.0, 1.0, math.inf, 0.0)
	n, a = agents, traffic
	th = aht_seconds / patience_seconds  # abandonment rate in units of the service rate
	t = target_seconds / aht_seconds
	log_a = math.log(a)
	# stationary weights, in logs (A**k / k! overflows past ~170 agents): k < n agents busy ...
	k = np.arange(n)
	log_busy = k * log_a - gammaln(k + 1)
	log_n = n * log_a - math.lgamma(n + 1)
	# ... and n + j, j = 0, 1, ... callers: all agents busy, j waiting. Each step multiplies by
	# a / (n + j*th), below 1 once n + j*th > a, so the tail is cut where it no longer counts.
	chunks, cur, top, j0 = [np.array([log_n])], log_n, max(log_n, float(log_busy.max(initial=-np.inf))), 0
	size = _CHUNK
	while True:
		i = np.arange(j0 + 1, j0 + size + 1)
		step = log_a - np.log(n + i * th)
		chunk = cur + np.cumsum(step)
		chunks.append(chunk)
		cur, top, j0 = float(chunk[-1]), max(top, float(chunk.max())), j0 + size
		if step[-1] < 0 and cur < top - _CUT:
			break
		if j0 > _MAX_QUEUE_STATES:
			raise ValueError("queue_too_long")
		size *= 2
	log_queue = np.concatenate(chunks)
	# states e**-40 below the largest weigh nothing in any figure: cut them before the beta functions
	log_queue = log_queue[: int(np.nonzero(log_queue >= top - _CUT)[0][-1]) + 1]
	p_busy = np.exp(log_busy - top)
	p_queue = np.exp(log_queue - top)
	total = p_busy.sum() + p_queue.sum()
	p_busy, p_queue = p_busy / total, p_queue / total
	# a caller arriving to n + j (j ahead of them) moves up at rate n + i*th with i ahead, and gives up
	# at rate th: it is answered with probability n / (n + (j+1)*th), after a wait that is a sum of
	# exponentials with rates n + th, n + 2th, ..., n + (j+1)th
	j = np.arange(len(p_queue))
	answered = n / (n + (j + 1) * th)
	within = betainc(j + 1, (n + th) / th, -math.expm1(-th * t)) if t > 0 else np.zeros(len(j))
	mean_wait = np.cumsum(1.0 / (n + (j + 1) * th))
	abandon = float(np.sum(p_queue * (1.0 - answered)))
	served = 1.0 - abandon
	sl = float(p_busy.sum() + np.sum(p_queue * answered * within))
	asa = float(np.sum(p_queue * answered * mean_wait)) / served * aht_seconds if served > 0 else math.inf
	return QueueFigures(
		prob_wait=float(p_queue.sum()),
		service_level=min(1.0, sl),
		abandon=abandon,
		asa=asa,
		occupancy=min(1.0, a * served / n),
	)


def patience_estimate(abandoned: int, waiting_seconds: float) -> float | None:
	"""Mean patience from history: abandoned calls / total time callers spent waiting (answered and
	abandoned alike). This is the maximum-likelihood estimate for exponential patience, where an answered
	caller's wait is a censored observation; None without an abandoned call or any waiting."""
	if abandoned <= 0 or not waiting_seconds > 0:
		return None
	return waiting_seconds / abandoned


@dataclass(frozen=True)
class StaffingResult:
	"""One interval's requirement. `agents` are on the phones; `scheduled` adds shrinkage (breaks,
	training, absence) and is what a roster must hold. With a patience (Erlang A) `abandon` is the share of
	calls expected to hang up and `asa` the mean wait of answered calls; under Erlang C nobody hangs up."""

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
	abandon: float = 0.0
	patience_seconds: float | None = None


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
	patience_seconds: float | None = None,
	max_abandon: float | None = None,
) -> StaffingResult:
	"""Fewest agents meeting every target given (service level, and ASA, occupancy and abandonment caps
	if set). With `patience_seconds` callers hang up (Erlang A), otherwise Erlang C.

	Erlang C starts at the least stable count (floor(A) + 1) and adds one agent at a time, carrying the
	Erlang B value forward, so the whole search is O(agents).
	"""
	_check_staffing_args(
		calls, interval_seconds, aht_seconds, target_sl, target_seconds, max_asa, max_occupancy, shrinkage
	)
	if patience_seconds is not None and not (patience_seconds > 0 and math.isfinite(patience_seconds)):
		raise ValueError("patience_must_be_positive")
	if max_abandon is not None and not 0 < max_abandon <= 1:
		raise ValueError("max_abandon_out_of_range")
	if calls == 0:
		return StaffingResult(
			label,
			calls,
			0.0,
			0,
			0,
			1.0,
			0.0,
			0.0,
			0.0,
			aht_seconds,
			target_seconds,
			shrinkage,
			patience_seconds=patience_seconds,
		)
	a = traffic_erlangs(calls, interval_seconds, aht_seconds)
	if _hangs_up(patience_seconds, aht_seconds):
		return _agents_needed_a(
			label,
			calls,
			a,
			aht_seconds,
			target_sl,
			target_seconds,
			max_asa,
			max_occupancy,
			shrinkage,
			patience_seconds,
			max_abandon,
		)
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
	return StaffingResult(
		label,
		calls,
		a,
		n,
		_scheduled(n, shrinkage),
		sl,
		wait,
		occ,
		pw,
		aht_seconds,
		target_seconds,
		shrinkage,
	)


def _agents_needed_a(
	label,
	calls,
	a,
	aht_seconds,
	target_sl,
	target_seconds,
	max_asa,
	max_occupancy,
	shrinkage,
	patience,
	max_abandon,
) -> StaffingResult:
	"""Erlang A search. Every criterion improves with each agent added, so bisect: no fewer than
	target_sl * A agents can answer that share of the calls (each answers at most one call per handle
	time), and doubling from the stable count finds an upper bound."""

	def meets(f: QueueFigures) -> bool:
		return (
			f.service_level >= target_sl
			and (max_asa is None or f.asa <= max_asa)
			and (max_occupancy is None or f.occupancy <= max_occupancy)
			and (max_abandon is None or f.abandon <= max_abandon)
		)

	def figures(n: int) -> QueueFigures:
		return erlang_a(n, a, aht_seconds, patience, target_seconds)

	lo = max(1, math.ceil(round(target_sl * a, 9)))
	hi = max(lo, math.floor(a) + 1)
	best = figures(hi)
	while not meets(best):
		lo, hi = hi + 1, hi * 2
		if hi > 2 * (a + _SEARCH_MARGIN):
			raise ValueError("no_staffing_solution")
		best = figures(hi)
	while lo < hi:
		mid = (lo + hi) // 2
		f = figures(mid)
		if meets(f):
			hi, best = mid, f
		else:
			lo = mid + 1
	return StaffingResult(
		label,
		calls,
		a,
		hi,
		_scheduled(hi, shrinkage),
		best.service_level,
		best.asa,
		best.occupancy,
		best.prob_wait,
		aht_seconds,
		target_seconds,
		shrinkage,
		abandon=best.abandon,
		patience_seconds=patience,
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
	patience_seconds: float | None = None,
	max_abandon: float | None = None,
) -> list[StaffingResult]:
	"""Requirement per interval. Items are (label, calls) or (label, calls, aht_seconds) when the
	handle time varies over the day (night calls are often longer). With `patience_seconds`: Erlang A."""
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
				patience_seconds=patience_seconds,
				max_abandon=max_abandon,
			)
		)
	return out


@dataclass(frozen=True)
class IntervalGap:
	"""Roster vs requirement. gap = rostered - required (negative: short). `on_phones` is the rostered
	head count after shrinkage and `service_level` what they would achieve under the plan's model (Erlang
	A when it has a patience, else Erlang C)."""

	label: str | None
	required: int
	rostered: int
	gap: int
	status: str  # "short" | "over" | "ok"
	on_phones: int
	service_level: float
	asa: float
	abandon: float = 0.0


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
		status = "short" if gap < 0 else "over" if gap > 0 else "ok"
		if _hangs_up(r.patience_seconds, r.aht_seconds):
			f = erlang_a(phones, r.traffic, r.aht_seconds, r.patience_seconds, r.target_seconds)
			out.append(
				IntervalGap(
					r.label, r.scheduled, have, gap, status, phones, f.service_level, f.asa, f.abandon
				)
			)
			continue
		pw = erlang_c(phones, r.traffic)
		sl = _sl_from_c(phones, r.traffic, pw, r.aht_seconds, r.target_seconds)
		wait = _asa_from_c(phones, r.traffic, pw, r.aht_seconds)
		out.append(IntervalGap(r.label, r.scheduled, have, gap, status, phones, sl, wait))
	return out


def _hangs_up(patience_seconds: float | None, aht_seconds: float) -> bool:
	"""Whether the callers' patience calls for Erlang A (else Erlang C: see PATIENT_FOREVER)."""
	return patience_seconds is not None and patience_seconds < PATIENT_FOREVER * aht_seconds


def _scheduled(on_phones: int, shrinkage: float) -> int:
	"""Head count to roster so `on_phones` remain after shrinkage. round() first so 14 / 0.7 =
	20.000000000000004 schedules 20, not 21."""
	return math.ceil(round(on_phones / (1.0 - shrinkage), 9))


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
