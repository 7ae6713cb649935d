"""Per-customer metrics (RFM, CLV, churn risk), computed set-based on the long queue."""


def nightly():
	pass  # TODO(issue 3): placeholder until this area lands
