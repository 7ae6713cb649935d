"""Static checks of the app's layout: the mistakes Frappe fails silently on."""

import ast
import json
from pathlib import Path

import pytest

from crm_suite.setup.custom_fields import FIELD_PREFIX, get_custom_fields

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "crm_suite"
FORBIDDEN_MODULES = {"CRM", "FCRM", "Helpdesk", "Selling", "Support", "Telephony"}


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def modules() -> list[str]:
	return [m for m in (APP / "modules.txt").read_text().splitlines() if m.strip()]


def doctype_jsons():
	for m in modules():
		yield from (APP / scrub(m) / "doctype").glob("*/*.json")


def test_every_module_has_a_package():
	assert len(modules()) >= 7
	for m in modules():
		assert m not in FORBIDDEN_MODULES
		assert not m.startswith(("CRM ", "HD ")) or m == "CRM Suite"
		assert (APP / scrub(m) / "__init__.py").exists(), m


def test_doctypes_are_prefixed_and_named_after_their_folder():
	found = 0
	for path in doctype_jsons():
		doc = json.loads(path.read_text())
		if doc.get("doctype") != "DocType":
			continue
		found += 1
		assert doc["name"].startswith("CRMS "), doc["name"]
		assert path.parent.name == scrub(doc["name"]) == path.stem
		assert doc["module"] in modules()
		assert (path.parent / "__init__.py").exists()
		controller = (path.parent / f"{path.stem}.py").read_text()
		assert f"class {doc['name'].replace(' ', '').replace('-', '')}(" in controller
	assert found >= 1


def test_custom_fields_are_prefixed_and_anchored():
	for doctype, fields in get_custom_fields().items():
		names = [f["fieldname"] for f in fields]
		assert len(names) == len(set(names)), doctype
		for df in fields:
			assert df["fieldname"].startswith(FIELD_PREFIX)
			assert df.get("insert_after"), df["fieldname"]
		# our fields after the first hang off our own fields, so ERPNext reordering can't scatter them
		# two fields after the same anchor land in an arbitrary order
		anchors = [df["insert_after"] for df in fields]
		assert len(anchors) == len(set(anchors)), (
			doctype,
			sorted(a for a in anchors if anchors.count(a) > 1),
		)
		# (a Tab Break may open a new tab anywhere in the form)
		for df in fields[1:]:
			if df["fieldtype"] != "Tab Break":
				assert df["insert_after"] in names, df["fieldname"]


def test_engine_never_imports_frappe():
	for path in (APP / "engine").rglob("*.py"):
		tree = ast.parse(path.read_text())
		for node in ast.walk(tree):
			if isinstance(node, ast.Import):
				assert not any(a.name.split(".")[0] in {"frappe", "erpnext"} for a in node.names), path
			elif isinstance(node, ast.ImportFrom):
				assert (node.module or "").split(".")[0] not in {"frappe", "erpnext"}, path


def test_integration_tests_live_in_subpackages():
	for path in APP.rglob("test_*.py"):
		assert path.parent != APP, f"{path} next to hooks.py is never discovered by run-tests"
		assert (path.parent / "__init__.py").exists(), path


def _resolve(dotted: str) -> bool:
	parts = dotted.split(".")
	for cut in range(len(parts), 0, -1):
		mod = ROOT.joinpath(*parts[:cut])
		for candidate in (mod.with_suffix(".py"), mod / "__init__.py"):
			if candidate.exists():
				rest = parts[cut:]
				if not rest:
					return True
				names = {
					n.name
					for n in ast.parse(candidate.read_text()).body
					if isinstance(n, ast.FunctionDef | ast.ClassDef)
				}
				names |= {
					a.asname or a.name
					for n in ast.parse(candidate.read_text()).body
					if isinstance(n, ast.ImportFrom)
					for a in n.names
				}
				return len(rest) == 1 and rest[0] in names
	return False


def hook_paths():
	tree = ast.parse((APP / "hooks.py").read_text())
	for node in tree.body:
		if isinstance(node, ast.Assign):
			key = node.targets[0].id
			for const in ast.walk(node.value):
				if (
					isinstance(const, ast.Constant)
					and isinstance(const.value, str)
					and const.value.startswith("crm_suite.")
				):
					yield key, const.value


@pytest.mark.parametrize("key,path", list(hook_paths()))
def test_hook_paths_resolve(key, path):
	assert _resolve(path), f"hooks.{key}: {path} does not exist"


def test_hooks_require_erpnext():
	tree = ast.parse((APP / "hooks.py").read_text())
	values = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign)}
	assert ast.literal_eval(values["required_apps"]) == ["frappe/erpnext"]


def test_patches_resolve():
	for line in (APP / "patches.txt").read_text().splitlines():
		line = line.split("#")[0].strip()
		if not line or line.startswith("[") or line.startswith("execute:"):
			continue
		assert _resolve(line), line
		assert "def execute" in ROOT.joinpath(*line.split(".")).with_suffix(".py").read_text()


def test_json_files_parse():
	for path in APP.rglob("*.json"):
		json.loads(path.read_text())
