"""/survey?ref=...&t=...&r=...: the customer's one-click CSAT / NPS answer, no login.

GET only shows the form with the clicked rating pre-selected (mail scanners open links; nothing is
recorded). The form's POST records the answer once (service_desk/surveys.py). Unknown, expired, used
or other-ticket tokens show a translated message and change nothing.
"""

import frappe
from frappe import _
from frappe.utils import cint, cstr

from crm_suite.engine import survey_tokens as tokens
from crm_suite.service_desk import surveys

no_cache = 1


def get_context(context):
	context.no_cache = 1
	context.show_sidebar = False
	context.title = _("Your feedback")
	form = frappe.form_dict
	context.token = cstr(form.get("t")).strip()[: surveys.MAX_TOKEN]
	context.ref = cstr(form.get("ref")).strip()[:140]
	context.lang = frappe.local.lang
	context.error = None
	context.done = False
	context.csrf_token = frappe.sessions.get_csrf_token() if frappe.session.user != "Guest" else ""

	if surveys.rate_limited():
		context.error = _("Too many attempts. Please try again later.")
		context.http_status_code = 429
		return context

	is_post = getattr(frappe.local, "request", None) and frappe.request.method == "POST"
	if is_post:
		try:
			reason, _row = surveys.answer(context.token, context.ref, form.get("r"), form.get("comment"))
		except surveys.SurveyError as e:
			frappe.clear_messages()
			reason, context.form_error = None, str(e)
		if reason == tokens.OK:
			context.done = True
			return context
		if reason:
			context.error = surveys.reason_message(reason)
			return context

	verification = surveys.check(context.token, context.ref)
	if not verification.ok:
		context.error = surveys.reason_message(verification.reason)
		return context
	kind = verification.record.kind
	lo, hi = tokens.SCALES[kind]
	context.kind = kind
	context.scale = list(range(lo, hi + 1))
	context.selected = tokens.check_rating(kind, form.get("r"))
	if kind == tokens.CSAT:
		context.question = _("How satisfied are you with how we handled ticket {0}?").format(context.ref)
		context.low_label, context.high_label = _("Very dissatisfied"), _("Very satisfied")
	else:
		context.question = _("How likely are you to recommend us to a friend or colleague?")
		context.low_label, context.high_label = _("Not at all likely"), _("Extremely likely")
	context.comment_label = (
		_("Anything you would like to add? (optional)")
		if kind == tokens.CSAT
		else _("What is the main reason for your score? (optional)")
	)
	context.comment = cstr(form.get("comment"))[: surveys.MAX_COMMENT] if is_post else ""
	context.max_comment = surveys.MAX_COMMENT
	context.wide = cint(hi - lo) > 5
	return context
