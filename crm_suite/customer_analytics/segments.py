"""Segment rules applied set-based: tiers and Frappe tags from conditions over customer metrics.

Each enabled CRMS Segment Rule compiles (crm_suite.engine.segments.compile_sql) to one WHERE over
Customer `c` LEFT JOIN CRMS Customer Metrics `m`; values are parameters, metrics a whitelist.

* Tier: customers whose tier a rule set (`crms_tier_rule` not empty) are reset first, then the
  rules are applied in ascending priority (ties: descending name), so the highest priority rule
  wins. A customer that no longer matches any rule loses the rule's tier (back to empty); a tier set
  by hand (no `crms_tier_rule`) is only overwritten while a rule matches.
* Tags: Frappe's own tags (Tag, Tag Link, `_user_tags`). Links added by rules are named
  `CRMSR-<sha1(tag|customer)>`, so only those are ever removed: a tag a user added by hand stays.
  Rules sharing a tag are OR-ed, so one rule stopping cannot remove a tag another still applies.

`apply_rules()` runs over every customer (nightly); `apply_rules(customers=[...])` restricts every
statement to those customers (invoice submit/cancel).
"""

from __future__ import annotations

import frappe

from crm_suite.engine.segments import Condition, compile_sql

RULE_TAG_PREFIX = "CRMSR-"
METRICS = "`tabCRMS Customer Metrics`"


def enabled_rules() -> list[dict]:
	rules = frappe.get_all(
		"CRMS Segment Rule",
		filters={"enabled": 1},
		fields=["name", "priority", "match", "set_tier", "add_tag"],
		order_by="priority asc, name desc",
	)
	if not rules:
		return []
	conds = frappe.get_all(
		"CRMS Segment Rule Condition",
		filters={"parent": ("in", [r.name for r in rules]), "parenttype": "CRMS Segment Rule"},
		fields=["parent", "metric", "operator", "value"],
		order_by="idx asc",
	)
	by_rule: dict[str, list[Condition]] = {}
	for c in conds:
		by_rule.setdefault(c.parent, []).append(Condition(c.metric, c.operator, c.value))
	for r in rules:
		r.conditions = by_rule.get(r.name, [])
		r.where, r.params = compile_sql(r.conditions, "any" if r.match == "Any" else "all")
	return rules


def _scope(customers: list[str] | None, column: str) -> tuple[str, list]:
	if customers is None:
		return "", []
	if not customers:
		return " AND 1=0", []
	return f" AND {column} IN ({', '.join(['%s'] * len(customers))})", list(customers)


def apply_rules(customers: list[str] | None = None) -> None:
	rules = enabled_rules()
	_apply_tiers(rules, customers)
	_apply_tags(rules, customers)


def _apply_tiers(rules: list[dict], customers: list[str] | None) -> None:
	scope, scope_params = _scope(customers, "c.name")
	frappe.db.sql(
		f"""UPDATE tabCustomer c SET c.crms_tier = NULL, c.crms_tier_rule = NULL
		WHERE c.crms_tier_rule IS NOT NULL AND c.crms_tier_rule != ''{scope}""",
		scope_params,
	)
	for rule in rules:
		if not rule.set_tier:
			continue
		frappe.db.sql(
			f"""UPDATE tabCustomer c LEFT JOIN {METRICS} m ON m.name = c.name
			SET c.crms_tier = %s, c.crms_tier_rule = %s
			WHERE {rule.where}{scope}""",
			[rule.set_tier, rule.name, *rule.params, *scope_params],
		)


