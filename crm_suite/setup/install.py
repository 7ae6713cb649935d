"""Install, migrate and uninstall hooks. Everything here is idempotent: run it twice, get one result."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from crm_suite.crm_suite.doctype.crms_settings.crms_settings import store_missing_defaults
from crm_suite.setup.custom_fields import FIELD_PREFIX, PROPERTY_SETTERS, get_custom_fields, iter_fieldnames
from crm_suite.setup.roles import ROLES, role_names

CUSTOM_FIELD_MODULE = "Customer 360"


def after_install():
	setup()


def after_migrate():
	setup()


def setup():
	"""Bring roles, custom fields and our indexes on ERPNext's tables to the current definitions."""
	create_roles()
	sync_custom_fields()
	sync_property_setters()
	store_missing_defaults()
	create_default_segment_rules()
	create_default_complaint_policies()
	sync_indexes()
	setup_knowledge_base()
	grant_read_permissions()
	create_default_contingency_plans()
	sync_call_centre_email_reports()


# Read rules ERPNext forgot: its Issue form reads Support Settings on load, which only System Manager
# may read, so every agent got "No permission for Support Settings" on every ticket; Frappe's e-mail
# composer reads Email Account for the signature, which stock Frappe grants Inbox User but no agent
# role ("No permission for Email Account" on every reply). Password fields never leave the server.
READ_PERMISSIONS = (
	("Support Settings", "Support Team"),
	("Support Settings", "Service Supervisor"),
	("Email Account", "Support Team"),
	("Email Account", "Service Supervisor"),
	# QA: inspectors read the tickets and calls they score (the review form shows the conversation)
	("Issue", "QA Inspector"),
	("Call Log", "QA Inspector"),
	# Call centre: ERPNext lets only System Manager and Employee read Call Log; agents open their calls
	("Call Log", "Call Centre Agent"),
	("Call Log", "Call Centre Supervisor"),
)


def grant_read_permissions():
	from frappe.permissions import add_permission

	for doctype, role in READ_PERMISSIONS:
		if not frappe.db.exists("Role", role):
			continue
		if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
			continue
		add_permission(doctype, role, 0, "read")
		frappe.clear_cache(doctype=doctype)


def revoke_read_permissions():
	"""Remove our rules; when what is left only copies the standard rules, drop the copies too."""
	for doctype, role in READ_PERMISSIONS:
		frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0})
		custom = set(frappe.get_all("Custom DocPerm", {"parent": doctype}, pluck="role"))
		standard = set(frappe.get_all("DocPerm", {"parent": doctype}, pluck="role"))
		if custom and custom == standard:
			frappe.db.delete("Custom DocPerm", {"parent": doctype})
		frappe.clear_cache(doctype=doctype)


def create_default_complaint_policies():
	from crm_suite.service_desk.lifecycle import create_default_complaint_policies as create

	create()


def setup_knowledge_base():
	"""Help Article review workflow (draft -> review -> published); needs the custom fields first."""
	from crm_suite.service_desk.knowledge import setup_workflow

	setup_workflow()


def create_default_contingency_plans():
	"""One contingency plan per incident type of the call-centre operations plan (only on a site with none)."""
	from crm_suite.call_centre.incidents import create_default_plans

	create_default_plans()


def sync_call_centre_email_reports():
	"""Daily, weekly and monthly Call Centre KPIs Auto Email Reports, created disabled (call_centre/setup.py)."""
	from crm_suite.call_centre.setup import sync_auto_email_reports

	sync_auto_email_reports()


def create_default_segment_rules():
	from crm_suite.customer_analytics.segments import create_default_rules

	create_default_rules()


def create_roles():
	for role in ROLES:
		if frappe.db.exists("Role", role["role_name"]):
			continue
		frappe.get_doc({"doctype": "Role", **role}).insert(ignore_permissions=True)


