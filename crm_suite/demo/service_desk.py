"""Service-desk demo data: categories, teams with agents, SLA policies, ticket rules and recent tickets.

Tickets go through the real intake (`crm_suite.service_desk.intake.create_ticket`): customer matching,
ticket rules, priority, skill / load routing and assignment (ToDo + Comment), the SLA policy on insert.
What happened afterwards (first response, resolution, reopens) is then written straight to the Issue
row with `frappe.db.set_value`, which SKIPS the Issue controller and hooks: a demo cannot wait hours
for an agent to answer. The SLA state of every ticket is then recomputed by the SLA engine
(`sla.advance`) from those times. Idempotent: masters are created once, tickets carry an idempotency
key (`demo-<seed>-<ticket key>`) and a re-run skips the ones that exist. A resolved ticket's ToDo is
closed the same way at the end of the run (the agent stays in the Issue's `_assign`, so reports by
agent keep the resolver).
"""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import now_datetime

from crm_suite.engine import demo_plan as dp

SUPPORT_ROLE = "Support Team"


def ensure_service_masters() -> None:
	"""Issue Types (a tree where the site has it), agent users, teams, SLA policies and ticket rules
	(each only if missing)."""
	for name in dp.SERVICE_CATEGORIES:
		if not frappe.db.exists("Issue Type", name):
			frappe.get_doc(
				{"doctype": "Issue Type", "name": name, "description": dp.SERVICE_CATEGORY_DESCRIPTIONS[name]}
			).insert(ignore_permissions=True)
	tree = frappe.get_meta("Issue Type").has_field("crms_parent_issue_type")
	for name, parent in dp.SERVICE_SUBCATEGORIES.items():
		if not frappe.db.exists("Issue Type", name):
			doc = frappe.get_doc({"doctype": "Issue Type", "name": name, "description": parent})
			if tree:
				doc.crms_parent_issue_type = parent
			doc.insert(ignore_permissions=True)
	for priority in ("Urgent", "High", "Medium", "Low"):
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	for agent in dp.SERVICE_AGENTS:
		_ensure_agent(agent)
	for team in dp.SERVICE_TEAMS:
		if frappe.db.exists("CRMS Service Team", team.name):
			continue
		members = [a for a in dp.SERVICE_AGENTS if a.team == team.name]
		frappe.get_doc(
			{
				"doctype": "CRMS Service Team",
				"team_name": team.name,
				"supervisor": next((a.email for a in members if a.senior), None),
				"members": [
					{
						"user": a.email,
						"skills": "\n".join(team.skills),
						"languages": "en",
						"capacity": 400,
						"senior": int(a.senior),
					}
					for a in members
				],
			}
		).insert(ignore_permissions=True)
	for policy in dp.SLA_POLICIES:
		if frappe.db.exists("CRMS SLA Policy", policy["policy_name"]):
			continue
		if policy.get("complaint_class") and frappe.db.exists(
			"CRMS SLA Policy", {"complaint_class": policy["complaint_class"], "enabled": 1}
		):
			continue  # the site's own (or crm_suite's default) complaint policy stays in charge
		values = {k: v for k, v in policy.items() if k != "targets"}
		frappe.get_doc(
			{
				"doctype": "CRMS SLA Policy",
				**values,
				"time_zone": frappe.utils.get_system_timezone(),
				"targets": [
					{"issue_priority": p, "response_hours": r, "resolution_hours": h}
					for p, r, h in policy.get("targets", ())
				],
			}
		).insert(ignore_permissions=True)
	for name, order, keywords, issue_type, team, complaint_class in dp.SERVICE_RULES:
		if frappe.db.exists("CRMS Ticket Rule", name):
			continue
		frappe.get_doc(
			{
				"doctype": "CRMS Ticket Rule",
				"rule_name": name,
				"rule_order": order,
				"keywords": keywords,
				"issue_type": issue_type,
				"team": team,
				"complaint_class": complaint_class or None,
			}
		).insert(ignore_permissions=True)
	from crm_suite.service_desk.sla import clear_policy_cache

	clear_policy_cache()


def _ensure_agent(agent: dp.ServiceAgent) -> None:
	if frappe.db.exists("User", agent.email):
		return
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": agent.email,
			"first_name": agent.first_name,
			"last_name": agent.last_name,
			"send_welcome_email": 0,
			"user_type": "System User",
			"roles": [{"role": SUPPORT_ROLE}],
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)


