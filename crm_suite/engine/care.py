"""Care actions (birthday, fixed-date and holiday greetings): who is due today, and what to do.

Plain data in and out. A rule is a dict with `name`, `occasion` ("Birthday" / "Fixed Date" /
"Holiday"), `month`, `day`, `days_before`, `action` ("ToDo" / "Email"), `todo_for`
("Account Manager" / "Follow-up Owner") and `channel` ("Email" / "Phone" / "SMS" / "Visit").
A candidate is a dict with `customer`, optional `contact`, `email`, `birthday`, `account_manager`,
`follow_up_owner`, `unsubscribed` and the customer's do-not-contact flags `crms_dnc_<channel>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

OCCASIONS = ("Birthday", "Fixed Date", "Holiday")
ACTIONS = ("ToDo", "Email")
CHANNELS = ("Email", "Phone", "SMS", "Visit")
DNC_FIELD = {
	"Email": "crms_dnc_email",
	"Phone": "crms_dnc_phone",
	"SMS": "crms_dnc_sms",
	"Visit": "crms_dnc_visit",
}


def occasion_date(today: date, days_before: int) -> date:
	"""The occasion a rule acts on today: `days_before` days ahead."""
	return today + timedelta(days=max(0, int(days_before or 0)))


def same_day(birthday: date, target: date) -> bool:
	"""Birthday falls on `target` (a 29 February birthday is kept on 28 February in other years)."""
	if (birthday.month, birthday.day) == (target.month, target.day):
		return True
	if (birthday.month, birthday.day) == (2, 29) and (target.month, target.day) == (2, 28):
		try:
			date(target.year, 2, 29)
		except ValueError:
			return True
	return False


def fixed_date_matches(month: int, day: int, target: date) -> bool:
	if not month or not day:
		return False
	try:
		return same_day(date(2000, int(month), int(day)), target)
	except ValueError:
		return False


def rule_applies(rule: dict, target: date, holidays: Iterable[date] = ()) -> bool:
	"""Whether a non-birthday rule's occasion is `target` (birthday rules match per contact)."""
	if rule["occasion"] == "Fixed Date":
		return fixed_date_matches(rule.get("month"), rule.get("day"), target)
	if rule["occasion"] == "Holiday":
		return target in set(holidays)
	return rule["occasion"] == "Birthday"


def care_key(rule: str, year: int, customer: str, contact: str | None = None) -> str:
	"""Identifies one care action: one per rule, occasion year, customer and contact."""
	return f"{rule}|{year}|{customer}|{contact or ''}"


def skip_reason(rule: dict, candidate: dict) -> str | None:
	"""Why a candidate gets no action, or None. Do-not-contact is checked for the rule's channel."""
	channel = rule.get("channel") or ("Email" if rule["action"] == "Email" else None)
	if channel and candidate.get(DNC_FIELD.get(channel, "")):
		return f"do-not-contact: {channel}"
	if rule["action"] == "Email":
		if candidate.get("unsubscribed"):
			return "unsubscribed"
		if not candidate.get("email"):
			return "no email address"
	else:
		if not todo_owner(rule, candidate):
			return "no owner"
	return None


def todo_owner(rule: dict, candidate: dict) -> str | None:
	first, second = "account_manager", "follow_up_owner"
	if rule.get("todo_for") == "Follow-up Owner":
		first, second = second, first
	return candidate.get(first) or candidate.get(second)


def plan(rule: dict, candidates: Iterable[dict], target: date, done_keys: Iterable[str] = ()) -> dict:
	"""The actions one rule takes for an occasion on `target`.

	Returns {"actions": [...], "skipped": [(customer, contact, reason), ...]}; each action is the
	candidate plus `key`, `owner` (ToDo) and `occasion_date`. Keys in `done_keys` are skipped, and
	a key is planned only once even if the candidate list repeats it.
	"""
	done = set(done_keys)
	actions, skipped = [], []
	for c in candidates:
		if rule["occasion"] == "Birthday":
			if not c.get("birthday") or not same_day(c["birthday"], target):
				continue
		key = care_key(rule["name"], target.year, c["customer"], c.get("contact"))
		if key in done:
			continue
		reason = skip_reason(rule, c)
		if reason:
			skipped.append((c["customer"], c.get("contact"), reason))
			continue
		done.add(key)
		actions.append({**c, "key": key, "owner": todo_owner(rule, c), "occasion_date": target})
	return {"actions": actions, "skipped": skipped}
