"""Custom fields of the service-desk intake area on Issue (see crm_suite/setup/custom_fields.py).

Intake stores where a ticket came from, who the customer is at that moment (tier, open tickets),
how it was classified and which team owns it. ERPNext's own issue_type (category) and priority
(Issue Priority) are kept. The idempotency key is unique, so a retried REST call can never create
a second ticket, even when two retries race. One section after ERPNext's issue_split_from; every
other field hangs off the previous one.
"""

from crm_suite.setup.custom_fields import CUSTOMER_TIERS, options

CHANNELS = ("Email", "Portal", "Web", "Phone", "Chat", "App", "API")
LEVELS = ("High", "Medium", "Low")
COMPLAINT_CLASSES = ("Normal", "Urgent", "Major")
CLASSIFIED_BY = ("Rule", "Model", "Agent")


def _chain(fields: list[dict]) -> list[dict]:
	for previous, df in zip(fields, fields[1:], strict=False):
		df["insert_after"] = previous["fieldname"]
	return fields


def get_fields() -> dict[str, list[dict]]:
	fields = [
		{
			"fieldname": "crms_intake_section",
			"fieldtype": "Section Break",
			"label": "Service Desk",
			"insert_after": "issue_split_from",
		},
		{
			"fieldname": "crms_channel",
			"fieldtype": "Select",
			"label": "Channel",
			"options": options(CHANNELS),
			"in_standard_filter": 1,
			"search_index": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_customer_tier",
			"fieldtype": "Select",
			"label": "Customer Tier",
			"options": options(CUSTOMER_TIERS),
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
			"description": "The customer's tier when the ticket came in.",
		},
		{
			"fieldname": "crms_open_tickets",
			"fieldtype": "Int",
			"label": "Customer's Open Tickets",
			"read_only": 1,
			"no_copy": 1,
			"description": "Other open tickets of this customer when the ticket came in.",
		},
		{
			"fieldname": "crms_intake_column_1",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_impact",
			"fieldtype": "Select",
			"label": "Impact",
			"options": options(LEVELS),
		},
		{
			"fieldname": "crms_urgency",
			"fieldtype": "Select",
			"label": "Urgency",
			"options": options(LEVELS),
		},
		{
			"fieldname": "crms_complaint_class",
			"fieldtype": "Select",
			"label": "Complaint Class",
			"options": options(COMPLAINT_CLASSES),
			"in_standard_filter": 1,
			"search_index": 1,
		},
		{
			"fieldname": "crms_intake_column_2",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_team",
			"fieldtype": "Link",
			"label": "Team",
			"options": "CRMS Service Team",
			"in_standard_filter": 1,
			"search_index": 1,
		},
		{
			"fieldname": "crms_category_confidence",
			"fieldtype": "Percent",
			"label": "Category Confidence",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_classified_by",
			"fieldtype": "Select",
			"label": "Classified By",
			"options": options(CLASSIFIED_BY),
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_idempotency_key",
			"fieldtype": "Data",
			"label": "Idempotency Key",
			"hidden": 1,
			"read_only": 1,
			"no_copy": 1,
			"unique": 1,
		},
	]
	return {"Issue": _chain(fields)}