def sync_custom_fields():
	"""Create missing fields and update changed ones; unchanged fields cost one SELECT each."""
	wanted = {}
	for doctype, fields in get_custom_fields().items():
		wanted[doctype] = [{**df, "module": CUSTOM_FIELD_MODULE} for df in fields]

	existing = {
		(d.dt, d.fieldname): d
		for d in frappe.get_all(
			"Custom Field",
			filters={"dt": ("in", list(wanted)), "fieldname": ("in", [fn for _dt, fn in iter_fieldnames()])},
			fields=["name", "dt", "fieldname", *_compared_properties(wanted)],
		)
	}
	changed: dict[str, list[dict]] = {}
	for doctype, fields in wanted.items():
		for df in fields:
			current = existing.get((doctype, df["fieldname"]))
			if current is None or any(_differs(current.get(k), v) for k, v in df.items()):
				changed.setdefault(doctype, []).append(df)
	if changed:
		create_custom_fields(changed, update=True)
	delete_retired_custom_fields({(dt, df["fieldname"]) for dt, fields in wanted.items() for df in fields})


def delete_retired_custom_fields(wanted: set[tuple[str, str]]):
	"""Drop our fields a release no longer defines; only fields we created (module and prefix) qualify."""
	ours = frappe.get_all(
		"Custom Field",
		filters={"module": CUSTOM_FIELD_MODULE},
		fields=["name", "dt", "fieldname"],
	)
	for cf in ours:
		if cf.fieldname.startswith(FIELD_PREFIX) and (cf.dt, cf.fieldname) not in wanted:
			frappe.delete_doc("Custom Field", cf.name, ignore_permissions=True, force=True)


def _compared_properties(wanted: dict) -> list[str]:
	keys = {k for fields in wanted.values() for df in fields for k in df}
	return sorted(keys - {"fieldname"})


def _differs(current, wanted) -> bool:
	if isinstance(wanted, int) and not isinstance(wanted, bool):
		return int(current or 0) != wanted
	return (current or "") != (wanted or "")


def sync_property_setters():
	"""Doctype-level property setters, tagged with our module so uninstall removes only ours."""
	for doctype, prop, value, property_type in PROPERTY_SETTERS:
		filters = {"doc_type": doctype, "property": prop, "doctype_or_field": "DocType"}
		if frappe.db.get_value("Property Setter", filters, "value") == value:
			continue
		frappe.db.delete("Property Setter", filters)
		ps = frappe.get_doc(
			{
				"doctype": "Property Setter",
				"doctype_or_field": "DocType",
				"doc_type": doctype,
				"property": prop,
				"value": value,
				"property_type": property_type,
				"module": CUSTOM_FIELD_MODULE,
			}
		)
		ps.flags.ignore_permissions = True
		ps.flags.validate_fields_for_doctype = False
		ps.insert()
		frappe.clear_cache(doctype=doctype)


def delete_property_setters():
	for doctype, prop, _value, _type in PROPERTY_SETTERS:
		frappe.db.delete(
			"Property Setter",
			{
				"doc_type": doctype,
				"property": prop,
				"doctype_or_field": "DocType",
				"module": CUSTOM_FIELD_MODULE,
			},
		)
		frappe.clear_cache(doctype=doctype)


def before_uninstall():
	revoke_read_permissions()  # before the roles go
	remove_knowledge_base()
	delete_property_setters()  # first: search_fields names our custom fields
	delete_custom_fields()
	delete_roles()
	drop_indexes()


def remove_knowledge_base():
	from crm_suite.service_desk.knowledge import remove_workflow

	remove_workflow()


def delete_custom_fields():
	for doctype, fieldname in iter_fieldnames():
		name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": fieldname})
		if name:
			frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	for doctype in get_custom_fields():
		frappe.clear_cache(doctype=doctype)


def delete_roles():
	"""Remove our roles and their assignments; ERPNext's reused roles are left alone."""
	for role in role_names():
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)


