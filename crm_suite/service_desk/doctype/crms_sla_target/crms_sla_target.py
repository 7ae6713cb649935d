# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

from frappe.model.document import Document


class CRMSSLATarget(Document):
	pass
