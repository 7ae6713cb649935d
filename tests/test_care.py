"""Care engine: occasion matching, do-not-contact per channel, owners, no duplicates."""

from datetime import date

from crm_suite.engine import care

BIRTHDAY = {
	"name": "Birthday",
	"occasion": "Birthday",
	"days_before": 0,
	"action": "ToDo",
	"todo_for": "Account Manager",
	"channel": "Phone",
}
NEW_YEAR = {
	"name": "New Year",
	"occasion": "Fixed Date",
	"month": 1,
	"day": 1,
	"days_before": 3,
	"action": "Email",
	"channel": "Email",
}


def test_occasion_date_and_fixed_dates():
	assert care.occasion_date(date(2026, 12, 29), 3) == date(2027, 1, 1)
	assert care.rule_applies(NEW_YEAR, date(2027, 1, 1))
	assert not care.rule_applies(NEW_YEAR, date(2027, 1, 2))
	assert not care.rule_applies({**NEW_YEAR, "month": 2, "day": 30}, date(2027, 3, 2))


def test_holiday_rule_uses_the_holiday_list():
	rule = {**NEW_YEAR, "occasion": "Holiday"}
	assert care.rule_applies(rule, date(2026, 5, 1), [date(2026, 5, 1)])
	assert not care.rule_applies(rule, date(2026, 5, 2), [date(2026, 5, 1)])


def test_leap_day_birthdays_fall_on_28_february_in_common_years():
	assert care.same_day(date(2000, 2, 29), date(2027, 2, 28))
	assert not care.same_day(date(2000, 2, 29), date(2028, 2, 28))
	assert care.same_day(date(2000, 2, 29), date(2028, 2, 29))


def test_birthday_plan_respects_do_not_contact_for_the_rule_channel():
	target = date(2026, 6, 1)
	people = [
		{"customer": "C1", "contact": "P1", "birthday": date(1990, 6, 1), "account_manager": "a@x"},
		{
			"customer": "C2",
			"contact": "P2",
			"birthday": date(1990, 6, 1),
			"account_manager": "a@x",
			"crms_dnc_phone": 1,
		},
		{
			"customer": "C3",
			"contact": "P3",
			"birthday": date(1990, 6, 1),
			"account_manager": "a@x",
			"crms_dnc_email": 1,
		},
		{"customer": "C4", "contact": "P4", "birthday": date(1990, 6, 2), "account_manager": "a@x"},
		{"customer": "C5", "contact": "P5", "birthday": date(1990, 6, 1)},
	]
	out = care.plan(BIRTHDAY, people, target)
	assert [a["customer"] for a in out["actions"]] == ["C1", "C3"]
	assert out["actions"][0]["owner"] == "a@x"
	assert ("C2", "P2", "do-not-contact: Phone") in out["skipped"]
	assert ("C5", "P5", "no owner") in out["skipped"]


def test_email_plan_needs_an_address_and_skips_dnc_email_and_unsubscribed():
	target = date(2027, 1, 1)
	people = [
		{"customer": "C1", "email": "c1@x"},
		{"customer": "C2", "email": "c2@x", "crms_dnc_email": 1},
		{"customer": "C3"},
		{"customer": "C4", "email": "c4@x", "unsubscribed": 1},
		{"customer": "C5", "email": "c5@x", "crms_dnc_phone": 1},
	]
	out = care.plan(NEW_YEAR, people, target)
	assert [a["customer"] for a in out["actions"]] == ["C1", "C5"]
	assert {s[2] for s in out["skipped"]} == {"do-not-contact: Email", "no email address", "unsubscribed"}


def test_never_twice_for_the_same_occasion_year():
	target = date(2027, 1, 1)
	people = [{"customer": "C1", "email": "c1@x"}, {"customer": "C1", "email": "c1@x"}]
	first = care.plan(NEW_YEAR, people, target)
	assert len(first["actions"]) == 1
	again = care.plan(NEW_YEAR, people, target, done_keys=[a["key"] for a in first["actions"]])
	assert again["actions"] == []
	next_year = care.plan(NEW_YEAR, people, date(2028, 1, 1), done_keys=[a["key"] for a in first["actions"]])
	assert len(next_year["actions"]) == 1


def test_todo_owner_prefers_the_rule_choice():
	c = {"account_manager": "am@x", "follow_up_owner": "fo@x"}
	assert care.todo_owner(BIRTHDAY, c) == "am@x"
	assert care.todo_owner({**BIRTHDAY, "todo_for": "Follow-up Owner"}, c) == "fo@x"
	assert care.todo_owner({**BIRTHDAY, "todo_for": "Follow-up Owner"}, {"account_manager": "am@x"}) == "am@x"
