import pytest

from crm_suite.engine.call_script import (
	END,
	Question,
	Rule,
	ScriptError,
	check,
	next_key,
	normalise,
	parse_rules,
	split_options,
	walk,
)


def renewal_script():
	"""A renewal call: happy customers are asked about an upgrade, unhappy ones for the reason;
	a large team size jumps to the enterprise question."""
	return [
		Question("happy", "Are you happy with the service?", "Yes-No", rules=parse_rules("= No -> reason")),
		Question("upgrade", "Interested in the upgrade?", "Yes-No", rules=parse_rules("= No -> end")),
		Question("seats", "How many users?", "Number", rules=parse_rules("if answer >= 50 go to enterprise")),
		Question("plan", "Which plan?", "Select", options=split_options("Basic\nPro"), next_key=END),
		Question("enterprise", "Talk to an account manager?", "Yes-No", next_key=END),
		Question("reason", "What went wrong?", "Select", options=split_options("Price, Quality, Support")),
		Question("details", "Details", "Text", required=False),
	]


def test_parse_rules_forms():
	rules = parse_rules("= Yes -> q3\nif answer > 5 go to q7\n# comment\n\n* -> END\n!= 'No' => q2")
	assert rules == (Rule("=", "Yes", "q3"), Rule(">", "5", "q7"), Rule("*", "", END), Rule("!=", "No", "q2"))


@pytest.mark.parametrize("line", ["Yes -> q3", "= -> q3", "= Yes q3", "~ 5 -> q3"])
def test_parse_rules_rejects_bad_lines(line):
	with pytest.raises(ScriptError) as err:
		parse_rules(f"= ok -> a\n{line}")
	assert err.value.code == "bad_rule" and err.value.params["line"] == 2


def test_normalise_answers():
	script = {q.key: q for q in renewal_script()}
	assert normalise(script["happy"], " y ") == "Yes"
	assert normalise(script["happy"], "否") == "No"
	assert normalise(script["seats"], "12") == 12.0
	assert normalise(script["reason"], "price") == "Price"
	assert normalise(script["details"], "") is None
	for key, raw, code in (
		("happy", "maybe", "not_yes_no"),
		("seats", "a dozen", "not_a_number"),
		("seats", "nan", "not_a_number"),
		("reason", "Colour", "not_an_option"),
		("plan", " ", "answer_required"),
	):
		with pytest.raises(ScriptError) as err:
			normalise(script[key], raw)
		assert err.value.code == code


def test_branches():
	script = renewal_script()
	assert next_key(script, "happy", "No") == "reason"
	assert next_key(script, "happy", "Yes") == "upgrade"  # no rule matched: the next question
	assert next_key(script, "upgrade", "No") == END
	assert next_key(script, "seats", 50.0) == "enterprise"
	assert next_key(script, "seats", 49.0) == "plan"
	assert next_key(script, "plan", "Pro") == END  # explicit next_key
	assert next_key(script, "details", None) == END  # last question
	with pytest.raises(ScriptError):
		next_key(script, "nope", "x")


def test_walk_keeps_only_the_answers_on_the_path():
	answers = {
		"happy": "yes",
		"upgrade": "yes",
		"seats": "80",
		"plan": "Pro",
		"enterprise": "no",
		"reason": "Price",
	}
	result = walk(renewal_script(), answers)
	assert result.path == ["happy", "upgrade", "seats", "enterprise"]
	assert result.answers == {"happy": "Yes", "upgrade": "Yes", "seats": 80.0, "enterprise": "No"}
	assert result.complete and result.pending is None


def test_walk_unhappy_path_with_optional_text():
	result = walk(renewal_script(), {"happy": "No", "reason": "support"})
	assert result.path == ["happy", "reason", "details"]
	assert result.answers == {"happy": "No", "reason": "Support"}
	assert result.complete


def test_walk_stops_at_first_unanswered_question():
	result = walk(renewal_script(), {"happy": "Yes", "upgrade": "Yes"})
	assert result.path == ["happy", "upgrade"] and result.pending == "seats" and not result.complete


def test_check_finds_problems():
	assert check(renewal_script()) == []
	bad = [
		Question("a", type="Select"),
		Question("a", rules=(Rule("=", "x", "zz"),)),
		Question("end"),
		Question("b", type="Colour"),
	]
	codes = [code for code, _ in check(bad)]
	assert codes == ["no_options", "duplicate_key", "unknown_target", "bad_key", "bad_type"]


def test_check_and_walk_refuse_loops():
	looping = [
		Question("a", "A", "Yes-No", rules=(Rule("=", "Yes", "b"),), next_key=END),
		Question("b", "B", "Yes-No", rules=(Rule("=", "Yes", "a"),)),
	]
	assert check(looping) == [("loop", {"key": "a"})]
	with pytest.raises(ScriptError) as err:
		walk(looping, {"a": "yes", "b": "yes"})
	assert err.value.code == "loop"
	# the same jump guarded by an answer that ends it first is fine to walk
	assert walk(looping, {"a": "yes", "b": "no"}).path == ["a", "b"]
