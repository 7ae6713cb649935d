"""Agent (and team) scorecard rows: the guide's staff KPIs with targets and trend arrows.

Inputs are plain per-ticket, per-survey and per-review records for this period and the previous one;
the report controller loads them set-based and hands them over. Each KPI cell carries its value, the
count behind it (a CSAT from 3 answers is shown greyed), its target and whether it is met, and a trend
arrow: up / down / flat (flat within a tolerance, so noise does not flicker the arrow) plus whether the
movement is good for that KPI (resolution time going down is good, CSAT going down is not).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crm_suite.engine.nps import csat, nps

VOLUME = "volume"
FIRST_RESPONSE = "first_response_median_hours"
RESOLUTION = "resolution_median_hours"
FCR = "fcr_rate"
REOPEN = "reopen_rate"
CSAT = "csat"
NPS = "nps"
QA = "qa_score"
SLA = "sla_attainment"
KPIS = (VOLUME, FIRST_RESPONSE, RESOLUTION, FCR, REOPEN, CSAT, NPS, QA, SLA)

# True: higher is better; False: lower is better; None: neither (volume depends on the workload).
HIGHER_IS_BETTER: dict[str, bool | None] = {
	VOLUME: None,
	FIRST_RESPONSE: False,
	RESOLUTION: False,
	FCR: True,
	REOPEN: False,
	CSAT: True,
	NPS: True,
	QA: True,
	SLA: True,
}

UP = "up"
DOWN = "down"
FLAT = "flat"

ALL = "__all__"  # key of the total row


@dataclass(frozen=True)
class Tolerance:
	"""A change within max(absolute, relative * |previous|) counts as flat."""

	absolute: float = 0.0
	relative: float = 0.0

	def band(self, previous: float) -> float:
		return max(self.absolute, self.relative * abs(previous))


# Rates and scores are in points (percent, NPS -100..100, QA 0..100); counts and hours relative.
DEFAULT_TOLERANCE: dict[str, Tolerance] = {
	VOLUME: Tolerance(relative=0.05),
	FIRST_RESPONSE: Tolerance(relative=0.05),
	RESOLUTION: Tolerance(relative=0.05),
	FCR: Tolerance(absolute=1.0),
	REOPEN: Tolerance(absolute=1.0),
	CSAT: Tolerance(absolute=2.0),
	NPS: Tolerance(absolute=3.0),
	QA: Tolerance(absolute=1.0),
	SLA: Tolerance(absolute=1.0),
}


@dataclass(frozen=True)
class TicketRecord:
	agent: str
	team: str = ""
	first_response_hours: float | None = None
	resolution_hours: float | None = None  # None while unresolved
	fcr: bool | None = None  # first-contact resolved; None when not measurable yet
	reopened: bool | None = None  # None while unresolved
	sla_met: bool | None = None  # None when no SLA applies


@dataclass(frozen=True)
class SurveyRecord:
	"""One answer; `agent` is whoever the caller attributes it to (the ticket's agent for CSAT, the
	customer's last or owning agent for relational NPS)."""

	agent: str
	kind: str  # "csat" (1-5) or "nps" (0-10)
	score: int
	team: str = ""


@dataclass(frozen=True)
class ReviewRecord:
	agent: str
	score: float  # QA score 0..100 (0 after an auto-fail)
	team: str = ""


@dataclass
class PeriodData:
	tickets: Sequence[TicketRecord] = ()
	surveys: Sequence[SurveyRecord] = ()
	reviews: Sequence[ReviewRecord] = ()


@dataclass(frozen=True)
class KpiCell:
	kpi: str
	value: float | None
	n: int  # observations behind the value
	previous: float | None = None
	target: float | None = None
	meets_target: bool | None = None
	trend: str | None = None  # UP / DOWN / FLAT, None without both periods
	good: bool | None = None  # the movement is an improvement (None: flat, unknown or neutral KPI)
	ci_low: float | None = None  # CSAT and NPS only
	ci_high: float | None = None


@dataclass
class ScorecardRow:
	key: str  # agent, team, or ALL
	cells: dict[str, KpiCell] = field(default_factory=dict)


def _rate(flags: Iterable[bool | None]) -> tuple[float | None, int]:
	known = [bool(f) for f in flags if f is not None]
	return (100 * sum(known) / len(known), len(known)) if known else (None, 0)


def _median(values: Iterable[float | None]) -> tuple[float | None, int]:
	known = [v for v in values if v is not None]
	return (statistics.median(known), len(known)) if known else (None, 0)


def compute_kpis(data: PeriodData) -> dict[str, tuple[float | None, int, float | None, float | None]]:
	"""KPI -> (value, n, ci_low, ci_high) for one group's records of one period."""
	t = data.tickets
	c = csat([s.score for s in data.surveys if s.kind == "csat"])
	p = nps([s.score for s in data.surveys if s.kind == "nps"])
	qa = [r.score for r in data.reviews]
	return {
		VOLUME: (float(len(t)), len(t), None, None),
		FIRST_RESPONSE: (*_median(x.first_response_hours for x in t), None, None),
		RESOLUTION: (*_median(x.resolution_hours for x in t), None, None),
		FCR: (*_rate(x.fcr for x in t), None, None),
		REOPEN: (*_rate(x.reopened for x in t), None, None),
		CSAT: (c.csat, c.n, c.ci_low, c.ci_high),
		NPS: (p.nps, p.n, p.ci_low, p.ci_high),
		QA: (statistics.fmean(qa) if qa else None, len(qa), None, None),
		SLA: (*_rate(x.sla_met for x in t), None, None),
	}


def trend(
	kpi: str, current: float | None, previous: float | None, tolerance: Tolerance
) -> tuple[str | None, bool | None]:
	"""(arrow, good) for a KPI moving from previous to current."""
	if current is None or previous is None:
		return None, None
	delta = current - previous
	if abs(delta) <= tolerance.band(previous):
		return FLAT, None
	arrow = UP if delta > 0 else DOWN
	better = HIGHER_IS_BETTER[kpi]
	return arrow, None if better is None else (arrow == UP) == better


def meets(kpi: str, value: float | None, target: float | None) -> bool | None:
	"""Target met? Lower-is-better KPIs are ceilings, the others floors (volume: a minimum)."""
	if value is None or target is None:
		return None
	return value <= target if HIGHER_IS_BETTER[kpi] is False else value >= target


def _split(data: PeriodData, key: Callable[[object], str]) -> dict[str, PeriodData]:
	groups: dict[str, PeriodData] = {}
	for attr in ("tickets", "surveys", "reviews"):
		for rec in getattr(data, attr):
			g = groups.setdefault(key(rec), PeriodData([], [], []))
			getattr(g, attr).append(rec)
	return groups


def scorecard(
	current: PeriodData,
	previous: PeriodData | None = None,
	targets: Mapping[str, float] | None = None,
	row_targets: Mapping[str, Mapping[str, float]] | None = None,
	by: str = "agent",
	tolerance: Mapping[str, Tolerance] | None = None,
	total: bool = True,
) -> list[ScorecardRow]:
	"""One row per agent (or team, by="team"), sorted by key, plus a total row (key ALL) at the end.

	`targets` apply to every row; `row_targets[key]` override them for one agent or team.
	"""
	if by not in ("agent", "team"):
		raise ValueError("by must be 'agent' or 'team'")
	tol = {**DEFAULT_TOLERANCE, **(tolerance or {})}
	cur_groups = _split(current, lambda r: getattr(r, by))
	prev_groups = _split(previous, lambda r: getattr(r, by)) if previous else {}
	keys = sorted(cur_groups)
	if total:
		cur_groups[ALL] = current
		if previous:
			prev_groups[ALL] = previous
		keys.append(ALL)
	rows = []
	for key in keys:
		now = compute_kpis(cur_groups[key])
		before = compute_kpis(prev_groups[key]) if key in prev_groups else {}
		goals = {**(targets or {}), **((row_targets or {}).get(key, {}))}
		row = ScorecardRow(key)
		for kpi in KPIS:
			value, n, lo, hi = now[kpi]
			prev_value = before[kpi][0] if before else None
			arrow, good = trend(kpi, value, prev_value, tol[kpi])
			target = goals.get(kpi)
			row.cells[kpi] = KpiCell(
				kpi, value, n, prev_value, target, meets(kpi, value, target), arrow, good, lo, hi
			)
		rows.append(row)
	return rows
