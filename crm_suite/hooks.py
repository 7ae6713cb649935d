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

# Testing
# -------
# `run-tests --app crm_suite` runs only our before_tests, so it bootstraps ERPNext itself.
before_tests = "crm_suite.tests.before_tests"

# Personal data (Personal Data Download / Deletion Request read this key)
# -----------------------------------------------------------------------
user_data_fields = []
