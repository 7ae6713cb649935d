"""Chinese is a first-class language: every user-facing string has a zh translation.

Pure pytest, no frappe. To see what is missing (as CSV rows to fill in):

	python tests/translation_strings.py --missing --where
"""

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import translation_strings as ts

LANG = "zh"
CSV = ts.TRANSLATIONS / f"{LANG}.csv"


@pytest.fixture(scope="module")
def found() -> ts.Extraction:
	extraction = ts.extract()
	for note in extraction.notes:
		if note.startswith("DYNAMIC_SOURCES"):
			warnings.warn(note, stacklevel=1)
	return extraction


@pytest.fixture(scope="module")
def entries() -> list[ts.Entry]:
	try:
		return ts.read_translations(LANG)
	except (OSError, ValueError) as e:  # csv.Error is a ValueError
		pytest.fail(f"{ts.rel(CSV)} does not parse: {e}")


def test_the_scan_finds_strings_of_every_kind(found):
	origins = {where.split(":")[0] for wheres in found.origins.values() for where in wheres}
	for kind in (".py", ".js", "doctype/", "report/", "workspace/", "print_format/", "setup/fields/"):
		assert any(kind in o for o in origins), f"no strings found in {kind}: is the scan broken?"
	assert {"Customer", "Lifecycle Stage", "Churn Risk", "Duplicate Candidate"} <= found.strings


def test_translate_calls_are_literal(found):
	"""No f-string, .format(), % or concatenation inside _() / __(), no empty or padded strings."""
	assert not found.violations, "\n" + "\n".join(map(str, found.violations))


def test_csv_parses_as_frappe_reads_it(entries):
	assert entries, f"{ts.rel(CSV)} is empty"


def test_every_string_has_a_translation(found, entries):
	have = {e.source for e in entries if not e.context}
	missing = sorted(found.strings - have)
	assert not missing, (
		f"{len(missing)} strings have no {LANG} translation in {ts.rel(CSV)} "
		"(python tests/translation_strings.py --missing --where):\n"
		+ "\n".join(f"{s!r}  <- {', '.join(sorted(found.origins[s]))}" for s in missing)
	)


def test_translations_keep_placeholders_and_tags(entries):
	"""Same {0}/{} placeholders and HTML tags, not empty, not left in English, no duplicate rows."""
	problems = ts.entry_problems(entries)
	assert not problems, "\n" + "\n".join(problems)


@pytest.mark.parametrize(
	"source,expected",
	[
		('_("Plain")', set()),
		('_("Implicit " "concatenation")', set()),
		('_(f"Hello {name}")', {"f-string"}),
		('_("Hello {0}".format(name))', {".format()"}),
		('_("Hello " + name)', {"concatenation"}),
		('_("%s items" % n)', {"%-formatting"}),
		('_("")', {"empty string"}),
		('_(" padded")', {"whitespace"}),
		("_(doctype)", set()),
	],
)
def test_python_scan(source, expected):
	out = ts.Extraction()
	ts.extract_python(source, "x.py", out)
	assert {k for k in expected if any(k in v.message for v in out.violations)} == expected
	assert len(out.violations) == len(expected)
	if source == '_("Implicit " "concatenation")':
		assert out.strings == {"Implicit concatenation"}


@pytest.mark.parametrize(
	"source,strings,violation",
	[
		('__("Say \\"hi\\"")', {'Say "hi"'}, None),
		("__('It\\'s {0}', [x])", {"It's {0}"}, None),
		("__(`Multi\nline`)", {"Multi\nline"}, None),
		("__(`Hi ${name}`)", set(), "template literal"),
		('__("Hi " + name)', set(), "concatenation"),
		('__(doc.status || "")', set(), None),
		(
			'{ label: __("View"), fieldtype: "Select", options: ["RFM Grid", "Segments"] }',
			{"View", "RFM Grid", "Segments"},
			None,
		),
		('{ fieldtype: "Link", options: "Territory" }', set(), None),
	],
)
def test_js_scan(source, strings, violation):
	out = ts.Extraction()
	ts.extract_js(source, "x.js", out)
	assert out.strings == strings
	assert [violation in v.message for v in out.violations] == ([True] if violation else [])


def test_jinja_scan():
	out = ts.Extraction()
	ts.extract_jinja('{{ _("Key Figures") }} {{ _(doc.status) }} {{ _("A" ~ b) }}', "x.html", out)
	assert out.strings == {"Key Figures"}
	assert [v.message for v in out.violations] == [
		"concatenation inside _(): put the whole sentence in one string"
	]


def test_placeholder_check():
	bad = [
		ts.Entry(1, "Keep {0}", "保留"),
		ts.Entry(2, "{} Open", "{0} 个待处理"),
		ts.Entry(3, "<b>Hi</b>", "你好"),
	]
	problems = ts.entry_problems(bad)
	assert len(problems) == 3, problems


def test_server_side_key_is_what_frappe_looks_up():
	"""frappe's Python _() strips HTML tags and whitespace before the lookup; JS __() does not."""
	py, js = ts.Extraction(), ts.Extraction()
	ts.extract_python('_("Set <b>{0}</b> first")', "x.py", py)
	ts.extract_js('__("Set <b>{0}</b> first")', "x.js", js)
	assert py.strings == {"Set {0} first"}
	assert js.strings == {"Set <b>{0}</b> first"}


def test_merge_keeps_context_rows(tmp_path, monkeypatch):
	monkeypatch.setattr(ts, "TRANSLATIONS", tmp_path)
	(tmp_path / "zh.csv").write_text("Key,重点\nKey,键值,Webhook Header\nB,乙\n", encoding="utf-8")
	assert ts.merge_rows("zh", [["A", "甲"], ["B", "乙二"]]) == 4
	assert (tmp_path / "zh.csv").read_text(encoding="utf-8") == (
		"A,甲\nB,乙二\nKey,重点\nKey,键值,Webhook Header\n"
	)
