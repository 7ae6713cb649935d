"""Agent states (Available, On Call, Wrap-up, Break, Offline), their log, and "who takes the next call".

One CRMS Agent Status per user holds the current state and since when; every change closes the
user's open CRMS Agent State Log row (to, seconds) and opens one for the new state, so occupancy and
staffed time are sums over the log (call_centre/call_data.py reads it). States change three ways:
the agent or a supervisor (`set_state`), the call events (`on_call_updated`, a `crms_call_updated`
hook called by the webhook ingestion), and nothing else. `next_agent` answers the PBX's question
with crm_suite.engine.agent_select.
"""

from __future__ import annotations

import time

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from crm_suite.engine import agent_select

STATUS = "CRMS Agent Status"
LOG = "CRMS Agent State Log"
STATES = agent_select.STATES
SUPERVISOR_ROLES = ("Call Centre Supervisor", "System Manager")
AGENT_ROLES = ("Call Centre Agent", *SUPERVISOR_ROLES)


def require_role(roles) -> None:
	"""frappe.only_for without its test bypass (v15 skips the check whenever flags.in_test is set)."""
	if frappe.session.user == "Administrator":
		return
	if set(roles).isdisjoint(frappe.get_roles()):
		frappe.throw(_("Not permitted"), frappe.PermissionError)


def is_supervisor(user: str | None = None) -> bool:
	return bool(set(SUPERVISOR_ROLES) & set(frappe.get_roles(user)))


def _status_row(user: str, for_update: bool = False):
	return frappe.db.get_value(
		STATUS, user, ["name", "state", "since", "current_call"], as_dict=True, for_update=for_update
	)


def change_state(user: str, state: str, call_log: str | None = None, changed_by: str | None = None) -> bool:
	"""Move `user` to `state` (trusted server code: no permission check). Returns False when the
	user already was in that state for that call (replayed events are no-ops)."""
	if state not in STATES:
		frappe.throw(_("Unknown agent state {0}.").format(frappe.bold(state)))
	if not frappe.db.exists("User", user):
		frappe.throw(_("User {0} does not exist.").format(frappe.bold(user)))
	now = now_datetime()
	row = _status_row(user, for_update=True)
	current_call = call_log if state in (agent_select.ON_CALL, agent_select.WRAP_UP) else None
	if row and row.state == state and (row.current_call or None) == current_call:
		return False
	if not row:
		frappe.get_doc(
			{"doctype": STATUS, "user": user, "state": state, "since": now, "current_call": current_call}
		).insert(ignore_permissions=True)
	else:
		frappe.db.set_value(
			STATUS, user, {"state": state, "since": now, "current_call": current_call}, update_modified=True
		)
	# close the open interval (the (user, from) index finds it)
	frappe.db.sql(
		"""update `tabCRMS Agent State Log` set `to` = %(now)s,
			seconds = greatest(0, timestampdiff(second, `from`, %(now)s))
		where user = %(user)s and `to` is null""",
		{"now": now, "user": user},
	)
	frappe.get_doc(
		{
			"doctype": LOG,
			"user": user,
			"state": state,
			"from": now,
			"call_log": call_log,
			"changed_by": changed_by or frappe.session.user,
		}
	).insert(ignore_permissions=True)
	frappe.publish_realtime(
		"crms_agent_state", {"user": user, "state": state, "since": str(now)}, user=user, after_commit=True
	)
	return True


@frappe.whitelist(methods=["POST"])
def set_state(state: str, user: str | None = None) -> dict:
	"""The current user's new state; a supervisor may set another agent's."""
	require_role(AGENT_ROLES)
	target = user or frappe.session.user
	if target != frappe.session.user and not is_supervisor():
		frappe.throw(
			_("Only a call centre supervisor may change another agent's state."), frappe.PermissionError
		)
	if state not in STATES:
		frappe.throw(_("Unknown agent state {0}.").format(frappe.bold(state)))
	change_state(target, state, changed_by=frappe.session.user)
	return my_state(target)


@frappe.whitelist(methods=["GET"])
def my_state(user: str | None = None) -> dict:
	"""State, since and extension of the current user (or, for a supervisor, of `user`)."""
	target = user or frappe.session.user
	if target != frappe.session.user and not is_supervisor():
		frappe.throw(_("Not permitted"), frappe.PermissionError)
	is_agent = bool(set(AGENT_ROLES) & set(frappe.get_roles(target)))
	row = frappe.db.get_value(STATUS, target, ["state", "since", "extension", "current_call"], as_dict=True)
	return {
		"user": target,
		"is_agent": is_agent,
		"state": row.state if row else "Offline",
		"since": row.since if row else None,
		"extension": row.extension if row else None,
		"current_call": row.current_call if row else None,
		"states": list(STATES),
	}


# ------------------------------------------------------------------------------------------------
# Call events (hooks.py crms_call_updated)


