"""Next follow-up date and owner on Customer, Lead and Opportunity, kept in step with a ToDo."""


def sync_follow_up(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands


def daily_reminders():
	pass  # TODO(issue 3): placeholder until this area lands
