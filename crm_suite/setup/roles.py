"""Roles crm_suite adds. ERPNext's Sales User, Sales Manager and Support Team are reused as-is."""

ROLES: tuple[dict, ...] = (
	{"role_name": "Service Supervisor", "desk_access": 1},
	{"role_name": "Call Centre Agent", "desk_access": 1},
	{"role_name": "Call Centre Supervisor", "desk_access": 1},
	{"role_name": "QA Inspector", "desk_access": 1},
	{"role_name": "Marketing User", "desk_access": 1},
	{"role_name": "Data Protection Officer", "desk_access": 1},
)

# ERPNext roles our workspace and doctypes are opened to.
REUSED_ERPNEXT_ROLES = ("Sales User", "Sales Manager", "Support Team", "System Manager")


def role_names() -> list[str]:
	return [r["role_name"] for r in ROLES]
