"""Custom fields of the ticket lifecycle and complaint handling area (see crm_suite/setup/custom_fields.py).

On Issue: the service-desk stage kept in step with ERPNext's status (crm_suite/engine/ticket_lifecycle.py
documents the mapping), reopen and merge bookkeeping, and for complaints the fair-handling checklist,
root cause and the customer's confirmation. The area opens its own tab after ERPNext's last Issue
field, so it shares no anchor with the intake and SLA areas.

On Non Conformance and Quality Action (ERPNext Quality): the Issue a corrective/preventive action
belongs to, so a complaint can only close when its actions are closed.
"""

from itertools import pairwise

from crm_suite.engine.ticket_lifecycle import CHECKLIST, STAGES
from crm_suite.setup.custom_fields import options


def _chain(fields: list[dict]) -> list[dict]:
	for previous, df in pairwise(fields):
		df["insert_after"] = previous["fieldname"]
	return fields


def _check(fieldname: str, label: str) -> dict:
	return {"fieldname": fieldname, "fieldtype": "Check", "label": label, "no_copy": 1}


def get_fields() -> dict[str, list[dict]]:
	half = len(CHECKLIST) // 2
	issue = [
		{
			"fieldname": "crms_lifecycle_tab",
			"fieldtype": "Tab Break",
			"label": "Lifecycle",
			"insert_after": "content_type",
		},
		{
			"fieldname": "crms_lifecycle_section",
			"fieldtype": "Section Break",
			"label": "Ticket Lifecycle",
		},
		{
			"fieldname": "crms_stage",
			"fieldtype": "Select",
			"label": "Stage",
			"options": options(STAGES),
			"no_copy": 1,
			"search_index": 1,
			"in_standard_filter": 1,
			"description": "Kept in step with Status: Pending = Open and not answered or assigned yet; "
			"In Progress = Open after the first reply or an assignment; Waiting on Customer = Replied or On Hold.",
		},
		{
			"fieldname": "crms_resolved_on",
			"fieldtype": "Datetime",
			"label": "Resolved On",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_merged_into",
			"fieldtype": "Link",
			"label": "Merged Into",
			"options": "Issue",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "crms_lifecycle_column",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_reopen_count",
			"fieldtype": "Int",
			"label": "Times Reopened",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_reopened_on",
			"fieldtype": "Datetime",
			"label": "Last Reopened On",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_complaint_section",
			"fieldtype": "Section Break",
			"label": "Complaint Handling",
			"depends_on": "eval:doc.crms_complaint_class",
			"description": "A complaint can be closed only when this checklist is complete, its corrective "
			"and preventive actions are closed and the customer confirmed the resolution.",
		},
		*[_check(f, label) for f, label in CHECKLIST[:half]],
		{
			"fieldname": "crms_checklist_column",
			"fieldtype": "Column Break",
		},
		*[_check(f, label) for f, label in CHECKLIST[half:]],
		{
			"fieldname": "crms_complaint_column",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_root_cause",
			"fieldtype": "Small Text",
			"label": "Root Cause",
			"no_copy": 1,
		},
		{
			"fieldname": "crms_customer_confirmed",
			"fieldtype": "Check",
			"label": "Customer Confirmed Resolution",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_customer_confirmed_on",
			"fieldtype": "Datetime",
			"label": "Customer Confirmed On",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_customer_feedback",
			"fieldtype": "Small Text",
			"label": "Customer's Last Word",
			"read_only": 1,
			"no_copy": 1,
		},
	]
	non_conformance = [
		{
			"fieldname": "crms_issue",
			"fieldtype": "Link",
			"label": "Issue",
			"options": "Issue",
			"insert_after": "status",
			"search_index": 1,
			"description": "The customer ticket (complaint) this corrective/preventive action answers.",
		},
	]
	quality_action = [
		{
			"fieldname": "crms_issue",
			"fieldtype": "Link",
			"label": "Issue",
			"options": "Issue",
			"insert_after": "corrective_preventive",
			"search_index": 1,
		},
		{
			"fieldname": "crms_non_conformance",
			"fieldtype": "Link",
			"label": "Non Conformance",
			"options": "Non Conformance",
			"search_index": 1,
		},
	]
	return {
		"Issue": _chain(issue),
		"Non Conformance": non_conformance,
		"Quality Action": _chain(quality_action),
	}
