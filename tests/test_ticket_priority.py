from datetime import datetime

from crm_suite.engine.ticket_priority import MATRIX, compute_priority, queue_key, raise_one


def test_matrix_is_complete_and_monotone():
	assert len(MATRIX) == 9
	assert compute_priority("High", "High") == "Urgent"
	assert compute_priority("Medium", "Medium") == "Medium"
	assert compute_priority("Low", "Low") == "Low"
	assert compute_priority("High", "Low") == compute_priority("Low", "High") == "Medium"


def test_missing_levels_count_as_medium():
	assert compute_priority(None, None) == "Medium"
	assert compute_priority("bogus", "High") == "High"


def test_vip_and_key_raised_one_step():
	assert compute_priority("Medium", "Medium", "VIP") == "High"
	assert compute_priority("Low", "Low", "Key") == "Medium"
	assert compute_priority("High", "High", "VIP") == "Urgent"
	assert compute_priority("Medium", "Medium", "Normal") == "Medium"
	assert raise_one("Unknown") == "Unknown"


def test_vip_first_in_queue():
	t = datetime(2025, 1, 1)
	tickets = [
		("normal-urgent", queue_key("Normal", "Urgent", t)),
		("vip-low", queue_key("VIP", "Low", datetime(2025, 1, 2))),
		("key-high", queue_key("Key", "High", t)),
		("vip-high", queue_key("VIP", "High", datetime(2025, 1, 3))),
		("none-low", queue_key(None, "Low", None)),
	]
	order = [name for name, _ in sorted(tickets, key=lambda x: x[1])]
	assert order == ["vip-high", "vip-low", "key-high", "normal-urgent", "none-low"]
