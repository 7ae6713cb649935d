"""The live call-centre wallboard: data() for the desk page call-wallboard, notify() for realtime pushes.

notify() is registered in hooks.py under `crms_call_updated`: the webhook ingestion calls it after every
Call Log change. It publishes a tiny "crms_wallboard" ping (no figures, so no permission question) to
the desk users, at most once per THROTTLE_SECONDS for the whole site; open boards then call data(). The
page also polls every 15 s, which covers the last change of a burst that fell inside the throttle.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, flt, now_datetime

from crm_suite.call_centre import call_data
from crm_suite.engine import call_kpis

EVENT = "crms_wallboard"
THROTTLE_SECONDS = 3
_THROTTLE_KEY = "crms_wallboard_published"
ROLES = ("Call Centre Agent", "Call Centre Supervisor", "System Manager")


def notify(call_log: str | None = None, record=None, previous_status: str | None = None) -> bool:
	"""Tell open wallboards to refresh; a crms_call_updated handler. True if a ping was queued."""
	# SET NX EX: one atomic round trip, so concurrent ingestion workers publish once per window
	if not frappe.cache.set(frappe.cache.make_key(_THROTTLE_KEY), 1, nx=True, ex=THROTTLE_SECONDS):
		return False
	frappe.publish_realtime(EVENT, {"at": str(now_datetime())}, after_commit=True)
	return True


def _board_dict(wb: call_kpis.Wallboard) -> dict:
	return {
		"waiting": wb.waiting,
		"longest_wait_seconds": None if wb.longest_wait_seconds is None else round(wb.longest_wait_seconds),
		"service_level": None if wb.service_level is None else round(wb.service_level, 1),
		"asa": None if wb.asa is None else round(wb.asa, 1),
		"answered": wb.answered,
		"abandoned": wb.abandoned,
		"offered": wb.offered,
	}


def build(now=None, threshold_seconds: float = 20, target_sl: float = 80) -> dict:
	"""Today's board at `now`: the totals, agents by state and one tile per queue seen today."""
	now = now or now_datetime()
	facts = call_data.calls_today_facts(now.date(), now)
	states = call_data.agent_states()
	board = call_kpis.wallboard(facts, now, states, threshold_seconds=threshold_seconds)
	by_queue: dict[str, list] = {}
	for f in facts:
		by_queue.setdefault(f.queue, []).append(f)
	queues = []
	for q in sorted(by_queue):
		tile = _board_dict(call_kpis.wallboard(by_queue[q], now, {}, threshold_seconds=threshold_seconds))
		tile["queue"] = q
		queues.append(tile)
	# busiest first: waiting callers, then calls offered today
	queues.sort(key=lambda t: (-t["waiting"], -t["offered"], t["queue"]))
	out = _board_dict(board)
	out.update(
		{
			"now": str(now.replace(microsecond=0)),
			"threshold_seconds": threshold_seconds,
			"target_sl": target_sl,
			"agent_states": board.agent_states,
			"agents": sum(board.agent_states.values()),
			"has_agent_status": bool(frappe.db.exists("DocType", call_data.AGENT_STATUS)),
			"queues": queues,
		}
	)
	return out


@frappe.whitelist()
@frappe.read_only()
def data(threshold_seconds: int | None = None, target_sl: float | None = None) -> dict:
	"""The wallboard figures for the desk page (agents, supervisors and system managers)."""
	if not set(ROLES) & set(frappe.get_roles()):
		raise frappe.PermissionError(_("Only call-centre agents and supervisors can see the wallboard."))
	return build(
		threshold_seconds=cint(threshold_seconds) or 20,
		target_sl=flt(target_sl) or 80,
	)
