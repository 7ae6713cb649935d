"""Custom fields of the call centre on ERPNext's Call Log (see crm_suite/setup/custom_fields.py).

A Call Log stays ERPNext's record of a call (id = the provider's call id, from, to, status, type,
start/end, duration, recording_url, summary, links); we add what a call centre measures and decides:
queue (skill), agent, the timing split (wait, talk, hold, wrap-up), abandoned / voicemail / transfer
chain, the disposition and what the call led to (ticket, opportunity, lead, contact), the callback it
needs. The timing fields are written by the webhook ingestion from the folded provider events
(engine/telephony.py), never typed in.
"""

from itertools import pairwise

from crm_suite.setup.custom_fields import options

DISPOSITIONS = (
	"Resolved",
	"Information Given",
	"Ticket Created",
	"Interested",
	"Not Interested",
	"Callback Requested",
	"Escalated",
	"Complaint",
	"Wrong Number",
	"Voicemail Left",
	"No Answer",
	"Busy",
)
CALLBACK_STATUSES = ("Open", "Done", "Cancelled")


def _chain(fields: list[dict]) -> list[dict]:
	for previous, df in pairwise(fields):
		df.setdefault("insert_after", previous["fieldname"])
	return fields


def _seconds(fieldname: str, label: str) -> dict:
	return {"fieldname": fieldname, "fieldtype": "Int", "label": label, "read_only": 1, "no_copy": 1}


def get_fields() -> dict[str, list[dict]]:
	call_log = [
		{
			"fieldname": "crms_call_centre_tab",
			"fieldtype": "Tab Break",
			"label": "Call Centre",
			"insert_after": "call_received_by",
		},
		{
			"fieldname": "crms_queue",
			"fieldtype": "Data",
			"label": "Queue / Skill",
			"in_standard_filter": 1,
			"in_list_view": 1,
			"read_only": 1,
		},
		{
			"fieldname": "crms_agent",
			"fieldtype": "Link",
			"label": "Agent",
			"options": "User",
			"in_standard_filter": 1,
			"in_list_view": 1,
			"search_index": 1,
		},
		{"fieldname": "crms_team", "fieldtype": "Link", "label": "Team", "options": "CRMS Service Team"},
		{"fieldname": "crms_provider", "fieldtype": "Data", "label": "Telephony Provider", "read_only": 1},
		{"fieldname": "crms_vip", "fieldtype": "Check", "label": "VIP Caller", "read_only": 1},
		{"fieldname": "crms_timing_column", "fieldtype": "Column Break"},
		{"fieldname": "crms_ring_at", "fieldtype": "Datetime", "label": "Ringing At", "read_only": 1},
		{"fieldname": "crms_answered_at", "fieldtype": "Datetime", "label": "Answered At", "read_only": 1},
		_seconds("crms_wait_seconds", "Wait (Seconds)"),
		_seconds("crms_talk_seconds", "Talk (Seconds)"),
		_seconds("crms_hold_seconds", "Hold (Seconds)"),
		_seconds("crms_wrapup_seconds", "Wrap-up (Seconds)"),
		{"fieldname": "crms_flags_column", "fieldtype": "Column Break"},
		{
			"fieldname": "crms_abandoned",
			"fieldtype": "Check",
			"label": "Abandoned",
			"read_only": 1,
			"in_standard_filter": 1,
		},
		{"fieldname": "crms_voicemail", "fieldtype": "Check", "label": "Voicemail", "read_only": 1},
		{"fieldname": "crms_transferred", "fieldtype": "Check", "label": "Transferred", "read_only": 1},
		{
			"fieldname": "crms_transfer_chain",
			"fieldtype": "Small Text",
			"label": "Transfer Chain",
			"read_only": 1,
		},
		{"fieldname": "crms_end_reason", "fieldtype": "Data", "label": "End Reason", "read_only": 1},
		{
			"fieldname": "crms_outcome_section",
			"fieldtype": "Section Break",
			"label": "Outcome",
		},
		{
			"fieldname": "crms_disposition",
			"fieldtype": "Select",
			"label": "Disposition",
			"options": options(DISPOSITIONS),
			"in_standard_filter": 1,
		},
		{
			"fieldname": "crms_first_call_resolution",
			"fieldtype": "Check",
			"label": "Resolved on This Call",
		},
		{
			"fieldname": "crms_issue",
			"fieldtype": "Link",
			"label": "Ticket",
			"options": "Issue",
			"search_index": 1,
		},
		{
			"fieldname": "crms_opportunity",
			"fieldtype": "Link",
			"label": "Opportunity",
			"options": "Opportunity",
		},
		{"fieldname": "crms_outcome_column", "fieldtype": "Column Break"},
		{"fieldname": "crms_contact", "fieldtype": "Link", "label": "Contact", "options": "Contact"},
		{"fieldname": "crms_lead", "fieldtype": "Link", "label": "Lead", "options": "Lead"},
		{"fieldname": "crms_callback_due", "fieldtype": "Datetime", "label": "Call Back By"},
		{
			"fieldname": "crms_callback_status",
			"fieldtype": "Select",
			"label": "Callback",
			"options": options(CALLBACK_STATUSES),
			"in_standard_filter": 1,
		},
		{
			"fieldname": "crms_callback_todo",
			"fieldtype": "Link",
			"label": "Callback Task",
			"options": "ToDo",
			"read_only": 1,
		},
		{
			"fieldname": "crms_event_count",
			"fieldtype": "Int",
			"label": "Provider Events",
			"read_only": 1,
			"hidden": 1,
		},
	]
	return {"Call Log": _chain(call_log)}
