"""Data quality on save: normalise phones, emails and names; score completeness; warn on duplicates."""


def validate_customer(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands


def validate_contact(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands


def validate_lead(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands
