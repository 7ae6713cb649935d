"""A member of a CRMS Service Team (child table)."""

from frappe.model.document import Document


class CRMSServiceTeamMember(Document):
	pass
