app_name = "crm_suite"
app_title = "CRM Suite"
app_publisher = "crm_suite developers"
app_description = "CRM, service desk and call centre on top of ERPNext"
app_email = "dev@crm-suite.invalid"
app_license = "mit"

# ERPNext must be installed first: we extend its Customer, Lead, Issue, Call Log ... doctypes.
# "org/repo" form (as HRMS does): frappe resolves a bare "erpnext" by asking GitHub for its org,
# which fails offline; bench get-app also reads this to fetch the dependency.
required_apps = ["frappe/erpnext"]

# Keep the `# begin: auto-generated types` blocks in controllers up to date in developer mode.
export_python_type_annotations = True

add_to_apps_screen = [
	{
		"name": "crm_suite",
		"logo": "/assets/erpnext/images/erpnext-logo.svg",
		"title": "CRM Suite",
		"route": "/app/crm-suite",
	}
]

# Installation
# ------------
# Custom fields and roles come from one idempotent function (crm_suite.setup.install.setup):
# after_install for new sites, after_migrate so upgrades pick up new definitions without a
# patch per field, and a post_model_sync patch for sites upgraded from before this existed.
after_install = "crm_suite.setup.install.after_install"
after_migrate = "crm_suite.setup.install.after_migrate"
before_uninstall = "crm_suite.setup.install.before_uninstall"

# Service desk workspace: the user's teams for the "Team Queue" shortcut (crm_suite/service_desk/dashboard.py)
# desk-wide fixes (phone-width timeline); served from the app's public folder, no build step needed
app_include_css = ["/assets/crm_suite/css/desk.css"]
app_include_js = [
	# frappe-charts' entry animation races its resize redraw ("removeChild ... not a child"): off for all charts
	"/assets/crm_suite/js/chart_fix.js",
	# Call centre: the screen pop on "crms_call_ringing" and the agent-state menu in the navbar
	# (call_centre/screen_pop.py, agents.py)
	"/assets/crm_suite/js/call_popup.js",
	# Incidents: the surge-mode banner on every desk page (call_centre/incidents.py)
	"/assets/crm_suite/js/surge_banner.js",
]

extend_bootinfo = [
	"crm_suite.service_desk.dashboard.boot_session",
	"crm_suite.call_centre.incidents.boot_session",
]

# Testing
# -------
# `run-tests --app crm_suite` runs only our before_tests, so it bootstraps ERPNext itself.
before_tests = "crm_suite.tests.before_tests"

# Personal data (Personal Data Download / Deletion Request read this key)
# -----------------------------------------------------------------------
user_data_fields = [
	# Customer portal: guests' pending ticket requests (service_desk/portal.py)
	{
		"doctype": "CRMS Ticket Request",
		"match_field": "email",
		"personal_fields": ["full_name", "email", "request_ip"],
	},
	# Surveys: the answers and comments of a customer's contact (service_desk/surveys.py)
	{
		"doctype": "CRMS Survey Response",
		"match_field": "email",
		"personal_fields": ["email", "comment"],
	},
]

# Customer portal (crm_suite/www/support/, service_desk/portal.py): ticket detail pages and the
# portal menu entry for customers (ERPNext's own /issues stays as it is).
website_route_rules = [
	{"from_route": "/support/tickets/<name>", "to_route": "support/ticket"},
	# Public help centre (crm_suite/www/help/, service_desk/knowledge.py): one article per page
	{"from_route": "/help/<name>", "to_route": "help/article"},
]
portal_menu_items = [
	{"title": "Support Tickets", "route": "/support/tickets", "role": "Customer"},
]

# ---------------------------------------------------------------------------------------------
# Customer 360. One handler module per area; each list keeps one area's handlers on its own lines.
# Data quality + duplicates: customer_360/data_quality.py, customer_360/duplicates.py
# Lifecycle + metrics + segments: customer_360/lifecycle.py, customer_analytics/metrics.py
# 360 view, follow-ups, care: customer_360/view.py, customer_360/follow_up.py, customer_360/care.py

