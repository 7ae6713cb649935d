"""Number cards of the Call Centre workspace (Number Card type Custom: the desk calls these methods)."""

from __future__ import annotations

import frappe
from frappe.utils import nowdate

from crm_suite.call_centre import call_data
from crm_suite.engine import call_kpis


def _today() -> call_kpis.CallKpis:
	start, end = call_data.day_bounds(nowdate(), nowdate())
	return call_kpis.from_totals(call_data.totals_by(None, start, end)[call_kpis.ALL])


def _route(**route_options) -> dict:
	return {
		"route": ["List", "Call Log"],
		"route_options": {"start_time": [">=", nowdate()], **route_options},
	}


@frappe.whitelist()
def calls_today(filters=None) -> dict:
	return {"value": _today().calls, "fieldtype": "Int", **_route()}


@frappe.whitelist()
def abandoned_today(filters=None) -> dict:
	return {"value": _today().abandoned, "fieldtype": "Int", **_route(crms_abandoned=1)}


@frappe.whitelist()
def service_level_today(filters=None) -> dict:
	sl = _today().service_level
	return {"value": round(sl, 1) if sl is not None else 0, "fieldtype": "Percent", **_route()}
