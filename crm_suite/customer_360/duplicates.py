"""Duplicate finder over Customers, Contacts and Leads, and the merge that resolves a candidate."""


def nightly_scan():
	pass  # TODO(issue 3): placeholder until this area lands
