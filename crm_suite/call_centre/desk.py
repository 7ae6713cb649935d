"""One click from a call: a ticket (through the service-desk intake), an opportunity, the outcome, and
the answers of a call script. Used by the Call Log form (public/js/call_log_desk.js) and the screen pop.

Who may act on a call: its agent, a call-centre supervisor, or anyone who may write the Call Log.
Writes to the Call Log go through frappe.db.set_value on our own fields (the agent is usually not
allowed to write ERPNext's Call Log, and the webhook owns its timing fields).
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import cint, cstr

from crm_suite.call_centre.agents import AGENT_ROLES, is_supervisor, require_role
from crm_suite.engine import call_script
from crm_suite.setup.fields.call_centre import DISPOSITIONS

ACTION_ROLES = (*AGENT_ROLES, "Support Team", "Service Supervisor", "Sales User", "Sales Manager")
SCRIPT = "CRMS Call Script"
RESPONSE = "CRMS Call Script Response"
ERROR_TEXT = {
	"answer_required": lambda p: _("Question {0} needs an answer.").format(p.get("key")),
	"not_yes_no": lambda p: _("Question {0}: answer Yes or No.").format(p.get("key")),
	"not_a_number": lambda p: _("Question {0}: {1} is not a number.").format(p.get("key"), p.get("value")),
	"not_an_option": lambda p: _("Question {0}: {1} is not one of the options.").format(
		p.get("key"), p.get("value")
	),
	"loop": lambda p: _("The script loops back to question {0}.").format(p.get("key")),
	"unknown_question": lambda p: _("Unknown question {0}.").format(p.get("key")),
	"bad_rule": lambda p: _("Rule on line {0} is not understood: {1}").format(p.get("line"), p.get("text")),
	"bad_key": lambda p: _("{0} cannot be a question key.").format(p.get("key") or _("An empty key")),
	"duplicate_key": lambda p: _("Question key {0} is used twice.").format(p.get("key")),
	"bad_type": lambda p: _("Question {0} has an unknown type {1}.").format(p.get("key"), p.get("type")),
	"no_options": lambda p: _("Question {0} is a Select without options.").format(p.get("key")),
	"unknown_target": lambda p: _("Question {0} jumps to unknown question {1}.").format(
		p.get("key"), p.get("target")
	),
}


def error_text(code: str, params: dict) -> str:
	return ERROR_TEXT[code](params) if code in ERROR_TEXT else code


def check_call(call_log: str):
	"""The Call Log row if the current user may act on it, else PermissionError."""
	require_role(ACTION_ROLES)
	call = frappe.db.get_value(
		"Call Log",
		call_log,
		[
			"name",
			"from",
			"to",
			"type",
			"customer",
			"summary",
			"crms_agent",
			"crms_queue",
			"crms_issue",
			"crms_opportunity",
			"crms_lead",
			"crms_contact",
		],
		as_dict=True,
	)
	if not call:
		frappe.throw(_("Call Log {0} not found.").format(frappe.bold(call_log)), frappe.DoesNotExistError)
	user = frappe.session.user
	if not (
		call.crms_agent == user or is_supervisor() or frappe.has_permission("Call Log", "write", call_log)
	):
		frappe.throw(_("Only the call's agent or a supervisor can do this."), frappe.PermissionError)
	return call


def caller_number(call) -> str | None:
	return call["from"] if call.type == "Incoming" else call["to"]


@frappe.whitelist(methods=["POST"])
def create_ticket(call_log: str, subject: str | None = None) -> str:
	"""The call's ticket (one per call, idempotent) through the service-desk intake, channel Phone;
	linked both ways: Call Log.crms_issue and the Call Log's links row (the Issue's timeline)."""
	from crm_suite.service_desk.intake import create_ticket_from_call

	call = check_call(call_log)
	if call.crms_issue and frappe.db.exists("Issue", call.crms_issue):
		return call.crms_issue
	if not call.customer:
		customer = _caller_customer(call)
		if customer:
			frappe.db.set_value("Call Log", call_log, "customer", customer, update_modified=False)
	issue = create_ticket_from_call(call_log, subject=cstr(subject).strip() or None)
	frappe.db.set_value("Call Log", call_log, "crms_issue", issue.name)
	return issue.name


def _caller_customer(call) -> str | None:
	from crm_suite.call_centre.screen_pop import find_parties

	return find_parties(caller_number(call)).get("customer")


@frappe.whitelist(methods=["POST"])
def create_opportunity(call_log: str) -> str:
	"""An Opportunity for the caller (their Customer, else their Lead, else a new Lead made from the
	number), linked on the Call Log (crms_opportunity, links)."""
	call = check_call(call_log)
	if call.crms_opportunity and frappe.db.exists("Opportunity", call.crms_opportunity):
		return call.crms_opportunity
	from crm_suite.call_centre.screen_pop import find_parties

	number = caller_number(call)
	parties = find_parties(number)
	customer = call.customer or parties["customer"]
	lead = call.crms_lead or parties["lead"]
	if customer:
		party_type, party = "Customer", customer
	else:
		if not lead:
			lead_doc = frappe.get_doc(
				{
					"doctype": "Lead",
					"lead_name": _("Caller {0}").format(number or call_log),
					"mobile_no": number,
					"source": "Cold Calling" if call.type == "Outgoing" else None,
				}
			)
			lead_doc.flags.crms_skip_duplicate_check = True
			lead_doc.insert(ignore_permissions=True)
			lead = lead_doc.name
			frappe.db.set_value("Call Log", call_log, "crms_lead", lead)
		party_type, party = "Lead", lead
	company = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
		"Global Defaults", "default_company"
	)
	opportunity = frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": party_type,
			"party_name": party,
			"company": company,
			"contact_mobile": number,
			"opportunity_owner": frappe.session.user,
		}
	)
	opportunity.insert(ignore_permissions=True)
	opportunity.add_comment("Info", _("Created from call {0}").format(call_log))
	frappe.db.set_value("Call Log", call_log, "crms_opportunity", opportunity.name)
	_add_link(call_log, "Opportunity", opportunity.name)
	return opportunity.name


def _add_link(call_log: str, doctype: str, name: str) -> None:
	if frappe.db.exists(
		"Dynamic Link",
		{"parenttype": "Call Log", "parent": call_log, "link_doctype": doctype, "link_name": name},
	):
		return
	idx = cint(frappe.db.count("Dynamic Link", {"parenttype": "Call Log", "parent": call_log})) + 1
	frappe.get_doc(
		{
			"doctype": "Dynamic Link",
			"parenttype": "Call Log",
			"parentfield": "links",
			"parent": call_log,
			"idx": idx,
			"link_doctype": doctype,
			"link_name": name,
		}
	).db_insert()


@frappe.whitelist(methods=["POST"])
def save_outcome(
	call_log: str, disposition: str | None = None, notes: str | None = None, resolved: int | None = None
) -> dict:
	"""Disposition, "resolved on this call" and notes (appended to the call's summary)."""
	call = check_call(call_log)
	values = {}
	if disposition:
		if disposition not in DISPOSITIONS:
			frappe.throw(_("Unknown disposition {0}.").format(frappe.bold(disposition)))
		values["crms_disposition"] = disposition
	if resolved is not None:
		values["crms_first_call_resolution"] = cint(resolved)
	notes = cstr(notes).strip()
	if notes:
		values["summary"] = "\n".join(x for x in (call.summary, notes) if x)[:5000]
	if values:
		frappe.db.set_value("Call Log", call_log, values)
	return values


# ------------------------------------------------------------------------------------------------
# Call scripts


def load_script(name: str) -> list[call_script.Question]:
	doc = frappe.get_cached_doc(SCRIPT, name)
	return [
		call_script.Question(
			key=row.key,
			text=row.question,
			type=row.type,
			options=call_script.split_options(row.options),
			rules=call_script.parse_rules(row.rules),
			next_key=(row.next_key or "").strip() or None,
			required=bool(cint(row.required)),
		)
		for row in doc.questions
	]


@frappe.whitelist(methods=["GET"])
def scripts_for_call(call_log: str) -> list[dict]:
	"""Active scripts, this call's queue first, each with its questions for the dialog."""
	call = check_call(call_log)
	names = frappe.get_all(
		SCRIPT,
		filters={"active": 1},
		fields=["name", "title", "queue", "intro"],
		order_by="title asc",
		limit=50,
	)
	names.sort(key=lambda s: (0 if s.queue and s.queue == call.crms_queue else 1, s.title))
	out = []
	for s in names:
		doc = frappe.get_cached_doc(SCRIPT, s.name)
		out.append(
			{
				"name": s.name,
				"title": s.title,
				"intro": s.intro,
				"questions": [
					{
						"key": q.key,
						"question": q.question,
						"type": q.type,
						"options": list(call_script.split_options(q.options)),
						"required": cint(q.required),
					}
					for q in doc.questions
				],
			}
		)
	return out


@frappe.whitelist(methods=["POST"])
def next_question(script: str, key: str, answer: str | None = None) -> dict:
	"""The key asked after `key` for this answer ("end" when done): the dialog's branching."""
	require_role(ACTION_ROLES)
	questions = load_script(script)
	by_key = {q.key: q for q in questions}
	if key not in by_key:
		frappe.throw(error_text("unknown_question", {"key": key}))
	try:
		value = call_script.normalise(by_key[key], answer)
		return {"next": call_script.next_key(questions, key, value), "answer": value}
	except call_script.ScriptError as e:
		frappe.throw(error_text(e.code, e.params), title=_("Call Script"))


@frappe.whitelist(methods=["POST"])
def save_script_response(call_log: str, script: str, answers: str | dict) -> dict:
	"""Store the answers on the path the script actually takes (re-walked here, so answers off the
	path are dropped); one response per call and script, replaced when the agent saves again."""
	call = check_call(call_log)
	if isinstance(answers, str):
		try:
			answers = json.loads(answers or "{}")
		except ValueError:
			frappe.throw(_("The answers must be a JSON object."))
	if not isinstance(answers, dict):
		frappe.throw(_("The answers must be a JSON object."))
	questions = load_script(script)
	try:
		walked = call_script.walk(questions, answers)
	except call_script.ScriptError as e:
		frappe.throw(error_text(e.code, e.params), title=_("Call Script"))
	text = {q.key: q.text for q in questions}
	name = frappe.db.get_value(RESPONSE, {"call_log": call_log, "script": script})
	doc = frappe.get_doc(RESPONSE, name) if name else frappe.new_doc(RESPONSE)
	doc.update(
		{
			"call_log": call_log,
			"script": script,
			"agent": frappe.session.user,
			"customer": call.customer or _caller_customer(call),
			"complete": int(walked.complete),
		}
	)
	doc.set("answers", [])
	for key in walked.path:
		value = walked.answers.get(key)
		if isinstance(value, float) and value.is_integer():
			value = int(value)
		doc.append(
			"answers", {"key": key, "question": text[key], "answer": cstr(value) if value is not None else ""}
		)
	doc.flags.ignore_permissions = True
	doc.save()
	return {"name": doc.name, "complete": walked.complete, "pending": walked.pending, "path": walked.path}
