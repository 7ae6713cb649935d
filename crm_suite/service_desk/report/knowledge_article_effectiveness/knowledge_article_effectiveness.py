# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Per knowledge article: views and uses (lifetime counters on the article), and of the tickets opened
in the date range that used it (Issue.crms_kb_article), how many were resolved and how many of those were
reopened. A ticket counts as resolved when it is Resolved / Closed now or was reopened after a
resolution; reopens come from the lifecycle's `crms_reopen_count` when the site has it.

Tickets come from `frappe.get_list` (only Issues the user may read), on the indexed opening_date.
"""

import frappe
from frappe import _
from frappe.utils import cint

from crm_suite.engine.service_stats import share
from crm_suite.service_desk.report.common import bar_chart, date_range, list_filters

RESOLVED_STATUSES = ("Resolved", "Closed")
REOPEN_FIELD = "crms_reopen_count"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	data = rows(filters)
	chart = bar_chart(
		[frappe._dict(r, group=r.title) for r in data[:15] if r.tickets],
		[(_("Resolution Rate %"), "resolution_rate"), (_("Reopen Rate %"), "reopen_rate")],
		["#29cd42", "#ff5858"],
	)
	return columns(), data, None, chart


def columns():
	def col(fieldname, label, fieldtype="Int", width=100, **kw):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **kw}

	return [
		col("article", _("Article"), "Link", 140, options="Help Article"),
		col("title", _("Title"), "Data", 240),
		col("category", _("Category"), "Link", 140, options="Help Category"),
		col("language", _("Language"), "Data", 80),
		col("visibility", _("Visibility"), "Data", 90),
		col("review_status", _("Review Status"), "Data", 110),
		col("views", _("Views")),
		col("uses", _("Uses")),
		col("tickets", _("Tickets")),
		col("resolved", _("Resolved")),
		col("resolution_rate", _("Resolution Rate %"), "Percent", 130),
		col("reopened", _("Reopened")),
		col("reopen_rate", _("Reopen Rate %"), "Percent", 120),
		col("helpful", _("Helpful")),
		col("not_helpful", _("Not Helpful"), width=110),
	]


def ticket_outcomes(filters) -> dict[str, frappe._dict]:
	"""Tickets, resolved and reopened per article among readable tickets opened in the range."""
	reopen = frappe.get_meta("Issue").has_field(REOPEN_FIELD)
	start, end = date_range(filters)
	tickets = frappe.get_list(
		"Issue",
		fields=["crms_kb_article", "status", *([REOPEN_FIELD] if reopen else [])],
		filters=[
			*list_filters(filters, "opening_date", start.date(), end.date()),
			["Issue", "crms_kb_article", "is", "set"],
		],
		limit_page_length=0,
	)
	out: dict[str, frappe._dict] = {}
	for t in tickets:
		acc = out.setdefault(t.crms_kb_article, frappe._dict(tickets=0, resolved=0, reopened=0))
		reopens = cint(t.get(REOPEN_FIELD))
		acc.tickets += 1
		if t.status in RESOLVED_STATUSES or reopens:
			acc.resolved += 1
			acc.reopened += reopens > 0
	return out


def rows(filters):
	article_filters = {}
	for key, field in (
		("category", "category"),
		("language", "crms_language"),
		("visibility", "crms_visibility"),
	):
		if filters.get(key):
			article_filters[field] = filters.get(key)
	articles = frappe.get_all(
		"Help Article",
		filters=article_filters,
		fields=[
			"name",
			"title",
			"category",
			"crms_language",
			"crms_visibility",
			"crms_review_status",
			"crms_views",
			"crms_uses",
			"helpful",
			"not_helpful",
		],
		limit_page_length=0,
	)
	outcomes = ticket_outcomes(filters)
	data = []
	for a in articles:
		o = outcomes.get(a.name) or frappe._dict(tickets=0, resolved=0, reopened=0)
		data.append(
			frappe._dict(
				article=a.name,
				title=a.title,
				category=a.category,
				language=a.crms_language,
				visibility=_(a.crms_visibility) if a.crms_visibility else None,
				review_status=_(a.crms_review_status) if a.crms_review_status else None,
				views=cint(a.crms_views),
				uses=cint(a.crms_uses),
				tickets=o.tickets,
				resolved=o.resolved,
				resolution_rate=share(o.resolved, o.tickets),
				reopened=o.reopened,
				reopen_rate=share(o.reopened, o.resolved),
				helpful=cint(a.helpful),
				not_helpful=cint(a.not_helpful),
			)
		)
	return sorted(data, key=lambda r: (-r.tickets, -r.uses, r.title or ""))
