"""Ticket priority from an impact x urgency matrix (ITIL style), raised for high-value tiers.

Priorities are ERPNext Issue Priority names. The matrix is data, so a site could swap it; the tier
raise is one step (VIP and Key customers are served before others of the same impact and urgency).
"""

from __future__ import annotations

from datetime import datetime

LEVELS = ("High", "Medium", "Low")
PRIORITIES = ("Urgent", "High", "Medium", "Low")  # most to least urgent
RAISED_TIERS = ("VIP", "Key")
TIER_RANK = {"VIP": 0, "Key": 1}  # every other tier (Normal, blank) ranks 2

# (impact, urgency) -> priority
MATRIX: dict[tuple[str, str], str] = {
	("High", "High"): "Urgent",
	("High", "Medium"): "High",
	("High", "Low"): "Medium",
	("Medium", "High"): "High",
	("Medium", "Medium"): "Medium",
	("Medium", "Low"): "Low",
	("Low", "High"): "Medium",
	("Low", "Medium"): "Low",
	("Low", "Low"): "Low",
}


def raise_one(priority: str) -> str:
	"""The next more urgent priority (Urgent stays Urgent); unknown names are returned unchanged."""
	if priority not in PRIORITIES:
		return priority
	return PRIORITIES[max(PRIORITIES.index(priority) - 1, 0)]


def compute_priority(impact: str | None, urgency: str | None, tier: str | None = None) -> str:
	"""Priority for a ticket; a missing impact or urgency counts as Medium."""
	impact = impact if impact in LEVELS else "Medium"
	urgency = urgency if urgency in LEVELS else "Medium"
	priority = MATRIX[(impact, urgency)]
	if tier in RAISED_TIERS:
		priority = raise_one(priority)
	return priority


def queue_key(tier: str | None, priority: str | None, opened: datetime | None = None) -> tuple:
	"""Sort key for every queue: VIP first, then Key, then by priority, then oldest first."""
	priority_rank = PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)
	return (TIER_RANK.get(tier or "", 2), priority_rank, opened or datetime.max)
