"""crm_suite's user-facing source strings, collected without frappe.

What counts as user-facing (what Frappe v15 passes through `_()` / `__()` at runtime):

* Python: `_("...")`, `_lt("...")`, `frappe._("...")` (read with `ast`, so implicit concatenation is
  one string); an f-string, `.format()`, `+` or `%` inside the call is a violation.
* JS: `__("...")`, `__('...')`, `` __(`...`) `` (escapes decoded); a template literal with `${}` or a
  concatenation inside the call is a violation. Select options given as `options: [...]` or
  `options: "a\\nb"` (report filters, dialogs) are collected too.
* Jinja / HTML templates and Print Format `html`: `_("...")`.
* JSON: DocType name, description, field labels / descriptions / Select options, link groups and
  action labels; Report name and column / filter labels; Workspace label, title, header and
  paragraph text, link, shortcut (label and count format), chart and number card labels; Number
  Card label; Dashboard Chart name; Print Format name; Web Form title and field labels; the
  custom fields and label / description property setters of `<module>/custom/*.json`.
* Custom fields defined in code (`crm_suite/setup/fields/*.py`): label, description and the options
  of Select fields, from the dict literals (names and `options(CONSTANT)` resolved through module
  constants), plus the values `get_custom_fields()` really returns (expands f-strings) when it can
  be imported without frappe.
* Module names (modules.txt) and the values listed in `DYNAMIC_SOURCES`: constants the code passes
  to `_(variable)`, which no scan of `_()` calls can see.

Adding translations: `python tests/translation_strings.py --missing --where > rows.csv` lists the
strings `crm_suite/translations/zh.csv` lacks as CSV rows `source,`; fill in the translations, then
`python tests/translation_strings.py --merge rows.csv` adds them and keeps the file sorted. Do not
rewrite the file keyed by source alone: rows with a third (context) column share their source with
a context-free row, and both are needed. `--help` for the other options.
"""

from __future__ import annotations

import argparse
import ast
import csv
import html
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "crm_suite"
TRANSLATIONS = APP / "translations"

SKIP_DIRS = {"__pycache__", "node_modules", "dist", "tests", "boilerplate", "translations", "locale"}
JS_SUFFIXES = {".js", ".ts", ".vue"}
TEMPLATE_SUFFIXES = {".html", ".jinja", ".j2"}
FRAPPE_IS_HTML = re.compile(r"<[^>]+>")  # frappe.utils.is_html
FRAPPE_HTML_TAGS = re.compile(r"<[^>]*>")  # frappe.utils.strip_html_tags
PLACEHOLDER = re.compile(r"\{[A-Za-z0-9_]*\}|%\([A-Za-z0-9_]+\)[sd]|%[sd]")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# ------------------------------------------------------------------------------------------------
# results
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Violation:
	path: str
	line: int
	message: str

	def __str__(self) -> str:
		return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Extraction:
	origins: dict[str, set[str]] = field(default_factory=dict)  # string -> {"path:line", ...}
	violations: list[Violation] = field(default_factory=list)
	notes: list[str] = field(default_factory=list)  # things the scan could not follow

	@property
	def strings(self) -> set[str]:
		return set(self.origins)

	def add(self, message, path: Path | str, line: int | None = None) -> None:
		if not isinstance(message, str) or not is_translatable(message):
			return
		where = rel(path) + (f":{line}" if line else "")
		self.origins.setdefault(message, set()).add(where)

	def add_all(self, messages: Iterable, path: Path | str, line: int | None = None) -> None:
		for m in messages:
			self.add(m, path, line)

	def violate(self, path: Path | str, line: int, message: str) -> None:
		self.violations.append(Violation(rel(path), line, message))


def is_translatable(message: str) -> bool:
	"""Frappe's own filter (frappe/gettext/extractors/utils.py), plus: not blank."""
	return bool(
		message.strip()
		and re.search("[a-zA-Z]", message)
		and not message.startswith("fa fa-")
		and not message.endswith("px")
		and not message.startswith("eval:")
	)


