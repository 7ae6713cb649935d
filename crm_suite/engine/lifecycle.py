"""Lifecycle stages as a pure function of a customer's history.

The stage history is replayed from scratch, every time, from:

* the customer's purchase dates (submitted, non-return Sales Invoices and submitted Sales Orders),
* where it came from (a Lead, and whether that Lead is qualified) and its creation date,
* the `as_of` date and the thresholds (CRMS Settings).

Because the history is a function of its inputs, a cancel undoes exactly what a submit did, and a
backdated invoice rewrites the history from its own date on: the caller diffs the replayed list
against the stored log (`diff`) and rewrites only the tail that changed.

Rules (distinct purchase dates; several documents on one day count as one purchase):

* start: Prospect, or Lead / Qualified when created from a Lead (cause ``created`` / ``from_lead``),
  dated the creation date (or the first purchase, when a backdated purchase precedes creation);
* first purchase -> Customer (``first_purchase``);
* a purchase while Lapsed -> Reactivated (``reactivated``);
* a later purchase within ``active_days`` of the previous one, or any purchase while At Risk
  -> Active (``repeat_purchase``);
* time-driven, from Customer / Active / Reactivated: ``at_risk_days`` without purchase -> At Risk
  (``no_purchase``), or earlier when the gap since the last purchase exceeds ``gap_factor`` x the
  median of the customer's own gaps (needs at least two gaps; ``gap_above_norm``);
* time-driven, from any purchasing stage: ``lapsed_days`` without purchase -> Lapsed (``lapsed``).

Transitions dated after `as_of` are not emitted; `next_review_date` gives the date of the next
time-driven transition, so a nightly job only replays the customers whose date has come.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

PROSPECT, LEAD, QUALIFIED = "Prospect", "Lead", "Qualified"
CUSTOMER, ACTIVE, AT_RISK, LAPSED, REACTIVATED = "Customer", "Active", "At Risk", "Lapsed", "Reactivated"
STAGES = (PROSPECT, LEAD, QUALIFIED, CUSTOMER, ACTIVE, AT_RISK, LAPSED, REACTIVATED)
PURCHASING = (CUSTOMER, ACTIVE, AT_RISK, REACTIVATED)

CAUSES = (
	"created",
	"from_lead",
	"first_purchase",
	"repeat_purchase",
	"reactivated",
	"no_purchase",
	"gap_above_norm",
	"lapsed",
)


@dataclass(frozen=True)
class Thresholds:
	active_days: int = 90
	at_risk_days: int = 180
	lapsed_days: int = 365
	gap_factor: float = 3.0


@dataclass(frozen=True, order=True)
class Purchase:
	date: date
	reference: str = ""  # "Sales Invoice:ACC-SINV-0001"


@dataclass(frozen=True)
class Origin:
	created: date
	from_lead: bool = False
	qualified: bool = False


@dataclass(frozen=True)
class Transition:
	date: date
	from_stage: str
	to_stage: str
	cause: str
	reference: str = ""


def _purchase_days(purchases: list[Purchase]) -> list[Purchase]:
	"""One purchase per distinct date, the smallest reference of the day standing for it."""
	out: dict[date, Purchase] = {}
	for p in sorted(purchases):
		out.setdefault(p.date, p)
	return list(out.values())


def _at_risk_due(last: date, gaps: list[int], t: Thresholds) -> tuple[date, str]:
	due, cause = last + timedelta(days=t.at_risk_days), "no_purchase"
	if len(gaps) >= 2 and t.gap_factor:
		norm = statistics.median(gaps) * t.gap_factor
		gap_due = last + timedelta(days=int(norm) + 1)  # strictly more than factor x median
		if gap_due < due:
			due, cause = gap_due, "gap_above_norm"
	return due, cause


def _timed(stage: str, last: date, gaps: list[int], t: Thresholds) -> list[tuple[date, str, str]]:
	"""Time-driven transitions (date, to_stage, cause) after a purchase on `last`, in order."""
	out = []
	lapse = last + timedelta(days=t.lapsed_days)
	if stage in (CUSTOMER, ACTIVE, REACTIVATED):
		due, cause = _at_risk_due(last, gaps, t)
		if due < lapse:
			out.append((due, AT_RISK, cause))
	out.append((lapse, LAPSED, "lapsed"))
	return out


def _replay(purchases: list[Purchase], origin: Origin, t: Thresholds) -> list[Transition]:
	"""Full replay without an as_of cut, future time-driven transitions included."""
	days = _purchase_days(purchases)
	start = min([origin.created, *(p.date for p in days[:1])])
	if origin.from_lead:
		stage = QUALIFIED if origin.qualified else LEAD
		log = [Transition(start, "", stage, "from_lead")]
	else:
		stage = PROSPECT
		log = [Transition(start, "", stage, "created")]
	last: date | None = None
	gaps: list[int] = []
	for p in days:
		if last is not None:
			# time-driven transitions between the previous purchase and this one
			for due, to_stage, cause in _timed(stage, last, gaps, t):
				if due < p.date and to_stage != stage:
					log.append(Transition(due, stage, to_stage, cause))
					stage = to_stage
		if last is None:
			to_stage, cause = CUSTOMER, "first_purchase"
		elif stage == LAPSED:
			to_stage, cause = REACTIVATED, "reactivated"
		elif stage == AT_RISK or (p.date - last).days <= t.active_days:
			to_stage, cause = ACTIVE, "repeat_purchase"
		else:
			to_stage, cause = stage, ""
		if last is not None:
			gaps.append((p.date - last).days)
		if to_stage != stage:
			log.append(Transition(p.date, stage, to_stage, cause, p.reference))
			stage = to_stage
		last = p.date
	if last is not None:
		for due, to_stage, cause in _timed(stage, last, gaps, t):
			if to_stage != stage:
				log.append(Transition(due, stage, to_stage, cause))
				stage = to_stage
	return log


def replay(
	purchases: list[Purchase], origin: Origin, as_of: date, thresholds: Thresholds | None = None
) -> list[Transition]:
	"""Every transition up to and including `as_of`, oldest first."""
	log = _replay(purchases, origin, thresholds or Thresholds())
	return [tr for tr in log if tr.date <= as_of]


def next_review_date(
	purchases: list[Purchase], origin: Origin, as_of: date, thresholds: Thresholds | None = None
) -> date | None:
	"""Date of the next time-driven transition after `as_of` (None when nothing is pending)."""
	log = _replay(purchases, origin, thresholds or Thresholds())
	future = [tr.date for tr in log if tr.date > as_of]
	return min(future) if future else None


def current(log: list[Transition]) -> tuple[str, date | None]:
	"""(stage, since) at the end of a replayed log."""
	if not log:
		return PROSPECT, None
	return log[-1].to_stage, log[-1].date


def diff(stored: list[Transition], replayed: list[Transition]) -> tuple[int, list[Transition]]:
	"""(rows of the stored log to keep, transitions to append after them).

	The stored log is rewritten from the first transition that differs: earlier rows stay untouched,
	so nothing is duplicated and a cancel of a backdated invoice restores the earlier log exactly.
	"""
	keep = 0
	for old, new in zip(stored, replayed, strict=False):
		if old != new:
			break
		keep += 1
	return keep, list(replayed[keep:])


def time_in_stage(log: list[Transition], as_of: date) -> list[tuple[str, date, int]]:
	"""(stage, entered, days spent) per stay, the last one open until `as_of`."""
	out = []
	for i, tr in enumerate(log):
		end = log[i + 1].date if i + 1 < len(log) else as_of
		out.append((tr.to_stage, tr.date, max((end - tr.date).days, 0)))
	return out
