"""Call-centre KPIs from plain call records: service level, ASA, AHT, abandonment, occupancy, wallboard.

The report controller loads the period's calls set-based into CallFact rows and hands them over; this
module only counts. Rates are percentages (0..100), times are seconds, None means "nothing to measure"
(no offered calls, no answered calls), never zero, so an empty interval does not look like a bad one.

Definitions (there are several in the industry; these are the ones used here, chosen because they are
the common ACD defaults and cannot be gamed by letting callers hang up):

- Offered: inbound calls that reached a queue, i.e. were answered or abandoned. After-hours voicemail
  and calls closed on the greeting are not offered. Calls abandoned within `short_abandon_seconds`
  (default 5 s: misdials, callers who hang up on the greeting) are excluded from offered and from the
  abandonment count; they are reported separately as short_abandoned.
- Service level (SL_OFFERED, the default): answered within T seconds / offered. An abandoned call
  counts against the service level, whether it hung up before or after T.
  Variants by `sl_variant`:
  SL_ANSWERED: answered within T / answered (ignores abandons; flatters a queue that loses callers);
  SL_ABANDON_NEUTRAL: answered within T / (offered - abandoned within T) (abandons before T are
  neither good nor bad, the "T-neutral" variant some ACDs report).
- ASA: mean wait of answered calls. AHT: mean of talk + hold + wrap-up over answered calls.
- Abandonment rate: abandoned (beyond the short-abandon cut) / offered.
- Transfer rate: transferred / answered. FCR: resolved on first call / calls where it is known.
- Occupancy: handle time / staffed (logged-in) time, for agents with logged-in seconds given; only per
  agent and in the total, because staffed time cannot be split by queue or interval here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

INBOUND = "inbound"
OUTBOUND = "outbound"

SL_OFFERED = "offered"
SL_ANSWERED = "answered"
SL_ABANDON_NEUTRAL = "abandon_neutral"
SL_VARIANTS = (SL_OFFERED, SL_ANSWERED, SL_ABANDON_NEUTRAL)

BY_QUEUE = "queue"
BY_AGENT = "agent"
BY_HOUR = "hour"
BY_INTERVAL = "interval30"
BY_DAY = "day"
GROUPINGS = (BY_QUEUE, BY_AGENT, BY_HOUR, BY_INTERVAL, BY_DAY)

ALL = "__all__"


@dataclass(frozen=True)
class CallFact:
	call_id: str
	direction: str = INBOUND
	queue: str = ""
	agent: str | None = None  # the agent who answered (handle time is theirs)
	arrival: datetime | None = None
	answered_at: datetime | None = None
	ended_at: datetime | None = None
	wait_seconds: float | None = None  # None: derived from answered_at / ended_at - arrival
	talk_seconds: float = 0.0
	hold_seconds: float = 0.0
	wrapup_seconds: float = 0.0
	abandoned: bool = False
	transferred: bool = False
	first_call_resolved: bool | None = None
	outcome: str = ""

	@property
	def answered(self) -> bool:
		return self.answered_at is not None

	@property
	def wait(self) -> float | None:
		if self.wait_seconds is not None:
			return self.wait_seconds
		end = self.answered_at or self.ended_at
		if end is None or self.arrival is None:
			return None
		return (end - self.arrival).total_seconds()

	@property
	def handle_seconds(self) -> float:
		return self.talk_seconds + self.hold_seconds + self.wrapup_seconds


@dataclass(frozen=True)
class CallKpis:
	calls: int  # every record in the group, inbound and outbound
	offered: int
	answered: int
	abandoned: int  # beyond the short-abandon cut
	short_abandoned: int
	answered_within: int
	service_level: float | None
	asa: float | None
	aht: float | None
	abandon_rate: float | None
	transfer_rate: float | None
	fcr_rate: float | None
	fcr_n: int
	handle_seconds: float
	staffed_seconds: float | None
	occupancy: float | None
	outcomes: dict[str, int] = field(default_factory=dict)


def _pct(num: float, den: float) -> float | None:
	return 100 * num / den if den else None


def compute(
	calls: Iterable[CallFact],
	threshold_seconds: float = 20,
	short_abandon_seconds: float = 5,
	sl_variant: str = SL_OFFERED,
	staffed_seconds: float | None = None,
) -> CallKpis:
	"""KPIs of one group of calls; see the module docstring for the formulas.

	Queue KPIs (SL, ASA, abandonment) use inbound calls only; AHT, transfers, FCR, handle time and
	occupancy use every answered call (an outbound call occupies the agent just the same).
	"""
	if sl_variant not in SL_VARIANTS:
		raise ValueError(f"unknown sl_variant {sl_variant!r}")
	calls = list(calls)
	offered = answered_in = abandoned = short = within = abandoned_within = 0
	waits: list[float] = []
	for c in calls:
		if c.direction != INBOUND:
			continue
		w = c.wait
		if c.answered:
			offered += 1
			answered_in += 1
			if w is not None:
				waits.append(w)
				if w <= threshold_seconds:
					within += 1
		elif c.abandoned:
			if w is not None and w <= short_abandon_seconds:
				short += 1
				continue
			offered += 1
			abandoned += 1
			if w is not None and w <= threshold_seconds:
				abandoned_within += 1
	if sl_variant == SL_OFFERED:
		sl = _pct(within, offered)
	elif sl_variant == SL_ANSWERED:
		sl = _pct(within, answered_in)
	else:
		sl = _pct(within, offered - abandoned_within)
	handled = [c for c in calls if c.answered]
	handle = sum(c.handle_seconds for c in handled)
	fcr_known = [c.first_call_resolved for c in handled if c.first_call_resolved is not None]
	return CallKpis(
		calls=len(calls),
		offered=offered,
		answered=answered_in,
		abandoned=abandoned,
		short_abandoned=short,
		answered_within=within,
		service_level=sl,
		asa=sum(waits) / len(waits) if waits else None,
		aht=handle / len(handled) if handled else None,
		abandon_rate=_pct(abandoned, offered),
		transfer_rate=_pct(sum(c.transferred for c in handled), len(handled)),
		fcr_rate=_pct(sum(fcr_known), len(fcr_known)),
		fcr_n=len(fcr_known),
		handle_seconds=handle,
		staffed_seconds=staffed_seconds,
		occupancy=_pct(handle, staffed_seconds) if staffed_seconds else None,
		outcomes=dict(sorted(Counter(c.outcome for c in calls).items(), key=lambda kv: (-kv[1], kv[0]))),
	)


@dataclass(frozen=True)
class CallTotals:
	"""Sufficient statistics of a group of calls: plain counts and sums that SQL can GROUP BY and SUM,
	so a report over a million calls never loads them. `from_totals` turns them into the same KPIs
	`compute` gives from the calls themselves; totals of disjoint groups add up (`+`)."""

	calls: int = 0
	offered: int = 0
	answered: int = 0  # inbound answered
	abandoned: int = 0  # beyond the short-abandon cut
	short_abandoned: int = 0
	answered_within: int = 0
	abandoned_within: int = 0  # abandoned (beyond the cut) within the threshold
	wait_sum: float = 0.0  # over inbound answered calls with a known wait
	wait_n: int = 0
	handled: int = 0  # answered, any direction
	handle_seconds: float = 0.0
	transferred: int = 0  # among handled
	fcr_yes: int = 0
	fcr_n: int = 0  # handled calls whose first-call resolution is known
	outcomes: Mapping[str, int] = field(default_factory=dict)

	def __add__(self, other: CallTotals) -> CallTotals:
		if not isinstance(other, CallTotals):
			return NotImplemented
		merged = Counter(self.outcomes)
		merged.update(other.outcomes)
		values = {
			f: getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__ if f != "outcomes"
		}
		return CallTotals(**values, outcomes=dict(merged))


def totals(
	calls: Iterable[CallFact], threshold_seconds: float = 20, short_abandon_seconds: float = 5
) -> CallTotals:
	"""The sufficient statistics of `calls`, in Python (the reference for the SQL that computes them)."""
	c_all = offered = ans = aband = short = within = aband_within = wait_n = 0
	handled = transferred = fcr_yes = fcr_n = 0
	wait_sum = handle = 0.0
	outcomes: Counter = Counter()
	for c in calls:
		c_all += 1
		outcomes[c.outcome] += 1
		if c.answered:
			handled += 1
			handle += c.handle_seconds
			transferred += bool(c.transferred)
			if c.first_call_resolved is not None:
				fcr_n += 1
				fcr_yes += bool(c.first_call_resolved)
		if c.direction != INBOUND:
			continue
		w = c.wait
		if c.answered:
			offered += 1
			ans += 1
			if w is not None:
				wait_sum += w
				wait_n += 1
				within += w <= threshold_seconds
		elif c.abandoned:
			if w is not None and w <= short_abandon_seconds:
				short += 1
				continue
			offered += 1
			aband += 1
			aband_within += w is not None and w <= threshold_seconds
	return CallTotals(
		c_all,
		offered,
		ans,
		aband,
		short,
		within,
		aband_within,
		wait_sum,
		wait_n,
		handled,
		handle,
		transferred,
		fcr_yes,
		fcr_n,
		dict(outcomes),
	)


def from_totals(
	t: CallTotals, sl_variant: str = SL_OFFERED, staffed_seconds: float | None = None
) -> CallKpis:
	"""KPIs from sufficient statistics; equal to `compute` on the calls the totals came from."""
	if sl_variant not in SL_VARIANTS:
		raise ValueError(f"unknown sl_variant {sl_variant!r}")
	if sl_variant == SL_OFFERED:
		sl = _pct(t.answered_within, t.offered)
	elif sl_variant == SL_ANSWERED:
		sl = _pct(t.answered_within, t.answered)
	else:
		sl = _pct(t.answered_within, t.offered - t.abandoned_within)
	return CallKpis(
		calls=t.calls,
		offered=t.offered,
		answered=t.answered,
		abandoned=t.abandoned,
		short_abandoned=t.short_abandoned,
		answered_within=t.answered_within,
		service_level=sl,
		asa=t.wait_sum / t.wait_n if t.wait_n else None,
		aht=t.handle_seconds / t.handled if t.handled else None,
		abandon_rate=_pct(t.abandoned, t.offered),
		transfer_rate=_pct(t.transferred, t.handled),
		fcr_rate=_pct(t.fcr_yes, t.fcr_n),
		fcr_n=t.fcr_n,
		handle_seconds=t.handle_seconds,
		staffed_seconds=staffed_seconds,
		occupancy=_pct(t.handle_seconds, staffed_seconds) if staffed_seconds else None,
		outcomes=dict(sorted(t.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
	)


def group_key(by: str) -> Callable[[CallFact], object]:
	"""Key function for a grouping; time groupings read the arrival (local wall clock of the record)."""
	if by == BY_QUEUE:
		return lambda c: c.queue
	if by == BY_AGENT:
		return lambda c: c.agent or ""
	if by == BY_HOUR:
		return lambda c: c.arrival.replace(minute=0, second=0, microsecond=0)
	if by == BY_INTERVAL:
		return lambda c: c.arrival.replace(minute=c.arrival.minute // 30 * 30, second=0, microsecond=0)
	if by == BY_DAY:
		return lambda c: c.arrival.date()
	raise ValueError(f"unknown grouping {by!r}")


def kpis(
	calls: Iterable[CallFact],
	by: str | None = None,
	threshold_seconds: float = 20,
	short_abandon_seconds: float = 5,
	sl_variant: str = SL_OFFERED,
	logged_in_seconds: Mapping[str, float] | None = None,
	total: bool = True,
) -> dict[object, CallKpis]:
	"""KPIs per group (queue, agent, hour, 30-min interval or day), sorted by key, plus ALL last.

	`logged_in_seconds` (agent -> staffed seconds in the period) gives occupancy per agent and, summed
	over the agents that have handle time or staffed time, for the total. Abandoned calls have no agent
	and fall under the "" key when grouping by agent.
	"""
	calls = list(calls)
	logged = dict(logged_in_seconds or {})
	out: dict[object, CallKpis] = {}
	kw = dict(
		threshold_seconds=threshold_seconds,
		short_abandon_seconds=short_abandon_seconds,
		sl_variant=sl_variant,
	)
	if by is not None:
		key = group_key(by)
		groups: dict[object, list[CallFact]] = {}
		for c in calls:
			groups.setdefault(key(c), []).append(c)
		for k in sorted(groups, key=lambda k: (str(type(k)), k)):
			staffed = logged.get(k) if by == BY_AGENT and isinstance(k, str) else None
			out[k] = compute(groups[k], staffed_seconds=staffed, **kw)
	if total:
		out[ALL] = compute(calls, staffed_seconds=sum(logged.values()) if logged else None, **kw)
	return out


def occupancy(calls: Iterable[CallFact], logged_in_seconds: Mapping[str, float]) -> dict[str, float | None]:
	"""Agent -> occupancy % (handle / logged-in); a transferred call's time is the answering agent's."""
	handle: dict[str, float] = {}
	for c in calls:
		if c.answered and c.agent:
			handle[c.agent] = handle.get(c.agent, 0.0) + c.handle_seconds
	return {
		a: _pct(handle.get(a, 0.0), logged_in_seconds.get(a, 0.0))
		for a in sorted(set(handle) | set(logged_in_seconds))
	}


@dataclass(frozen=True)
class Wallboard:
	now: datetime
	waiting: int
	waiting_by_queue: dict[str, int]
	longest_wait_seconds: float | None
	agent_states: dict[str, int]  # state code -> agents
	service_level: float | None
	asa: float | None
	answered: int
	abandoned: int
	offered: int


def wallboard(
	calls_today: Sequence[CallFact],
	now: datetime,
	agent_states: Mapping[str, str],
	threshold_seconds: float = 20,
	short_abandon_seconds: float = 5,
	sl_variant: str = SL_OFFERED,
) -> Wallboard:
	"""The live board: who is waiting now, the longest current wait, agents per state, today's SL/ASA.

	Waiting = inbound, arrived by `now`, not answered, not abandoned, not ended. Today's figures use the
	calls that have left the queue (answered or abandoned), so a caller still waiting does not count as
	a miss yet.
	"""
	waiting = [
		c
		for c in calls_today
		if c.direction == INBOUND
		and c.arrival is not None
		and c.arrival <= now
		and not c.answered
		and not c.abandoned
		and c.ended_at is None
	]
	done = [c for c in calls_today if c.answered or c.abandoned]
	k = compute(done, threshold_seconds, short_abandon_seconds, sl_variant)
	by_queue = Counter(c.queue for c in waiting)
	return Wallboard(
		now=now,
		waiting=len(waiting),
		waiting_by_queue=dict(sorted(by_queue.items())),
		longest_wait_seconds=max((now - c.arrival).total_seconds() for c in waiting) if waiting else None,
		agent_states=dict(sorted(Counter(agent_states.values()).items())),
		service_level=k.service_level,
		asa=k.asa,
		answered=k.answered,
		abandoned=k.abandoned,
		offered=k.offered,
	)
