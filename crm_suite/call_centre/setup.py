"""Call-centre records created on install and migrate: the daily, weekly and monthly Auto Email Reports of
"Call Centre KPIs" for management.

Frappe's Auto Email Report sends to a list of e-mail addresses (email_to); it cannot target a role. So
each record is created disabled, owned by Administrator, with email_to filled from the enabled users
holding "Call Centre Supervisor" at that moment (empty when there are none yet). A later run fills an
empty list but never rewrites one a manager has edited, and never enables or disables a record:
turning the e-mails on is a decision for the site's managers (Auto Email Report list, tick Enabled).
The date range is Frappe's dynamic period (Daily: yesterday to today, Weekly: the last 7 days,
Monthly: the last month), through the report's from_date / to_date filters.
"""

from __future__ import annotations

import json

import frappe

REPORT = "Call Centre KPIs"
ROLE = "Call Centre Supervisor"
OWNER = "Administrator"

# (frequency, dynamic date period, group by, extra fields)
SCHEDULES = (
	("Daily", "Daily", "Hour", {}),
	("Weekly", "Weekly", "Queue", {"day_of_week": "Monday"}),
	("Monthly", "Monthly", "Queue", {}),
)

DESCRIPTION = (
	"<p>Call Centre KPIs e-mailed to call-centre management. Created disabled by crm_suite: "
	"Auto Email Report cannot send to a role, so the recipients are the users who had the "
	"Call Centre Supervisor role when it was created. Check the recipients, then tick Enabled.</p>"
)


def supervisor_emails() -> list[str]:
	"""Enabled users holding the supervisor role (Has Role rows), as e-mail addresses, sorted."""
	rows = frappe.db.sql(
		"""select distinct u.name from `tabUser` u
		join `tabHas Role` r on r.parent = u.name and r.parenttype = 'User'
		where r.role = %s and u.enabled = 1 and u.name not in ('Administrator', 'Guest')
		order by u.name""",
		ROLE,
	)
	return [r[0] for r in rows if "@" in r[0]]


def sync_auto_email_reports() -> list[str]:
	"""Create the three Auto Email Reports if missing (idempotent); returns the names created or
	updated. Safe on every migrate: it only fills recipients that are still empty."""
	if not frappe.db.exists("Report", REPORT):
		return []
	emails = "\n".join(supervisor_emails())
	touched = []
	for frequency, period, group_by, extra in SCHEDULES:
		existing = frappe.db.get_value(
			"Auto Email Report",
			{"report": REPORT, "frequency": frequency, "user": OWNER},
			["name", "email_to"],
			as_dict=True,
		)
		if existing:
			if not existing.email_to and emails:
				frappe.db.set_value("Auto Email Report", existing.name, "email_to", emails)
				touched.append(existing.name)
			continue
		doc = frappe.get_doc(
			{
				"doctype": "Auto Email Report",
				"report": REPORT,
				"user": OWNER,
				"enabled": 0,
				"report_type": "Script Report",
				"frequency": frequency,
				"format": "HTML",
				"send_if_data": 1,
				"no_of_rows": 100,
				"filters": json.dumps(
					{"group_by": group_by, "sl_threshold": 20, "target_sl": 80}, sort_keys=True
				),
				"from_date_field": "from_date",
				"to_date_field": "to_date",
				"dynamic_date_period": period,
				"email_to": emails,
				"description": DESCRIPTION,
				**extra,
			}
		)
		doc.owner = OWNER
		doc.flags.ignore_mandatory = not emails  # email_to is mandatory; empty until a supervisor exists
		doc.flags.ignore_permissions = True
		doc.insert()
		touched.append(doc.name)
	return touched