def server_key(message: str, path, line: int, out: Extraction) -> str:
	"""The key frappe's Python `_()` looks up: HTML tags stripped, then whitespace (frappe/__init__.py)."""
	if FRAPPE_IS_HTML.search(message):
		key = FRAPPE_HTML_TAGS.sub("", message).strip()
		out.notes.append(
			f"{rel(path)}:{line}: _() strips tags before the lookup, so the key is {key!r}; "
			"better: markup in a {0} argument"
		)
		return key
	return message.strip()


def rel(path: Path | str) -> str:
	path = Path(path)
	try:
		return path.resolve().relative_to(ROOT).as_posix()
	except ValueError:
		return path.as_posix()


def app_files(suffixes: set[str]) -> Iterator[Path]:
	for path in sorted(APP.rglob("*")):
		parts = path.relative_to(APP).parts
		if any(p in SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
			continue
		if path.is_file() and path.suffix in suffixes and not path.name.endswith(".min.js"):
			if path.suffix == ".py" and path.name.startswith("test_"):
				continue
			yield path


# ------------------------------------------------------------------------------------------------
# Python
# ------------------------------------------------------------------------------------------------
TRANSLATE_NAMES = {"_", "_lt"}


def _is_translate_call(node: ast.Call) -> bool:
	f = node.func
	if isinstance(f, ast.Name):
		return f.id in TRANSLATE_NAMES
	return (
		isinstance(f, ast.Attribute)
		and f.attr in TRANSLATE_NAMES
		and isinstance(f.value, ast.Name)
		and f.value.id == "frappe"
	)


def extract_python(source: str, path: Path | str, out: Extraction) -> None:
	try:
		tree = ast.parse(source, filename=str(path))
	except SyntaxError as e:
		out.violate(path, e.lineno or 0, f"cannot parse: {e.msg}")
		return
	for node in ast.walk(tree):
		if isinstance(node, ast.Call) and _is_translate_call(node):
			_python_message(node, path, out)


def _python_message(call: ast.Call, path, out: Extraction) -> None:
	line = call.lineno
	if not call.args:
		msg = next((k.value for k in call.keywords if k.arg == "msg"), None)
		if msg is None:
			out.violate(path, line, "_() without a message")
			return
	else:
		msg = call.args[0]
	for node, literal in _python_branches(msg):
		if literal is not None:
			_check_literal(literal, path, node.lineno, out, "_()")
			out.add(server_key(literal, path, node.lineno, out), path, node.lineno)
		elif isinstance(node, ast.JoinedStr):
			out.violate(path, node.lineno, "f-string inside _(): translate a literal, then .format() it")
		elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
			out.violate(path, node.lineno, "concatenation inside _(): put the whole sentence in one string")
		elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
			out.violate(path, node.lineno, "%-formatting inside _(): use _('... {0}').format(value)")
		elif (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Attribute)
			and node.func.attr in ("format", "format_map")
		):
			out.violate(path, node.lineno, ".format() inside _(): use _('... {0}').format(value)")
		# anything else (a variable, an attribute, a call) is a dynamic value: see DYNAMIC_SOURCES


def _python_branches(node: ast.expr) -> Iterator[tuple[ast.expr, str | None]]:
	"""The message expression, or both arms of `a if c else b`."""
	if isinstance(node, ast.IfExp):
		yield from _python_branches(node.body)
		yield from _python_branches(node.orelse)
	elif isinstance(node, ast.Constant) and isinstance(node.value, str):
		yield node, node.value
	else:
		yield node, None


def _check_literal(literal: str, path, line: int, out: Extraction, call: str) -> None:
	if not literal.strip():
		out.violate(path, line, f"empty string in {call}")
	elif literal != literal.strip():
		out.violate(path, line, f"leading or trailing whitespace in {call}: {literal!r}")


