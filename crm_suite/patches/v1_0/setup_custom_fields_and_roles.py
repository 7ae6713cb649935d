from crm_suite.setup.install import setup


def execute():
	"""Sites that had crm_suite before setup ran on migrate get fields and roles here."""
	setup()
