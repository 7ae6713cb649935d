"""Custom fields crm_suite adds to ERPNext doctypes.

One definition, applied idempotently by `crm_suite.setup.install.setup` on install and on every
migrate, removed by `before_uninstall`. Every fieldname starts with `crms_` so ours can never clash
with ERPNext's, Frappe CRM's or a site's own customisations.

Each area owns one provider module in `crm_suite/setup/fields/` (no frappe imports: the layout test
reads them without a site). `base` adds one anchor per doctype (`crms_tab` / `crms_section`); every
other field hangs off an anchor or another of our fields, so ERPNext reordering can't scatter them.
"""

from importlib import import_module
from itertools import pairwise

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


# Merge order matters: a provider may anchor only to fields of itself or of providers before it.
PROVIDERS = (
	"crm_suite.setup.fields.base",
	"crm_suite.setup.fields.profile",
	"crm_suite.setup.fields.lifecycle",
	"crm_suite.setup.fields.quality",
	"crm_suite.setup.fields.service_desk_intake",
	"crm_suite.setup.fields.service_desk_sla",
	"crm_suite.setup.fields.service_desk_categories",
	"crm_suite.setup.fields.service_desk_lifecycle",
	"crm_suite.setup.fields.knowledge_base",
	"crm_suite.setup.fields.call_centre",
	"crm_suite.setup.fields.outbound",
)


def options(values) -> str:
	return "\n".join(("", *values))


# Per doctype, the area sections in form order. Each provider hangs its fields off its own section;
# every section after the first is re-anchored to the last field of the section before it, because
# two fields with the same `insert_after` get an arbitrary order in the form.
SECTION_CHAIN = {
	"Customer": (
		"crms_profile_section",
		"crms_lifecycle_section",
		"crms_follow_up_section",
		"crms_quality_section",
	),
	"Contact": ("crms_section", "crms_quality_section"),
	"Lead": ("crms_section", "crms_quality_section"),
}


def get_custom_fields() -> dict[str, list[dict]]:
	"""All crm_suite custom fields, keyed by ERPNext doctype."""
	merged: dict[str, list[dict]] = {}
	for provider in PROVIDERS:
		for doctype, fields in import_module(provider).get_fields().items():
			merged.setdefault(doctype, []).extend(dict(df) for df in fields)
	for doctype, chain in SECTION_CHAIN.items():
		_chain_sections(merged.get(doctype, []), chain)
	return merged


def _chain_sections(fields: list[dict], chain: tuple[str, ...]) -> None:
	by_name = {df["fieldname"]: df for df in fields}
	children: dict[str, list[str]] = {}
	for df in fields:
		if df["fieldname"] not in chain:
			children.setdefault(df["insert_after"], []).append(df["fieldname"])

	def tail(name: str) -> str:
		while children.get(name):
			if len(children[name]) > 1:
				raise ValueError(f"fields {children[name]} all insert after {name}: chain them")
			name = children[name][0]
		return name

	for previous, section in pairwise(chain):
		if section in by_name:
			by_name[section]["insert_after"] = tail(previous)


# (doctype, property, value, property_type): doctype-level settings we change on ERPNext doctypes.
# track_changes keeps a Version for every edit, so an original value is never lost (Customer has it
# already; ERPNext leaves it off on Contact, Lead and Opportunity).
PROPERTY_SETTERS = (
	("Contact", "track_changes", "1", "Check"),
	("Lead", "track_changes", "1", "Check"),
	("Opportunity", "track_changes", "1", "Check"),
	# Link search and the awesome bar find a customer by number, name, phone, email, tax id or tier.
	(
		"Customer",
		"search_fields",
		"customer_group,territory,mobile_no,email_id,tax_id,primary_address,crms_tier",
		"Data",
	),
)


def iter_fieldnames():
	for doctype, fields in get_custom_fields().items():
		for df in fields:
			yield doctype, df["fieldname"]
