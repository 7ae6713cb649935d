"""/help: the public help centre. Search box and categories; only Public, published articles (the
same rule as the guest search API, crm_suite.service_desk.knowledge.search_public)."""

import frappe
from frappe import _

from crm_suite.service_desk import knowledge

no_cache = 1


def get_context(context):
	context.no_breadcrumbs = True
	context.title = _("Help Centre")
	query = (frappe.form_dict.get("q") or "").strip()[:200]
	category = frappe.form_dict.get("category")
	language = knowledge.help_language(frappe.form_dict.get("lang"))
	context.query, context.category, context.language = query, category, language
	context.categories = knowledge.public_categories(language)
	if query:
		context.results = knowledge.search_public(query, language, limit=20)
		context.heading = _("Results for \u201c{0}\u201d").format(query)
	else:
		context.results = knowledge.public_articles(language, category, limit=30)
		names = {c.name: c.category_name for c in context.categories}
		context.heading = names.get(category) if category else _("Popular articles")
	context.languages = [("en", "English"), ("zh", "中文")]
