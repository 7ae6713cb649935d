"""First-contact resolution (FCR), measured exactly from plain ticket records.

Why a strict definition: "FCR went from 68% to 89% with a knowledge base" is only checkable if every
ticket is classified by a rule that cannot drift with who runs the report. A ticket is FCR when

- it was resolved, and before that first resolution there was exactly one agent interaction: one
  outbound agent reply (e-mail, chat, portal message), or it was resolved during the first call; and
- it was not reopened within `window_days` (default 7) of that first resolution.

Tickets resolved less than `window_days` before `now` are "pending": whether they stay resolved is not
known yet, so they are left out of the rate (all of them, including those that already failed, or the
rate would be biased downward) and counted separately. Open tickets are counted as "open"; tickets
resolved without any agent interaction (spam, duplicates, customer withdrew) are "no_contact": they
were never a contact to resolve, so they are neither a success nor a failure.

Rates carry Wilson 95% intervals (good coverage for small groups and rates near 0 or 1), and
`compare` tests two groups (with vs without an article) with a pooled two-proportion z-test and a
Newcombe (Wilson-score hybrid) interval for the difference. The comparison is observational: agents
choose when to attach an article, so a difference is evidence, not proof, of the article's effect.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

Z95 = 1.959963984540054
DEFAULT_WINDOW_DAYS = 7

FCR = "fcr"
NOT_FCR = "not_fcr"
PENDING = "pending"
OPEN = "open"
NO_CONTACT = "no_contact"

# reasons for NOT_FCR
MULTIPLE_INTERACTIONS = "multiple_interactions"
REOPENED = "reopened"


@dataclass(frozen=True)
class Classification:
	"""Outcome of one ticket and, when it is not FCR, why."""

	status: str
	reason: str | None = None
	interactions: int = 0


def _dt(value) -> datetime | None:
	if value in (None, ""):
		return None
	if isinstance(value, datetime):
		return value
	if isinstance(value, date):
		return datetime(value.year, value.month, value.day)
	return datetime.fromisoformat(str(value))


def _interactions(ticket: Mapping, resolved: datetime) -> int:
	"""Agent interactions up to the first resolution: replies and calls, given as counts or as lists
	of timestamps (then only those at or before the resolution count)."""
	if ticket.get("resolved_on_first_call"):
		return 1
	total = 0
	for key in ("agent_replies", "agent_calls"):
		value = ticket.get(key)
		if value is None:
			continue
		if isinstance(value, int | float):
			total += int(value)
		else:
			total += sum(1 for t in value if _dt(t) is not None and _dt(t) <= resolved)
	return total


def classify(ticket: Mapping, now: datetime, window_days: float = DEFAULT_WINDOW_DAYS) -> Classification:
	"""Classify one ticket. Keys: `resolved_on` (first resolution; None while open), `reopened_on`
	(one timestamp or a list), `agent_replies` / `agent_calls` (counts before the first resolution, or
	timestamp lists), `resolved_on_first_call` (bool)."""
	resolved = _dt(ticket.get("resolved_on"))
	if resolved is None:
		return Classification(OPEN)
	interactions = _interactions(ticket, resolved)
	window = timedelta(days=window_days)
	if resolved + window > now:
		return Classification(PENDING, interactions=interactions)
	if interactions == 0:
		return Classification(NO_CONTACT)
	reopens = ticket.get("reopened_on")
	if reopens is not None and not isinstance(reopens, list | tuple | set):
		reopens = [reopens]
	reopened = any((t := _dt(r)) is not None and resolved <= t <= resolved + window for r in (reopens or ()))
	if interactions > 1:
		return Classification(NOT_FCR, MULTIPLE_INTERACTIONS, interactions)
	if reopened:
		return Classification(NOT_FCR, REOPENED, interactions)
	return Classification(FCR, interactions=interactions)


# ------------------------------------------------------------------------------------------------
# Rates and intervals
# ------------------------------------------------------------------------------------------------
def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
	"""Wilson score interval for a proportion; (0, 1) when there is no data."""
	if n <= 0:
		return (0.0, 1.0)
	p = successes / n
	denom = 1 + z * z / n
	centre = (p + z * z / (2 * n)) / denom
	half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
	return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Rate:
	"""FCR counts of one group; `rate` is fcr / eligible (None when nothing is eligible yet)."""

	fcr: int = 0
	not_fcr: int = 0
	pending: int = 0
	open: int = 0
	no_contact: int = 0
	reopened: int = 0
	multiple_interactions: int = 0

	@property
	def eligible(self) -> int:
		return self.fcr + self.not_fcr

	@property
	def rate(self) -> float | None:
		return self.fcr / self.eligible if self.eligible else None

	@property
	def ci(self) -> tuple[float, float]:
		return wilson(self.fcr, self.eligible)

	def add(self, c: Classification) -> None:
		setattr(self, c.status, getattr(self, c.status) + 1)
		if c.reason:
			setattr(self, c.reason, getattr(self, c.reason) + 1)

	def as_dict(self) -> dict:
		low, high = self.ci
		return {**asdict(self), "eligible": self.eligible, "rate": self.rate, "ci_low": low, "ci_high": high}


def with_article(ticket: Mapping) -> bool:
	"""Grouping key: whether a knowledge article was used on the ticket (`article` or `articles`)."""
	return bool(ticket.get("article") or ticket.get("articles"))


def group_key(by: str | Callable[[Mapping], object] | tuple[str, ...] | None) -> Callable[[Mapping], object]:
	"""The grouping function for `fcr_rates`' `by`."""
	if by is None:
		return lambda t: "all"
	if by == "with_article":
		return with_article
	if isinstance(by, str):
		return lambda t: t.get(by)
	if isinstance(by, tuple):
		return lambda t: tuple(t.get(f) for f in by)
	return by


