from datetime import datetime, timedelta

import pytest

from crm_suite.engine import incident_flow as f


def test_order_and_next():
	assert f.STAGES[0] == f.WARNING and f.STAGES[-1] == f.CLOSED
	assert f.next_stage(f.WARNING) == f.FIRST_RESPONSE
	assert f.next_stage(f.AFTERMATH) == f.CLOSED
	assert f.next_stage(f.CLOSED) is None
	with pytest.raises(ValueError):
		f.index("Panic")


def test_moves():
	assert f.check_move(f.WARNING, f.FIRST_RESPONSE) is None
	assert f.check_move(f.FIRST_RESPONSE, f.HANDLING) is None  # skipping forward is allowed
	assert f.check_move(f.HANDLING, f.RESPONSE) == f.BACKWARDS
	assert f.check_move(f.HANDLING, f.HANDLING) == f.SAME_STAGE
	assert f.check_move(f.CLOSED, f.AFTERMATH) == f.ALREADY_CLOSED
	assert f.check_move(f.WARNING, "Party") == f.UNKNOWN_STAGE
	assert f.check_move(f.WARNING, f.RESPONSE, open_tasks_before_target=2) == f.OPEN_TASKS


def test_tasks_blocking():
	tasks = [
		{"stage": f.WARNING, "done": 1},
		{"stage": f.FIRST_RESPONSE, "done": 0},
		{"stage": f.HANDLING, "done": 0},
	]
	# the current stage's open task carries over, even when skipping ahead
	assert f.tasks_blocking(tasks, f.FIRST_RESPONSE, f.RESPONSE) == 0
	assert f.tasks_blocking(tasks, f.FIRST_RESPONSE, f.HANDLING) == 0
	# from a later stage, the First Response task must be done first
	assert f.tasks_blocking(tasks, f.RESPONSE, f.REPORTING) == 1
	assert f.tasks_blocking(tasks, f.HANDLING, f.AFTERMATH) == 1
	assert f.tasks_blocking(tasks, f.WARNING, f.CLOSED) == 2


def test_spans():
	t0 = datetime(2026, 12, 1, 9, 0)
	rows = [
		{"stage": f.FIRST_RESPONSE, "started_on": t0 + timedelta(minutes=10)},
		{"stage": f.WARNING, "started_on": t0},
		{"stage": f.HANDLING, "started_on": t0 + timedelta(minutes=40)},
	]
	out = f.spans(rows, now=t0 + timedelta(hours=2))
	assert [s.stage for s in out] == [f.WARNING, f.FIRST_RESPONSE, f.HANDLING]
	assert [s.seconds for s in out] == [600, 1800, 4800]
	closed = f.spans([*rows, {"stage": f.CLOSED, "started_on": t0 + timedelta(hours=1)}])
	assert closed[2].seconds == 1200 and closed[-1].seconds == 0
	assert f.spans(rows)[-1].ended is None
