"""Anchor fields every other provider hangs off, plus the first profile fields on Customer."""

from crm_suite.setup.custom_fields import (
	CONTACT_CHANNELS,
	CUSTOMER_TIERS,
	CUSTOMER_TYPES,
	LIFECYCLE_STAGES,
	options,
)


def get_fields() -> dict[str, list[dict]]:
	"""Anchors and the first profile fields."""
	return {
		"Customer": [
			{
				"fieldname": "crms_tab",
				"fieldtype": "Tab Break",
				"label": "CRM",
				"insert_after": "portal_users",
			},
			{
				"fieldname": "crms_customer_type",
				"fieldtype": "Select",
				"label": "CRM Customer Type",
				"options": options(CUSTOMER_TYPES),
				"insert_after": "crms_tab",
				"description": "B2B, B2C or individual; beside ERPNext's Company / Individual.",
				"in_standard_filter": 1,
			},
			{
				"fieldname": "crms_tier",
				"fieldtype": "Select",
				"label": "Tier",
				"options": options(CUSTOMER_TIERS),
				"insert_after": "crms_customer_type",
				"in_standard_filter": 1,
				"search_index": 1,
			},
			{
				"fieldname": "crms_column_break_1",
				"fieldtype": "Column Break",
				"insert_after": "crms_tier",
			},
			{
				"fieldname": "crms_lifecycle_stage",
				"fieldtype": "Select",
				"label": "Lifecycle Stage",
				"options": options(LIFECYCLE_STAGES),
				"insert_after": "crms_column_break_1",
				"in_standard_filter": 1,
				"search_index": 1,
			},
			{
				"fieldname": "crms_preferred_channel",
				"fieldtype": "Select",
				"label": "Preferred Channel",
				"options": options(CONTACT_CHANNELS),
				"insert_after": "crms_lifecycle_stage",
			},
			# One section per area, chained, so each provider's fields land in its own section.
			{
				"fieldname": "crms_profile_section",
				"fieldtype": "Section Break",
				"label": "Profile and Consent",
				"insert_after": "crms_preferred_channel",
			},
			{
				"fieldname": "crms_lifecycle_section",
				"fieldtype": "Section Break",
				"label": "Lifecycle and Value",
				"insert_after": "crms_profile_section",
			},
			{
				"fieldname": "crms_follow_up_section",
				"fieldtype": "Section Break",
				"label": "Follow-up",
				"insert_after": "crms_lifecycle_section",
			},
			{
				"fieldname": "crms_quality_section",
				"fieldtype": "Section Break",
				"label": "Data Quality",
				"insert_after": "crms_follow_up_section",
				"collapsible": 1,
			},
		],
		"Contact": [
			{
				"fieldname": "crms_section",
				"fieldtype": "Section Break",
				"label": "CRM",
				"insert_after": "unsubscribed",
				"collapsible": 1,
			},
			{
				"fieldname": "crms_quality_section",
				"fieldtype": "Section Break",
				"label": "Data Quality",
				"insert_after": "crms_section",
				"collapsible": 1,
			},
		],
		"Lead": [
			{
				"fieldname": "crms_section",
				"fieldtype": "Section Break",
				"label": "CRM",
				"insert_after": "qualified_on",
			},
			{
				"fieldname": "crms_quality_section",
				"fieldtype": "Section Break",
				"label": "Data Quality",
				"insert_after": "crms_section",
				"collapsible": 1,
			},
		],
		"Opportunity": [
			{
				"fieldname": "crms_section",
				"fieldtype": "Section Break",
				"label": "CRM",
				"insert_after": "probability",
			},
		],
	}
