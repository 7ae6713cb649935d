from datetime import date, datetime, time

from crm_suite.engine.routing import Agent, Ticket, route

NOW = datetime(2025, 3, 3, 10, 0)


def agents():
	return [
		Agent("billing1", skills=frozenset({"Billing"}), languages=frozenset({"zh"}), capacity=5),
		Agent("billing2", skills=frozenset({"Billing"}), capacity=5),
		Agent("tech", skills=frozenset({"Technical"}), capacity=5),
		Agent("senior", skills=frozenset({"Billing"}), capacity=5, senior=True),
	]


def test_least_loaded_skilled_agent():
	loads = {"billing1": 3, "billing2": 1, "senior": 4, "tech": 0}
	decision = route(Ticket("Billing"), agents(), loads, {}, NOW)
	assert decision.agent == "billing2" and decision.reason == "skill_match"


def test_language_adds_to_skill_score():
	loads = {"billing1": 3, "billing2": 1, "senior": 0}
	assert route(Ticket("Billing", language="zh"), agents(), loads, {}, NOW).agent == "billing1"


def test_vip_goes_to_senior_first():
	loads = {"billing1": 0, "billing2": 0, "senior": 4}
	decision = route(Ticket("Billing", vip=True), agents(), loads, {}, NOW)
	assert decision.agent == "senior" and decision.details["senior"]


def test_absent_and_off_hours_agents_skipped():
	team = [
		Agent("away", skills=frozenset({"Billing"}), absent=True),
		Agent("back", skills=frozenset({"Billing"}), absent=True, absent_until=date(2025, 3, 2)),
		Agent("night", skills=frozenset({"Billing"}), hours=(time(22), time(6))),
	]
	assert route(Ticket("Billing"), team, {}, {}, NOW).agent == "back"
	assert route(Ticket("Billing"), team, {}, {}, datetime(2025, 3, 3, 23)).agent in {"back", "night"}
	assert route(Ticket("Billing"), team[:1], {}, {}, NOW).agent is None
	assert route(Ticket("Billing"), team, {}, {}, NOW, exclude=["back"]).reason == "no_agent_available"


def test_capacity_then_round_robin():
	team = [Agent("a", capacity=2), Agent("b", capacity=2), Agent("c", capacity=10)]
	loads = {"a": 2, "b": 1, "c": 9}
	# c is less loaded in absolute terms but a is full; b has the lowest ratio
	assert route(Ticket(), team, loads, {}, NOW).agent == "b"
	tie = [Agent("x", capacity=3), Agent("y", capacity=3)]
	last = {"x": datetime(2025, 3, 3, 9), "y": datetime(2025, 3, 3, 8)}
	assert route(Ticket(), tie, {}, last, NOW).agent == "y"
	full = route(Ticket(), [Agent("a", capacity=1)], {"a": 3}, {}, NOW)
	assert full.agent == "a" and full.details["over_capacity"] and full.reason == "no_skill_match"


def test_hours_and_holidays_read_in_the_team_time_zone():
	from datetime import timezone

	office = (time(9), time(18))
	shanghai = Agent("sh", hours=office, time_zone="Asia/Shanghai")
	london = Agent("ldn", hours=office, time_zone="Europe/London")
	# 02:00 UTC is 10:00 in Shanghai and 02:00 in London
	early = datetime(2025, 3, 3, 2, 0, tzinfo=timezone.utc)
	assert route(Ticket(), [shanghai, london], {}, {}, early).agent == "sh"
	# 12:00 UTC is 20:00 in Shanghai and 12:00 in London
	noon = datetime(2025, 3, 3, 12, 0, tzinfo=timezone.utc)
	assert route(Ticket(), [shanghai, london], {}, {}, noon).agent == "ldn"
	# London summer time: 08:30 UTC on 2025-07-01 is 09:30 BST, inside hours (08:30 GMT would not be)
	assert london.available(datetime(2025, 7, 1, 8, 30, tzinfo=timezone.utc))
	assert not london.available(datetime(2025, 1, 6, 8, 30, tzinfo=timezone.utc))


def test_team_holiday_is_the_local_date():
	from datetime import timezone

	sh = Agent("sh", time_zone="Asia/Shanghai", holidays=frozenset({date(2025, 10, 1)}))
	# 2025-09-30 20:00 UTC is already 1 October in Shanghai
	assert not sh.available(datetime(2025, 9, 30, 20, 0, tzinfo=timezone.utc))
	assert sh.available(datetime(2025, 9, 30, 12, 0, tzinfo=timezone.utc))
	# a naive clock is taken as local
	assert not sh.available(datetime(2025, 10, 1, 12, 0))
	assert route(Ticket(), [sh], {}, {}, datetime(2025, 10, 1, 12, 0)).reason == "no_agent_available"