def _apply_tags(rules: list[dict], customers: list[str] | None) -> None:
	by_tag: dict[str, list[dict]] = {}
	for rule in rules:
		if rule.add_tag:
			by_tag.setdefault(rule.add_tag, []).append(rule)
	scope, scope_params = _scope(customers, "document_name")
	c_scope, c_scope_params = _scope(customers, "c.name")
	affected: set[str] = set()

	# tags of rules that were disabled, deleted or changed their tag
	stale_filter = ""
	if by_tag:
		stale_filter = f" AND tag NOT IN ({', '.join(['%s'] * len(by_tag))})"
	stale_params = [*by_tag, *scope_params]
	affected.update(
		frappe.db.sql(
			f"""SELECT document_name FROM `tabTag Link` WHERE name LIKE %s AND document_type = 'Customer'
			{stale_filter}{scope}""",
			[f"{RULE_TAG_PREFIX}%", *stale_params],
			pluck=True,
		)
	)
	frappe.db.sql(
		f"""DELETE FROM `tabTag Link` WHERE name LIKE %s AND document_type = 'Customer'{stale_filter}{scope}""",
		[f"{RULE_TAG_PREFIX}%", *stale_params],
	)

	for tag, tag_rules in by_tag.items():
		if not frappe.db.exists("Tag", tag):
			frappe.get_doc({"doctype": "Tag", "name": tag}).insert(ignore_permissions=True)
		where = "(" + " OR ".join(r.where for r in tag_rules) + ")"
		params = [p for r in tag_rules for p in r.params]
		matching = f"SELECT c.name FROM tabCustomer c LEFT JOIN {METRICS} m ON m.name = c.name WHERE {where}"
		# links this tag's rules added to customers that no longer match
		gone_sql = f"""FROM `tabTag Link` WHERE name LIKE %s AND document_type = 'Customer' AND tag = %s
			AND document_name NOT IN ({matching}){scope}"""
		gone_params = [f"{RULE_TAG_PREFIX}%", tag, *params, *scope_params]
		affected.update(frappe.db.sql(f"SELECT document_name {gone_sql}", gone_params, pluck=True))
		frappe.db.sql(f"DELETE {gone_sql}", gone_params)
		# matching customers without the tag (a hand-added tag counts: never added twice)
		new_sql = f"""FROM tabCustomer c LEFT JOIN {METRICS} m ON m.name = c.name
			WHERE {where}{c_scope} AND NOT EXISTS (SELECT 1 FROM `tabTag Link` t
				WHERE t.document_type = 'Customer' AND t.document_name = c.name AND t.tag = %s)"""
		new_params = [*params, *c_scope_params, tag]
		affected.update(frappe.db.sql(f"SELECT c.name {new_sql}", new_params, pluck=True))
		frappe.db.sql(
			f"""INSERT INTO `tabTag Link` (name, document_type, document_name, tag, title,
				creation, modified, owner, modified_by, docstatus, idx)
			SELECT CONCAT(%s, SHA1(CONCAT(%s, '|', c.name))), 'Customer', c.name, %s, c.customer_name,
				NOW(), NOW(), 'Administrator', 'Administrator', 0, 0 {new_sql}""",
			[RULE_TAG_PREFIX, tag, tag, *new_params],
		)
	_sync_user_tags(sorted(affected))


def _sync_user_tags(customers: list[str], chunk: int = 5000) -> None:
	"""Rebuild `_user_tags` (",a,b") from Tag Link for the customers whose rule tags changed."""
	for start in range(0, len(customers), chunk):
		names = customers[start : start + chunk]
		marks = ", ".join(["%s"] * len(names))
		frappe.db.sql(
			f"""UPDATE tabCustomer c LEFT JOIN (
				SELECT document_name, CONCAT(',', GROUP_CONCAT(tag ORDER BY creation, tag SEPARATOR ',')) AS tags
				FROM `tabTag Link` WHERE document_type = 'Customer' AND document_name IN ({marks})
				GROUP BY document_name) t ON t.document_name = c.name
			SET c._user_tags = t.tags WHERE c.name IN ({marks})""",
			[*names, *names],
		)


DEFAULT_RULES = (
	{
		"title": "VIP: top revenue, recent",
		"priority": 30,
		"match": "All",
		"set_tier": "VIP",
		"add_tag": "VIP",
		"conditions": [
			{"metric": "m_score", "operator": "=", "value": "5"},
			{"metric": "r_score", "operator": ">=", "value": "4"},
		],
	},
	{
		"title": "Key: loyal buyers",
		"priority": 20,
		"match": "All",
		"set_tier": "Key",
		"conditions": [{"metric": "segment", "operator": "in", "value": "Champions,Loyal,Can't Lose Them"}],
	},
	{
		"title": "Churn watch",
		"priority": 10,
		"match": "All",
		"add_tag": "Churn Risk",
		"conditions": [
			{"metric": "churn_risk", "operator": ">=", "value": "70"},
			{"metric": "monetary", "operator": ">", "value": "0"},
		],
	},
)


def create_default_rules() -> None:
	"""Idempotent: the default rules, disabled, created once (the lead calls this from install)."""
	for rule in DEFAULT_RULES:
		if frappe.db.exists("CRMS Segment Rule", rule["title"]):
			continue
		frappe.get_doc({"doctype": "CRMS Segment Rule", "enabled": 0, **rule}).insert(ignore_permissions=True)
