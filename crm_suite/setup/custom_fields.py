"""Custom fields crm_suite adds to ERPNext doctypes.

One definition, applied idempotently by `crm_suite.setup.install.setup` on install and on every
migrate, removed by `before_uninstall`. Every fieldname starts with `crms_` so ours can never clash
with ERPNext's, Frappe CRM's or a site's own customisations.
"""

FIELD_PREFIX = "crms_"

CUSTOMER_TYPES = ("B2B", "B2C", "Individual")
CUSTOMER_TIERS = ("VIP", "Key", "Normal")
LIFECYCLE_STAGES = (
	"Prospect",
	"Lead",
	"Qualified",
	"Customer",
	"Active",
	"At Risk",
	"Lapsed",
	"Reactivated",
)
CONTACT_CHANNELS = ("Phone", "Email", "SMS", "Chat", "Visit")


def _options(values) -> str:
	return "\n".join(("", *values))


def get_custom_fields() -> dict[str, list[dict]]:
	"""All crm_suite custom fields, keyed by ERPNext doctype."""
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
				"options": _options(CUSTOMER_TYPES),
				"insert_after": "crms_tab",
				"description": "B2B, B2C or individual; beside ERPNext's Company / Individual.",
				"in_standard_filter": 1,
			},
			{
				"fieldname": "crms_tier",
				"fieldtype": "Select",
				"label": "Tier",
				"options": _options(CUSTOMER_TIERS),
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
				"options": _options(LIFECYCLE_STAGES),
				"insert_after": "crms_column_break_1",
				"in_standard_filter": 1,
				"search_index": 1,
			},
			{
				"fieldname": "crms_preferred_channel",
				"fieldtype": "Select",
				"label": "Preferred Channel",
				"options": _options(CONTACT_CHANNELS),
				"insert_after": "crms_lifecycle_stage",
			},
		],
	}


def iter_fieldnames():
	for doctype, fields in get_custom_fields().items():
		for df in fields:
			yield doctype, df["fieldname"]