# ------------------------------------------------------------------------------------------------
# JS and Jinja (a small scanner: string literals, brackets, the top-level operators of an argument)
# ------------------------------------------------------------------------------------------------
JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _read_string(text: str, i: int) -> tuple[str, int, bool]:
	"""Decode the string literal opening at text[i]; return (value, index after it, has ${...})."""
	quote = text[i]
	i += 1
	out: list[str] = []
	interpolated = False
	while i < len(text):
		c = text[i]
		if c == "\\":
			n = text[i + 1 : i + 2]
			if n == "u" and text[i + 2 : i + 3] == "{":
				end = text.index("}", i)
				out.append(chr(int(text[i + 3 : end], 16)))
				i = end + 1
				continue
			if n == "u":
				out.append(chr(int(text[i + 2 : i + 6], 16)))
				i += 6
				continue
			if n == "x":
				out.append(chr(int(text[i + 2 : i + 4], 16)))
				i += 4
				continue
			if n == "\n":  # line continuation
				i += 2
				continue
			out.append(JS_ESCAPES.get(n, n))
			i += 2
			continue
		if c == quote:
			return "".join(out), i + 1, interpolated
		if quote == "`" and c == "$" and text[i + 1 : i + 2] == "{":
			interpolated = True
			depth, i = 1, i + 2
			while i < len(text) and depth:
				if text[i] in "\"'`":
					_, i, _x = _read_string(text, i)
					continue
				depth += {"{": 1, "}": -1}.get(text[i], 0)
				i += 1
			out.append("${…}")
			continue
		if c == "\n" and quote != "`":
			break  # unterminated
		out.append(c)
		i += 1
	raise ValueError("unterminated string literal")


@dataclass
class _Arg:
	"""The first argument of a call, as the scanner saw it."""

	literals: list[tuple[str, bool]]  # (value, interpolated) of every string literal at the top level
	operators: set[str]  # top-level operator characters seen
	only_literal: bool  # the argument is exactly one string literal
	end: int


def _scan_argument(text: str, i: int) -> _Arg:
	"""Scan from text[i] (just after the opening parenthesis) to the end of the first argument."""
	literals: list[tuple[str, bool]] = []
	operators: set[str] = set()
	tokens = depth = 0
	while i < len(text):
		c = text[i]
		if c in "\"'`":
			value, i, interpolated = _read_string(text, i)
			if depth == 0:
				literals.append((value, interpolated))
				tokens += 1
			continue
		if depth == 0 and (c in ")," or c in "]}"):
			break
		if depth == 0 and not c.isspace():
			tokens += 1
			if c in "+~%.":
				operators.add(c)
		depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(c, 0)
		i += 1
	return _Arg(literals, operators, len(literals) == 1 and tokens == 1, i)


def extract_calls(text: str, path, out: Extraction, func: str, server: bool = False) -> None:
	"""`func("...")` calls in JS or (server=True) Jinja source."""
	pattern = re.compile(r"(?<![A-Za-z0-9_$])" + re.escape(func) + r"\(\s*")
	call = f"{func}()"
	for m in pattern.finditer(text):
		line = text.count("\n", 0, m.start()) + 1
		try:
			arg = _scan_argument(text, m.end())
		except (ValueError, IndexError):
			out.violate(path, line, f"cannot read the argument of {call}")
			continue
		starts_with_literal = text[m.end() : m.end() + 1] in ('"', "'", "`")
		if any(interpolated for _v, interpolated in arg.literals):
			out.violate(
				path, line, f"template literal with ${{}} inside {call}: use {func}('... {{0}}', [value])"
			)
		elif arg.only_literal:
			value = arg.literals[0][0]
			_check_literal(value, path, line, out, call)
			out.add(server_key(value, path, line, out) if server else value, path, line)
		elif arg.literals and arg.operators & {"+", "~"}:
			out.violate(path, line, f"concatenation inside {call}: put the whole sentence in one string")
		elif starts_with_literal and "%" in arg.operators:
			out.violate(path, line, f"%-formatting inside {call}: translate first, then format")
		elif starts_with_literal and "." in arg.operators:
			out.violate(path, line, f"string method inside {call}: translate the literal first, then format")
		# otherwise a dynamic value: `__(doc.status)`, `__(item.type || "")`