# ---------------------------------------------------------------------------------------------
# Indexes on tables crm_suite does not own (ERPNext's and Frappe's): created on install and every
# migrate, dropped on uninstall, so they never outlive the app. Indexes on our own doctypes stay in
# their controllers' on_doctype_update (they go with the table). One row: (doctype, columns, name).
ERPNEXT_INDEXES = (
	# Customer 360 timeline: each source's keyset query, party = X ordered by the document's date
	("Issue", ("customer", "opening_date"), "crms_customer_opening_date"),
	("Quotation", ("party_name", "transaction_date"), "crms_party_name_transaction_date"),
	("Sales Order", ("customer", "transaction_date"), "crms_customer_transaction_date"),
	("Delivery Note", ("customer", "posting_date"), "crms_customer_posting_date"),
	("Sales Invoice", ("customer", "posting_date"), "crms_customer_posting_date"),
	("Payment Entry", ("party", "posting_date"), "crms_party_posting_date"),
	("Opportunity", ("party_name", "transaction_date"), "crms_party_name_transaction_date"),
	(
		"Communication",
		("reference_doctype", "reference_name", "communication_date"),
		"crms_reference_doctype_reference_name_communication_date_index",
	),
	(
		"Comment",
		("reference_doctype", "reference_name", "creation"),
		"crms_reference_doctype_reference_name_creation_index",
	),
	# lifecycle replay, metrics and reports: a customer's submitted invoices and orders by date
	("Sales Invoice", ("customer", "docstatus", "posting_date"), "crms_customer_docstatus_date"),
	("Sales Order", ("customer", "docstatus", "transaction_date"), "crms_customer_docstatus_date"),
	# ticket lifecycle: the daily auto-close finds Resolved tickets by their resolution moment
	("Issue", ("status", "crms_resolved_on"), "crms_status_resolved_on"),
	# service-desk reports, number cards and charts: tickets opened / resolved in a date range
	("Issue", ("opening_date",), "crms_opening_date"),
	("Issue", ("sla_resolution_date",), "crms_sla_resolution_date"),
	# call centre: KPIs, wallboard and reports read calls by start time, per queue and per agent
	("Call Log", ("start_time",), "crms_start_time"),
	# (queue, start_time) then the report's columns: a month of one queue is index-only too
	(
		"Call Log",
		(
			"crms_queue",
			"start_time",
			"type",
			"crms_agent",
			"crms_answered_at",
			"end_time",
			"crms_abandoned",
			"crms_wait_seconds",
			"crms_talk_seconds",
			"crms_hold_seconds",
			"crms_wrapup_seconds",
			"crms_transferred",
			"crms_first_call_resolution",
			"crms_disposition",
		),
		"crms_queue_start_time",
	),
	("Call Log", ("crms_agent", "start_time"), "crms_agent_start_time"),
	# call-centre reports and wallboard: every column they read, so a month is an index-only range scan
	# instead of one random primary-key lookup per call (provider call ids are in no time order)
	(
		"Call Log",
		(
			"start_time",
			"type",
			"crms_queue",
			"crms_agent",
			"crms_answered_at",
			"end_time",
			"crms_abandoned",
			"crms_wait_seconds",
			"crms_talk_seconds",
			"crms_hold_seconds",
			"crms_wrapup_seconds",
			"crms_transferred",
			"crms_first_call_resolution",
			"crms_disposition",
		),
		"crms_call_kpi_cover",
	),
)
# Indexes earlier releases added to ERPNext's tables and this one no longer wants.
RETIRED_INDEXES = (
	("Issue", "crms_customer_creation_index"),
	("Quotation", "crms_party_name_creation_index"),
	("Sales Order", "crms_customer_creation_index"),
	("Delivery Note", "crms_customer_creation_index"),
	("Sales Invoice", "crms_customer_creation_index"),
	("Payment Entry", "crms_party_creation_index"),
	("Opportunity", "crms_party_name_creation_index"),
)


def index_columns(doctype: str, index_name: str) -> list[str]:
	"""Columns of an index in order ([] when absent)."""
	rows = frappe.db.sql(f"SHOW INDEX FROM `tab{doctype}` WHERE Key_name = %s", (index_name,), as_dict=True)
	return [r.Column_name for r in sorted(rows, key=lambda r: r.Seq_in_index)]


def _drop_index(doctype: str, index_name: str) -> None:
	if index_columns(doctype, index_name):
		frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` DROP INDEX `{index_name}`")


def sync_indexes() -> None:
	"""Create missing indexes, rebuild those whose columns changed, drop retired ones.
	Costs one SHOW INDEX per index when nothing changed (no DDL, so no implicit commit)."""
	for doctype, index_name in RETIRED_INDEXES:
		_drop_index(doctype, index_name)
	for doctype, columns, index_name in ERPNEXT_INDEXES:
		current = index_columns(doctype, index_name)
		if current == list(columns):
			continue
		if current:
			_drop_index(doctype, index_name)
		frappe.db.add_index(doctype, list(columns), index_name)


def drop_indexes() -> None:
	"""Uninstall: remove every index we added to tables that stay behind."""
	for doctype, _columns, index_name in ERPNEXT_INDEXES:
		_drop_index(doctype, index_name)
	for doctype, index_name in RETIRED_INDEXES:
		_drop_index(doctype, index_name)
