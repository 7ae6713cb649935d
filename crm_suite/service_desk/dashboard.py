"""Data of the Service Desk workspace's custom charts (Dashboard Chart Sources of module Service Desk).

Both read Issues through `frappe.get_list`, so a user sees only tickets they may read, and filter on
the indexed `opening_date` / `sla_resolution_date` (crm_suite.setup.install.ERPNEXT_INDEXES). They
are not wrapped in frappe's `cache_source`: it caches one result per chart for every user, which
would show one user's permitted counts to another.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe import _
from frappe.utils import add_to_date, format_date, get_datetime, getdate, nowdate
from frappe.utils.dateutils import (
	get_dates_from_timegrain,
	get_from_date_from_timespan,
	get_period,
	get_period_beginning,
)

from crm_suite.engine.service_stats import share
from crm_suite.setup.fields.service_desk_intake import CHANNELS

GRAINS = ("Daily", "Weekly", "Monthly", "Quarterly", "Yearly")


def _range(chart_name, from_date, to_date, timespan, time_interval) -> tuple[date, date, str]:
	"""Start, end (inclusive) and time grain: the call's values, else the chart's own."""
	chart = frappe.get_cached_doc("Dashboard Chart", chart_name) if chart_name else frappe._dict()
	grain = time_interval or chart.get("time_interval") or "Daily"
	if grain not in GRAINS:
		frappe.throw(_("Unknown time interval: {0}").format(grain))
	end = getdate(to_date or nowdate())
	if from_date:
		start = getdate(from_date)
	else:
		start = getdate(get_from_date_from_timespan(end, timespan or chart.get("timespan") or "Last Month"))
	return get_period_beginning(start, grain), end, grain


def _periods(start: date, end: date, grain: str) -> list[date]:
	return [get_period_beginning(d, grain) for d in get_dates_from_timegrain(start, end, grain)]


def _label(period: date, grain: str) -> str:
	if grain in ("Daily", "Weekly"):
		return format_date(period)
	return get_period(period, grain)


def _user_filters(filters) -> list:
	"""Extra filters a user set on the chart, Issue fields only (list or dict form)."""
	filters = frappe.parse_json(filters) if filters else []
	if isinstance(filters, dict):
		return [["Issue", k, "=", v] for k, v in filters.items()]
	return [f for f in filters if isinstance(f, list | tuple) and f and f[0] == "Issue"]


@frappe.whitelist()
def tickets_by_channel(
	chart_name: str | None = None,
	chart: str | None = None,
	no_cache: str | None = None,
	filters: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
	refresh: str | None = None,
) -> dict:
	"""Tickets opened per period, one dataset per channel (stacked bars)."""
	start, end, grain = _range(chart_name, from_date, to_date, timespan, time_interval)
	rows = frappe.get_list(
		"Issue",
		fields=["opening_date", "crms_channel", "count(name) as tickets"],
		filters=[
			*_user_filters(filters),
			["Issue", "opening_date", ">=", start],
			["Issue", "opening_date", "<=", end],
		],
		group_by="opening_date, crms_channel",
		order_by="opening_date asc",
		limit_page_length=0,
	)
	periods = _periods(start, end, grain)
	index = {p: i for i, p in enumerate(periods)}
	counts: dict[str, list[int]] = {}
	for row in rows:
		i = index.get(get_period_beginning(getdate(row.opening_date), grain))
		if i is None:
			continue
		channel = row.crms_channel or ""
		counts.setdefault(channel, [0] * len(periods))[i] += row.tickets
	order = {c: n for n, c in enumerate(CHANNELS)}
	return {
		"labels": [_label(p, grain) for p in periods],
		"datasets": [
			{"name": _(channel) if channel else _("Not Set"), "values": values}
			for channel, values in sorted(counts.items(), key=lambda kv: order.get(kv[0], 99))
		],
	}


@frappe.whitelist()
def sla_attainment_trend(
	chart_name: str | None = None,
	chart: str | None = None,
	no_cache: str | None = None,
	filters: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
	refresh: str | None = None,
) -> dict:
	"""Per period of resolution: % of tickets whose resolution SLA was Met, and % responded in time."""
	start, end, grain = _range(chart_name, from_date, to_date, timespan, time_interval)
	rows = frappe.get_list(
		"Issue",
		fields=["sla_resolution_date", "crms_sla_status", "first_responded_on", "crms_response_due"],
		filters=[
			*_user_filters(filters),
			["Issue", "sla_resolution_date", ">=", get_datetime(start)],
			["Issue", "sla_resolution_date", "<", get_datetime(add_to_date(end, days=1))],
			["Issue", "status", "in", ("Resolved", "Closed")],
		],
		order_by="sla_resolution_date asc",
		limit_page_length=0,
	)
	periods = _periods(start, end, grain)
	index = {p: i for i, p in enumerate(periods)}
	acc = [[0, 0, 0, 0] for _p in periods]  # resolution met, judged; response met, judged
	for row in rows:
		i = index.get(get_period_beginning(getdate(row.sla_resolution_date), grain))
		if i is None:
			continue
		if row.crms_sla_status in ("Met", "Missed"):
			acc[i][1] += 1
			acc[i][0] += row.crms_sla_status == "Met"
		if row.first_responded_on and row.crms_response_due:
			acc[i][3] += 1
			acc[i][2] += get_datetime(row.first_responded_on) <= get_datetime(row.crms_response_due)
	# periods before the first judged ticket would read as 0 % attainment: start the line there
	first = next((i for i, a in enumerate(acc) if a[1] or a[3]), len(acc) - 1)
	periods, acc = periods[first:], acc[first:]
	return {
		"labels": [_label(p, grain) for p in periods],
		"datasets": [
			{"name": _("Resolution SLA Met %"), "values": [share(a[0], a[1]) or 0 for a in acc]},
			{"name": _("Response SLA Met %"), "values": [share(a[2], a[3]) or 0 for a in acc]},
		],
	}


def boot_session(bootinfo) -> None:
	"""The user's service teams, for the workspace's "Team Queue" shortcut filter (one small query)."""
	if frappe.session.user == "Guest":
		return
	bootinfo.crms_service_teams = frappe.get_all(
		"CRMS Service Team Member",
		filters={"user": frappe.session.user, "parenttype": "CRMS Service Team"},
		pluck="parent",
		limit=50,
	)