SELECT_ARRAY = re.compile(r"(?<![A-Za-z0-9_$])options\s*:\s*\[")
SELECT_STRING = re.compile(r"(?<![A-Za-z0-9_$])options\s*:\s*(?=[\"'`])")


def extract_js_select_options(text: str, path, out: Extraction) -> None:
	for m in SELECT_ARRAY.finditer(text):
		line = text.count("\n", 0, m.start()) + 1
		i, values = m.end(), []
		try:
			while i < len(text) and text[i] != "]":
				if text[i] in "\"'`":
					value, i, interpolated = _read_string(text, i)
					if not interpolated:
						values.append(value)
					continue
				if text[i] in "{[(":
					break  # objects ({label, value}) or expressions: not plain options
				i += 1
		except (ValueError, IndexError):
			continue
		out.add_all(values, path, line)
	for m in SELECT_STRING.finditer(text):
		try:
			value, _end, interpolated = _read_string(text, m.end())
		except (ValueError, IndexError):
			continue
		if "\n" in value and not interpolated:  # a single word is a Link target, not options
			out.add_all(value.split("\n"), path, text.count("\n", 0, m.start()) + 1)


def extract_js(text: str, path, out: Extraction) -> None:
	extract_calls(text, path, out, "__")
	extract_js_select_options(text, path, out)


def extract_jinja(text: str, path, out: Extraction) -> None:
	extract_calls(text, path, out, "_", server=True)


# ------------------------------------------------------------------------------------------------
# JSON
# ------------------------------------------------------------------------------------------------
class _TextOnly(HTMLParser):
	def __init__(self):
		super().__init__()
		self.parts: list[str] = []

	def handle_data(self, data):
		self.parts.append(data)


def html_text(value: str) -> str:
	parser = _TextOnly()
	parser.feed(value or "")
	parser.close()
	return html.unescape("".join(parser.parts)).strip()


def select_options(df: dict) -> list[str]:
	if df.get("fieldtype") != "Select" or not isinstance(df.get("options"), str):
		return []
	return df["options"].split("\n")


def _field_messages(df: dict) -> list[str]:
	return [df.get("label"), df.get("description"), *select_options(df)]


def extract_json(data, path, out: Extraction) -> None:
	if not isinstance(data, dict):
		return
	if "custom_fields" in data or "property_setters" in data:
		for df in data.get("custom_fields") or []:
			out.add_all(_field_messages(df), path)
		for ps in data.get("property_setters") or []:
			if ps.get("property") in ("label", "description"):
				out.add(ps.get("value"), path)
		return
	handler = JSON_HANDLERS.get(data.get("doctype"))
	if handler:
		handler(data, path, out)


def _doctype(d: dict, path, out: Extraction) -> None:
	out.add_all([d.get("name"), d.get("description")], path)
	for df in d.get("fields") or []:
		out.add_all(_field_messages(df), path)
	for link in d.get("links") or []:
		out.add(link.get("group"), path)
	for action in d.get("actions") or []:
		out.add_all([action.get("label"), action.get("group")], path)


def _report(d: dict, path, out: Extraction) -> None:
	out.add(d.get("report_name"), path)
	for row in (d.get("columns") or []) + (d.get("filters") or []):
		out.add(row.get("label"), path)


def _workspace(d: dict, path, out: Extraction) -> None:
	out.add_all([d.get("label"), d.get("title")], path)
	for link in d.get("links") or []:
		out.add_all([link.get("label"), link.get("description")], path)
	for sc in d.get("shortcuts") or []:
		out.add_all([sc.get("label"), sc.get("format")], path)
	for key in ("charts", "number_cards", "quick_lists", "custom_blocks"):
		for row in d.get(key) or []:
			out.add(row.get("label"), path)
	try:
		content = json.loads(d.get("content") or "[]")
	except json.JSONDecodeError:
		out.violate(path, 0, "Workspace content is not valid JSON")
		return
	for block in content:
		if block.get("type") in ("header", "paragraph"):
			out.add(html_text(block.get("data", {}).get("text") or ""), path)


def _print_format(d: dict, path, out: Extraction) -> None:
	out.add(d.get("name"), path)
	if d.get("html"):
		extract_jinja(d["html"], path, out)


