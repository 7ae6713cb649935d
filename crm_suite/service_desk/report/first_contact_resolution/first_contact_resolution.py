# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""First-contact resolution of tickets opened in a date range, per agent, team, category, channel or
knowledge article (with vs without), with Wilson 95% intervals, and the with-vs-without-article
difference with its Newcombe interval (engine/fcr.py has the exact rule).

Per ticket: the first resolution, reopens and the agent replies before it. Reopens come from the
lifecycle's fields (`crms_reopen_count`, `crms_reopened_on`, `crms_resolved_on`) when the site has them.
The Issue keeps the latest resolution and the latest reopen only, so for a reopened ticket the reopen
moment stands in for its first resolution (replies are counted up to it, and the reopen falls inside the
window); a never-reopened ticket is exact. Replies are Communications sent on the ticket (one grouped
query). Rows come from `frappe.get_list` (only Issues the user may read), on the indexed opening_date.
"""

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from crm_suite.engine import fcr
from crm_suite.service_desk.report.common import (
	bar_chart,
	check_group_by,
	date_range,
	group_keys,
	list_filters,
)

GROUPS = ("Team", "Agent", "Category", "Channel", "Knowledge Article")
RESOLVED_STATUSES = ("Resolved", "Closed")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = check_group_by(filters.get("group_by") or "Team", GROUPS)
	window = cint(filters.get("window_days")) or fcr.DEFAULT_WINDOW_DAYS
	tickets = load_tickets(filters)
	data, comparison = rows(tickets, group_by, window, filters.get("now"))
	chart = bar_chart(data, [(_("FCR %"), "fcr_rate")], ["#29cd42"])
	return columns(group_by), data, message(comparison, window), chart, summary(comparison)


def columns(group_by):
	group = {"fieldname": "group", "label": _("Group"), "fieldtype": "Data", "width": 200}
	if group_by == "Agent":
		group.update(fieldtype="Link", options="User", label=_("Agent"))
	elif group_by == "Team":
		group.update(fieldtype="Link", options="CRMS Service Team", label=_("Team"))
	elif group_by == "Category":
		group.update(fieldtype="Link", options="Issue Type", label=_("Category"))
	elif group_by == "Channel":
		group.update(label=_("Channel"))
	else:
		group.update(label=_("Knowledge Article"))

	def count(fieldname, label, width=100):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Int", "width": width}

	def pct(fieldname, label):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Percent", "width": 110}

	return [
		group,
		count("eligible", _("Eligible")),
		count("fcr", _("FCR")),
		pct("fcr_rate", _("FCR %")),
		pct("ci_low", _("95% CI Low %")),
		pct("ci_high", _("95% CI High %")),
		count("multiple_interactions", _("Several Replies"), 120),
		count("reopened", _("Reopened")),
		count("pending", _("Pending")),
		count("open", _("Open")),
		count("no_contact", _("No Contact"), 110),
	]


def load_tickets(filters, extra_fields: tuple[str, ...] = (), start=None, end=None) -> list[dict]:
	"""Plain ticket dicts for engine/fcr.py, replies counted in one grouped query."""
	meta = frappe.get_meta("Issue")
	lifecycle = meta.has_field("crms_reopen_count") and meta.has_field("crms_resolved_on")
	resolved_field = "crms_resolved_on" if lifecycle else "sla_resolution_date"
	extra = ["crms_reopen_count", "crms_reopened_on"] if lifecycle else []
	if start is None or end is None:
		start, end = date_range(filters)
	fields = [
		"name",
		"status",
		"modified",
		"_assign",
		"crms_team",
		"issue_type",
		"crms_channel",
		"crms_kb_article",
		*extra_fields,
	]
	issues = frappe.get_list(
		"Issue",
		fields=[*dict.fromkeys([*fields, resolved_field, *extra])],
		filters=list_filters(filters, "opening_date", start.date(), end.date()),
		limit_page_length=0,
		order_by="opening_date asc",
	)
	tickets = []
	for row in issues:
		reopens = cint(row.get("crms_reopen_count"))
		reopened_on = get_datetime(row.crms_reopened_on) if reopens and row.get("crms_reopened_on") else None
		resolved_on = get_datetime(row.get(resolved_field)) if row.status in RESOLVED_STATUSES else None
		if reopened_on:
			# resolved before the (latest) reopen: the reopen stands in for the first resolution
			resolved_on = min(resolved_on, reopened_on) if resolved_on else reopened_on
		elif resolved_on is None and row.status in RESOLVED_STATUSES:
			resolved_on = get_datetime(row.get("modified")) if row.get("modified") else None
		tickets.append(
			{
				**row,
				"resolved_on": resolved_on,
				"reopened_on": reopened_on,
				"article": row.get("crms_kb_article"),
			}
		)
	counts = reply_counts(tickets)
	for t in tickets:
		t["agent_replies"] = counts.get(t["name"], 0)
	return tickets


def reply_counts(tickets: list[dict]) -> dict[str, int]:
	"""Sent Communications per ticket up to its (first) resolution: one grouped query."""
	cutoffs = {t["name"]: t["resolved_on"] for t in tickets if t["resolved_on"]}
	if not cutoffs:
		return {}
	comm = frappe.qb.DocType("Communication")
	rows = (
		frappe.qb.from_(comm)
		.select(comm.reference_name, comm.communication_date)
		.where(
			(comm.reference_doctype == "Issue")
			& comm.reference_name.isin(list(cutoffs))
			& (comm.communication_type == "Communication")
			& (comm.sent_or_received == "Sent")
		)
		.run(as_dict=True)
	)
	counts: dict[str, int] = {}
	for r in rows:
		if r.communication_date and get_datetime(r.communication_date) <= cutoffs[r.reference_name]:
			counts[r.reference_name] = counts.get(r.reference_name, 0) + 1
	return counts


def _group(ticket: dict, group_by: str) -> list[str]:
	if group_by == "Knowledge Article":
		return [_("With Article") if ticket.get("article") else _("Without Article")]
	return group_keys(frappe._dict(ticket), group_by)


def rows(tickets: list[dict], group_by: str, window: float, now=None):
	now = get_datetime(now) if now else now_datetime()
	rates: dict[str, fcr.Rate] = {}
	for t in tickets:
		c = fcr.classify(t, now, window)
		for key in _group(t, group_by):
			rates.setdefault(key or _("Not Set"), fcr.Rate()).add(c)
	data = []
	for key, rate in rates.items():
		d = rate.as_dict()
		data.append(
			frappe._dict(
				group=key,
				**{
					k: d[k]
					for k in ("eligible", "fcr", "multiple_interactions", "reopened", "pending", "open")
				},
				no_contact=d["no_contact"],
				fcr_rate=_pct(d["rate"]),
				ci_low=_pct(d["ci_low"]) if d["eligible"] else None,
				ci_high=_pct(d["ci_high"]) if d["eligible"] else None,
			)
		)
	data.sort(key=lambda r: (-r.eligible, r.group))
	effect = fcr.article_effect(tickets, now, window)
	return data, effect


def _pct(value):
	return None if value is None else round(100 * value, 1)


def message(effect: dict, window: float) -> str:
	c = effect["comparison"]
	if c["difference"] is None:
		return _("FCR: resolved after one agent reply and not reopened within {0} days.").format(window)
	return _(
		"FCR with a knowledge article {0}% (n={1}) vs without {2}% (n={3}): difference {4} points, "
		"95% CI {5} to {6}, p = {7}. Observational: agents choose when to use an article."
	).format(
		_pct(c["rate_a"]),
		c["n_a"],
		_pct(c["rate_b"]),
		c["n_b"],
		_pct(c["difference"]),
		_pct(c["ci_low"]),
		_pct(c["ci_high"]),
		round(c["p_value"], 4),
	)


def summary(effect: dict) -> list[dict]:
	c = effect["comparison"]
	return [
		{
			"label": _("FCR With Article"),
			"value": _pct(c["rate_a"]),
			"datatype": "Percent",
			"indicator": "Green",
		},
		{
			"label": _("FCR Without Article"),
			"value": _pct(c["rate_b"]),
			"datatype": "Percent",
			"indicator": "Blue",
		},
		{
			"label": _("Difference (points)"),
			"value": _pct(c["difference"]),
			"datatype": "Float",
			"indicator": "Green" if (c["ci_low"] or 0) > 0 else "Grey",
		},
	]
