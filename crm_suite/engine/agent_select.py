"""Which agent the PBX should ring next: skill, availability, longest idle, VIP callers to seniors.

The PBX asks "who takes this call from queue Q?" and expects one answer now. Only agents whose state
is Available and who hold the queue's skill are candidates; among them the agent idle longest (the
earliest `since`, the time they became Available) goes first, which spreads calls fairly, the rule
most ACDs default to. A VIP caller goes to a senior agent when one is available, else to whoever
is idle longest. An agent with no recorded `since` counts as idle longest (the state predates our
log), ties go by user id so the answer is deterministic. Returns None when nobody qualifies: the
PBX keeps the caller queued.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

AVAILABLE = "Available"
STATES = ("Available", "On Call", "Wrap-up", "Break", "Offline")


@dataclass(frozen=True)
class Candidate:
	user: str
	state: str
	since: datetime | None = None  # when the agent entered `state`
	skills: frozenset[str] = field(default_factory=frozenset)  # queue names, case-folded by skill_set
	senior: bool = False
	extension: str | None = None


@dataclass(frozen=True)
class Choice:
	user: str
	extension: str | None
	reason: str  # "longest_idle" | "vip_senior" | "vip_no_senior"
	idle_seconds: float | None


def skill_set(text: str | None) -> frozenset[str]:
	"""Comma- or newline-separated queue names as stored on CRMS Agent Status, case-folded."""
	if not text:
		return frozenset()
	parts = (p.strip().casefold() for p in text.replace("\n", ",").split(","))
	return frozenset(p for p in parts if p)


def _idle_key(agent: Candidate) -> tuple:
	# no `since` = idle since before anything we know of: first in line
	return (agent.since is not None, agent.since or datetime.min, agent.user)


def eligible(agents: Iterable[Candidate], queue: str | None, exclude: Iterable[str] = ()) -> list[Candidate]:
	"""Available agents holding the queue's skill (any Available agent when no queue is given),
	longest idle first."""
	wanted = (queue or "").strip().casefold()
	skipped = set(exclude)
	out = [
		a
		for a in agents
		if a.state == AVAILABLE and a.user not in skipped and (not wanted or wanted in a.skills)
	]
	return sorted(out, key=_idle_key)


def select(
	agents: Iterable[Candidate],
	queue: str | None,
	vip: bool = False,
	now: datetime | None = None,
	exclude: Iterable[str] = (),
) -> Choice | None:
	"""The agent to ring, or None. `exclude`: agents the PBX already tried for this call."""
	ranked = eligible(agents, queue, exclude)
	if not ranked:
		return None
	reason = "longest_idle"
	chosen = ranked[0]
	if vip:
		seniors = [a for a in ranked if a.senior]
		chosen, reason = (seniors[0], "vip_senior") if seniors else (ranked[0], "vip_no_senior")
	idle = (now - chosen.since).total_seconds() if now and chosen.since else None
	return Choice(chosen.user, chosen.extension, reason, idle)


ON_CALL = "On Call"
WRAP_UP = "Wrap-up"


def state_after_call(
	current_state: str | None,
	current_call: str | None,
	call: str,
	answered: bool,
	ended: bool,
	wrapup_done: bool,
) -> str | None:
	"""The agent's new state after an update of `call`, or None to leave it alone.

	Answered and live: On Call. Ended: Wrap-up, and Available once the provider reports wrap-up
	done. The last two only apply while `call` is the agent's current call, so a late event of an
	old call never pulls an agent off a new call or out of a break they chose."""
	if not answered:
		return None
	if not ended:
		target = ON_CALL
		return None if (current_state == ON_CALL and current_call == call) else target
	if current_call != call:
		return None
	target = AVAILABLE if wrapup_done else WRAP_UP
	if current_state == target or (target == WRAP_UP and current_state == AVAILABLE):
		return None
	return target
