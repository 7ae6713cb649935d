from datetime import datetime, timedelta

from crm_suite.engine.agent_select import Candidate, eligible, select, skill_set

NOW = datetime(2026, 3, 2, 10, 0)


def ago(minutes: int) -> datetime:
	return NOW - timedelta(minutes=minutes)


def team():
	billing = skill_set("Billing, Sales")
	return [
		Candidate("a@x", "Available", ago(5), billing, extension="101"),
		Candidate("b@x", "Available", ago(30), billing, extension="102"),
		Candidate("c@x", "On Call", ago(90), billing, extension="103"),  # idle longest, but busy
		Candidate("d@x", "Available", ago(60), skill_set("Technical"), extension="104"),
		Candidate("s@x", "Available", ago(2), billing, senior=True, extension="105"),
	]


def test_skill_set_folds_case_and_separators():
	assert skill_set(" Billing,sales\nTECHNICAL ,, ") == frozenset({"billing", "sales", "technical"})
	assert skill_set(None) == frozenset()


def test_longest_idle_available_agent_with_the_skill():
	choice = select(team(), "billing", now=NOW)
	# c@x is idle longer but On Call; d@x is idle longer but lacks the skill
	assert (choice.user, choice.extension, choice.reason) == ("b@x", "102", "longest_idle")
	assert choice.idle_seconds == 30 * 60


def test_order_of_candidates():
	assert [a.user for a in eligible(team(), "Billing")] == ["b@x", "a@x", "s@x"]
	# no queue: any available agent
	assert [a.user for a in eligible(team(), None)] == ["d@x", "b@x", "a@x", "s@x"]


def test_vip_goes_to_senior_even_if_idle_shorter():
	choice = select(team(), "Billing", vip=True, now=NOW)
	assert (choice.user, choice.reason) == ("s@x", "vip_senior")


def test_vip_without_available_senior_falls_back_to_longest_idle():
	agents = [a if a.user != "s@x" else Candidate("s@x", "Break", ago(1), a.skills, True) for a in team()]
	choice = select(agents, "Billing", vip=True, now=NOW)
	assert (choice.user, choice.reason) == ("b@x", "vip_no_senior")


def test_nobody_available_returns_none():
	assert select(team(), "Claims", now=NOW) is None
	assert select([], "Billing") is None
	busy = [
		Candidate("x@x", state, ago(9), skill_set("Billing")) for state in ("On Call", "Wrap-up", "Offline")
	]
	assert select(busy, "Billing") is None


def test_exclude_agents_already_tried():
	assert select(team(), "Billing", exclude=["b@x"]).user == "a@x"


def test_unknown_since_counts_as_idle_longest_and_ties_break_by_user():
	agents = [
		Candidate("z@x", "Available", ago(500), skill_set("billing")),
		Candidate("m@x", "Available", None, skill_set("billing")),
		Candidate("k@x", "Available", None, skill_set("billing")),
	]
	assert [a.user for a in eligible(agents, "billing")] == ["k@x", "m@x", "z@x"]
	assert select(agents, "billing", now=NOW).idle_seconds is None


def test_state_after_call_follows_the_call():
	from crm_suite.engine.agent_select import state_after_call as after

	# answered: On Call (from any state, the agent did pick up)
	assert after("Available", None, "C1", answered=True, ended=False, wrapup_done=False) == "On Call"
	assert after("Break", None, "C1", answered=True, ended=False, wrapup_done=False) == "On Call"
	assert after("On Call", "C1", "C1", answered=True, ended=False, wrapup_done=False) is None
	# ended: Wrap-up, then Available when wrap-up is done
	assert after("On Call", "C1", "C1", answered=True, ended=True, wrapup_done=False) == "Wrap-up"
	assert after("Wrap-up", "C1", "C1", answered=True, ended=True, wrapup_done=True) == "Available"
	# end and wrap-up folded into one update
	assert after("On Call", "C1", "C1", answered=True, ended=True, wrapup_done=True) == "Available"
	# a late event of an old call leaves the agent's current call alone
	assert after("On Call", "C2", "C1", answered=True, ended=True, wrapup_done=False) is None
	# a replayed end after the agent already went Available does not send them back to wrap-up
	assert after("Available", "C1", "C1", answered=True, ended=True, wrapup_done=False) is None
	# never answered (abandoned, missed): no change
	assert after("Available", None, "C1", answered=False, ended=True, wrapup_done=False) is None
