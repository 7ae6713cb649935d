"""Custom fields of the quality area (see crm_suite/setup/custom_fields.py for the rules).

Each of Customer, Contact and Lead gets, after its `crms_quality_section` anchor: the quality score
(indexed: reports filter and sort on it), the missing / invalid items, and three hidden, indexed
duplicate keys (normalised name, last 8 phone digits, email) used by the on-save duplicate warning
and the scan, so neither ever scans a table.
"""


def _quality_fields(doctype: str) -> list[dict]:
	return [
		{
			"fieldname": "crms_quality_score",
			"fieldtype": "Int",
			"label": "Quality Score",
			"insert_after": "crms_quality_section",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"in_standard_filter": 1,
			"description": f"Completeness and validity of the key fields of this {doctype} (0-100).",
		},
		{
			"fieldname": "crms_quality_column",
			"fieldtype": "Column Break",
			"insert_after": "crms_quality_score",
		},
		{
			"fieldname": "crms_quality_issues",
			"fieldtype": "Small Text",
			"label": "Missing or Invalid",
			"insert_after": "crms_quality_column",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crms_name_key",
			"fieldtype": "Data",
			"label": "Duplicate Key: Name",
			"insert_after": "crms_quality_issues",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "crms_phone_key",
			"fieldtype": "Data",
			"label": "Duplicate Key: Phone",
			"insert_after": "crms_name_key",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "crms_email_key",
			"fieldtype": "Data",
			"label": "Duplicate Key: Email",
			"insert_after": "crms_phone_key",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
			"search_index": 1,
		},
	]


def get_fields() -> dict[str, list[dict]]:
	return {doctype: _quality_fields(doctype) for doctype in ("Customer", "Contact", "Lead")}
