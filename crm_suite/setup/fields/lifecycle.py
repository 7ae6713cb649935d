"""Custom fields of the lifecycle area (see crm_suite/setup/custom_fields.py for the rules)."""


def get_fields() -> dict[str, list[dict]]:
	return {
		"Customer": [
			{
				"fieldname": "crms_stage_since",
				"fieldtype": "Date",
				"label": "In Stage Since",
				"insert_after": "crms_lifecycle_section",
				"read_only": 1,
				"no_copy": 1,
				"description": "Date of the last lifecycle transition (see CRMS Lifecycle Transition).",
			},
			{
				"fieldname": "crms_stage_review_on",
				"fieldtype": "Date",
				"label": "Next Stage Review",
				"insert_after": "crms_stage_since",
				"read_only": 1,
				"no_copy": 1,
				"search_index": 1,
				"description": "When the stage changes by itself if no purchase comes first (nightly job).",
			},
			{
				"fieldname": "crms_lifecycle_column_break",
				"fieldtype": "Column Break",
				"insert_after": "crms_stage_review_on",
			},
			{
				"fieldname": "crms_tier_rule",
				"fieldtype": "Link",
				"label": "Tier Set By Rule",
				"options": "CRMS Segment Rule",
				"insert_after": "crms_lifecycle_column_break",
				"read_only": 1,
				"no_copy": 1,
				"search_index": 1,
			},
		]
	}