doc_events = {
	"Customer": {
		"validate": [
			"crm_suite.customer_360.data_quality.validate_customer",
		],
		"after_insert": [
			"crm_suite.customer_360.lifecycle.on_customer_insert",
		],
		"on_trash": [
			"crm_suite.customer_360.lifecycle.on_customer_trash",
		],
		"after_rename": [
			"crm_suite.customer_360.lifecycle.on_customer_rename",
		],
		"on_update": [
			"crm_suite.customer_360.follow_up.sync_follow_up",
		],
	},
	"Contact": {
		"validate": [
			"crm_suite.customer_360.data_quality.validate_contact",
		],
	},
	"Lead": {
		"validate": [
			"crm_suite.customer_360.data_quality.validate_lead",
		],
		"on_update": [
			"crm_suite.customer_360.follow_up.sync_follow_up",
		],
	},
	"Opportunity": {
		"on_update": [
			"crm_suite.customer_360.follow_up.sync_follow_up",
		],
	},
	"ToDo": {
		"on_update": [
			"crm_suite.customer_360.follow_up.on_todo_update",
			# Surveys: closing a low-score follow-up records it done (service_desk/surveys.py)
			"crm_suite.service_desk.surveys.on_todo_update",
			# QA: closing a coaching action records it done (service_desk/quality.py)
			"crm_suite.service_desk.quality.on_todo_update",
			# Call centre: closing a callback task marks the Call Log's callback Done (call_centre/webhook.py)
			"crm_suite.call_centre.webhook.on_todo_update",
		],
		"on_trash": [
			"crm_suite.customer_360.follow_up.on_todo_trash",
		],
		# Ticket lifecycle: an assignment moves a Pending ticket to In Progress (service_desk/lifecycle.py)
		"after_insert": [
			"crm_suite.service_desk.lifecycle.on_todo_insert",
		],
	},
	"Sales Invoice": {
		"on_submit": [
			"crm_suite.customer_360.lifecycle.on_invoice_submit",
		],
		"on_cancel": [
			"crm_suite.customer_360.lifecycle.on_invoice_cancel",
		],
	},
	"Sales Order": {
		"on_submit": [
			"crm_suite.customer_360.lifecycle.on_order_submit",
		],
		"on_cancel": [
			"crm_suite.customer_360.lifecycle.on_order_cancel",
		],
	},
	# Service desk SLA: policy, due times, pauses on save (crm_suite/service_desk/sla.py)
	"Issue Type": {
		"validate": [
			"crm_suite.service_desk.categories.validate_issue_type",
		],
		"on_update": [
			"crm_suite.service_desk.categories.on_issue_type_update",
		],
	},
	"Issue": {
		# Service desk intake: email / portal Issues matched, classified and routed (service_desk/intake.py)
		"before_insert": [
			"crm_suite.service_desk.lifecycle.before_insert",
			"crm_suite.service_desk.intake.before_insert",
		],
		"after_insert": [
			"crm_suite.service_desk.intake.after_insert",
		],
		"validate": [
			"crm_suite.service_desk.intake.validate",
			# Ticket lifecycle: stage <-> status, reopen count, complaint close guard (before the SLA reads status)
			"crm_suite.service_desk.lifecycle.on_issue_validate",
			"crm_suite.service_desk.sla.on_issue_validate",
		],
		# Surveys: a ticket that becomes Resolved gets its CSAT survey (service_desk/surveys.py)
		"on_update": [
			"crm_suite.service_desk.surveys.on_issue_update",
		],
	},
	# Knowledge base (service_desk/knowledge.py): published follows review state + visibility; any
	# article or canned-reply change drops the cached search index
	"Help Article": {
		"validate": ["crm_suite.service_desk.knowledge.validate_article"],
		"on_update": ["crm_suite.service_desk.knowledge.invalidate_index"],
		"on_trash": ["crm_suite.service_desk.knowledge.invalidate_index"],
		"after_rename": ["crm_suite.service_desk.knowledge.invalidate_index"],
	},
	"Email Template": {
		"on_update": ["crm_suite.service_desk.knowledge.invalidate_index"],
		"on_trash": ["crm_suite.service_desk.knowledge.invalidate_index"],
		"after_rename": ["crm_suite.service_desk.knowledge.invalidate_index"],
	},
	# Ticket lifecycle: a customer's reply reopens / resumes the Issue, an agent's reply is its first
	# response (crm_suite/service_desk/lifecycle.py)
	"Communication": {
		"after_insert": [
			"crm_suite.service_desk.lifecycle.on_communication_insert",
		],
	},
}

