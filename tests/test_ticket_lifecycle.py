from datetime import datetime

import pytest

from crm_suite.engine import ticket_lifecycle as tl

ALL_CHECKED = {field: 1 for field, _label in tl.CHECKLIST}


@pytest.mark.parametrize(
	"status, responded, assigned, stage",
	[
		("Open", False, False, "Pending"),
		("Open", True, False, "In Progress"),
		("Open", False, True, "In Progress"),
		("Replied", False, False, "Waiting on Customer"),
		("On Hold", True, True, "Waiting on Customer"),
		("Resolved", True, False, "Resolved"),
		("Closed", False, False, "Closed"),
		(None, False, False, "Pending"),
	],
)
def test_stage_for_status(status, responded, assigned, stage):
	assert tl.stage_for(status, responded, assigned) == stage


def test_every_status_has_a_stage_and_every_stage_a_status():
	assert {tl.stage_for(s, True) for s in tl.STATUSES} | {tl.PENDING} == set(tl.STAGES)
	for stage in tl.STAGES:
		assert tl.status_for_stage(stage) in tl.STATUSES
	assert tl.status_for_stage("Waiting on Customer", "On Hold") == "On Hold"
	assert tl.status_for_stage("Waiting on Customer", "Open") == "Replied"
	with pytest.raises(ValueError):
		tl.status_for_stage("Parked")


def test_sync_status_edit_wins_and_stage_follows():
	# agent changed the status: the stage follows
	assert tl.sync("Replied", "In Progress", "Open", "In Progress", True, False) == ("Replied", tl.WAITING)
	# stage edited by hand, status untouched: the status follows the stage
	assert tl.sync("Open", "Resolved", "Open", "In Progress", True, False) == ("Resolved", tl.RESOLVED)
	assert tl.sync("Open", tl.WAITING, "Open", "Pending", False, False) == ("Replied", tl.WAITING)
	# both edited: the status wins
	assert tl.sync("Closed", tl.WAITING, "Open", "Pending", False, False) == ("Closed", tl.CLOSED)
	# new ticket
	assert tl.sync("Open", None, None, None, False, False) == ("Open", tl.PENDING)
	# In Progress by hand sticks on an Open ticket; Pending by hand is overruled by a reply
	assert tl.sync("Open", tl.IN_PROGRESS, "Open", tl.PENDING, False, False) == ("Open", tl.IN_PROGRESS)
	assert tl.sync("Open", tl.IN_PROGRESS, "Open", tl.IN_PROGRESS, False, False) == ("Open", tl.IN_PROGRESS)
	assert tl.sync("Open", tl.PENDING, "Open", tl.IN_PROGRESS, True, False) == ("Open", tl.IN_PROGRESS)
	# reopened: back to In Progress once answered
	assert tl.sync("Open", tl.RESOLVED, "Resolved", tl.RESOLVED, True, False) == ("Open", tl.IN_PROGRESS)


def test_reopen_and_customer_reply():
	assert tl.is_reopen("Resolved", "Open")
	assert tl.is_reopen("Closed", "Replied")
	assert not tl.is_reopen("Resolved", "Closed")
	assert not tl.is_reopen("Open", "Replied")
	assert not tl.is_reopen(None, "Open")
	assert tl.status_after_customer_reply("Open") is None
	for status in ("Replied", "On Hold", "Resolved", "Closed"):
		assert tl.status_after_customer_reply(status) == "Open"


def test_auto_close_cutoff():
	now = datetime(2026, 3, 10, 12)
	assert tl.auto_close_cutoff(now, 3) == datetime(2026, 3, 7, 12)
	assert tl.auto_close_cutoff(now, None) == datetime(2026, 3, 3, 12)
	assert tl.auto_close_cutoff(now, 0) == datetime(2026, 3, 3, 12)


def test_complaint_limits_default_to_72_24_4_hours():
	assert {k: v[1] for k, v in tl.COMPLAINT_LIMIT_HOURS.items()} == {"Normal": 72, "Urgent": 24, "Major": 4}
	assert all(ack < resolve for ack, resolve in tl.COMPLAINT_LIMIT_HOURS.values())
	assert set(tl.COMPLAINT_LIMIT_HOURS) == set(tl.COMPLAINT_CLASSES)


def test_complaint_close_blockers():
	assert tl.complaint_close_blockers(None, {}, 0, 0, False) == []
	assert tl.complaint_close_blockers("Normal", ALL_CHECKED, 0, 0, True) == []
	assert tl.complaint_close_blockers("Normal", {}, 1, 1, False) == [
		"checklist",
		"capa_open",
		"not_confirmed",
	]
	assert tl.complaint_close_blockers("Major", ALL_CHECKED, 0, 0, True) == ["capa_missing"]
	assert tl.complaint_close_blockers("Major", ALL_CHECKED, 2, 0, True) == []
	partly = {**ALL_CHECKED, "crms_chk_remedy_offered": 0}
	assert tl.checklist_missing(partly) == ["crms_chk_remedy_offered"]
	assert tl.complaint_close_blockers("Urgent", partly, 0, 0, True) == ["checklist"]


def test_merge_refusal():
	target = {"name": "T", "customer": "C1"}
	same = {"name": "S1", "customer": "C1"}
	other = {"name": "S2", "customer": "C2"}
	assert tl.merge_refusal(target, [same]) is None
	assert tl.merge_refusal(target, []) == ("no_sources", None)
	assert tl.merge_refusal(target, [target]) == ("same_ticket", "T")
	assert tl.merge_refusal(target, [same, other]) == ("different_customer", "S2")
	assert tl.merge_refusal(target, [other], force=True) == ("different_customer", "S2")
	assert tl.merge_refusal(target, [other], force=True, may_force=True) is None
	assert tl.merge_refusal(target, [{"name": "S3", "customer": "C1", "crms_merged_into": "X"}]) == (
		"source_merged",
		"S3",
	)
	assert tl.merge_refusal({**target, "crms_merged_into": "X"}, [same]) == ("target_merged", "T")
	# no customer on either side is the same customer
	assert tl.merge_refusal({"name": "T"}, [{"name": "S", "customer": ""}]) is None


def test_dedupe_assignments_keeps_one_open_todo_per_user():
	move, cancel = tl.dedupe_assignments(["a@x"], [("t1", "a@x"), ("t2", "b@x"), ("t3", "b@x")])
	assert move == ["t2"]
	assert cancel == ["t1", "t3"]
