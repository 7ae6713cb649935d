"""Call-centre traffic simulator: inbound calls for webhook tests, the demo and load runs.

A discrete-event simulation, so the output has the shape real telephony produces: peaks build queues,
queues make impatient callers hang up, thin late shifts push calls to voicemail, and an agent is
never on two calls at once. The app turns each SimCall into webhook events (see `events`).

Model:
- Arrivals: non-homogeneous Poisson with a rate that is constant inside each wall-clock hour
  (`profile[weekday][hour]` calls per hour), drawn as exponential gaps restarted at each hour
  boundary, which is exact for a piecewise-constant rate.
- Every caller's attributes (skill, patience, talk, hold, wrap-up, transfer) are drawn at arrival,
  before routing, so two runs with the same seed and different staffing see the same callers
  (common random numbers): removing agents changes only the waiting, never the demand.
- Routing: a call goes to the longest-idle on-shift agent with its skill; otherwise it waits in its
  skill's queue. A freed agent takes the oldest waiting call over all its skills (FIFO). With
  `vip_priority`, VIP callers are served before the others of the same skill.
- A waiting caller hangs up (abandoned) when not answered within their patience (exponential, whole
  seconds; an agent freed in that very second still gets the call).
- After hours (no agent on shift for the skill) a `voicemail_share` of callers leave a voicemail,
  the rest hang up on the greeting (outcome CLOSED).
- Talk times are lognormal per skill; a hold happens with `hold_probability` (exponential length)
  somewhere inside the first talk segment; with `transfer_probability` the agent hands the caller
  to another idle agent of the same skill after the first segment (no idle colleague: no transfer).
  Each agent does wrap-up after their part and is unavailable during it.
- Times are whole seconds, so event timestamps add up exactly.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Event kinds (webhook event types).
RINGING = "RINGING"
ANSWERED = "ANSWERED"
HOLD = "HOLD"
UNHOLD = "UNHOLD"
TRANSFER = "TRANSFER"
ENDED = "ENDED"
VOICEMAIL = "VOICEMAIL"
WRAPUP_DONE = "WRAPUP_DONE"
EVENT_KINDS = (RINGING, ANSWERED, HOLD, UNHOLD, TRANSFER, ENDED, VOICEMAIL, WRAPUP_DONE)

# Call outcomes.
OUTCOME_ANSWERED = "answered"
OUTCOME_TRANSFERRED = "transferred"
OUTCOME_ABANDONED = "abandoned"
OUTCOME_VOICEMAIL = "voicemail"
OUTCOME_CLOSED = "closed"  # after hours, hung up on the greeting without leaving a message
OUTCOMES = (OUTCOME_ANSWERED, OUTCOME_TRANSFERRED, OUTCOME_ABANDONED, OUTCOME_VOICEMAIL, OUTCOME_CLOSED)

INBOUND = "inbound"

# Calls per hour on a weekday: quiet night, ramp from 07:00, peak ~10:00, lunch dip, second peak
# 14:00-15:00, tailing off in the evening. About 640 calls a weekday, ~15,000 a month.
WEEKDAY_HOURS: tuple[float, ...] = (
	2, 1, 1, 1, 1, 2, 6, 16, 38, 56, 64, 58, 46, 44, 58, 60, 48, 36, 25, 16, 10, 7, 4, 3,
)  # fmt: skip
SATURDAY_FACTOR = 0.45
SUNDAY_FACTOR = 0.25


def default_profile() -> tuple[tuple[float, ...], ...]:
	"""Seven rows (Monday first) of 24 hourly arrival rates; weekends are the weekday shape scaled down."""
	return (
		*(WEEKDAY_HOURS,) * 5,
		tuple(r * SATURDAY_FACTOR for r in WEEKDAY_HOURS),
		tuple(r * SUNDAY_FACTOR for r in WEEKDAY_HOURS),
	)


@dataclass(frozen=True)
class Skill:
	"""A queue. Talk time is lognormal with this mean (seconds) and log-space sigma."""

	name: str
	share: float  # of all arrivals
	talk_mean_seconds: float
	talk_sigma: float = 0.6
	line: str = ""  # the number dialled (to_number); empty: "+49301000" + index


@dataclass(frozen=True)
class Shift:
	"""An agent's recurring shift: hours in the start's wall clock, on these weekdays (0 = Monday).

	end_hour <= start_hour means the shift runs past midnight into the next day.
	"""

	agent: str
	skills: tuple[str, ...]
	start_hour: float
	end_hour: float
	weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)


DEFAULT_SKILLS: tuple[Skill, ...] = (
	Skill("billing", 0.45, 240.0, 0.55),
	Skill("technical", 0.35, 420.0, 0.7),
	Skill("sales", 0.20, 300.0, 0.6),
)

_ALL = ("billing", "technical", "sales")
_WD = (0, 1, 2, 3, 4)
_WE = (5, 6)
DEFAULT_SHIFTS: tuple[Shift, ...] = (
	Shift("agent01", ("billing", "sales"), 7, 15, _WD),
	Shift("agent02", ("billing",), 7, 15, _WD),
	Shift("agent03", ("technical",), 7, 15, _WD),
	Shift("agent04", _ALL, 8, 16, _WD),
	Shift("agent05", ("billing", "technical"), 9, 17, _WD),
	Shift("agent06", ("technical",), 9, 17, _WD),
	Shift("agent07", ("sales", "billing"), 9, 17, _WD),
	Shift("agent08", ("billing",), 10, 18, _WD),
	Shift("agent09", ("technical", "billing"), 10, 18, _WD),
	Shift("agent10", ("technical",), 12, 20, _WD),
	Shift("agent11", _ALL, 12, 20, _WD),
	Shift("agent12", ("billing", "sales"), 13, 21, _WD),
	Shift("agent16", ("billing", "technical"), 8, 16, _WD),
	Shift("agent17", ("technical", "sales"), 8, 16, _WD),
	Shift("agent18", _ALL, 13, 21, _WD),
	Shift("agent13", _ALL, 9, 17, _WE),
	Shift("agent14", ("technical", "billing"), 9, 17, _WE),
	Shift("agent15", ("billing", "sales"), 11, 19, _WE),
	Shift("agent19", _ALL, 8, 16, _WE),
)


@dataclass(frozen=True)
class SimConfig:
	profile: Sequence[Sequence[float]] = field(default_factory=default_profile)  # [weekday][hour] calls/h
	skills: Sequence[Skill] = DEFAULT_SKILLS
	shifts: Sequence[Shift] = DEFAULT_SHIFTS
	hold_probability: float = 0.15
	hold_mean_seconds: float = 60.0
	wrapup_mean_seconds: float = 30.0  # lognormal, sigma 0.3
	patience_mean_seconds: float = 90.0  # exponential
	transfer_probability: float = 0.05
	voicemail_share: float = 0.4  # of after-hours callers who leave a message
	voicemail_mean_seconds: float = 35.0
	vip_share: float = 0.05
	vip_numbers: frozenset[str] | None = None  # when given, VIP = caller in this set (vip_share unused)
	vip_priority: bool = False
	caller_numbers: Sequence[str] = ()  # known customers' numbers, so the app can map calls to them
	unknown_share: float = 0.2  # callers not in caller_numbers (always 1.0 when the pool is empty)
	volume_scale: float = 1.0


@dataclass
class SimCall:
	call_id: str
	direction: str
	from_number: str
	to_number: str
	skill: str
	vip: bool
	arrival: datetime
	answered_at: datetime | None = None
	agent: str | None = None
	hold_seconds: int = 0
	talk_seconds: int = 0
	wrapup_seconds: int = 0
	ended_at: datetime | None = None
	abandoned: bool = False
	transferred_to: str | None = None
	transfer_at: datetime | None = None
	voicemail: bool = False
	outcome: str = ""
	hold_at: datetime | None = None  # when the hold began (hold_seconds > 0)

	@property
	def wait_seconds(self) -> int:
		"""Seconds in queue: until answered, or until the caller hung up."""
		end = self.answered_at or self.ended_at or self.arrival
		return int((end - self.arrival).total_seconds())


@dataclass
class _Caller:
	"""Everything drawn at arrival plus the routing state; times are seconds from the start."""

	n: int
	t: int
	skill: str
	vip: bool
	from_number: str
	patience: int
	talk1: int
	talk2: int
	hold: int
	hold_offset: int
	wrap: int
	transfer: bool
	vm: bool
	vm_seconds: int
	state: str = "new"  # new, waiting, talking, done
	answered: int | None = None
	agent: str | None = None
	to_agent: str | None = None
	transfer_t: int | None = None
	ended: int | None = None
	outcome: str = ""


def _lognormal(rng: random.Random, mean: float, sigma: float) -> int:
	mu = math.log(mean) - sigma * sigma / 2
	return max(1, round(rng.lognormvariate(mu, sigma)))


def _arrival_times(profile: Sequence[Sequence[float]], start: datetime, end: datetime, scale: float, rng):
	"""Whole seconds from `start` of the arrivals, hour by hour of wall-clock time."""
	out: list[int] = []
	hour = start.replace(minute=0, second=0, microsecond=0)
	while hour < end:
		nxt = hour + timedelta(hours=1)
		lo, hi = max(hour, start), min(nxt, end)
		rate = profile[hour.weekday()][hour.hour] * scale / 3600.0
		if rate > 0:
			t = (lo - start).total_seconds()
			stop = (hi - start).total_seconds()
			while True:
				t += rng.expovariate(rate)
				if t >= stop:
					break
				out.append(int(t))
		hour = nxt
	return out


def _draw_callers(config: SimConfig, start: datetime, days: int, seed: int) -> list[_Caller]:
	rng = random.Random(seed)
	end = start + timedelta(days=days)
	times = _arrival_times(config.profile, start, end, config.volume_scale, rng)
	skills = list(config.skills)
	weights = [s.share for s in skills]
	pool = list(config.caller_numbers)
	unknown = 1.0 if not pool else config.unknown_share
	callers = []
	for n, t in enumerate(times):
		sk = rng.choices(skills, weights)[0]
		if rng.random() < unknown:
			number = "+4917" + "".join(str(rng.randrange(10)) for _ in range(8))
		else:
			number = rng.choice(pool)
		vip_draw = rng.random()
		vip = number in config.vip_numbers if config.vip_numbers is not None else vip_draw < config.vip_share
		talk1 = _lognormal(rng, sk.talk_mean_seconds, sk.talk_sigma)
		held = rng.random() < config.hold_probability
		hold = max(1, round(rng.expovariate(1 / config.hold_mean_seconds))) if held else 0
		transfer = rng.random() < config.transfer_probability
		talk2 = _lognormal(rng, sk.talk_mean_seconds, sk.talk_sigma)
		if transfer:  # the caller told the story once already: the first part is shorter
			talk1 = max(1, talk1 // 2)
		callers.append(
			_Caller(
				n=n,
				t=t,
				skill=sk.name,
				vip=vip,
				from_number=number,
				patience=max(1, round(rng.expovariate(1 / config.patience_mean_seconds))),
				talk1=talk1,
				talk2=talk2,
				hold=hold,
				hold_offset=int(rng.random() * talk1),
				wrap=_lognormal(rng, config.wrapup_mean_seconds, 0.3),
				transfer=transfer,
				vm=rng.random() < config.voicemail_share,
				vm_seconds=_lognormal(rng, config.voicemail_mean_seconds, 0.5),
			)
		)
	return callers


# Event order at the same second: shifts end first (an agent is off at end_hour), then agents
# finish, shifts start, calls arrive, and last the patience checks (a caller answered exactly at
# the patience limit is served).
_SHIFT_END, _SEG_END, _FREE, _SHIFT_START, _ARRIVAL, _ABANDON = range(6)


def _shift_intervals(shifts: Sequence[Shift], start: datetime, days: int) -> list[tuple[int, int, int]]:
	"""(start_s, end_s, shift index) in seconds from `start`, for shifts touching the horizon."""
	out = []
	day0 = start.replace(hour=0, minute=0, second=0, microsecond=0)
	horizon = days * 86400
	for d in range(-1, days + 1):
		day = day0 + timedelta(days=d)
		for i, sh in enumerate(shifts):
			if day.weekday() not in sh.weekdays:
				continue
			length = (sh.end_hour - sh.start_hour) % 24 or 24
			s = day + timedelta(hours=sh.start_hour)
			a = int((s - start).total_seconds())
			b = int((s + timedelta(hours=length) - start).total_seconds())
			if b > 0 and a < horizon:
				out.append((a, b, i))
	return out


def simulate(config: SimConfig, start: datetime, days: int, seed: int) -> list[SimCall]:
	"""Simulate `days` days of inbound traffic from `start`; calls in arrival order.

	`start` may be naive or aware; the profile and the shifts are read on its wall clock.
	"""
	callers = _draw_callers(config, start, days, seed)
	shifts = list(config.shifts)
	agents = sorted({s.agent for s in shifts})
	order = {a: i for i, a in enumerate(agents)}
	agent_skills: dict[str, set[str]] = {a: set() for a in agents}
	for s in shifts:
		agent_skills[s.agent].update(s.skills)
	on_shift = dict.fromkeys(agents, 0)
	shift_skill_count: dict[str, int] = {}  # on-shift agents per skill (scheduled, busy or not)
	busy = dict.fromkeys(agents, False)
	idle: dict[str, int] = {}  # agent -> idle since
	queues: dict[str, deque[_Caller]] = {s.name: deque() for s in config.skills}
	vip_queues: dict[str, deque[_Caller]] = {s.name: deque() for s in config.skills}

	heap: list[tuple[int, int, int, object]] = []
	seq = 0

	def push(t: int, kind: int, obj: object) -> None:
		nonlocal seq
		heapq.heappush(heap, (t, kind, seq, obj))
		seq += 1

	for c in callers:
		push(c.t, _ARRIVAL, c)
	for a, b, i in _shift_intervals(shifts, start, days):
		push(max(a, 0), _SHIFT_START, i)
		push(b, _SHIFT_END, i)

	def head(q: deque[_Caller]) -> _Caller | None:
		while q and q[0].state != "waiting":
			q.popleft()
		return q[0] if q else None

	def take_call(agent: str, now: int) -> bool:
		best: _Caller | None = None
		best_q = None
		qsets = (vip_queues, queues) if config.vip_priority else (queues,)
		for qs in qsets:
			for sk in agent_skills[agent]:
				q = qs.get(sk)
				c = head(q) if q is not None else None
				if c is not None and (best is None or (c.t, c.n) < (best.t, best.n)):
					best, best_q = c, q
			if best is not None:
				break
		if best is None:
			return False
		best_q.popleft()
		answer(best, agent, now)
		return True

	def answer(c: _Caller, agent: str, now: int) -> None:
		c.state = "talking"
		c.answered = now
		c.agent = agent
		busy[agent] = True
		idle.pop(agent, None)
		push(now + c.hold + c.talk1, _SEG_END, (agent, c))

	def make_idle(agent: str, now: int) -> None:
		if on_shift[agent] > 0 and not busy[agent]:
			idle.setdefault(agent, now)
			if take_call(agent, now):
				return

	def pick_idle(skill: str, exclude: str | None = None) -> str | None:
		best = None
		for a, since in idle.items():
			if a != exclude and skill in agent_skills[a]:
				if best is None or (since, order[a]) < (idle[best], order[best]):
					best = a
		return best

	while heap:
		now, kind, _, obj = heapq.heappop(heap)
		if kind == _ARRIVAL:
			c = obj
			if not shift_skill_count.get(c.skill):
				c.state = "done"
				if c.vm:
					c.outcome = OUTCOME_VOICEMAIL
					c.ended = now + c.vm_seconds
				else:
					c.outcome = OUTCOME_CLOSED
					c.ended = now
				continue
			a = pick_idle(c.skill)
			if a is not None:
				answer(c, a, now)
			else:
				c.state = "waiting"
				(vip_queues if config.vip_priority and c.vip else queues)[c.skill].append(c)
				push(now + c.patience, _ABANDON, c)
		elif kind == _ABANDON:
			c = obj
			if c.state == "waiting":
				c.state = "done"
				c.outcome = OUTCOME_ABANDONED
				c.ended = now
		elif kind == _SEG_END:
			agent, c = obj
			if c.transfer and c.to_agent is None:
				target = pick_idle(c.skill, exclude=agent)
				if target is not None:
					c.to_agent = target
					c.transfer_t = now
					busy[target] = True
					idle.pop(target, None)
					push(now + c.talk2, _SEG_END, (target, c))
					push(now + c.wrap, _FREE, agent)
					continue
				c.transfer = False  # nobody to take it: the first agent finishes the call
			c.state = "done"
			c.ended = now
			c.outcome = OUTCOME_TRANSFERRED if c.to_agent else OUTCOME_ANSWERED
			push(now + c.wrap, _FREE, agent)
		elif kind == _FREE:
			busy[obj] = False
			make_idle(obj, now)
		elif kind == _SHIFT_START:
			sh = shifts[obj]
			on_shift[sh.agent] += 1
			for sk in sh.skills:
				shift_skill_count[sk] = shift_skill_count.get(sk, 0) + 1
			make_idle(sh.agent, now)
		elif kind == _SHIFT_END:
			sh = shifts[obj]
			on_shift[sh.agent] -= 1
			for sk in sh.skills:
				shift_skill_count[sk] -= 1
			if on_shift[sh.agent] == 0:
				idle.pop(sh.agent, None)

	lines = {s.name: s.line or f"+49301000{i}" for i, s in enumerate(config.skills)}

	def at(t: int | None) -> datetime | None:
		return None if t is None else start + timedelta(seconds=t)

	out = []
	for c in callers:
		answered = c.answered is not None
		out.append(
			SimCall(
				call_id=f"SIM{seed}-{c.n + 1:06d}",
				direction=INBOUND,
				from_number=c.from_number,
				to_number=lines[c.skill],
				skill=c.skill,
				vip=c.vip,
				arrival=at(c.t),
				answered_at=at(c.answered),
				agent=c.agent,
				hold_seconds=c.hold if answered else 0,
				talk_seconds=(c.talk1 + (c.talk2 if c.to_agent else 0)) if answered else 0,
				wrapup_seconds=c.wrap if answered else 0,
				ended_at=at(c.ended),
				abandoned=c.outcome == OUTCOME_ABANDONED,
				transferred_to=c.to_agent,
				transfer_at=at(c.transfer_t),
				voicemail=c.outcome == OUTCOME_VOICEMAIL,
				outcome=c.outcome,
				hold_at=at(c.answered + c.hold_offset) if answered and c.hold else None,
			)
		)
	return out


def events(call: SimCall) -> list[dict]:
	"""The call as webhook-ready event dicts in time order.

	Every dict has kind, at, call_id, agent, to_agent, queue, direction, from_number, to_number and
	vip; ENDED adds outcome and abandoned, VOICEMAIL adds duration_seconds. A transferred call has
	one WRAPUP_DONE per agent; the first agent's may come before the call's ENDED.
	"""
	base = {
		"call_id": call.call_id,
		"queue": call.skill,
		"direction": call.direction,
		"from_number": call.from_number,
		"to_number": call.to_number,
		"vip": call.vip,
	}
	evs: list[tuple[datetime, int, dict]] = []

	def add(kind: str, at: datetime, agent: str | None = None, to_agent: str | None = None, **extra) -> None:
		evs.append(
			(at, len(evs), {"kind": kind, "at": at, "agent": agent, "to_agent": to_agent, **base, **extra})
		)

	add(RINGING, call.arrival)
	final_agent = call.transferred_to or call.agent
	if call.answered_at is not None:
		add(ANSWERED, call.answered_at, call.agent)
		if call.hold_seconds and call.hold_at is not None:
			add(HOLD, call.hold_at, call.agent)
			add(UNHOLD, call.hold_at + timedelta(seconds=call.hold_seconds), call.agent)
		if call.transferred_to and call.transfer_at is not None:
			add(TRANSFER, call.transfer_at, call.agent, call.transferred_to)
			add(WRAPUP_DONE, call.transfer_at + timedelta(seconds=call.wrapup_seconds), call.agent)
	elif call.voicemail:
		add(VOICEMAIL, call.arrival, duration_seconds=int((call.ended_at - call.arrival).total_seconds()))
	add(ENDED, call.ended_at, final_agent, outcome=call.outcome, abandoned=call.abandoned)
	if call.answered_at is not None:
		add(WRAPUP_DONE, call.ended_at + timedelta(seconds=call.wrapup_seconds), final_agent)
	evs.sort(key=lambda e: (e[0], e[1]))
	return [e[2] for e in evs]


def agent_busy_intervals(calls: Sequence[SimCall]) -> dict[str, list[tuple[datetime, datetime]]]:
	"""Per agent, the (from, to) spans they were on a call or in its wrap-up; for checks and charts."""
	out: dict[str, list[tuple[datetime, datetime]]] = {}
	for c in calls:
		if c.answered_at is None or c.agent is None:
			continue
		wrap = timedelta(seconds=c.wrapup_seconds)
		if c.transferred_to and c.transfer_at is not None:
			out.setdefault(c.agent, []).append((c.answered_at, c.transfer_at + wrap))
			out.setdefault(c.transferred_to, []).append((c.transfer_at, c.ended_at + wrap))
		else:
			out.setdefault(c.agent, []).append((c.answered_at, c.ended_at + wrap))
	for spans in out.values():
		spans.sort()
	return out


def summary(calls: Sequence[SimCall]) -> dict[str, float]:
	"""Quick figures for a run: volume, outcome counts, share answered within 20 s, mean wait."""
	n = len(calls)
	counts = {o: 0 for o in OUTCOMES}
	for c in calls:
		counts[c.outcome] += 1
	queued = [c for c in calls if c.answered_at is not None or c.abandoned]
	answered = [c for c in queued if c.answered_at is not None]
	return {
		"calls": float(n),
		**{o: float(v) for o, v in counts.items()},
		"abandon_rate": 100 * counts[OUTCOME_ABANDONED] / len(queued) if queued else 0.0,
		"sl20": 100 * sum(c.wait_seconds <= 20 for c in answered) / len(queued) if queued else 0.0,
		"asa": sum(c.wait_seconds for c in answered) / len(answered) if answered else 0.0,
	}
