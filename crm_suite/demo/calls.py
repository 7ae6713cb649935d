"""Demo call centre: the service-desk demo agents answer the phones, and a month of simulated calls.

The demo builder calls `build_demo_calls()` after the service desk exists; it is idempotent (agents get
the role once, the simulator's call ids are fixed by the seed, so a rerun re-delivers the same events
and the webhook's idempotency leaves the same Call Logs).
"""

from __future__ import annotations

import frappe

from crm_suite.engine.demo_plan import SERVICE_AGENTS

AGENT_ROLE = "Call Centre Agent"
# the demo desks are the call queues (skills): calls link to the desk's CRMS Service Team and its
# supervisor gets the callbacks. Share of calls and mean talk seconds per queue.
QUEUES = (("Billing Desk", 0.45, 240.0), ("Product Support", 0.35, 420.0), ("Logistics Desk", 0.20, 300.0))
EXTENSION_BASE = 201


def demo_call_agents() -> list[dict]:
	"""The demo agents that exist on this site: email, extension, skills, senior."""
	emails = [a.email for a in SERVICE_AGENTS]
	existing = set(frappe.get_all("User", filters={"name": ("in", emails), "enabled": 1}, pluck="name"))
	out = []
	for i, agent in enumerate(SERVICE_AGENTS):
		if agent.email not in existing:
			continue
		# seniors take every queue (overflow), the others their own desk's
		skills = tuple(q for q, _share, _talk in QUEUES) if agent.senior else (agent.team,)
		out.append(
			{
				"user": agent.email,
				"extension": str(EXTENSION_BASE + i),
				"skills": skills,
				"senior": agent.senior,
			}
		)
	return out


def setup_call_agents() -> list[str]:
	"""Give the demo service agents the Call Centre Agent role and, where helper B's CRMS Agent Status
	exists, a status row (extension, skills, Offline). Returns the agents' users."""
	agents = demo_call_agents()
	has_status = frappe.db.exists("DocType", "CRMS Agent Status")
	for a in agents:
		if not frappe.db.exists("Has Role", {"parent": a["user"], "parenttype": "User", "role": AGENT_ROLE}):
			user = frappe.get_doc("User", a["user"])
			user.flags.ignore_permissions = True
			user.add_roles(AGENT_ROLE)
		if has_status and not frappe.db.exists("CRMS Agent Status", a["user"]):
			doc = frappe.new_doc("CRMS Agent Status")
			doc.update(
				{
					"user": a["user"],
					"extension": a["extension"],
					"state": "Offline",
					"skills": ", ".join(a["skills"]),
					"senior": int(a["senior"]),
				}
			)
			doc.insert(ignore_permissions=True)
	return [a["user"] for a in agents]


def build_demo_calls(days: int = 30, seed: int = 7, start=None) -> dict:
	"""Agents, then `days` of simulated calls ending yesterday, ingested in-process with one delivery per
	call (a history load: no screen pops needed, a fifth of the transactions); returns the summary."""
	from crm_suite.call_centre.simulate import simulate_calls

	setup_call_agents()
	if start is None:
		start = frappe.utils.add_days(frappe.utils.getdate(), -days)
	return simulate_calls(days=days, seed=seed, start=start, batch_per_call=True)
