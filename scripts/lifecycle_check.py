"""Fresh site: install ERPNext, install crm_suite, migrate twice, uninstall; check each step.

Writes JUnit XML (one test case per step) to the path given as the first argument.
Runs with any python3; drives the bench through frappe's own CLI.
"""

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

BENCH = Path(os.environ.get("CRM_SUITE_BENCH", Path.home() / "frappe-bench"))
SITE = os.environ.get("CRM_SUITE_LIFECYCLE_SITE", "crm_suite_lifecycle.localhost")
cases: list[tuple[str, float, str | None]] = []


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


def step(name: str, fn) -> bool:
	started = time.perf_counter()
	try:
		fn()
	except Exception as e:  # every failure is recorded, then the run goes on or stops
		cases.append((name, time.perf_counter() - started, str(e)))
		print(f"[lifecycle] FAIL {name}: {e}", flush=True)
		return False
	cases.append((name, time.perf_counter() - started, None))
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
	assert s["custom_fields"] and s["roles"] and s["modules"] and s["doctypes"] and s["workspace"], s


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
		"workspace": execute("frappe.get_all", "Workspace", filters={"name": "CRM Suite"}),
		"roles": execute(
			"frappe.get_all", "Role", filters={"name": ["in", ["Service Supervisor", "QA Inspector"]]}
		),
		"property setters": execute(
			"frappe.get_all", "Property Setter", filters={"module": ["in", ["Customer 360", "CRM Suite"]]}
		),
		"number cards": execute("frappe.get_all", "Number Card", filters={"module": "Customer 360"}),
		"dashboard charts": execute("frappe.get_all", "Dashboard Chart", filters={"module": "Customer 360"}),
		"reports": execute(
			"frappe.get_all", "Report", filters={"module": ["in", ["Customer 360", "Customer Analytics"]]}
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


def main(xml_path: str) -> int:
	pw = root_password()
	if (BENCH / "sites" / SITE).exists():
		frappe_cmd("drop-site", SITE, "--db-root-password", pw, "--force", "--no-backup")
	try:
		ok = step(
			"new site with ERPNext",
			lambda: frappe_cmd(
				"new-site",
				SITE,
				"--db-root-password",
				pw,
				"--admin-password",
				"admin",
				"--install-app",
				"erpnext",
			),
		)
		ok = ok and step(
			"install-app crm_suite", lambda: frappe_cmd("--site", SITE, "install-app", "crm_suite")
		)
		ok = ok and step("installed state", check_installed)
		ok = ok and step("first migrate", lambda: frappe_cmd("--site", SITE, "migrate"))
		ok = ok and step("second migrate", lambda: frappe_cmd("--site", SITE, "migrate"))
		ok = ok and step("state after migrations", check_installed)
		ok = ok and step(
			"uninstall-app crm_suite",
			lambda: frappe_cmd("--site", SITE, "uninstall-app", "crm_suite", "--yes", "--no-backup"),
		)
		ok = ok and step("nothing of crm_suite left", check_uninstalled)
		ok = ok and step("ERPNext still works", check_erpnext_works)
	finally:
		if (BENCH / "sites" / SITE).exists():
			try:
				frappe_cmd("drop-site", SITE, "--db-root-password", pw, "--force", "--no-backup")
			except Exception as e:
				print(f"[lifecycle] could not drop {SITE}: {e}")
	suite = ET.Element(
		"testsuite", name="lifecycle", tests=str(len(cases)), failures=str(sum(1 for c in cases if c[2]))
	)
	for name, seconds, error in cases:
		case = ET.SubElement(suite, "testcase", classname="lifecycle", name=name, time=f"{seconds:.1f}")
		if error:
			ET.SubElement(case, "failure", message=error[:200]).text = error
	ET.ElementTree(suite).write(xml_path)
	return 0 if all(c[2] is None for c in cases) else 1


if __name__ == "__main__":
	sys.exit(main(sys.argv[1]))
