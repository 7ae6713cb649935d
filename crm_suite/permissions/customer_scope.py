"""Rows that belong to a customer are readable by exactly the users who may read that Customer.

Frappe applies a User Permission on Territory to Customer itself, but not to our doctypes that only
link to a Customer: a territory-restricted rep could list every customer's metrics, lifecycle log,
care log and merge log. One predicate fixes that everywhere. It is frappe's own list query for
Customer (roles, if-owner, User Permissions on Territory / Customer / ..., permission query
conditions and shares), rendered as a subquery by `frappe.get_list(..., run=0)`, and reused by

- `query_conditions` (hook `permission_query_conditions`): list, count, group-by, report view,
  export and REST lists;
- `has_permission` (hook `has_permission`): form, print, REST get; it can only deny;
- `customer_condition`: script reports that read these tables with SQL.
"""

from __future__ import annotations

import re

import frappe
from frappe import _

# doctype -> the field naming its customer (a Link to Customer)
CUSTOMER_FIELDS = {
	"CRMS Customer Metrics": "customer",
	"CRMS Lifecycle Transition": "customer",
	"CRMS Care Log": "customer",
	"CRMS Survey Response": "customer",
}
# doctype -> (doctype field, name field): rows about a Customer when the doctype field says so
DYNAMIC_CUSTOMER_FIELDS = {
	"CRMS Merge Log": ("merged_doctype", "survivor"),
}
SCOPED_DOCTYPES = (*CUSTOMER_FIELDS, *DYNAMIC_CUSTOMER_FIELDS)

DENY = "1=0"
_FIELD = re.compile(r"^[`\w. ]+$")
_WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)


def permitted_customers_sql(user: str | None = None) -> str | None:
	"""What goes inside `IN (...)` for the Customer names `user` may read (a SELECT, or a value list
	of shared customers); None when that is every customer, DENY when none.

	Built by frappe's list query so it can never drift from what the Customer list shows the user."""
	user = user or frappe.session.user
	if user == "Administrator":
		return None
	role_permissions = frappe.permissions.get_role_permissions("Customer", user=user)
	if not role_permissions.get("read"):
		# no role grants read: only customers shared with the user (select-only is not read)
		shared = frappe.share.get_shared("Customer", user, rights=["read"])
		if not shared:
			return DENY
		return ", ".join(frappe.db.escape(name, percent=False) for name in shared)
	sql = frappe.get_list("Customer", fields=["`tabCustomer`.`name`"], user=user, order_by=None, run=0)
	# no filters were passed, so a WHERE clause can only come from the user's restrictions
	return sql if _WHERE.search(sql) else None


def customer_condition(user: str | None, field: str, *, with_params: bool = False) -> str:
	"""SQL boolean: `field` (a column or `alias.column` holding a Customer name) names a customer
	`user` (None: the session user) may read. Always a complete expression: "1=1" for unrestricted
	users, "1=0" for none.

	It carries no query parameters. Pass `with_params=True` when the surrounding query is run with
	parameters (`frappe.db.sql(sql, values)`): literal `%` are then doubled for the driver."""
	if not _FIELD.match(field or ""):
		frappe.throw(_("Invalid field for a customer condition: {0}").format(field))
	sub = permitted_customers_sql(user)
	if sub is None:
		return "1=1"
	if sub == DENY:
		return DENY
	condition = f"{field} in ({sub})"
	return condition.replace("%", "%%") if with_params else condition


def may_read_customer(customer: str, user: str | None = None) -> bool:
	"""The same predicate for one customer (form, print and REST reads of one row)."""
	sub = permitted_customers_sql(user)
	if sub is None:
		return True
	if sub == DENY:
		return False
	value = frappe.db.escape(customer, percent=False)
	return bool(frappe.db.sql(f"select 1 from dual where {value} in ({sub})"))


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions for every doctype in SCOPED_DOCTYPES; "" when unrestricted."""
	sub = permitted_customers_sql(user)
	if sub is None:
		return ""
	table = f"`tab{doctype}`"
	if doctype in DYNAMIC_CUSTOMER_FIELDS:
		dt_field, name_field = DYNAMIC_CUSTOMER_FIELDS[doctype]
		about_customer = f"{table}.`{dt_field}` = 'Customer'"
		if sub == DENY:
			return f"(not ({about_customer}))"
		return f"(not ({about_customer}) or {table}.`{name_field}` in ({sub}))"
	column = f"{table}.`{CUSTOMER_FIELDS[doctype]}`"
	# a row without a customer belongs to no customer (a care action for a lone contact)
	if sub == DENY:
		return f"(ifnull({column}, '') = '')"
	return f"(ifnull({column}, '') = '' or {column} in ({sub}))"


def row_customer(doc) -> str | None:
	if doc.doctype in DYNAMIC_CUSTOMER_FIELDS:
		dt_field, name_field = DYNAMIC_CUSTOMER_FIELDS[doc.doctype]
		return doc.get(name_field) if doc.get(dt_field) == "Customer" else None
	return doc.get(CUSTOMER_FIELDS.get(doc.doctype, "customer"))


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""has_permission for SCOPED_DOCTYPES: False when the row's customer is not readable, else None
	(never True, which would skip other apps' denials)."""
	customer = row_customer(doc)
	if not customer or may_read_customer(customer, user):
		return None
	return False


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug: bool = False, cache: bool = False) -> int:
	"""frappe.client.get_count counts with frappe.db.count, which applies no permissions (v15): for
	our customer-scoped doctypes count through frappe.get_list instead; others keep frappe's answer."""
	from frappe.client import get_count as frappe_get_count

	if doctype not in SCOPED_DOCTYPES:
		return frappe_get_count(doctype, filters=filters, debug=debug, cache=cache)
	from frappe.utils import get_safe_filters

	rows = frappe.get_list(
		doctype, filters=get_safe_filters(filters), fields=["count(*) as n"], order_by=None
	)
	return rows[0].n if rows else 0
