"""Ticket lifecycle on ERPNext's Issue, on plain values: stage <-> status mapping, reopening, auto-close,
merge refusals and the closed-loop rules of complaints.

Why a second field at all: ERPNext's Issue.status (Open / Replied / On Hold / Resolved / Closed) cannot
tell a ticket nobody has touched from one an agent is working on, and has two statuses for "the ball is
with the customer". `crms_stage` is the service desk's vocabulary; ERPNext's status stays the source
of truth that its list, portal, reports and Support Settings job read. The mapping:

	Pending              = Open, no agent reply (first_responded_on empty) and nobody assigned
	In Progress          = Open after the first agent reply or an assignment
	Waiting on Customer  = Replied or On Hold (the SLA policy's pause statuses stop the resolution clock)
	Resolved             = Resolved
	Closed               = Closed

Editing the stage by hand maps back: Pending / In Progress -> Open, Waiting on Customer -> Replied
(an On Hold ticket stays On Hold), Resolved, Closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

PENDING = "Pending"
IN_PROGRESS = "In Progress"
WAITING = "Waiting on Customer"
RESOLVED = "Resolved"
CLOSED = "Closed"
STAGES = (PENDING, IN_PROGRESS, WAITING, RESOLVED, CLOSED)

STATUSES = ("Open", "Replied", "On Hold", "Resolved", "Closed")
WAITING_STATUSES = ("Replied", "On Hold")
FINAL_STATUSES = ("Resolved", "Closed")

DEFAULT_AUTO_CLOSE_DAYS = 7  # ERPNext's Support Settings default for close_issue_after_days

# Complaint classes: (acknowledge, resolve) limits in hours. The resolution limits are the ones the
# service desk commits to (72 / 24 / 4 h); acknowledgement is the SLA's first-response target.
COMPLAINT_CLASSES = ("Normal", "Urgent", "Major")
COMPLAINT_LIMIT_HOURS: dict[str, tuple[float, float]] = {
	"Normal": (24.0, 72.0),
	"Urgent": (4.0, 24.0),
	"Major": (1.0, 4.0),
}
# Fair-handling checklist: Issue Check fields, in the order they are shown.
CHECKLIST = (
	("crms_chk_acknowledged", "Acknowledged within the time limit"),
	("crms_chk_customer_heard", "Customer heard"),
	("crms_chk_evidence_reviewed", "Evidence reviewed"),
	("crms_chk_remedy_offered", "Remedy offered"),
	("crms_chk_explanation_given", "Explanation given"),
	("crms_chk_escalation_route_told", "Escalation route told"),
)
# Classes that must have at least one corrective/preventive action (Non Conformance) before closing.
CAPA_REQUIRED_CLASSES = ("Major",)


def stage_for(status: str | None, responded: bool = False, assigned: bool = False) -> str:
	"""The stage an ERPNext status means (see the module docstring)."""
	if status == "Closed":
		return CLOSED
	if status == "Resolved":
		return RESOLVED
	if status in WAITING_STATUSES:
		return WAITING
	return IN_PROGRESS if (responded or assigned) else PENDING


def status_for_stage(stage: str, current_status: str | None = None) -> str:
	"""The ERPNext status for a stage chosen by hand; keeps the current status when it already fits."""
	if stage not in STAGES:
		raise ValueError(f"unknown stage {stage!r}")
	if stage in (PENDING, IN_PROGRESS):
		return "Open"
	if stage == WAITING:
		return current_status if current_status in WAITING_STATUSES else "Replied"
	return stage


def sync(
	status: str | None,
	stage: str | None,
	before_status: str | None,
	before_stage: str | None,
	responded: bool,
	assigned: bool,
) -> tuple[str, str]:
	"""(status, stage) after a save. A stage edited by hand wins only when the status itself was not
	edited; otherwise the stage follows the status. "In Progress" set by hand on an Open ticket sticks
	(an agent may take a ticket before replying)."""
	status = status or "Open"
	if stage in STAGES and stage != before_stage and status == (before_status or status):
		status = status_for_stage(stage, status)
	computed = stage_for(status, responded, assigned)
	if computed == PENDING and stage == IN_PROGRESS:
		computed = IN_PROGRESS
	return status, computed


def is_reopen(before_status: str | None, status: str | None) -> bool:
	"""A ticket leaving Resolved/Closed for an active status is reopened (counted once per transition)."""
	return before_status in FINAL_STATUSES and status not in FINAL_STATUSES


def status_after_customer_reply(status: str | None) -> str | None:
	"""A received message puts any ticket that is not Open back to Open (None: nothing to change).
	Frappe already does this for Issue by a bare db_set; we do it through a full save first, so the
	stage, the reopen count and the SLA pause bookkeeping follow."""
	return None if (status or "Open") == "Open" else "Open"


def auto_close_cutoff(now: datetime, days: int | float | None) -> datetime:
	"""Tickets resolved before this moment are closed by the daily job."""
	days = DEFAULT_AUTO_CLOSE_DAYS if days in (None, "", 0) else float(days)
	return now - timedelta(days=days)


def checklist_missing(values: Mapping) -> list[str]:
	"""Fieldnames of the fair-handling checklist not ticked yet."""
	return [field for field, _label in CHECKLIST if not values.get(field)]


def complaint_close_blockers(
	complaint_class: str | None,
	values: Mapping,
	capa_total: int,
	capa_open: int,
	confirmed: bool,
) -> list[str]:
	"""Why a complaint may not be Closed yet: codes "checklist", "capa_missing", "capa_open",
	"not_confirmed" (empty list: it may close). Tickets without a complaint class are never blocked."""
	if not complaint_class:
		return []
	blockers = []
	if checklist_missing(values):
		blockers.append("checklist")
	if complaint_class in CAPA_REQUIRED_CLASSES and not capa_total:
		blockers.append("capa_missing")
	if capa_open:
		blockers.append("capa_open")
	if not confirmed:
		blockers.append("not_confirmed")
	return blockers


def merge_refusal(
	target: Mapping,
	sources: Iterable[Mapping],
	force: bool = False,
	may_force: bool = False,
) -> tuple[str, str | None] | None:
	"""None when the sources may be merged into the target, else (reason code, ticket name).
	Different customers are refused unless a supervisor forces it; a ticket already merged is final."""
	sources = list(sources)
	if not sources:
		return ("no_sources", None)
	if target.get("crms_merged_into"):
		return ("target_merged", target.get("name"))
	for source in sources:
		if source.get("name") == target.get("name"):
			return ("same_ticket", source.get("name"))
		if source.get("crms_merged_into"):
			return ("source_merged", source.get("name"))
		if (source.get("customer") or None) != (target.get("customer") or None):
			if not (force and may_force):
				return ("different_customer", source.get("name"))
	return None


def dedupe_assignments(target_users: Iterable[str], moved: Iterable[tuple[str, str]]) -> tuple[list, list]:
	"""Open ToDos of the sources: (to move, to cancel). One open ToDo per user stays on the target."""
	seen = set(target_users)
	move, cancel = [], []
	for name, user in moved:
		if user in seen:
			cancel.append(name)
		else:
			seen.add(user)
			move.append(name)
	return move, cancel
