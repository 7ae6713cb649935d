"""Custom fields of outbound calling (see crm_suite/setup/custom_fields.py for the rules).

The dialler must never call someone who opted out (engine/outbound.py). ERPNext has `unsubscribed`
on Contact and Lead (read as withdrawn consent) and a Lead status "Do Not Contact"; crm_suite has
Customer.crms_dnc_phone. What was missing: a phone opt-out on Contact and Lead (`crms_do_not_call`)
and a no-contact-on-any-channel flag on Customer, Contact and Lead (`crms_do_not_contact`, which the
NPS sample in service_desk/surveys.py already honours when present).
"""


def _flags(anchor: str, do_not_call: bool = True) -> list[dict]:
	fields = []
	if do_not_call:
		fields.append(
			{
				"fieldname": "crms_do_not_call",
				"fieldtype": "Check",
				"label": "Do Not Call",
				"insert_after": anchor,
				"description": "Never include this number in outbound call campaigns.",
			}
		)
		anchor = "crms_do_not_call"
	fields.append(
		{
			"fieldname": "crms_do_not_contact",
			"fieldtype": "Check",
			"label": "Do Not Contact (Any Channel)",
			"insert_after": anchor,
		}
	)
	return fields


def get_fields() -> dict[str, list[dict]]:
	return {
		# Customer already has crms_dnc_phone (profile provider): only the any-channel flag is new.
		"Customer": _flags("crms_dnc_visit", do_not_call=False),
		"Contact": _flags("crms_birthday"),
		"Lead": _flags("crms_follow_up_owner"),
	}
