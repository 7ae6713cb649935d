"""Business-time arithmetic for SLA clocks: working hours per weekday, holidays, a time zone, pauses.

Why our own: ERPNext's SLA computes due times inside each document's save, walking day by day in the
server's naive local time; it has no DST handling and no way to re-evaluate thousands of open
tickets without loading each one. Here a `Calendar` is plain data, every datetime is timezone-aware
(UTC in, UTC out), wall-clock working hours are interpreted in the calendar's zone (so a DST change
moves them correctly), and `add` / `between` are pure functions that a scheduled job can run over
every open ticket at once.

A calendar with no working hours at all is a 24x7 calendar (the clock always runs).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
MAX_DAYS = 3660  # never search further than ten years for working time


@dataclass(frozen=True)
class Calendar:
	"""Working hours as {weekday (0 = Monday): [(start, end), ...]} in local wall-clock time."""

	hours: Mapping[int, Sequence[tuple[time, time]]] = field(default_factory=dict)
	holidays: frozenset[date] = frozenset()
	tz: str = "UTC"

	@property
	def always(self) -> bool:
		return not any(self.hours.values())

	@classmethod
	def from_rows(
		cls, rows: Iterable[Mapping], holidays: Iterable[date] = (), tz: str = "UTC"
	) -> Calendar:
		"""From ERPNext's Service Day rows ({workday: "Monday", start_time, end_time})."""
		days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
		hours: dict[int, list[tuple[time, time]]] = {}
		for row in rows:
			day = days.index(row["workday"])
			hours.setdefault(day, []).append((_as_time(row["start_time"]), _as_time(row["end_time"])))
		return cls({d: tuple(sorted(v)) for d, v in hours.items()}, frozenset(holidays), tz)


def _as_time(value) -> time:
	if isinstance(value, time):
		return value
	if isinstance(value, timedelta):  # MariaDB TIME columns come back as timedelta
		seconds = int(value.total_seconds())
		return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
	h, m, *s = str(value).split(":")
	return time(int(h), int(m), int(float(s[0])) if s else 0)


def aware(dt: datetime, tz: str = "UTC") -> datetime:
	"""Naive datetimes are read in `tz` (a site's system time zone); the result is in UTC."""
	if dt.tzinfo is None:
		dt = dt.replace(tzinfo=ZoneInfo(tz))
	return dt.astimezone(UTC)


