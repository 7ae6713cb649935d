"""Fresh site: install ERPNext, install crm_suite, migrate twice, uninstall; check each step.

Writes JUnit XML (one test case per step) to the path given as the first argument. Every step is
recorded: a failed check does not stop the run, and once an action (new site, install, migrate,
uninstall) fails, the steps after it are recorded as skipped with the reason "previous step failed".
Runs with any python3; drives the bench through frappe's own CLI.
"""

import ast
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

BENCH = Path(os.environ.get("CRM_SUITE_BENCH", Path.home() / "frappe-bench"))
SITE = os.environ.get("CRM_SUITE_LIFECYCLE_SITE", "crm_suite_lifecycle.localhost")
REPO = Path(__file__).resolve().parents[1]
# (name, seconds, outcome, message); outcome is "passed", "failed" or "skipped"
cases: list[tuple[str, float, str, str]] = []
_blocked_by: str | None = None  # the action whose failure makes the steps after it meaningless


def app_roles() -> list[str]:
	"""The roles crm_suite adds, read from crm_suite/setup/roles.py without importing the app."""
	tree = ast.parse((REPO / "crm_suite/setup/roles.py").read_text())
	for node in tree.body:
		if isinstance(node, ast.AnnAssign | ast.Assign):
			targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
			if any(isinstance(t, ast.Name) and t.id == "ROLES" for t in targets):
				return [r["role_name"] for r in ast.literal_eval(node.value)]
	raise AssertionError("no ROLES in crm_suite/setup/roles.py")


def frappe_cmd(*args: str, timeout: int = 900) -> str:
	proc = subprocess.run(
		[str(BENCH / "env/bin/python"), "-m", "frappe.utils.bench_helper", "frappe", *args],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		timeout=timeout,
	)
	if proc.returncode:
		raise RuntimeError(
			f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
		)
	return proc.stdout + proc.stderr


def marker(output: str, tag: str) -> dict:
	for line in output.splitlines():
		if line.startswith(tag + " "):
			return json.loads(line[len(tag) + 1 :])
	raise AssertionError(f"no {tag} line in output:\n{output[-2000:]}")


def state() -> dict:
	return marker(frappe_cmd("--site", SITE, "execute", "crm_suite.setup.checks.install_state"), "CRMS_STATE")


def step(name: str, fn, action: bool = False) -> bool:
	"""Run and record one step. A failed `action` skips (and records) every later step."""
	global _blocked_by
	if _blocked_by:
		reason = f"previous step failed: {_blocked_by}"
		cases.append((name, 0.0, "skipped", reason))
		print(f"[lifecycle] skip {name}: {reason}", flush=True)
		return False
	started = time.perf_counter()
	try:
		fn()
	except Exception as e:  # every failure is recorded, then the run goes on
		cases.append((name, time.perf_counter() - started, "failed", f"{type(e).__name__}: {e}"))
		print(f"[lifecycle] FAIL {name}: {e}", flush=True)
		if action:
			_blocked_by = name
		return False
	cases.append((name, time.perf_counter() - started, "passed", ""))
	print(f"[lifecycle] ok   {name} ({time.perf_counter() - started:.0f}s)", flush=True)
	return True


def root_password() -> str:
	if pw := os.environ.get("CRM_SUITE_DB_ROOT_PASSWORD"):
		return pw
	conf = json.loads((BENCH / "sites/common_site_config.json").read_text())
	return conf.get("root_password", "")


def check_installed():
	s = state()
	assert s["installed"], s
	assert s["custom_fields"] and s["modules"] and s["doctypes"] and s["workspace"], s
	missing = sorted(set(app_roles()) - set(s["roles"]))
	assert not missing, f"roles missing after install: {missing}"


def assert_roles_listed():
	roles = app_roles()
	assert roles and len(roles) == len(set(roles)), roles


def check_roles_exist():
	"""Every role crm_suite adds, asked of frappe itself rather than of crm_suite's own report."""
	found = execute("frappe.get_all", "Role", filters={"name": ["in", app_roles()]}, pluck="name")
	missing = sorted(set(app_roles()) - set(found or []))
	assert not missing, f"roles missing: {missing}"


def execute(method: str, *args, **kwargs):
	"""Call a frappe function on the site and return its JSON result (crm_suite's code can't run
	on a site it is not installed on, so checks after uninstall use frappe's own functions)."""
	cmd = ["--site", SITE, "execute", method]
	if args:
		cmd += ["--args", json.dumps(list(args))]
	if kwargs:
		cmd += ["--kwargs", json.dumps(kwargs)]
	lines = [ln for ln in frappe_cmd(*cmd).splitlines() if ln.strip()]
	return json.loads(lines[-1]) if lines else None


