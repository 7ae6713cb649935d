"""Custom fields of the knowledge base (see crm_suite/setup/custom_fields.py for the rules).

Articles are Frappe's own Help Article (title, category = Help Category, content, published, level,
likes / helpful / not_helpful, track_changes already on); we add language, visibility, the review
workflow's state, review dates and usage counters. `published` keeps its Frappe meaning, "live on the
public web" (Frappe's own /kb pages read it), and is derived on save: Published review state and Public
visibility (crm_suite/service_desk/knowledge.py).

Canned replies are Frappe's Email Template (already offered by the e-mail composer) plus a flag, a
category (Issue Type), language and a use counter. On Issue: which article and canned reply were used,
so resolutions and reopens can be attributed to an article, and the suggestion panel's placeholder.
"""

from itertools import pairwise

from crm_suite.setup.custom_fields import options

KB_LANGUAGES = ("en", "zh")
VISIBILITIES = ("Internal", "Public")
REVIEW_STATES = ("Draft", "In Review", "Published")
DEFAULT_REVIEW_DAYS = 180


def _chain(fields: list[dict]) -> list[dict]:
	for previous, df in pairwise(fields):
		df["insert_after"] = previous["fieldname"]
	return fields


def _counter(fieldname: str, label: str) -> dict:
	return {
		"fieldname": fieldname,
		"fieldtype": "Int",
		"label": label,
		"read_only": 1,
		"no_copy": 1,
		"default": "0",
	}


def get_fields() -> dict[str, list[dict]]:
	article = [
		{
			"fieldname": "crms_kb_section",
			"fieldtype": "Section Break",
			"label": "Knowledge Base",
			"insert_after": "level",
		},
		{
			"fieldname": "crms_language",
			"fieldtype": "Select",
			"label": "Language",
			"options": options(KB_LANGUAGES),
			"default": "en",
			"in_standard_filter": 1,
			"search_index": 1,
		},
		{
			"fieldname": "crms_visibility",
			"fieldtype": "Select",
			"label": "Visibility",
			"options": "\n".join(VISIBILITIES),
			"default": "Internal",
			"in_standard_filter": 1,
			"search_index": 1,
			"description": "Internal articles are shown to agents only; Public ones also on the help centre.",
		},
		{
			"fieldname": "crms_keywords",
			"fieldtype": "Small Text",
			"label": "Keywords",
			"description": "Comma-separated words customers use for this problem (weighted in search).",
		},
		{
			"fieldname": "crms_kb_column",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_review_status",
			"fieldtype": "Select",
			"label": "Review Status",
			"options": "\n".join(REVIEW_STATES),
			"default": "Draft",
			"read_only": 1,
			"no_copy": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
			"search_index": 1,
		},
		{
			"fieldname": "crms_last_reviewed_on",
			"fieldtype": "Date",
			"label": "Last Reviewed On",
			"no_copy": 1,
		},
		{
			"fieldname": "crms_review_due_days",
			"fieldtype": "Int",
			"label": "Review Every (Days)",
			"default": str(DEFAULT_REVIEW_DAYS),
			"description": "The owner gets a ToDo when this many days passed since the last review.",
		},
		{
			"fieldname": "crms_usage_section",
			"fieldtype": "Section Break",
			"label": "Usage",
			"collapsible": 1,
		},
		_counter("crms_views", "Views"),
		_counter("crms_uses", "Uses"),
		{"fieldname": "crms_usage_column", "fieldtype": "Column Break"},
		_counter("crms_resolved_tickets", "Resolved Tickets"),
		_counter("crms_reopened_tickets", "Reopened Tickets"),
	]
	template = [
		{
			"fieldname": "crms_canned_section",
			"fieldtype": "Section Break",
			"label": "Canned Reply",
			"insert_after": "response_html",
		},
		{
			"fieldname": "crms_is_canned_reply",
			"fieldtype": "Check",
			"label": "Suggest as Canned Reply",
			"description": "Offered to agents on tickets; use {{ customer_name }}, {{ ticket_id }}... "
			"as placeholders.",
		},
		{
			"fieldname": "crms_issue_type",
			"fieldtype": "Link",
			"label": "Issue Type",
			"options": "Issue Type",
		},
		{
			"fieldname": "crms_canned_column",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_language",
			"fieldtype": "Select",
			"label": "Language",
			"options": options(KB_LANGUAGES),
		},
		_counter("crms_uses", "Uses"),
	]
	issue = [
		{
			"fieldname": "crms_kb_issue_section",
			"fieldtype": "Section Break",
			"label": "Knowledge",
			"insert_after": "crms_idempotency_key",
		},
		{
			"fieldname": "crms_kb_article",
			"fieldtype": "Link",
			"label": "Knowledge Article Used",
			"options": "Help Article",
			"search_index": 1,
			"no_copy": 1,
			"description": "The article that resolved this ticket (set when an agent inserts one).",
		},
		{
			"fieldname": "crms_kb_canned_reply",
			"fieldtype": "Link",
			"label": "Canned Reply Used",
			"options": "Email Template",
			"no_copy": 1,
		},
		{
			"fieldname": "crms_kb_issue_column",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_kb_suggestions",
			"fieldtype": "HTML",
			"label": "Suggestions",
		},
	]
	return {"Help Article": _chain(article), "Email Template": _chain(template), "Issue": _chain(issue)}
