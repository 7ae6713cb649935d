"""Custom fields of the quality area (see crm_suite/setup/custom_fields.py for the rules)."""


def get_fields() -> dict[str, list[dict]]:
	return {}