def _web_form(d: dict, path, out: Extraction) -> None:
	out.add_all([d.get("title"), d.get("button_label"), d.get("success_title")], path)
	for df in d.get("web_form_fields") or []:
		out.add_all(_field_messages(df), path)


JSON_HANDLERS: dict[str, Callable] = {
	"DocType": _doctype,
	"Report": _report,
	"Workspace": _workspace,
	"Number Card": lambda d, p, o: o.add(d.get("label"), p),
	"Dashboard Chart": lambda d, p, o: o.add(d.get("chart_name"), p),
	"Dashboard": lambda d, p, o: o.add(d.get("dashboard_name"), p),
	"Print Format": _print_format,
	"Web Form": _web_form,
}


# ------------------------------------------------------------------------------------------------
# module constants (for custom field options and DYNAMIC_SOURCES)
# ------------------------------------------------------------------------------------------------
_UNRESOLVED = object()


class Module:
	"""Top-level constants of one crm_suite Python file, resolved through `from crm_suite... import`."""

	_cache: ClassVar[dict[Path, Module]] = {}

	def __init__(self, path: Path):
		self.path = path
		self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
		self.nodes: dict[str, ast.expr] = {}
		self.imports: dict[str, tuple[str, str]] = {}
		for node in self.tree.body:
			if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
				targets = node.targets if isinstance(node, ast.Assign) else [node.target]
				for target in targets:
					if isinstance(target, ast.Name):
						self.nodes[target.id] = node.value
					elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
						for t, v in zip(target.elts, node.value.elts, strict=False):
							if isinstance(t, ast.Name):
								self.nodes[t.id] = v
			elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crm_suite"):
				for alias in node.names:
					self.imports[alias.asname or alias.name] = (node.module, alias.name)

	@classmethod
	def load(cls, path: Path) -> Module:
		path = path.resolve()
		if path not in cls._cache:
			cls._cache[path] = cls(path)
		return cls._cache[path]

	@classmethod
	def by_name(cls, dotted: str) -> Module | None:
		base = ROOT.joinpath(*dotted.split("."))
		for candidate in (base.with_suffix(".py"), base / "__init__.py"):
			if candidate.exists():
				return cls.load(candidate)
		return None

	def value(self, name: str, seen: frozenset = frozenset()):
		if (self.path, name) in seen:
			return _UNRESOLVED
		seen = seen | {(self.path, name)}
		if name in self.nodes:
			return self.evaluate(self.nodes[name], seen)
		if name in self.imports:
			module = Module.by_name(self.imports[name][0])
			return module.value(self.imports[name][1], seen) if module else _UNRESOLVED
		return _UNRESOLVED

	def evaluate(self, node: ast.expr, seen: frozenset = frozenset()):
		"""Literal value of `node`: literals, names of constants, tuples / lists of those; else _UNRESOLVED."""
		if isinstance(node, ast.Constant):
			return node.value
		if isinstance(node, ast.Name):
			return self.value(node.id, seen)
		if isinstance(node, ast.Tuple | ast.List | ast.Set):
			items = [self.evaluate(e, seen) for e in node.elts]
			return _UNRESOLVED if _UNRESOLVED in items else tuple(items)
		if isinstance(node, ast.Dict):
			keys = [self.evaluate(k, seen) if k else _UNRESOLVED for k in node.keys]
			values = [self.evaluate(v, seen) for v in node.values]
			if _UNRESOLVED in keys or _UNRESOLVED in values:
				return _UNRESOLVED
			return dict(zip(keys, values, strict=True))
		return _UNRESOLVED


# ------------------------------------------------------------------------------------------------
# custom fields defined in code
# ------------------------------------------------------------------------------------------------
def _options_values(module: Module, node: ast.expr) -> list[str] | None:
	"""Select options from a literal, a constant, `options(CONSTANT)` or `"\\n".join(CONSTANT)`."""
	value = module.evaluate(node)
	if value is _UNRESOLVED and isinstance(node, ast.Call) and len(node.args) == 1:
		value = module.evaluate(node.args[0])
	if isinstance(value, str):
		return value.split("\n")
	if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
		return list(value)
	return None