def _intervals_on(cal: Calendar, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
	"""UTC working intervals of one local day (empty on holidays and days off)."""
	if day in cal.holidays:
		return []
	out = []
	for start, end in cal.hours.get(day.weekday(), ()):
		a = datetime.combine(day, start, zone).astimezone(UTC)
		# an end of 00:00 means midnight at the end of the day
		end_day = day + timedelta(days=1) if end == time(0) else day
		b = datetime.combine(end_day, end, zone).astimezone(UTC)
		if b > a:
			out.append((a, b))
	return out


def working_intervals(cal: Calendar, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
	"""Working intervals (UTC) overlapping [start, end], clipped to it."""
	start, end = aware(start), aware(end)
	if end <= start:
		return []
	if cal.always:
		return [(start, end)]
	zone = ZoneInfo(cal.tz)
	day = start.astimezone(zone).date() - timedelta(days=1)
	last = end.astimezone(zone).date() + timedelta(days=1)
	out = []
	while day <= last:
		for a, b in _intervals_on(cal, day, zone):
			a, b = max(a, start), min(b, end)
			if b > a:
				out.append((a, b))
		day += timedelta(days=1)
	return sorted(out)


def _subtract(
	intervals: list[tuple[datetime, datetime]], pauses: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
	if not pauses:
		return intervals
	out = []
	for a, b in intervals:
		pieces = [(a, b)]
		for pa, pb in pauses:
			next_pieces = []
			for x, y in pieces:
				if pb <= x or pa >= y:
					next_pieces.append((x, y))
					continue
				if pa > x:
					next_pieces.append((x, pa))
				if pb < y:
					next_pieces.append((pb, y))
			pieces = next_pieces
		out.extend(pieces)
	return out


def _normal_pauses(pauses: Iterable[tuple[datetime, datetime | None]], until: datetime):
	out = []
	for a, b in pauses or ():
		a = aware(a)
		b = aware(b) if b is not None else until
		if b > a:
			out.append((a, b))
	return out


def between(
	cal: Calendar,
	start: datetime,
	end: datetime,
	pauses: Iterable[tuple[datetime, datetime | None]] = (),
) -> float:
	"""Business seconds from start to end, minus pauses (an open pause runs to `end`)."""
	start, end = aware(start), aware(end)
	if end <= start:
		return 0.0
	spans = _subtract(working_intervals(cal, start, end), _normal_pauses(pauses, end))
	return sum((b - a).total_seconds() for a, b in spans)


def add(
	cal: Calendar,
	start: datetime,
	seconds: float,
	pauses: Iterable[tuple[datetime, datetime | None]] = (),
) -> datetime:
	"""The moment `seconds` of business time after `start` (pauses stop the clock; an open pause
	means the due time is not known yet: returns datetime.max in UTC)."""
	start = aware(start)
	closed = []
	for a, b in pauses or ():
		if b is None:
			return datetime.max.replace(tzinfo=UTC)
		closed.append((aware(a), aware(b)))
	if seconds <= 0:
		return start
	remaining = float(seconds)
	if cal.always and not closed:
		return start + timedelta(seconds=remaining)
	zone = ZoneInfo(cal.tz)
	day = start.astimezone(zone).date() - timedelta(days=1)
	for _ in range(MAX_DAYS):
		if cal.always:
			day_start = datetime.combine(day, time(0), zone).astimezone(UTC)
			spans = [(day_start, datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC))]
		else:
			spans = _intervals_on(cal, day, zone)
		spans = [(max(a, start), b) for a, b in spans if b > start]
		for a, b in _subtract(spans, closed):
			length = (b - a).total_seconds()
			if length >= remaining:
				return a + timedelta(seconds=remaining)
			remaining -= length
		day += timedelta(days=1)
	raise ValueError("no working time within ten years: check the working hours and holidays")


@dataclass(frozen=True)
class ClockState:
	due: datetime | None  # None when no target applies
	elapsed: float  # business seconds used
	target: float  # business seconds allowed
	met_on: datetime | None  # when the target was met (response sent / resolved), else None
	status: str  # "Running", "Paused", "Met", "Missed", "Warning", "Breached", "No Target"

	@property
	def fraction(self) -> float:
		return self.elapsed / self.target if self.target else 0.0

	@property
	def left(self) -> float:
		return self.target - self.elapsed


def evaluate(
	cal: Calendar,
	start: datetime,
	target_seconds: float | None,
	now: datetime,
	met_on: datetime | None = None,
	pauses: Iterable[tuple[datetime, datetime | None]] = (),
	warning_at: float = 0.75,
) -> ClockState:
	"""One SLA clock: due time, business time used, and its state at `now`."""
	if not target_seconds:
		return ClockState(None, 0.0, 0.0, None, "No Target")
	pauses = list(pauses or ())
	stop = aware(met_on) if met_on else aware(now)
	elapsed = between(cal, start, stop, pauses)
	due = add(cal, start, target_seconds, pauses)
	if met_on:
		status = "Met" if elapsed <= target_seconds else "Missed"
		return ClockState(due, elapsed, target_seconds, aware(met_on), status)
	if any(b is None for _a, b in pauses):
		status = "Paused" if elapsed < target_seconds else "Breached"
	elif elapsed >= target_seconds:
		status = "Breached"
	elif elapsed >= warning_at * target_seconds:
		status = "Warning"
	else:
		status = "Running"
	return ClockState(due, elapsed, target_seconds, None, status)


def escalation_level(fraction: float, levels: Sequence[float] = (0.75, 1.0, 1.5)) -> int:
	"""0 = none; 1 = warn the agent (75%), 2 = breached: team lead (100%), 3 = manager (150%)."""
	return bisect_right(list(levels), fraction)
