"""Issue Type as a category tree: refuse cycles on save, keep every category's top-level category."""

import frappe
from frappe import _

from crm_suite.engine import categories


def _parent_map() -> dict[str, str | None]:
	return {
		r.name: r.crms_parent_issue_type or None
		for r in frappe.get_all("Issue Type", fields=["name", "crms_parent_issue_type"], limit=100_000)
	}


def validate_issue_type(doc, method=None) -> None:
	parent_of = _parent_map()
	parent_of[doc.name] = doc.crms_parent_issue_type or None
	try:
		doc.crms_root_issue_type = categories.root(doc.name, parent_of)
	except categories.CategoryCycle as e:
		frappe.throw(
			_("{0} cannot be placed under {1}: the categories would form a loop ({2}).").format(
				frappe.bold(doc.name), frappe.bold(doc.crms_parent_issue_type), " > ".join(e.path)
			),
			title=_("Category loop"),
		)


def on_issue_type_update(doc, method=None) -> None:
	"""A moved category moves its whole subtree: rewrite the roots that changed, one UPDATE per root."""
	if not doc.has_value_changed("crms_parent_issue_type"):
		return
	rows = frappe.get_all(
		"Issue Type", fields=["name", "crms_parent_issue_type", "crms_root_issue_type"], limit=100_000
	)
	parent_of = {r.name: r.crms_parent_issue_type or None for r in rows}
	stored = {r.name: r.crms_root_issue_type for r in rows}
	moved: dict[str, list[str]] = {}
	for name, top in categories.roots(parent_of).items():
		if stored.get(name) != top:
			moved.setdefault(top, []).append(name)
	for top, names in moved.items():
		frappe.db.set_value(
			"Issue Type", {"name": ("in", names)}, "crms_root_issue_type", top, update_modified=False
		)
