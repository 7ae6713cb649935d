"""Custom fields of the profile area (see crm_suite/setup/custom_fields.py for the rules)."""


def get_fields() -> dict[str, list[dict]]:
	return {}