scheduler_events = {
	# Service desk SLA: every open ticket re-evaluated every five minutes (long queue, deduplicated)
	"cron": {
		"*/5 * * * *": [
			"crm_suite.service_desk.sla.schedule_reevaluation",
		],
	},
	# Service desk: open tickets of absent agents move to an available team member
	"hourly": [
		"crm_suite.service_desk.intake.reassign_absent",
	],
	"daily": [
		"crm_suite.service_desk.lifecycle.auto_close_resolved",
		"crm_suite.service_desk.portal.purge_ticket_requests",
		"crm_suite.customer_360.follow_up.daily_reminders",
		"crm_suite.customer_360.care.daily",
		# Knowledge base: article outcome counters, stale-article review ToDos (service_desk/knowledge.py)
		"crm_suite.service_desk.knowledge.daily",
	],
	# Surveys: the relational NPS sample (service_desk/surveys.py)
	"weekly": [
		"crm_suite.service_desk.surveys.weekly_nps",
		# QA: last week's stratified sample per agent becomes draft reviews (service_desk/quality.py)
		"crm_suite.service_desk.quality.weekly_sample",
	],
	"daily_long": [
		"crm_suite.customer_analytics.metrics.nightly",
		"crm_suite.customer_360.duplicates.nightly_scan",
		"crm_suite.service_desk.classifier.nightly",
	],
}

doctype_js = {
	"Customer": "public/js/customer.js",
	"Issue": [
		"public/js/issue_sla.js",
		"public/js/issue_lifecycle.js",
		"public/js/issue_knowledge.js",
		"public/js/issue_quality.js",
	],
	"Call Log": ["public/js/call_log_recording.js", "public/js/call_log_desk.js"],
}

doctype_list_js = {
	"Issue": ["public/js/issue_list.js"],
}

# Customer 360 view: the "Customer Profile" print format reads its KPIs and recent activity here.
jinja = {
	"methods": [
		"crm_suite.customer_360.view.crms_customer_profile",
	],
}

# Data quality + duplicates: a duplicate candidate is visible only to users who may read both records.
# Customer scope (crm_suite/permissions/customer_scope.py): a row about a customer is readable only
# by users who may read that Customer (Territory / Customer User Permissions included).
permission_query_conditions = {
	"CRMS Duplicate Candidate": "crm_suite.customer_360.duplicates.candidate_query_conditions",
	"CRMS Customer Metrics": "crm_suite.permissions.customer_scope.query_conditions",
	"CRMS Lifecycle Transition": "crm_suite.permissions.customer_scope.query_conditions",
	"CRMS Care Log": "crm_suite.permissions.customer_scope.query_conditions",
	"CRMS Survey Response": "crm_suite.permissions.customer_scope.query_conditions",
	"CRMS Merge Log": "crm_suite.permissions.customer_scope.query_conditions",
	# QA: agents read only their own submitted reviews (service_desk/quality.py)
	"CRMS QA Review": "crm_suite.service_desk.quality.query_conditions",
}
has_permission = {
	"CRMS Duplicate Candidate": "crm_suite.customer_360.duplicates.candidate_has_permission",
	"CRMS Customer Metrics": "crm_suite.permissions.customer_scope.has_permission",
	"CRMS Lifecycle Transition": "crm_suite.permissions.customer_scope.has_permission",
	"CRMS Care Log": "crm_suite.permissions.customer_scope.has_permission",
	"CRMS Survey Response": "crm_suite.permissions.customer_scope.has_permission",
	"CRMS Merge Log": "crm_suite.permissions.customer_scope.has_permission",
	"CRMS QA Review": "crm_suite.service_desk.quality.has_permission",
}
# frappe.client.get_count (REST) counts without permissions in v15: count customer-scoped rows
# through frappe.get_list; every other doctype keeps frappe's own answer.
override_whitelisted_methods = {
	"frappe.client.get_count": "crm_suite.permissions.customer_scope.get_count",
	# Ticket lifecycle: ERPNext's Issue list "Set as Open/Closed" writes status with db.set_value (no
	# permission check, no validate); ours saves each ticket (service_desk/lifecycle.py)
	"erpnext.support.doctype.issue.issue.set_multiple_status": "crm_suite.service_desk.lifecycle.set_multiple_status",
	"erpnext.support.doctype.issue.issue.set_status": "crm_suite.service_desk.lifecycle.set_status",
}

# Call centre: agent states follow their calls (answered -> On Call, ended -> Wrap-up, wrap-up done -> Available)
crms_call_updated = [
	"crm_suite.call_centre.agents.on_call_updated",
	"crm_suite.call_centre.wallboard.notify",
]
