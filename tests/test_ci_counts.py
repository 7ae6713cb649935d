"""scripts/junit_counts.py, which turns each layer's JUnit XML into the counts .ci/run reports."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("junit_counts", ROOT / "scripts" / "junit_counts.py")
jc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jc)

PASS = '<testcase classname="tests.test_a" name="test_ok" time="0.1"/>'
FAIL = '<testcase classname="tests.test_a" name="test_bad"><failure message="assert 1 == 2">tb</failure></testcase>'
ERROR = '<testcase classname="tests.test_b" name="test_boom"><error message="fixture exploded"/></testcase>'
SKIP = (
	'<testcase classname="tests.test_c" name="test_later">'
	'<skipped type="pytest.skip" message="needs phonenumbers">tests/test_c.py:3: needs phonenumbers</skipped>'
	"</testcase>"
)


def suite(*cases: str, **attrs: str) -> str:
	extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
	return f'<testsuites><testsuite name="pytest"{extra}>{"".join(cases)}</testsuite></testsuites>'


def run_main(tmp_path, text: str | None, *args: str, capsys) -> tuple[int, list[str], str]:
	path = tmp_path / "r.xml"
	if text is not None:
		path.write_text(text)
	rc = jc.main([str(path), *args])
	out, err = capsys.readouterr()
	return rc, out.splitlines(), err


def test_passes_are_counted():
	c = jc.count_text(suite(PASS, PASS))
	assert (c.passed, c.failed, c.skipped, c.errors) == (2, 0, 0, 0)


def test_failures_and_errors_are_both_failures():
	c = jc.count_text(suite(PASS, FAIL, ERROR))
	assert (c.passed, c.failed, c.skipped, c.errors) == (1, 2, 0, 1)
	assert ("tests.test_a.test_bad", "assert 1 == 2") in c.failures
	assert ("tests.test_b.test_boom", "fixture exploded") in c.failures


def test_skips_are_counted_with_test_id_and_reason():
	c = jc.count_text(suite(PASS, SKIP))
	assert (c.passed, c.failed, c.skipped) == (1, 0, 1)
	assert c.skips == [("tests.test_c.test_later", "needs phonenumbers")]


def test_skip_without_message_falls_back_to_its_text():
	c = jc.count_text(suite('<testcase name="test_x"><skipped>  no  reason given </skipped></testcase>'))
	assert c.skips == [("test_x", "no reason given")]


def test_collection_error_counts_as_a_failure():
	# what pytest --junitxml writes for a test module that fails to import
	collect = '<testcase classname="tests" name="test_broken"><error message="collection failure">E</error></testcase>'
	c = jc.count_text(suite(PASS, collect))
	assert (c.passed, c.failed, c.errors) == (1, 1, 1)


def test_single_testsuite_root_is_accepted():
	c = jc.count_text(f'<testsuite name="lifecycle" tests="2">{PASS}{FAIL}</testsuite>')
	assert (c.passed, c.failed) == (1, 1)


def test_suite_totals_without_test_cases_still_count():
	c = jc.count_text(suite(PASS, errors="1", failures="0"))
	assert (c.passed, c.failed, c.errors) == (1, 1, 1)


def test_suite_totals_are_not_double_counted():
	c = jc.count_text(suite(PASS, FAIL, ERROR, failures="1", errors="1"))
	assert c.failed == 2


def test_nested_suites_totals_are_read_from_the_leaves_only():
	text = (
		'<testsuites failures="1"><testsuite name="outer" failures="1">'
		f'<testsuite name="inner" failures="1">{FAIL}</testsuite></testsuite></testsuites>'
	)
	assert jc.count_text(text).failed == 1


@pytest.mark.parametrize(
	"text",
	["", "   \n", "<testsuites><testsuite>", "not xml at all", "<html><body>500</body></html>"],
)
def test_unparseable_or_foreign_input_is_unreadable(text):
	with pytest.raises(jc.Unreadable):
		jc.count_text(text)


def test_missing_file_is_unreadable(tmp_path):
	with pytest.raises(jc.Unreadable):
		jc.count_file(tmp_path / "nope.xml")


def test_main_prints_skips_and_failures_before_the_count_line(tmp_path, capsys):
	rc, lines, _ = run_main(tmp_path, suite(PASS, FAIL, ERROR, SKIP), capsys=capsys)
	assert rc == 0
	assert lines[-1] == "1 2 1 1"  # passed failed skipped errors; failed includes the error
	assert "skipped: tests.test_c.test_later: needs phonenumbers" in lines[:-1]
	assert "failed: tests.test_a.test_bad: assert 1 == 2" in lines[:-1]


@pytest.mark.parametrize("text", [None, "", "<oops"])
def test_main_exits_2_for_missing_empty_or_broken_xml(tmp_path, capsys, text):
	rc, lines, err = run_main(tmp_path, text, capsys=capsys)
	assert rc == 2
	assert lines == []
	assert "r.xml" in err


def test_expect_files_counts_a_test_file_without_results(tmp_path, capsys, monkeypatch):
	monkeypatch.chdir(tmp_path)
	(tmp_path / "tests" / "sub").mkdir(parents=True)
	for name in ("tests/test_a.py", "tests/test_b.py", "tests/test_c.py", "tests/sub/test_d.py"):
		(tmp_path / name).write_text("")
	(tmp_path / "tests" / "conftest.py").write_text("")
	setup_class_error = (
		'<testcase classname="unittest.suite._ErrorHolder" name="setUpClass (tests.test_b.TestB)">'
		'<error message="boom"/></testcase>'
	)
	(tmp_path / "r.xml").write_text(suite(PASS, setup_class_error, SKIP))
	rc = jc.main(["r.xml", "--expect-files", "tests"])
	lines = capsys.readouterr().out.splitlines()
	assert rc == 0
	# test_a passed, test_b errored in setUpClass, test_c skipped: only tests/sub/test_d.py is missing
	assert lines[-1] == "1 2 1 1"
	assert any(line.startswith("failed: tests/sub/test_d.py:") for line in lines)


def test_expect_files_does_not_confuse_a_prefix_with_the_file(tmp_path):
	(tmp_path / "tests").mkdir()
	(tmp_path / "tests" / "test_a.py").write_text("")
	c = jc.Counts()
	missing = jc.check_files(c, ["tests.test_ab.test_x"], tmp_path / "tests", root=tmp_path)
	assert len(missing) == 1 and c.failed == 1


def test_pytest_module_messages_show_the_reason():
	collect_error = (
		'<testcase classname="" name="tests.test_b"><error message="collection failure">'
		"Traceback:\ntests/test_b.py:1: in &lt;module&gt;\n    import nope\n"
		"E   ModuleNotFoundError: No module named 'nope'</error></testcase>"
	)
	collect_skip = (
		'<testcase classname="" name="tests.test_c"><skipped message="collection skipped">'
		"('/x/tests/test_c.py', 2, \"Skipped: could not import 'rapidfuzz'\")</skipped></testcase>"
	)
	c = jc.count_text(suite(collect_error, collect_skip))
	assert c.failures == [("tests.test_b", "collection failure: ModuleNotFoundError: No module named 'nope'")]
	assert c.skips == [("tests.test_c", "collection skipped: Skipped: could not import 'rapidfuzz'")]


def test_real_pytest_run_is_counted_honestly(tmp_path, monkeypatch, capsys):
	"""Pins what this pytest writes: a broken module, a skipped module, a module without tests."""
	import subprocess
	import sys

	tests = tmp_path / "tests"
	tests.mkdir()
	(tests / "test_ok.py").write_text("def test_ok():\n\tassert True\n")
	(tests / "test_broken.py").write_text("import crms_no_such_module\n\ndef test_x():\n\tpass\n")
	(tests / "test_skipped.py").write_text(
		'import pytest\n\npytest.importorskip("crms_no_such_module")\n\ndef test_y():\n\tpass\n'
	)
	(tests / "test_empty.py").write_text("def helper():\n\tpass\n")
	args = ["tests", "-q", "-p", "no:cacheprovider", "--continue-on-collection-errors", "--junitxml=r.xml"]
	proc = subprocess.run(
		[sys.executable, "-m", "pytest", *args],
		cwd=tmp_path,
		capture_output=True,
		text=True,
	)
	assert proc.returncode != 0
	monkeypatch.chdir(tmp_path)
	assert jc.main(["r.xml", "--expect-files", "tests"]) == 0
	lines = capsys.readouterr().out.splitlines()
	# passed: test_ok; failed: the broken module and the module with no tests; skipped: test_skipped
	assert lines[-1] == "1 2 1 1"
	assert any(
		line.startswith("skipped: tests.test_skipped:") and "crms_no_such_module" in line for line in lines
	)
	assert any(line.startswith("failed: tests/test_empty.py:") for line in lines)


def _load_lifecycle(monkeypatch, tmp_path):
	spec = importlib.util.spec_from_file_location("lifecycle_check", ROOT / "scripts" / "lifecycle_check.py")
	lc = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(lc)
	monkeypatch.setattr(lc, "BENCH", tmp_path / "bench")
	monkeypatch.setattr(lc, "root_password", lambda: "root")
	return lc


def test_lifecycle_reads_every_role_the_app_adds(monkeypatch, tmp_path):
	lc = _load_lifecycle(monkeypatch, tmp_path)
	roles = lc.app_roles()
	for role in ("Service Supervisor", "Call Centre Agent", "QA Inspector", "Data Protection Officer"):
		assert role in roles
	assert len(roles) == len(set(roles)) >= 6


def test_lifecycle_records_every_step_after_a_failed_action(monkeypatch, tmp_path, capsys):
	lc = _load_lifecycle(monkeypatch, tmp_path)
	calls = []

	def fake_frappe_cmd(*args, **kwargs):
		calls.append(args)
		if "install-app" in args:
			raise RuntimeError("install-app crm_suite exited 1")
		return ""

	monkeypatch.setattr(lc, "frappe_cmd", fake_frappe_cmd)
	xml = tmp_path / "lifecycle.xml"
	assert lc.main(str(xml)) == 1
	c = jc.count_file(xml)
	names = [name for name, *_ in lc.cases]
	assert names[-1] == "drop the lifecycle site"  # still attempted after the failure
	assert "nothing of crm_suite left (every role gone)" in names and "ERPNext still works" in names
	assert c.total == len(names) and (c.failed, c.passed) == (1, 4)
	assert all(reason == "previous step failed: install-app crm_suite" for _, reason in c.skips)
	assert c.skipped == len(names) - 5
	assert not any("migrate" in a for a in calls)  # nothing ran on a site in an unknown state


def test_lifecycle_failed_check_does_not_stop_the_run(monkeypatch, tmp_path):
	lc = _load_lifecycle(monkeypatch, tmp_path)
	monkeypatch.setattr(lc, "frappe_cmd", lambda *a, **k: "")
	monkeypatch.setattr(lc, "state", lambda: {"installed": False})
	monkeypatch.setattr(lc, "execute", lambda *a, **k: [])
	xml = tmp_path / "lifecycle.xml"
	assert lc.main(str(xml)) == 1
	c = jc.count_file(xml)
	failed = {tid for tid, _ in c.failures}
	# the state checks fail (and so do the role and ERPNext checks on this fake); the rest still runs
	assert {"lifecycle.installed state", "lifecycle.state after migrations"} <= failed
	assert "lifecycle.every crm_suite role exists after install" in failed
	assert c.skipped == 0 and c.total == len(lc.cases)
	assert c.passed >= 6  # password, roles listed, new site, install, two migrates, uninstall, drop
