"""/help/<name>: one public article (404 for internal, unpublished or unknown ones); counts a view."""

import frappe
from frappe import _

from crm_suite.service_desk import knowledge

no_cache = 1


def get_context(context):
	article = knowledge.public_article(frappe.form_dict.get("name"))
	if not article:
		raise frappe.PageDoesNotExistError
	context.no_breadcrumbs = True
	context.article = article
	context.title = article.title
	context.related = [
		r
		for r in knowledge.search_public(article.title, article.crms_language, limit=4)
		if r["name"] != article.name
	][:3]
	context.back_label = _("Help Centre")