def make_tickets(builder, tickets: list[dp.Ticket]) -> int:
	"""Every planned ticket not made yet, through intake; returns how many were made."""
	prefix = f"demo-{builder.seed}-"
	existing = set(
		frappe.get_all(
			"Issue", filters={"crms_idempotency_key": ("like", f"{prefix}%")}, pluck="crms_idempotency_key"
		)
	)
	customers = _customer_names(builder)
	agents = {a.email: a for a in dp.SERVICE_AGENTS}
	reopen_tracked = frappe.get_meta("Issue").has_field("crms_reopen_count")
	now = now_datetime()
	made, resolved = [], []

	def one(ticket: dp.Ticket):
		key = prefix + ticket.key
		customer = customers.get(ticket.customer)
		if key in existing or not customer:
			return False
		c = builder.plan.customers[ticket.customer]
		payload = {
			"subject": ticket.subject,
			"description": ticket.subject,
			"raised_by": c.email,
			"customer": customer,
			"impact": ticket.impact,
			"urgency": ticket.urgency,
			"complaint_class": ticket.complaint_class,
			"issue_type": ticket.picked_type,
		}
		from crm_suite.service_desk.intake import create_ticket

		doc = create_ticket({k: v for k, v in payload.items() if v}, ticket.channel, idempotency_key=key)
		agent = agents.get(_first_assignee(doc.name))
		outcome = dp.ticket_outcome(ticket, agent, now)
		_write_history(doc.name, ticket, outcome, reopen_tracked)
		made.append(doc.name)
		if outcome.resolved:
			resolved.append(doc.name)

	# assign inside the intake call (not in a background job): the outcome depends on the agent
	frappe.flags.crms_assign_inline = True
	try:
		count = builder._each(_("Service Desk Tickets"), ((t,) for t in tickets), one)
	finally:
		frappe.flags.crms_assign_inline = False
	close_assignments(resolved)
	refresh_sla_state(made, now)
	return count


def _customer_names(builder) -> dict[int, str]:
	"""Plan customer key -> Customer name, also for customers an earlier run created."""
	names = dict(builder.customer_names)
	missing = {c.name: c.key for c in builder.plan.customers if c.key not in names}
	if missing:
		for row in frappe.get_all(
			"Customer",
			filters={"customer_name": ("in", list(missing))},
			fields=["name", "customer_name"],
		):
			names[missing[row.customer_name]] = row.name
	return names


def _first_assignee(issue: str) -> str | None:
	users = assign_to.get({"doctype": "Issue", "name": issue})
	return users[0]["owner"] if users else None


def _write_history(name: str, ticket: dp.Ticket, outcome: dp.TicketOutcome, reopen_tracked: bool) -> None:
	"""Backdate the ticket and record what happened to it (skips the Issue controller, see module doc)."""
	if outcome.resolved:
		status = "Closed" if ticket.closed else "Resolved"
	elif outcome.first_response:
		status = "Replied" if outcome.reopens == 0 else "Open"
	else:
		status = "Open"
	values = {
		"status": status,
		"opening_date": ticket.opened.date(),
		"opening_time": ticket.opened.time(),
		"creation": ticket.opened,
		"modified": outcome.resolved or outcome.first_response or ticket.opened,
		"service_level_agreement_creation": ticket.opened,
		"first_responded_on": outcome.first_response,
		"first_response_time": (outcome.first_response - ticket.opened).total_seconds()
		if outcome.first_response
		else None,
		"sla_resolution_date": outcome.resolved,
		"resolution_time": (outcome.resolved - ticket.opened).total_seconds() if outcome.resolved else None,
		"crms_sla_paused_since": None,
		"crms_sla_paused_seconds": 0,
	}
	if reopen_tracked:
		values["crms_reopen_count"] = outcome.reopens
		values["crms_reopened_on"] = outcome.reopened_on
	frappe.db.set_value("Issue", name, values, update_modified=False)


def close_assignments(names: list[str]) -> None:
	"""Resolved tickets' ToDos, closed at the end of the run: while tickets come in, every earlier one
	still counts in its agent's load, so routing spreads them over the team as it would over days."""
	todo = frappe.qb.DocType("ToDo")
	for chunk in range(0, len(names), 500):
		(
			frappe.qb.update(todo)
			.set(todo.status, "Closed")
			.where(todo.reference_type == "Issue")
			.where(todo.reference_name.isin(names[chunk : chunk + 500]))
			.where(todo.status == "Open")
		).run()


def refresh_sla_state(names: list[str], now: datetime) -> None:
	"""The SLA engine's state for the backdated tickets (one read, the pure engine, one write each)."""
	from crm_suite.service_desk import sla

	if not names:
		return
	policies = sla.load_policies(fresh=True)
	fields = [
		"name",
		"status",
		"priority",
		"creation",
		"service_level_agreement_creation",
		"first_responded_on",
		"sla_resolution_date",
		"crms_sla_policy",
		"crms_sla_paused_since",
		"crms_sla_paused_seconds",
		"crms_escalation_level",
		"crms_channel",
		"crms_complaint_class",
	]
	for chunk in range(0, len(names), 500):
		for issue in frappe.get_all(
			"Issue", filters={"name": ("in", names[chunk : chunk + 500])}, fields=fields
		):
			policy = policies.get(issue.crms_sla_policy)
			if not policy:
				continue
			issue.crms_escalation_level = 0
			values = sla.advance(issue, policy, now)
			frappe.db.set_value(
				"Issue",
				issue.name,
				{f: values[f] for f in sla.STATE_FIELDS if f != "sla_resolution_date"}
				| {"crms_sla_evaluated_on": now},
				update_modified=False,
			)
