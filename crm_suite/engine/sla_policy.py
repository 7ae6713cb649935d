"""SLA policy choice and the per-ticket SLA state, on plain data (the scheduled job runs it in memory).

Why here and not in the controller: the job re-evaluates every open ticket in one pass, so choosing
a policy and turning (start, targets, pauses, first response, resolution) into due times, a status,
time left and an escalation level must be cheap, deterministic functions of plain values.

Pauses are kept as two numbers on the ticket (`paused_seconds`: business seconds of finished pauses,
`paused_since`: start of the current pause), not as a list of intervals: the clock then needs no
history. Pauses stop the resolution clock only; the first-response clock is never paused (a ticket
waits on the customer only after an agent has answered it, and "On Hold" before any reply must not
hide a late first response).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from crm_suite.engine import sla_clock
from crm_suite.engine.sla_clock import UTC, Calendar, aware, escalation_level

# Match conditions of a policy, from the most to the least telling (used only for documentation;
# specificity is the number of conditions a policy sets).
CONDITIONS = ("complaint_class", "customer_tier", "channel", "issue_priority")
ACTIVE_STATUSES = ("Running", "Warning", "Breached", "Paused")
SEVERITY = {"Running": 0, "Paused": 0, "Warning": 1, "Breached": 2}


def policy_matches(policy: Mapping, ticket: Mapping) -> bool:
	"""Every condition the policy sets must equal the ticket's value (empty = any)."""
	for key in CONDITIONS:
		wanted = (policy.get(key) or "").strip()
		if wanted and wanted != (ticket.get(key) or "").strip():
			return False
	return True


def specificity(policy: Mapping) -> int:
	return sum(1 for key in CONDITIONS if (policy.get(key) or "").strip())


def select_policy(policies: Iterable[Mapping], ticket: Mapping) -> Mapping | None:
	"""Enabled policies that match; the most specific wins, then the lowest `sort_order`, then the name.
	A default policy is used only when no non-default policy matches."""
	candidates = [p for p in policies if p.get("enabled", 1) and policy_matches(p, ticket)]
	if not candidates:
		return None
	candidates.sort(
		key=lambda p: (
			1 if p.get("is_default") else 0,
			-specificity(p),
			p.get("sort_order") or 0,
			p.get("name") or "",
		)
	)
	return candidates[0]


def targets_for(policy: Mapping, issue_priority: str | None) -> tuple[float | None, float | None]:
	"""(response, resolution) target in seconds: the policy's row for the priority, else its defaults."""
	response = policy.get("response_hours")
	resolution = policy.get("resolution_hours")
	for row in policy.get("targets") or ():
		if row.get("issue_priority") and row.get("issue_priority") == issue_priority:
			response = row.get("response_hours") or response
			resolution = row.get("resolution_hours") or resolution
			break
	return (
		float(response) * 3600 if response else None,
		float(resolution) * 3600 if resolution else None,
	)


class Timeline:
	"""A calendar's working intervals over a window, with running totals, so `between` and `add` are
	two binary searches instead of a walk over the days. The job builds one per policy and evaluates
	thousands of tickets against it; outside the window it falls back to sla_clock (same answers)."""

	def __init__(self, cal: Calendar, start: datetime, end: datetime):
		self.cal = cal
		self.lo, self.hi = aware(start), aware(end)
		spans = [] if cal.always else sla_clock.working_intervals(cal, self.lo, self.hi)
		self.starts = [a for a, _b in spans]
		lengths = [(b - a).total_seconds() for a, b in spans]
		self.cum_end = list(accumulate(lengths))
		self.cum = [e - n for e, n in zip(self.cum_end, lengths, strict=True)]

	def _cum_at(self, t: datetime) -> float:
		i = bisect_right(self.starts, t) - 1
		if i < 0:
			return 0.0
		return min(self.cum[i] + (t - self.starts[i]).total_seconds(), self.cum_end[i])

	def between(self, cal: Calendar, start: datetime, end: datetime) -> float:
		start, end = aware(start), aware(end)
		if end <= start:
			return 0.0
		if cal.always:
			return (end - start).total_seconds()
		if start < self.lo or end > self.hi:
			return sla_clock.between(cal, start, end)
		return self._cum_at(end) - self._cum_at(start)

	def add(self, cal: Calendar, start: datetime, seconds: float) -> datetime:
		start = aware(start)
		if seconds <= 0:
			return start
		if cal.always:
			return start + timedelta(seconds=seconds)
		if start < self.lo:
			return sla_clock.add(cal, start, seconds)
		target = self._cum_at(start) + seconds
		if not self.cum_end or target > self.cum_end[-1]:
			return sla_clock.add(cal, start, seconds)
		i = bisect_left(self.cum_end, target)
		return self.starts[i] + timedelta(seconds=target - self.cum[i])


