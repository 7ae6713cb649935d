"""Demo satisfaction and QA: survey answers and QA reviews whose patterns are known in advance.

The demo's driver analysis and agent scorecard must find real effects, so the answers come from a
stated model rather than from uniform noise:

- CSAT (1-5) falls with resolution time and first-response time (log scale), drops sharply after a
  reopen, and each agent adds a personal manner effect (AGENT_MANNER). Customers answer about 30% of
  surveys, more often after a bad experience (reopened: 45%), less by phone.
- NPS (0-10) of a customer follows the mean CSAT of their tickets, plus noise; about 22% answer.
- QA reviews: every agent has a quality level (AGENT_QA); each criterion is drawn around it, and a
  weak agent fails the identity check now and then.
All draws come from one seeded generator, so a seed gives the same demo.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

# Personal manner on the CSAT latent scale (points on 1-5), by agent e-mail local part.
AGENT_MANNER: dict[str, float] = {
	"grace.hopper": 0.35,
	"alan.kay": 0.15,
	"ada.byron": -0.05,
	"linus.pauling": 0.25,
	"rosa.parks": 0.1,
	"mei.chen": -0.45,
	"katherine.johnson": 0.3,
	"tim.berners": -0.1,
	"hedy.lamarr": -0.3,
}
# QA level: the agent's expected share of marks on each criterion (0..1), and auto-fail probability.
AGENT_QA: dict[str, tuple[float, float]] = {
	"grace.hopper": (0.95, 0.0),
	"alan.kay": (0.88, 0.01),
	"ada.byron": (0.8, 0.02),
	"linus.pauling": (0.9, 0.0),
	"rosa.parks": (0.82, 0.02),
	"mei.chen": (0.68, 0.08),
	"katherine.johnson": (0.93, 0.0),
	"tim.berners": (0.78, 0.03),
	"hedy.lamarr": (0.72, 0.05),
}
DEFAULT_QA = (0.8, 0.02)

# The demo scorecard: (criterion, group, weight, max score, auto-fail, N/A allowed)
DEMO_CRITERIA: tuple[tuple[str, str, float, int, bool, bool], ...] = (
	("Greeted the customer by name", "Attitude", 1, 1, False, True),
	("Empathy and tone", "Attitude", 2, 5, False, False),
	("Answered within the SLA", "Efficiency", 2, 1, False, True),
	("No unnecessary back-and-forth", "Efficiency", 1, 5, False, False),
	("Solved the actual problem", "Effect", 4, 1, False, False),
	("Clear next steps given", "Effect", 1, 5, False, True),
	("Verified the customer's identity", "Compliance", 1, 1, True, True),
	("Correct category and notes", "Compliance", 1, 1, False, False),
)


@dataclass(frozen=True)
class TicketFacts:
	ticket: str
	agent: str
	channel: str
	first_response_hours: float | None
	resolution_hours: float
	reopened: bool


def _agent_key(agent: str) -> str:
	return agent.split("@", 1)[0].lower()


def csat_latent(t: TicketFacts) -> float:
	"""Expected CSAT (1-5 scale, before noise) of a resolved ticket."""
	score = 4.55
	score -= 0.32 * math.log1p(t.resolution_hours / 8)
	if t.first_response_hours is not None:
		score -= 0.18 * math.log1p(t.first_response_hours)
	if t.reopened:
		score -= 1.1
	if t.channel == "Phone":
		score += 0.15  # spoken contact is rated a little warmer
	return score + AGENT_MANNER.get(_agent_key(t.agent), 0.0)


def csat_answer(t: TicketFacts, rng: random.Random) -> int | None:
	"""The customer's 1-5 answer, or None when they do not answer the survey."""
	rate = 0.45 if t.reopened else 0.30
	if t.channel == "Phone":
		rate -= 0.08
	if rng.random() >= rate:
		return None
	return max(1, min(5, round(csat_latent(t) + rng.gauss(0, 0.75))))


def nps_answer(mean_csat: float | None, rng: random.Random, rate: float = 0.22) -> int | None:
	"""A relational 0-10 answer driven by the customer's service experience, or None."""
	if rng.random() >= rate:
		return None
	base = 7.6 if mean_csat is None else 2.2 * mean_csat - 1.4
	return max(0, min(10, round(base + rng.gauss(0, 1.4))))


def qa_answers(agent: str, rng: random.Random) -> dict[str, str]:
	"""One review's answers (as the review form stores them: "0".."5" or "N/A") for this agent."""
	level, fail = AGENT_QA.get(_agent_key(agent), DEFAULT_QA)
	out = {}
	for name, _group, _weight, max_score, auto_fail, allow_na in DEMO_CRITERIA:
		if allow_na and rng.random() < 0.05:
			out[name] = "N/A"
			continue
		if auto_fail:
			out[name] = "0" if rng.random() < fail else "1"
			continue
		p = max(0.0, min(1.0, level + rng.gauss(0, 0.08)))
		if max_score == 1:
			out[name] = "1" if rng.random() < p else "0"
		else:
			out[name] = str(max(0, min(max_score, round(p * max_score + rng.gauss(0, 0.5)))))
	return out


def sample_for_review(
	tickets: Sequence[TicketFacts], per_agent: int, rng: random.Random
) -> list[TicketFacts]:
	"""A few resolved tickets per agent for the demo's past QA reviews."""
	by_agent: dict[str, list[TicketFacts]] = {}
	for t in tickets:
		by_agent.setdefault(t.agent, []).append(t)
	out = []
	for agent in sorted(by_agent):
		pool = sorted(by_agent[agent], key=lambda t: t.ticket)
		out.extend(rng.sample(pool, min(per_agent, len(pool))))
	return out
