"""Agents scheduled per interval from recurring weekly shifts (CRMS Agent Shift), for compare_plan.

A shift runs on the ticked weekdays from start to end; an end at or before the start runs past
midnight into the next day (22:00-06:00), and that tail belongs to the day the shift started on (its
weekday and validity decide). An agent counts in an interval only when on shift for the whole interval,
so a 09:15 start is not counted at 09:00-09:30: half an agent cannot take the interval's calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Shift:
	agent: str
	start: time
	end: time
	weekdays: frozenset[int]  # Monday = 0
	queues: frozenset[str] = field(default_factory=frozenset)  # empty: every queue
	valid_from: date | None = None
	valid_to: date | None = None

	def runs_on(self, day: date) -> bool:
		return (
			day.weekday() in self.weekdays
			and (self.valid_from is None or day >= self.valid_from)
			and (self.valid_to is None or day <= self.valid_to)
		)

	def takes(self, queue: str | None) -> bool:
		return not queue or not self.queues or queue in self.queues


def parse_queues(text: str | None) -> frozenset[str]:
	"""'billing, sales' -> {'billing', 'sales'} (commas or new lines)."""
	return frozenset(q.strip() for q in (text or "").replace("\n", ",").split(",") if q.strip())


def _minutes(t: time) -> int:
	return t.hour * 60 + t.minute


def _windows(shift: Shift, day: date) -> list[tuple[int, int]]:
	"""Minute ranges [a, b) of `day` the shift covers (from a start on day or on the day before)."""
	s, e = _minutes(shift.start), _minutes(shift.end)
	out = []
	if shift.runs_on(day):
		out.append((s, e if e > s else 1440))
	if e <= s and shift.runs_on(day - timedelta(days=1)) and e > 0:
		out.append((0, e))
	return out


def scheduled(
	shifts: Iterable[Shift], day: date, interval_minutes: int = 30, queue: str | None = None
) -> list[int]:
	"""Distinct agents on shift for the whole of each interval of `day` (taking `queue`, if given)."""
	if interval_minutes <= 0 or 1440 % interval_minutes:
		raise ValueError("interval_minutes_must_divide_a_day")
	per_day = 1440 // interval_minutes
	agents: list[set[str]] = [set() for _ in range(per_day)]
	for sh in shifts:
		if not sh.takes(queue):
			continue
		for a, b in _windows(sh, day):
			first = -(-a // interval_minutes)  # ceil: the interval must start on or after the shift start
			last = b // interval_minutes  # floor: and end on or before its end
			for i in range(first, last):
				agents[i].add(sh.agent)
	return [len(s) for s in agents]


def interval_labels(interval_minutes: int = 30) -> Sequence[str]:
	return [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 1440, interval_minutes)]