def fcr_rates(
	tickets: Iterable[Mapping],
	now: datetime,
	by: str | Callable[[Mapping], object] | tuple[str, ...] | None = None,
	window_days: float = DEFAULT_WINDOW_DAYS,
) -> dict[object, Rate]:
	"""FCR per group. `by`: a field name ("agent", "team", "category", "channel"), "with_article",
	a tuple of field names (grouped by the combination), a callable, or None for one overall group
	(key "all")."""
	key = group_key(by)
	out: dict[object, Rate] = {}
	for t in tickets:
		out.setdefault(key(t), Rate()).add(classify(t, now, window_days))
	return out


# ------------------------------------------------------------------------------------------------
# Two groups
# ------------------------------------------------------------------------------------------------
def normal_sf(z: float) -> float:
	"""P(Z > z) for a standard normal."""
	return 0.5 * math.erfc(z / math.sqrt(2))


@dataclass
class Comparison:
	"""Group A against group B: rates, difference A - B with its 95% interval, z and two-sided p."""

	n_a: int
	n_b: int
	rate_a: float | None
	rate_b: float | None
	difference: float | None
	ci_low: float | None
	ci_high: float | None
	z: float | None
	p_value: float | None

	def as_dict(self) -> dict:
		return asdict(self)


def compare(successes_a: int, n_a: int, successes_b: int, n_b: int, z_crit: float = Z95) -> Comparison:
	"""Two-proportion comparison: pooled z-test (normal approximation) for the p-value and the
	Newcombe hybrid score interval for the difference (better coverage than the Wald interval when a
	rate is near 0 or 1 or a group is small)."""
	if n_a <= 0 or n_b <= 0:
		return Comparison(
			n_a,
			n_b,
			successes_a / n_a if n_a else None,
			successes_b / n_b if n_b else None,
			None,
			None,
			None,
			None,
			None,
		)
	pa, pb = successes_a / n_a, successes_b / n_b
	diff = pa - pb
	la, ua = wilson(successes_a, n_a, z_crit)
	lb, ub = wilson(successes_b, n_b, z_crit)
	low = diff - math.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
	high = diff + math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
	pooled = (successes_a + successes_b) / (n_a + n_b)
	se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
	if se == 0:
		z, p = 0.0, 1.0
	else:
		z = diff / se
		p = min(1.0, 2 * normal_sf(abs(z)))
	return Comparison(n_a, n_b, pa, pb, diff, low, high, z, p)


def compare_rates(a: Rate, b: Rate) -> Comparison:
	return compare(a.fcr, a.eligible, b.fcr, b.eligible)


def article_effect(
	tickets: Iterable[Mapping], now: datetime, window_days: float = DEFAULT_WINDOW_DAYS
) -> dict:
	"""The report that checks a "FCR rose from X% to Y% with the knowledge base" claim: FCR with and
	without an article, and their comparison (with minus without)."""
	rates = fcr_rates(tickets, now, "with_article", window_days)
	with_a, without = rates.get(True, Rate()), rates.get(False, Rate())
	return {
		"with_article": with_a.as_dict(),
		"without_article": without.as_dict(),
		"comparison": compare_rates(with_a, without).as_dict(),
		"window_days": window_days,
	}
