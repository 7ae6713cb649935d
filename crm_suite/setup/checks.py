"""State checks used by scripts/lifecycle_check.py through `bench --site S execute`."""

import json

import frappe

from crm_suite.setup.custom_fields import iter_fieldnames
from crm_suite.setup.roles import role_names


def install_state() -> None:
	"""Print what of crm_suite is on this site, as JSON."""
	fields = [
		f"{dt}.{fn}"
		for dt, fn in iter_fieldnames()
		if frappe.db.exists("Custom Field", {"dt": dt, "fieldname": fn}) or frappe.get_meta(dt).get_field(fn)
	]
	state = {
		"installed": "crm_suite" in frappe.get_installed_apps(),
		"custom_fields": fields,
		"roles": [r for r in role_names() if frappe.db.exists("Role", r)],
		"modules": frappe.get_all("Module Def", filters={"app_name": "crm_suite"}, pluck="name"),
		"doctypes": frappe.get_all("DocType", filters={"name": ("like", "CRMS %")}, pluck="name"),
		"workspace": bool(frappe.db.exists("Workspace", "CRM Suite")),
	}
	print("CRMS_STATE " + json.dumps(state))
