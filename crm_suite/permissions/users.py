"""Enabled users holding a role: who gets a coaching action, a sample to score, an incident task."""

from __future__ import annotations

import frappe


def users_with_roles(roles) -> dict[str, list[str]]:
	"""Role -> enabled users with it (Administrator and Guest left out), by name; one query."""
	roles = list(dict.fromkeys(r for r in roles if r))
	if not roles:
		return {}
	HasRole, User = frappe.qb.DocType("Has Role"), frappe.qb.DocType("User")
	rows = (
		frappe.qb.from_(HasRole)
		.join(User)
		.on(User.name == HasRole.parent)
		.select(HasRole.role, User.name)
		.distinct()
		.where(
			HasRole.role.isin(roles)
			& (HasRole.parenttype == "User")
			& (User.enabled == 1)
			& (User.name.notin(["Administrator", "Guest"]))
		)
		.orderby(User.name)
		.run()
	)
	out: dict[str, list[str]] = {}
	for role, user in rows:
		out.setdefault(role, []).append(user)
	return out