class _Clock:
	"""sla_clock's own functions behind the Timeline interface (one ticket, no precomputation)."""

	@staticmethod
	def between(cal: Calendar, start: datetime, end: datetime) -> float:
		return sla_clock.between(cal, start, end)

	@staticmethod
	def add(cal: Calendar, start: datetime, seconds: float) -> datetime:
		return sla_clock.add(cal, start, seconds)


@dataclass(frozen=True)
class TicketSLA:
	response_due: datetime | None  # naive, in the site's time zone (what the database stores)
	resolution_due: datetime | None
	status: str  # Running / Warning / Breached / Paused / Met / Missed / No Target
	response_left: int  # business seconds; negative when overdue; 0 when the clock has stopped
	resolution_left: int
	level: int  # escalation level reached so far (0-3), never lower than the stored one
	fraction: float  # the larger share of an open target used (drives the escalation level)
	reason: str  # "response" or "resolution": the clock that set `fraction`


def _naive(dt: datetime | None, tz: str) -> datetime | None:
	if dt is None or dt.year >= 9999:
		return None
	return dt.astimezone(ZoneInfo(tz)).replace(tzinfo=None, microsecond=0)


def evaluate_ticket(
	cal: Calendar,
	start: datetime,
	response_target: float | None,
	resolution_target: float | None,
	now: datetime,
	*,
	site_tz: str = "UTC",
	first_responded_on: datetime | None = None,
	resolved_on: datetime | None = None,
	paused_since: datetime | None = None,
	paused_seconds: float = 0.0,
	warning_at: float = 0.75,
	levels: Sequence[float] = (0.75, 1.0, 1.5),
	previous_level: int = 0,
	timeline: Timeline | None = None,
) -> TicketSLA:
	"""The SLA state of one ticket at `now`. Naive datetimes are read in `site_tz` (the database's
	time zone); due times come back naive in `site_tz`. `timeline`: a precomputed Timeline of `cal`."""
	clock = timeline or _Clock
	between, add = clock.between, clock.add
	if not response_target and not resolution_target:
		return TicketSLA(None, None, "No Target", 0, 0, previous_level, 0.0, "")
	start = aware(start, site_tz)
	now = aware(now, site_tz)
	responded = aware(first_responded_on, site_tz) if first_responded_on else None
	resolved = aware(resolved_on, site_tz) if resolved_on else None
	paused_at = aware(paused_since, site_tz) if paused_since and not resolved else None
	done_states: list[str] = []
	open_states: list[tuple[str, float, str]] = []  # (status, fraction, reason)

	response_due = response_left = None
	if response_target:
		response_due = add(cal, start, response_target)
		if responded or resolved:
			used = between(cal, start, responded or resolved)
			done_states.append("Met" if used <= response_target else "Missed")
			response_left = 0
		else:
			used = between(cal, start, now)
			response_left = response_target - used
			open_states.append((_running(used, response_target, warning_at), used / response_target, "response"))

	resolution_due = resolution_left = None
	if resolution_target:
		current_pause = between(cal, paused_at, now) if paused_at else 0.0
		held = float(paused_seconds or 0) + current_pause
		resolution_due = add(cal, start, resolution_target + held)
		if resolved:
			used = between(cal, start, resolved) - float(paused_seconds or 0)
			done_states.append("Met" if used <= resolution_target else "Missed")
			resolution_left = 0
		else:
			used = between(cal, start, now) - held
			resolution_left = resolution_target - used
			status = _running(used, resolution_target, warning_at)
			if paused_at and status != "Breached":
				status = "Paused"
			open_states.append((status, used / resolution_target, "resolution"))

	if open_states:
		status = max((s for s, _f, _r in open_states), key=lambda s: SEVERITY[s])
		if status == "Running" and paused_at:
			status = "Paused"  # on hold, nothing at risk
		if status in ("Running", "Paused") and any(s == "Missed" for s in done_states):
			status = "Breached"  # a late first response stays visible while the ticket is open
		_s, fraction, reason = max(open_states, key=lambda x: x[1])
		level = max(previous_level, escalation_level(fraction, levels))
	else:
		status = "Missed" if "Missed" in done_states else "Met"
		fraction, reason, level = 0.0, "", previous_level
	return TicketSLA(
		_naive(response_due, site_tz),
		_naive(resolution_due, site_tz),
		status,
		int(round(response_left or 0)),
		int(round(resolution_left or 0)),
		level,
		fraction,
		reason,
	)


def _running(used: float, target: float, warning_at: float) -> str:
	if used >= target:
		return "Breached"
	if used >= warning_at * target:
		return "Warning"
	return "Running"


def pause_seconds(cal: Calendar, paused_since: datetime, until: datetime, site_tz: str = "UTC") -> float:
	"""Business seconds of one finished pause (added to the ticket's paused_seconds on resume)."""
	return sla_clock.between(cal, aware(paused_since, site_tz), aware(until, site_tz))


def utc_now() -> datetime:
	return datetime.now(UTC)
