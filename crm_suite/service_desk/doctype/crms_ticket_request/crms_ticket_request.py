"""A guest's ticket request, held until the e-mailed link proves the address (see service_desk/portal.py).

Only a SHA-256 hash of the token is stored, so a database reader cannot verify someone else's request.
"""

from frappe.model.document import Document


class CRMSTicketRequest(Document):
	pass
