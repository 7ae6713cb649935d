"""Incident response flow of the call-centre operations plan: the stages, which moves are allowed, and
how long each stage took.

The plan's order is warning -> first response -> response -> reporting -> resources -> handling ->
aftermath -> closed. An incident may skip forward (a fast outage can go from first response straight
to handling) but never back: a timeline that moves backwards would make the post-mortem's stage
durations meaningless. Reopening means a new incident that links the old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

WARNING = "Warning"
FIRST_RESPONSE = "First Response"
RESPONSE = "Response"
REPORTING = "Reporting"
RESOURCES = "Resources"
HANDLING = "Handling"
AFTERMATH = "Aftermath"
CLOSED = "Closed"
STAGES = (WARNING, FIRST_RESPONSE, RESPONSE, REPORTING, RESOURCES, HANDLING, AFTERMATH, CLOSED)

INCIDENT_TYPES = ("Natural Disaster", "Accident", "Public Health", "Security", "Outage / Cyber")

# refusal codes (translated by the caller)
UNKNOWN_STAGE = "unknown_stage"
BACKWARDS = "backwards"
SAME_STAGE = "same_stage"
ALREADY_CLOSED = "already_closed"
OPEN_TASKS = "open_tasks"


def index(stage: str) -> int:
	try:
		return STAGES.index(stage)
	except ValueError:
		raise ValueError(UNKNOWN_STAGE) from None


def next_stage(stage: str) -> str | None:
	i = index(stage)
	return STAGES[i + 1] if i + 1 < len(STAGES) else None


def check_move(current: str, target: str, open_tasks_before_target: int = 0) -> str | None:
	"""Why the incident cannot move from `current` to `target`, or None when it can.

	`open_tasks_before_target` comes from tasks_blocking.
	"""
	if target not in STAGES:
		return UNKNOWN_STAGE
	if current == CLOSED:
		return ALREADY_CLOSED
	if target == current:
		return SAME_STAGE
	if index(target) < index(current):
		return BACKWARDS
	if open_tasks_before_target:
		return OPEN_TASKS
	return None


@dataclass(frozen=True)
class StageSpan:
	stage: str
	started: datetime
	ended: datetime | None
	seconds: float | None


def spans(entries: Iterable[Mapping], now: datetime | None = None) -> list[StageSpan]:
	"""Stage log rows ({stage, started_on}) in time order -> each stage's span; a stage ends when the
	next one starts; the last open stage runs to `now` (or stays open when now is None)."""
	rows = sorted(
		(r for r in entries if r.get("started_on") is not None),
		key=lambda r: (r["started_on"], index(r["stage"])),
	)
	out = []
	for i, r in enumerate(rows):
		end = rows[i + 1]["started_on"] if i + 1 < len(rows) else (None if r["stage"] == CLOSED else now)
		if r["stage"] == CLOSED:
			end = r["started_on"]
		out.append(
			StageSpan(
				r["stage"],
				r["started_on"],
				end,
				None if end is None else (end - r["started_on"]).total_seconds(),
			)
		)
	return out


def tasks_blocking(tasks: Iterable[Mapping], current: str, target: str) -> int:
	"""Open tasks ({stage, done}) that stop a move from `current` to `target`.

	The current stage's own tasks may carry over while the incident moves on (an emergency does not wait
	for paperwork), but tasks of stages before the current one must be done first; closing needs every
	task done.
	"""
	limit = index(current)
	return sum(
		1
		for t in tasks
		if not t.get("done") and (target == CLOSED or index(t.get("stage") or WARNING) < limit)
	)