def extract_field_definitions(path: Path, out: Extraction) -> None:
	module = Module.load(path)
	for node in ast.walk(module.tree):
		if not isinstance(node, ast.Dict):
			continue
		entries = {
			k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)
		}
		if "fieldname" not in entries and "fieldtype" not in entries:
			continue
		fieldtype = module.evaluate(entries["fieldtype"]) if "fieldtype" in entries else None
		for key in ("label", "description"):
			if key not in entries:
				continue
			value = module.evaluate(entries[key])
			if isinstance(value, str):
				out.add(value, path, entries[key].lineno)
			else:
				out.notes.append(
					f"{rel(path)}:{entries[key].lineno}: computed {key} (taken from get_custom_fields() if importable)"
				)
		if "options" in entries and fieldtype == "Select":
			values = _options_values(module, entries["options"])
			if values is None:
				out.notes.append(
					f"{rel(path)}:{entries['options'].lineno}: computed Select options not followed"
				)
			else:
				out.add_all(values, path, entries["options"].lineno)


def extract_runtime_custom_fields(out: Extraction) -> None:
	"""What the providers really return (f-string descriptions expanded), if importable without frappe."""
	if str(ROOT) not in sys.path:
		sys.path.insert(0, str(ROOT))
	try:
		from crm_suite.setup.custom_fields import get_custom_fields

		fields = get_custom_fields()
	except Exception as e:  # a provider started importing frappe: the ast scan still covers literals
		out.notes.append(f"get_custom_fields() not importable without frappe ({type(e).__name__}: {e})")
		return
	where = APP / "setup" / "custom_fields.py"
	for dfs in fields.values():
		for df in dfs:
			out.add_all(_field_messages(df), where)


# ------------------------------------------------------------------------------------------------
# values passed to _(variable) / __(variable)
# ------------------------------------------------------------------------------------------------
def _all_strings(module: Module, node: ast.expr) -> list[str]:
	return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _call_arg(func: str, index: int):
	def select(module: Module, node: ast.expr) -> list[str]:
		return [
			n.args[index].value
			for n in ast.walk(node)
			if isinstance(n, ast.Call)
			and isinstance(n.func, ast.Name)
			and n.func.id == func
			and len(n.args) > index
			and isinstance(n.args[index], ast.Constant)
		]

	return select


def _call_tuple_arg(func: str, index: int):
	"""Every string of a tuple literal passed as positional argument `index` to `func(...)`."""

	def select(module: Module, node: ast.expr) -> list[str]:
		return [
			e.value
			for n in ast.walk(node)
			if isinstance(n, ast.Call)
			and isinstance(n.func, ast.Name)
			and n.func.id == func
			and len(n.args) > index
			and isinstance(n.args[index], ast.Tuple)
			for e in n.args[index].elts
			if isinstance(e, ast.Constant) and isinstance(e.value, str)
		]

	return select


def _pair_item(index: int):
	def select(module: Module, node: ast.expr) -> list[str]:
		return [
			n.elts[index].value
			for n in ast.walk(node)
			if isinstance(n, ast.Tuple)
			and len(n.elts) == 2
			and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in n.elts)
		]

	return select


def _returned_strings(module: Module, node: ast.AST) -> list[str]:
	return [
		n.value.value
		for n in ast.walk(node)
		if isinstance(n, ast.Return) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
	]


# (file, top-level name, selector): values shown to users through `_(variable)` / `__(variable)`.
DYNAMIC_SOURCES = (
	# RFM segment names: at_risk_customers / customer_segmentation reports, 360 view, print format
	("crm_suite/engine/metrics.py", "SEGMENTS", _all_strings),
	# quality rule labels: "Missing: {0}" / "Invalid: {0}" issues and the Data Quality report columns
	("crm_suite/engine/quality.py", "RULES", _call_arg("Rule", 1)),
	# field labels of the duplicate comparison table
	("crm_suite/customer_360/duplicates.py", "COMPARE_FIELDS", _pair_item(1)),
	# timeline filter buttons of the 360 view
	("crm_suite/engine/timeline.py", "TYPES", _all_strings),
	# SLA state of open tickets in the 360 view
	("crm_suite/customer_360/view.py", "sla_state", _returned_strings),
	# comparison level labels of the duplicate model, shown in a candidate's explanation
	("crm_suite/engine/dedupe.py", "COMPARISONS", _call_tuple_arg("Comparison", 1)),
)


