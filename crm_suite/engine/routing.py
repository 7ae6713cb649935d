"""Pick the agent for a ticket: skill match, availability, load, round robin; VIP to seniors first.

Candidates are team members who are available (not flagged absent, or absent only until a past
date, not on one of their team's holidays, and inside their working hours when they have any).
Hours and holidays are read in the team's time zone: a Shanghai team and a London team share one
queue, and "09:00-18:00" means each team's own morning. Among them, those matching the most of
the ticket's needs (category, language, product) win; VIP tickets go to senior agents when one is
available. Then the lowest load (open tickets / capacity), preferring agents under capacity, and
finally the agent assigned longest ago (round robin). The decision carries a reason code and its
parameters so the caller can log a translated sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Agent:
	user: str
	skills: frozenset[str] = frozenset()  # categories (issue types)
	languages: frozenset[str] = frozenset()
	products: frozenset[str] = frozenset()
	capacity: int = 0  # open tickets; 0 = no limit
	senior: bool = False
	absent: bool = False
	absent_until: date | None = None
	hours: tuple[time, time] | None = None  # working hours, in time_zone
	time_zone: str | None = None  # the team's IANA zone; None = the clock `now` is read on
	holidays: frozenset[date] = frozenset()  # the team's days off, local dates

	def local(self, now: datetime) -> datetime:
		"""`now` on this agent's wall clock; a naive `now` is taken as already local."""
		if self.time_zone and now.tzinfo is not None:
			return now.astimezone(ZoneInfo(self.time_zone))
		return now

	def available(self, now: datetime) -> bool:
		now = self.local(now)
		if self.absent and (self.absent_until is None or self.absent_until >= now.date()):
			return False
		if now.date() in self.holidays:
			return False
		if self.hours:
			start, end = self.hours
			current = now.time()
			inside = start <= current < end if start <= end else (current >= start or current < end)
			if not inside:
				return False
		return True


@dataclass(frozen=True)
class Ticket:
	category: str | None = None
	language: str | None = None
	product: str | None = None
	vip: bool = False


@dataclass
class Decision:
	agent: str | None
	reason: str  # one of REASONS
	details: dict = field(default_factory=dict)


REASONS = ("no_agent_available", "skill_match", "no_skill_match")


def skill_score(agent: Agent, ticket: Ticket) -> int:
	"""How many of the ticket's needs the agent covers."""
	score = 0
	if ticket.category and ticket.category in agent.skills:
		score += 1
	if ticket.language and ticket.language in agent.languages:
		score += 1
	if ticket.product and ticket.product in agent.products:
		score += 1
	return score


def load_ratio(agent: Agent, load: int) -> float:
	return load / agent.capacity if agent.capacity else load / 1000.0


def route(
	ticket: Ticket,
	agents: Sequence[Agent],
	loads: Mapping[str, int],
	last_assigned: Mapping[str, datetime | None],
	now: datetime,
	exclude: Sequence[str] = (),
) -> Decision:
	"""The best agent for `ticket`, or Decision(None, "no_agent_available")."""
	candidates = [a for a in agents if a.user not in exclude and a.available(now)]
	if not candidates:
		return Decision(None, "no_agent_available")
	best = max(skill_score(a, ticket) for a in candidates)
	candidates = [a for a in candidates if skill_score(a, ticket) == best]
	senior = False
	if ticket.vip and any(a.senior for a in candidates):
		candidates = [a for a in candidates if a.senior]
		senior = True
	under = [a for a in candidates if not a.capacity or loads.get(a.user, 0) < a.capacity]
	pool = under or candidates

	def key(a: Agent):
		load = loads.get(a.user, 0)
		return (load_ratio(a, load), load, last_assigned.get(a.user) or datetime.min, a.user)

	chosen = min(pool, key=key)
	return Decision(
		chosen.user,
		"skill_match" if best else "no_skill_match",
		{
			"score": best,
			"load": loads.get(chosen.user, 0),
			"capacity": chosen.capacity,
			"senior": senior,
			"over_capacity": not under,
		},
	)
