"""Benchmarks run by `bench --site S crm-suite benchmark [NAME]`; results land in benchmarks/results/."""

import json
import os
import platform
import subprocess
from datetime import datetime
from importlib import import_module
from pathlib import Path

# name -> "module:function"; imported only when run, so one benchmark's imports never break another.
# Each function takes (site, baseline_site, rounds, **options) and returns a JSON-able dict.
BENCHMARKS = {
	"overhead": "crm_suite.benchmarks.overhead:run",
	"metrics": "crm_suite.benchmarks.metrics:run",
	"timeline": "crm_suite.benchmarks.timeline:run",
	"dedupe": "crm_suite.benchmarks.dedupe:run",
	"sla": "crm_suite.benchmarks.sla:run",
	"intake": "crm_suite.benchmarks.intake:run",
	"intake_load": "crm_suite.benchmarks.intake_load:run",
}


def load(name: str):
	module, func = BENCHMARKS[name].split(":")
	return getattr(import_module(module), func)


def results_dir() -> Path:
	import crm_suite

	path = Path(crm_suite.__file__).resolve().parents[1] / "benchmarks" / "results"
	path.mkdir(parents=True, exist_ok=True)
	return path


def machine_info() -> dict:
	cpu = platform.processor()
	try:
		for line in Path("/proc/cpuinfo").read_text().splitlines():
			if line.startswith("model name"):
				cpu = line.split(":", 1)[1].strip()
				break
	except OSError:
		pass
	mem_gb = None
	try:
		mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
	except (ValueError, OSError):
		pass
	return {
		"hostname": platform.node(),
		"cpu": cpu,
		"cores": os.cpu_count(),
		"memory_gb": mem_gb,
		"os": platform.platform(),
		"python": platform.python_version(),
	}


def versions() -> dict:
	out = {"python": platform.python_version()}
	for app in ("frappe", "erpnext", "crm_suite"):
		try:
			out[app] = __import__(app).__version__
		except Exception:
			out[app] = None
	try:
		out["mariadb"] = subprocess.run(
			["mariadb", "--version"], capture_output=True, text=True, timeout=10
		).stdout.strip()
	except Exception:
		out["mariadb"] = None
	return out


def run_benchmark(
	name: str,
	site: str,
	baseline_site: str | None,
	rounds: int,
	output: str | None,
	options: dict | None = None,
) -> Path:
	result = load(name)(site=site, baseline_site=baseline_site, rounds=rounds, **(options or {}))
	result = {
		"benchmark": name,
		"finished": datetime.now().isoformat(timespec="seconds"),
		"machine": machine_info(),
		"versions": versions(),
		**result,
	}
	path = Path(output) if output else results_dir() / f"{name}.json"
	path.write_text(json.dumps(result, indent=1, sort_keys=False, default=str) + "\n")
	return path