def user_for_agent_id(agent_id: str | None) -> str | None:
	"""A provider's agent id -> User: a user id / e-mail, else an Agent Status extension."""
	if not agent_id:
		return None
	if frappe.db.exists("User", agent_id):
		return agent_id
	return frappe.db.get_value(STATUS, {"extension": agent_id}, "user")


def on_call_updated(call_log: str, record, previous_status: str | None = None) -> None:
	"""Keep the agents of a call in step with it: answered -> On Call, ended -> Wrap-up, wrap-up done
	-> Available; an agent who transferred the call away is Available again."""
	agent = frappe.db.get_value("Call Log", call_log, "crms_agent") or user_for_agent_id(record.agent)
	answered = record.answered_at is not None
	ended = record.ended_at is not None
	if agent:
		row = _status_row(agent)
		target = agent_select.state_after_call(
			row.state if row else None,
			row.current_call if row else None,
			call_log,
			answered=answered,
			ended=ended,
			wrapup_done=record.wrapup_seconds is not None,
		)
		if target:
			change_state(agent, target, call_log=call_log, changed_by="Administrator")
	for earlier in record.transfers[:-1]:
		user = user_for_agent_id(earlier)
		if not user or user == agent:
			continue
		row = _status_row(user)
		if row and row.current_call == call_log and row.state == agent_select.ON_CALL:
			change_state(user, agent_select.AVAILABLE, changed_by="Administrator")


# ------------------------------------------------------------------------------------------------
# Next agent (the PBX asks)


def candidates() -> list[agent_select.Candidate]:
	rows = frappe.get_all(
		STATUS,
		filters={"state": agent_select.AVAILABLE},
		fields=["user", "state", "since", "skills", "senior", "extension"],
		limit_page_length=0,
	)
	enabled = set(
		frappe.get_all("User", filters={"name": ["in", [r.user for r in rows]], "enabled": 1}, pluck="name")
		if rows
		else []
	)
	return [
		agent_select.Candidate(
			user=r.user,
			state=r.state,
			since=get_datetime(r.since) if r.since else None,
			skills=agent_select.skill_set(r.skills),
			senior=bool(cint(r.senior)),
			extension=r.extension,
		)
		for r in rows
		if r.user in enabled
	]


def caller_is_vip(caller: str | None) -> bool:
	from crm_suite.call_centre.screen_pop import find_parties

	if not caller:
		return False
	customer = find_parties(caller).get("customer")
	return bool(customer and frappe.db.get_value("Customer", customer, "crms_tier") == "VIP")


def choose(queue: str | None, caller: str | None = None, exclude: str | None = None) -> dict:
	excluded = [e.strip() for e in (exclude or "").split(",") if e.strip()]
	vip = caller_is_vip(caller)
	choice = agent_select.select(candidates(), queue, vip=vip, now=now_datetime(), exclude=excluded)
	if not choice:
		return {"user": None, "extension": None, "vip": vip, "reason": "none_available"}
	return {
		"user": choice.user,
		"extension": choice.extension,
		"vip": vip,
		"reason": choice.reason,
		"idle_seconds": choice.idle_seconds,
	}


def _verify_pbx(provider: str | None) -> None:
	"""A signed request from an enabled CRMS Telephony Provider, or a logged-in supervisor (session or
	`Authorization: token key:secret` of such a user). Signature: the generic scheme of
	docs/telephony-webhooks.md, X-CRMS-Timestamp + X-CRMS-Signature = HMAC-SHA256(secret,
	"<timestamp>." + the raw JSON body), or + the query string for a GET (a form-encoded POST body is
	consumed by frappe before we see it: send JSON or GET)."""
	if frappe.session.user != "Guest":
		require_role(SUPERVISOR_ROLES)
		return
	from crm_suite.engine import telephony

	if not provider or not frappe.db.exists("DocType", "CRMS Telephony Provider"):
		raise frappe.AuthenticationError(_("Not permitted"))
	doc = frappe.db.get_value("CRMS Telephony Provider", provider, ["name", "enabled"], as_dict=True)
	if not doc or not cint(doc.enabled):
		raise frappe.AuthenticationError(_("Not permitted"))
	secret = frappe.utils.password.get_decrypted_password(
		"CRMS Telephony Provider", provider, "secret", raise_exception=False
	)
	request = frappe.local.request
	body = request.get_data() if request else b""
	if not body and request:
		body = request.query_string
	tolerance = cint(frappe.db.get_value("CRMS Telephony Provider", provider, "timestamp_tolerance")) or 300
	try:
		telephony.verify(
			"generic",
			secret or "",
			dict(request.headers) if request else {},
			body,
			"",
			time.time(),
			tolerance,
		)
	except telephony.BadEvent:
		raise frappe.AuthenticationError(_("Not permitted"))


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
def next_agent(
	queue: str | None = None,
	caller: str | None = None,
	exclude: str | None = None,
	provider: str | None = None,
) -> dict:
	"""The agent the PBX should ring for a call from `queue` (and `caller`), or user None.
	`exclude`: comma-separated users already tried."""
	_verify_pbx(provider)
	return choose(queue, caller, exclude)
