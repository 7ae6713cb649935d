"""Custom fields of the profile area (see crm_suite/setup/custom_fields.py for the rules).

Industry (Customer.industry) and region (Customer.territory) are ERPNext's own fields; gender is on
Customer (individuals) and Contact already. We add contact hours, do-not-contact per channel, the
Contact's birthday, follow-up date and owner, and a "360" tab holding the view.
"""

# Channels with a do-not-contact flag: care actions map their channel to `crms_dnc_<channel>`.
DNC_CHANNELS = ("phone", "sms", "email", "visit")
# Half-hour steps, local time; empty = no preference.
CONTACT_HOURS = "\n".join(["", *(f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30))])


def _follow_up_fields(anchor: str) -> list[dict]:
	return [
		{
			"fieldname": "crms_next_follow_up",
			"fieldtype": "Date",
			"label": "Next Follow-up",
			"insert_after": anchor,
			"search_index": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "crms_follow_up_owner",
			"fieldtype": "Link",
			"label": "Follow-up Owner",
			"options": "User",
			"insert_after": "crms_next_follow_up",
			"search_index": 1,
			"in_standard_filter": 1,
		},
	]


def get_fields() -> dict[str, list[dict]]:
	customer_profile = [
		# Select, not Time: frappe fills every Time field of a new document with the current time.
		{
			"fieldname": "crms_contact_hours_start",
			"fieldtype": "Select",
			"label": "Preferred Contact Hours From",
			"options": CONTACT_HOURS,
			"insert_after": "crms_profile_section",
		},
		{
			"fieldname": "crms_contact_hours_end",
			"fieldtype": "Select",
			"label": "Preferred Contact Hours To",
			"options": CONTACT_HOURS,
			"insert_after": "crms_contact_hours_start",
		},
		{
			"fieldname": "crms_profile_column_break",
			"fieldtype": "Column Break",
			"insert_after": "crms_contact_hours_end",
		},
		{
			"fieldname": "crms_dnc_phone",
			"fieldtype": "Check",
			"label": "Do Not Contact by Phone",
			"insert_after": "crms_profile_column_break",
		},
		{
			"fieldname": "crms_dnc_sms",
			"fieldtype": "Check",
			"label": "Do Not Contact by SMS",
			"insert_after": "crms_dnc_phone",
		},
		{
			"fieldname": "crms_dnc_email",
			"fieldtype": "Check",
			"label": "Do Not Contact by Email",
			"insert_after": "crms_dnc_sms",
		},
		{
			"fieldname": "crms_dnc_visit",
			"fieldtype": "Check",
			"label": "Do Not Visit",
			"insert_after": "crms_dnc_email",
		},
	]
	customer_follow_up = _follow_up_fields("crms_follow_up_section")
	customer_360 = [
		{
			"fieldname": "crms_360_tab",
			"fieldtype": "Tab Break",
			"label": "360",
			# ERPNext's last Details field: the 360 tab opens right after Details.
			"insert_after": "customer_details",
		},
		{
			"fieldname": "crms_360_html",
			"fieldtype": "HTML",
			"label": "Customer 360",
			"insert_after": "crms_360_tab",
		},
	]
	return {
		"Customer": customer_profile + customer_follow_up + customer_360,
		"Contact": [
			{
				"fieldname": "crms_birthday",
				"fieldtype": "Date",
				"label": "Birthday",
				"insert_after": "crms_section",
			},
		],
		"Lead": _follow_up_fields("crms_section"),
		"Opportunity": _follow_up_fields("crms_section"),
		# Marks the one ToDo that mirrors a record's next follow-up (other assignments stay untouched).
		"ToDo": [
			{
				"fieldname": "crms_follow_up",
				"fieldtype": "Check",
				"label": "CRM Follow-up",
				"insert_after": "assignment_rule",
				"read_only": 1,
				"search_index": 1,
			},
		],
	}