def extract_dynamic(out: Extraction) -> None:
	for file, name, select in DYNAMIC_SOURCES:
		path = ROOT / file
		if not path.exists():
			out.notes.append(f"DYNAMIC_SOURCES: {file} is gone; update tests/translation_strings.py")
			continue
		module = Module.load(path)
		node = module.nodes.get(name) or next(
			(
				n
				for n in module.tree.body
				if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef) and n.name == name
			),
			None,
		)
		if node is None:
			out.notes.append(
				f"DYNAMIC_SOURCES: {name} not found in {file}; update tests/translation_strings.py"
			)
			continue
		out.add_all(select(module, node), path, getattr(node, "lineno", None))


# ------------------------------------------------------------------------------------------------
# everything
# ------------------------------------------------------------------------------------------------
def extract() -> Extraction:
	Module._cache.clear()
	out = Extraction()
	for path in app_files({".py"}):
		extract_python(path.read_text(encoding="utf-8"), path, out)
	for path in app_files(JS_SUFFIXES):
		extract_js(path.read_text(encoding="utf-8"), path, out)
	for path in app_files(TEMPLATE_SUFFIXES):
		extract_jinja(path.read_text(encoding="utf-8"), path, out)
	for path in app_files({".json"}):
		try:
			data = json.loads(path.read_text(encoding="utf-8"))
		except json.JSONDecodeError as e:
			out.violate(path, e.lineno, f"invalid JSON: {e.msg}")
			continue
		extract_json(data, path, out)
	for path in sorted((APP / "setup" / "fields").glob("*.py")):
		extract_field_definitions(path, out)
	extract_runtime_custom_fields(out)
	modules = APP / "modules.txt"
	if modules.exists():
		out.add_all((m.strip() for m in modules.read_text().splitlines()), modules)
	extract_dynamic(out)
	return out


def source_strings() -> set[str]:
	"""The set of user-facing source strings of crm_suite."""
	return extract().strings


# ------------------------------------------------------------------------------------------------
# the translation file
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
	line: int
	source: str
	translation: str
	context: str = ""


def read_translations(lang: str = "zh") -> list[Entry]:
	"""Rows of translations/<lang>.csv, read like frappe.translate.read_csv_file; ValueError if malformed."""
	path = TRANSLATIONS / f"{lang}.csv"
	entries = []
	with open(path, encoding="utf-8", newline="") as f:
		reader = csv.reader(f, strict=True)
		for row in reader:
			if not row:
				continue
			if len(row) not in (2, 3):
				raise ValueError(
					f"{rel(path)}:{reader.line_num}: expected 2 or 3 columns, got {len(row)}: {row}"
				)
			entries.append(Entry(reader.line_num, row[0], row[1], row[2] if len(row) == 3 else ""))
	return entries


def translation_map(lang: str = "zh") -> dict[str, str]:
	"""Source -> translation, context-free rows only (what `_("source")` falls back to)."""
	return {e.source: e.translation for e in read_translations(lang) if not e.context}


def placeholders(text: str) -> list[str]:
	return sorted(PLACEHOLDER.findall(text))


def html_tags(text: str) -> list[str]:
	return sorted(HTML_TAG.findall(text))


