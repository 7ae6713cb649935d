"""Count a JUnit XML file: every test case is passed, failed (failure or error) or skipped.

	python3 scripts/junit_counts.py RESULTS.xml [--expect-files DIR]

Prints one line per skipped test ("skipped: <test id>: <reason>"), one per failing test
("failed: <test id>: <message>"), then, last, "PASSED FAILED SKIPPED ERRORS" where FAILED already
includes ERRORS (collection errors, setUpClass errors, teardown errors...).

--expect-files DIR (relative to the working directory): every test_*.py under DIR must have at least
one result in the file, else it counts as one failure; a pytest run can otherwise lose a whole
module without a single red line.

Exits 2, printing why on stderr, when the file is missing, empty, not XML or not JUnit: the caller
counts that layer as failed.
"""

import ast
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path


class Unreadable(Exception):
	"""The results file is missing, empty or not JUnit XML."""


@dataclass
class Counts:
	passed: int = 0
	failed: int = 0  # test cases with a <failure> or an <error>, plus anything else that went wrong
	skipped: int = 0
	errors: int = 0  # of `failed`, those that were <error> elements
	skips: list[tuple[str, str]] = field(default_factory=list)  # (test id, reason)
	failures: list[tuple[str, str]] = field(default_factory=list)  # (test id, message)

	@property
	def total(self) -> int:
		return self.passed + self.failed + self.skipped

	def line(self) -> str:
		return f"{self.passed} {self.failed} {self.skipped} {self.errors}"


def _test_id(case: ET.Element) -> str:
	classname, name = case.get("classname") or "", case.get("name") or "?"
	return f"{classname}.{name}" if classname else name


# pytest's messages for a whole module: the reason is in the element's text
_GENERIC = {"collection failure", "collection skipped"}


def _message(el: ET.Element) -> str:
	message, text = el.get("message") or "", (el.text or "").strip()
	if text and (not message or message in _GENERIC):
		raised = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
		if raised:  # a traceback: its last "E   ..." line is the exception
			text = raised[-1]
		elif text.startswith("(") and text.endswith(")"):  # a collect skip: (path, line, "Skipped: why")
			try:
				text = str(ast.literal_eval(text)[-1])
			except (ValueError, SyntaxError, IndexError, TypeError):
				pass
		message = f"{message}: {text}" if message else text
	message = message or el.get("type") or "(no message)"
	return " ".join(message.split())[:300]


def _leaf_suites(root: ET.Element) -> list[ET.Element]:
	suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
	return [s for s in suites if s.find("testsuite") is None]


def count_tree(root: ET.Element) -> Counts:
	if root.tag not in ("testsuite", "testsuites"):
		raise Unreadable(f"root element is <{root.tag}>, not <testsuite> or <testsuites>")
	c = Counts()
	for case in root.iter("testcase"):
		tid = _test_id(case)
		bad = [el for el in case if el.tag in ("failure", "error")]
		skip = case.find("skipped")
		if bad:
			c.failed += 1
			c.errors += any(el.tag == "error" for el in bad)
			c.failures.append((tid, _message(bad[0])))
		elif skip is not None:
			c.skipped += 1
			c.skips.append((tid, _message(skip)))
		else:
			c.passed += 1
	# A suite can report failures or errors that have no <testcase> of their own (a runner that
	# records a module that failed to import only in the totals): count those too.
	reported = 0
	for s in _leaf_suites(root):
		try:
			reported += int(s.get("failures") or 0) + int(s.get("errors") or 0)
		except ValueError:
			continue
	if reported > c.failed:
		extra = reported - c.failed
		c.failed += extra
		c.errors += extra
		c.failures.append(("(suite totals)", f"{extra} failure(s) or error(s) with no test case recorded"))
	return c


def count_text(text: str) -> Counts:
	if not text.strip():
		raise Unreadable("empty file")
	try:
		return count_tree(ET.fromstring(text))
	except ET.ParseError as e:
		raise Unreadable(f"not XML: {e}") from e


def count_file(path: str | Path) -> Counts:
	try:
		text = Path(path).read_text(encoding="utf-8", errors="replace")
	except OSError as e:
		raise Unreadable(f"cannot read {path}: {e.strerror or e}") from e
	return count_text(text)


def module_of(path: Path) -> str:
	"""tests/test_x.py -> tests.test_x, the prefix pytest gives every result of that file."""
	return ".".join(path.with_suffix("").parts)


def check_files(c: Counts, ids: list[str], directory: str | Path, root: str | Path = ".") -> list[str]:
	"""Count one failure per test_*.py under `directory` with no result among `ids`; return them.

	An id names a file when it starts with the file's module ("tests.test_x.TestY.test_z") or holds
	it whole, as unittest's "setUpClass (pkg.test_x.TestY)" does. Module names are relative to `root`."""
	missing = []
	directory, root = Path(directory).resolve(), Path(root).resolve()
	if not directory.is_relative_to(root):  # then the directory is the top-level package
		root = directory.parent
	for path in sorted(directory.rglob("test_*.py")):
		path = path.relative_to(root)
		mod = module_of(path)
		pattern = re.compile(r"(?:^|[\s(.])" + re.escape(mod) + r"(?:[.)\s]|$)")
		if not any(pattern.search(i) for i in ids):
			missing.append(path.as_posix())
			c.failed += 1
			c.failures.append((path.as_posix(), "no result for this test file (not collected?)"))
	return missing


def main(argv: list[str]) -> int:
	if not argv or argv[0].startswith("-"):
		print(__doc__, file=sys.stderr)
		return 2
	path, expect = argv[0], None
	if len(argv) >= 3 and argv[1] == "--expect-files":
		expect = argv[2]
	try:
		text = Path(path).read_text(encoding="utf-8", errors="replace")
		c = count_text(text)
	except OSError as e:
		print(f"cannot read {path}: {e.strerror or e}", file=sys.stderr)
		return 2
	except Unreadable as e:
		print(f"{path}: {e}", file=sys.stderr)
		return 2
	if expect:
		ids = [_test_id(case) for case in ET.fromstring(text).iter("testcase")]
		check_files(c, ids, expect)
	for tid, reason in c.skips:
		print(f"skipped: {tid}: {reason}")
	for tid, message in c.failures:
		print(f"failed: {tid}: {message}")
	print(c.line())
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
