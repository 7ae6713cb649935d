# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt

from frappe.model.document import Document


class CRMSSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		default_phone_region: DF.Link | None
		invalid_contact_data: DF.Literal["Warn", "Block"]
	# end: auto-generated types

	pass
