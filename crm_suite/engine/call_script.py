"""Call scripts with branching questions: parse the rules, check a script, walk it with answers.

A script is an ordered list of questions. After a question the next one is the first matching
rule's target ("= Yes -> q3", "> 5 -> q7", "if answer = No go to end"), else the question's own
`next_key`, else the question below it. "end" finishes the script. The agent's dialog asks one
question at a time with `next_key`; the server re-walks the submitted answers with `walk` so only
the answers on the path actually taken are stored, whatever a client sends. Codes, never messages:
the app layer translates them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

END = "end"
TYPES = ("Select", "Text", "Yes-No", "Number")
OPERATORS = ("=", "!=", ">=", "<=", ">", "<")
YES = frozenset({"yes", "y", "true", "1", "是", "是的", "对"})
NO = frozenset({"no", "n", "false", "0", "否", "不是", "不"})
_RULE = re.compile(
	r"^\s*(?:if\s+(?:answer\s*)?)?(!=|>=|<=|=|>|<|\*)\s*(.*?)\s*(?:->|=>|\bgo\s*to\b|\bthen\b)\s*(\S+)\s*$",
	re.IGNORECASE,
)


class ScriptError(ValueError):
	"""A bad rule, script or answer; `code` says which, `params` what."""

	def __init__(self, code: str, **params):
		super().__init__(code)
		self.code = code
		self.params = params


@dataclass(frozen=True)
class Rule:
	op: str  # one of OPERATORS, or "*" (always)
	value: str
	goto: str


@dataclass(frozen=True)
class Question:
	key: str
	text: str = ""
	type: str = "Text"
	options: tuple[str, ...] = ()
	rules: tuple[Rule, ...] = ()
	next_key: str | None = None
	required: bool = True


@dataclass
class Walk:
	path: list[str] = field(default_factory=list)  # keys asked, in order
	answers: dict[str, object] = field(default_factory=dict)  # normalised, on the path only
	complete: bool = False  # reached "end" (or past the last question)
	pending: str | None = None  # the next question still unanswered


def parse_rules(text: str | None) -> tuple[Rule, ...]:
	"""One rule per line: `= Yes -> q3`, `if answer > 5 go to q7`, `* -> end`."""
	rules = []
	for number, line in enumerate((text or "").splitlines(), start=1):
		if not line.strip() or line.strip().startswith("#"):
			continue
		m = _RULE.match(line)
		if not m:
			raise ScriptError("bad_rule", line=number, text=line.strip())
		op, value, goto = m.group(1), m.group(2).strip().strip("\"'"), m.group(3)
		if op != "*" and value == "":
			raise ScriptError("bad_rule", line=number, text=line.strip())
		rules.append(Rule(op, value, END if goto.casefold() == END else goto))
	return tuple(rules)


def split_options(text: str | None) -> tuple[str, ...]:
	return tuple(o.strip() for o in (text or "").replace(",", "\n").splitlines() if o.strip())


def normalise(question: Question, raw) -> object:
	"""The stored form of an answer: "Yes"/"No", a float, an option as written in the script, text."""
	text = "" if raw is None else str(raw).strip()
	if text == "":
		if question.required:
			raise ScriptError("answer_required", key=question.key)
		return None
	if question.type == "Yes-No":
		folded = text.casefold()
		if folded in YES:
			return "Yes"
		if folded in NO:
			return "No"
		raise ScriptError("not_yes_no", key=question.key, value=text)
	if question.type == "Number":
		try:
			value = float(text)
		except ValueError:
			raise ScriptError("not_a_number", key=question.key, value=text)
		if value != value or value in (float("inf"), float("-inf")):
			raise ScriptError("not_a_number", key=question.key, value=text)
		return value
	if question.type == "Select":
		for option in question.options:
			if option.casefold() == text.casefold():
				return option
		raise ScriptError("not_an_option", key=question.key, value=text)
	return text


def _matches(rule: Rule, question: Question, answer) -> bool:
	if rule.op == "*":
		return True
	if answer is None:
		return False
	if question.type == "Number" or rule.op in (">", "<", ">=", "<="):
		try:
			left, right = float(answer), float(rule.value)
		except (TypeError, ValueError):
			return False
		return {
			"=": left == right,
			"!=": left != right,
			">": left > right,
			"<": left < right,
			">=": left >= right,
			"<=": left <= right,
		}[rule.op]
	expected = rule.value
	if question.type == "Yes-No":
		folded = expected.casefold()
		expected = "Yes" if folded in YES else "No" if folded in NO else expected
	same = str(answer).casefold() == expected.casefold()
	return same if rule.op == "=" else not same


def next_key(questions: Sequence[Question], key: str, answer) -> str:
	"""The key asked after `key` given its (normalised) answer; END when the script is done."""
	index = {q.key: i for i, q in enumerate(questions)}
	if key not in index:
		raise ScriptError("unknown_question", key=key)
	question = questions[index[key]]
	for rule in question.rules:
		if _matches(rule, question, answer):
			return rule.goto
	if question.next_key:
		return question.next_key
	position = index[key] + 1
	return questions[position].key if position < len(questions) else END


def check(questions: Sequence[Question]) -> list[tuple[str, dict]]:
	"""Problems of a script as (code, params): duplicate or empty keys, unknown types, Select
	without options, jumps to unknown keys, jumps that can loop back."""
	problems: list[tuple[str, dict]] = []
	seen: set[str] = set()
	for q in questions:
		if not q.key or q.key.casefold() == END:
			problems.append(("bad_key", {"key": q.key}))
		elif q.key in seen:
			problems.append(("duplicate_key", {"key": q.key}))
		seen.add(q.key)
		if q.type not in TYPES:
			problems.append(("bad_type", {"key": q.key, "type": q.type}))
		if q.type == "Select" and not q.options:
			problems.append(("no_options", {"key": q.key}))
		for target in [r.goto for r in q.rules] + ([q.next_key] if q.next_key else []):
			if target != END and target not in {x.key for x in questions}:
				problems.append(("unknown_target", {"key": q.key, "target": target}))
	if problems:
		return problems
	# any reachable cycle would ask the same question twice: refuse it (depth-first, colouring)
	order = {q.key: i for i, q in enumerate(questions)}
	edges: dict[str, set[str]] = {}
	for q in questions:
		targets = {r.goto for r in q.rules}
		if not any(r.op == "*" for r in q.rules):
			fallback = q.next_key or (
				questions[order[q.key] + 1].key if order[q.key] + 1 < len(questions) else END
			)
			targets.add(fallback)
		edges[q.key] = targets - {END}
	state: dict[str, int] = {}

	def visit(key: str) -> bool:
		state[key] = 1
		for nxt in edges[key]:
			if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
				return True
		state[key] = 2
		return False

	for q in questions:
		if q.key not in state and visit(q.key):
			problems.append(("loop", {"key": q.key}))
			break
	return problems


def walk(questions: Sequence[Question], answers: Mapping[str, object]) -> Walk:
	"""Follow the script from the first question with the given raw answers. Stops at END, at the
	first unanswered question (`pending`), or at a question already asked (a loop). Answers off
	the path are dropped; a bad answer on the path raises ScriptError."""
	result = Walk()
	if not questions:
		result.complete = True
		return result
	by_key = {q.key: q for q in questions}
	key = questions[0].key
	while key != END:
		if key in result.path:
			raise ScriptError("loop", key=key)
		question = by_key[key]
		raw = answers.get(key)
		if raw is None or str(raw).strip() == "":
			if question.required:
				result.pending = key
				return result
			value = None
		else:
			value = normalise(question, raw)
		result.path.append(key)
		if value is not None:
			result.answers[key] = value
		key = next_key(questions, key, value)
	result.complete = True
	return result
