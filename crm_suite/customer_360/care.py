"""Birthday and holiday care actions that respect do-not-contact flags."""


def daily():
	pass  # TODO(issue 3): placeholder until this area lands