def check_uninstalled():
	leftovers = {
		"installed app": "crm_suite" in execute("frappe.get_installed_apps"),
		"custom fields": execute("frappe.get_all", "Custom Field", filters={"fieldname": ["like", "crms%"]}),
		"module defs": execute("frappe.get_all", "Module Def", filters={"app_name": "crm_suite"}),
		"doctypes": execute("frappe.get_all", "DocType", filters={"name": ["like", "CRMS %"]}),
		"workspace": execute(
			"frappe.get_all", "Workspace", filters={"name": ["in", ["CRM Suite", "Service Desk"]]}
		),
		"roles": execute("frappe.get_all", "Role", filters={"name": ["in", app_roles()]}, pluck="name"),
		"property setters": execute(
			"frappe.get_all", "Property Setter", filters={"module": ["in", ["Customer 360", "CRM Suite"]]}
		),
		"number cards": execute(
			"frappe.get_all", "Number Card", filters={"module": ["in", ["Customer 360", "Service Desk"]]}
		),
		"dashboard charts": execute(
			"frappe.get_all", "Dashboard Chart", filters={"module": ["in", ["Customer 360", "Service Desk"]]}
		),
		"chart sources": execute(
			"frappe.get_all", "Dashboard Chart Source", filters={"module": "Service Desk"}
		),
		"print formats": execute(
			"frappe.get_all", "Print Format", filters={"module": ["in", ["Customer 360", "Service Desk"]]}
		),
		"reports": execute(
			"frappe.get_all",
			"Report",
			filters={"module": ["in", ["Customer 360", "Customer Analytics", "Service Desk"]]},
		),
		"customer columns in meta": [
			f["fieldname"]
			for f in execute(
				"frappe.get_all", "DocField", filters={"parent": "Customer"}, fields=["fieldname"]
			)
			if f["fieldname"].startswith("crms_")
		],
	}
	leftovers = {k: v for k, v in leftovers.items() if v}
	assert not leftovers, f"left behind after uninstall: {leftovers}"


def check_erpnext_works():
	doc = execute(
		"frappe.client.insert", {"doctype": "Customer", "customer_name": "Lifecycle Smoke Customer"}
	)
	assert doc and doc["name"] == "Lifecycle Smoke Customer" and doc["docstatus"] == 0, doc
	listed = execute("frappe.client.get_count", "Customer")
	assert listed and listed >= 1, listed


def drop_site(pw: str) -> None:
	if (BENCH / "sites" / SITE).exists():
		frappe_cmd("drop-site", SITE, "--db-root-password", pw, "--force", "--no-backup")


def new_site(pw: str) -> None:
	drop_site(pw)  # a leftover from an interrupted run
	frappe_cmd(
		"new-site", SITE, "--db-root-password", pw, "--admin-password", "admin", "--install-app", "erpnext"
	)


def write_xml(xml_path: str) -> None:
	suite = ET.Element(
		"testsuite",
		name="lifecycle",
		tests=str(len(cases)),
		failures=str(sum(1 for c in cases if c[2] == "failed")),
		skipped=str(sum(1 for c in cases if c[2] == "skipped")),
		errors="0",
	)
	for name, seconds, outcome, message in cases:
		case = ET.SubElement(suite, "testcase", classname="lifecycle", name=name, time=f"{seconds:.1f}")
		if outcome == "failed":
			ET.SubElement(case, "failure", message=message[:200]).text = message
		elif outcome == "skipped":
			ET.SubElement(case, "skipped", message=message)
	ET.ElementTree(suite).write(xml_path, encoding="utf-8", xml_declaration=True)


def main(xml_path: str) -> int:
	global _blocked_by
	db: dict[str, str] = {}

	def pw() -> str:
		return db.get("root_password", "")

	try:
		step("read the MariaDB root password", lambda: db.update(root_password=root_password()), action=True)
		step("crm_suite/setup/roles.py lists the roles crm_suite adds", assert_roles_listed)
		step("new site with ERPNext", lambda: new_site(pw()), action=True)
		step(
			"install-app crm_suite",
			lambda: frappe_cmd("--site", SITE, "install-app", "crm_suite"),
			action=True,
		)
		step("installed state", check_installed)
		step("every crm_suite role exists after install", check_roles_exist)
		step("first migrate", lambda: frappe_cmd("--site", SITE, "migrate"), action=True)
		step("second migrate", lambda: frappe_cmd("--site", SITE, "migrate"), action=True)
		step("state after migrations", check_installed)
		step(
			"uninstall-app crm_suite",
			lambda: frappe_cmd("--site", SITE, "uninstall-app", "crm_suite", "--yes", "--no-backup"),
			action=True,
		)
		step("nothing of crm_suite left (every role gone)", check_uninstalled)
		step("ERPNext still works", check_erpnext_works)
	finally:
		_blocked_by = None  # the site is dropped whatever happened before
		step("drop the lifecycle site", lambda: drop_site(pw()))
		write_xml(xml_path)
	return 0 if all(c[2] != "failed" for c in cases) else 1


if __name__ == "__main__":
	sys.exit(main(sys.argv[1]))
