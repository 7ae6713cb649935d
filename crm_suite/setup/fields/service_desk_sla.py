"""Custom fields of the service-desk SLA area on Issue (see crm_suite/setup/custom_fields.py for the rules).

The SLA state lives on the Issue itself so the list view, reports and the scheduled re-evaluation
read and write one row per ticket (no join, no child table). The area opens its own tab, so it does
not compete with the intake area for an anchor: a Tab Break may open anywhere in the form; every
other field hangs off the previous one of this area.
"""

SLA_STATUSES = ("Running", "Warning", "Breached", "Paused", "Met", "Missed", "No Target")


def _chain(fields: list[dict]) -> list[dict]:
	for previous, df in zip(fields, fields[1:], strict=False):
		df["insert_after"] = previous["fieldname"]
	return fields


def get_fields() -> dict[str, list[dict]]:
	fields = [
		{
			"fieldname": "crms_sla_tab",
			"fieldtype": "Tab Break",
			"label": "SLA",
			"insert_after": "sla_resolution_date",
		},
		{
			"fieldname": "crms_sla_section",
			"fieldtype": "Section Break",
			"label": "Service Level",
		},
		{
			"fieldname": "crms_sla_policy",
			"fieldtype": "Link",
			"label": "SLA Policy",
			"options": "CRMS SLA Policy",
			"search_index": 1,
			"no_copy": 1,
			"description": "Chosen automatically when the ticket is created or its priority changes.",
		},
		{
			"fieldname": "crms_sla_status",
			"fieldtype": "Select",
			"label": "SLA Status",
			"options": "\n".join(("", *SLA_STATUSES)),
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "crms_escalation_level",
			"fieldtype": "Int",
			"label": "Escalation Level",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_sla_column",
			"fieldtype": "Column Break",
		},
		{
			"fieldname": "crms_response_due",
			"fieldtype": "Datetime",
			"label": "First Response Due",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_response_left_seconds",
			"fieldtype": "Int",
			"label": "Response Seconds Left",
			"read_only": 1,
			"no_copy": 1,
			"description": "Business time left when last evaluated; negative when overdue.",
		},
		{
			"fieldname": "crms_resolution_due",
			"fieldtype": "Datetime",
			"label": "Resolution Due",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_resolution_left_seconds",
			"fieldtype": "Int",
			"label": "Resolution Seconds Left",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_sla_pause_section",
			"fieldtype": "Section Break",
			"label": "Pauses",
			"collapsible": 1,
		},
		{
			"fieldname": "crms_sla_paused_since",
			"fieldtype": "Datetime",
			"label": "Paused Since",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_sla_paused_seconds",
			"fieldtype": "Float",
			"label": "Paused Business Seconds",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_sla_evaluated_on",
			"fieldtype": "Datetime",
			"label": "SLA Evaluated On",
			"read_only": 1,
			"no_copy": 1,
		},
	]
	return {"Issue": _chain(fields)}