def entry_problems(entries: list[Entry]) -> list[str]:
	"""Empty or untranslated rows, changed placeholders or HTML tags, duplicate keys."""
	problems, seen = [], {}
	for e in entries:
		where = f"line {e.line} {e.source!r}"
		key = (e.source, e.context)
		if key in seen:
			problems.append(f"{where}: duplicate of line {seen[key]}")
		seen[key] = e.line
		if not e.translation.strip():
			problems.append(f"{where}: empty translation")
			continue
		if placeholders(e.source) != placeholders(e.translation):
			problems.append(
				f"{where}: placeholders {placeholders(e.source)} became {placeholders(e.translation)}"
			)
		if html_tags(e.source) != html_tags(e.translation):
			problems.append(f"{where}: HTML tags {html_tags(e.source)} became {html_tags(e.translation)}")
		if not CJK.search(e.translation) and e.translation != e.source:
			problems.append(f"{where}: translation {e.translation!r} has no Chinese and is not the source")
	return problems


def write_rows(rows: Iterable[tuple[str, ...]], stream=None) -> str:
	buffer = io.StringIO()
	writer = csv.writer(buffer, lineterminator="\n")
	writer.writerows(rows)
	if stream is not None:
		stream.write(buffer.getvalue())
	return buffer.getvalue()


def merge_rows(lang: str = "zh", new_rows: Iterable[list[str]] = ()) -> int:
	"""Add or replace rows (`source,translation[,context]`), keep every other row (context rows too),
	write the file sorted by (source, context). Returns the number of rows written."""
	path = TRANSLATIONS / f"{lang}.csv"
	rows = {(e.source, e.context): e.translation for e in read_translations(lang)} if path.exists() else {}
	for row in new_rows:
		if not row:
			continue
		if len(row) not in (2, 3):
			raise ValueError(f"expected source,translation[,context], got {row}")
		rows[(row[0], row[2] if len(row) == 3 else "")] = row[1]
	out = [(src, tr, ctx) if ctx else (src, tr) for (src, ctx), tr in sorted(rows.items())]
	path.write_text(write_rows(out), encoding="utf-8")
	return len(out)


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(
		description="crm_suite's user-facing strings and their translations (no frappe needed)."
	)
	parser.add_argument("--lang", default="zh", help="translation file: crm_suite/translations/<lang>.csv")
	group = parser.add_mutually_exclusive_group()
	group.add_argument(
		"--missing",
		action="store_true",
		help="print the strings without a translation as CSV rows 'source,' to fill in (default)",
	)
	group.add_argument("--all", action="store_true", help="print every source string")
	group.add_argument("--unused", action="store_true", help="print translations no scan finds")
	group.add_argument("--check", action="store_true", help="print violations and bad translation rows")
	group.add_argument(
		"--merge",
		metavar="ROWS_CSV",
		help="add or replace rows from a CSV file ('-' = stdin), keep all others (context rows too), sort",
	)
	group.add_argument("--sort", action="store_true", help="rewrite the CSV sorted and deduplicated")
	parser.add_argument(
		"--where", action="store_true", help="with --missing / --all: say where each string is"
	)
	args = parser.parse_args(argv)

	if args.sort or args.merge:
		rows = []
		if args.merge:
			with open(args.merge if args.merge != "-" else 0, encoding="utf-8", newline="") as f:
				rows = list(csv.reader(f, strict=True))
		print(f"{merge_rows(args.lang, rows)} rows in {args.lang}.csv", file=sys.stderr)
		return 0
	found = extract()
	if args.check:
		problems = [str(v) for v in found.violations] + entry_problems(read_translations(args.lang))
		print("\n".join(problems + [f"note: {n}" for n in found.notes]))
		return 1 if problems else 0
	have = translation_map(args.lang) if (TRANSLATIONS / f"{args.lang}.csv").exists() else {}
	if args.unused:
		print("\n".join(sorted(set(have) - found.strings)))
		return 0
	strings = sorted(found.strings if args.all else found.strings - set(have))
	for s in strings:
		if args.all:
			print(s)
		else:
			write_rows([(s, "")], sys.stdout)
		if args.where:
			print("\t<- " + ", ".join(sorted(found.origins[s])), file=sys.stderr)
	if not args.all:
		print(f"{len(strings)} of {len(found.strings)} strings missing from {args.lang}.csv", file=sys.stderr)
		return 1 if strings else 0
	return 0


if __name__ == "__main__":
	sys.exit(main())
