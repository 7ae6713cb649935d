"""Demo data: `bench --site S crm-suite demo --customers N --seed K`."""

from frappe.utils import getdate, nowdate


def build_demo(customers: int = 500, seed: int = 42) -> dict:
	from crm_suite.demo.builder import DemoBuilder
	from crm_suite.engine.demo_plan import build_plan

	plan = build_plan(customers, seed, getdate(nowdate()))
	builder = DemoBuilder(plan, seed)
	timings = builder.build()
	return {"planned": plan.counts(), "steps": timings, "company": builder.company}
