"""One row per agent: current state and since when, extension (the provider's agent id), skills.

The state is read-only on the form: it changes through crm_suite.call_centre.agents (set_state and
the call events), which also writes the CRMS Agent State Log.
"""

import frappe
from frappe.model.document import Document

from crm_suite.engine.agent_select import skill_set


class CRMSAgentStatus(Document):
	def validate(self):
		self.extension = (self.extension or "").strip() or None
		# stored as written, de-duplicated: routing folds case itself
		seen, skills = set(), []
		for part in (self.skills or "").replace("\n", ",").split(","):
			part = part.strip()
			if part and part.casefold() not in seen:
				seen.add(part.casefold())
				skills.append(part)
		self.skills = ", ".join(skills)
		if not self.state:
			self.state = "Offline"
		if not self.since:
			self.since = frappe.utils.now_datetime()

	@property
	def skill_keys(self) -> frozenset[str]:
		return skill_set(self.skills)
