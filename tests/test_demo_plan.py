from dataclasses import asdict
from datetime import date, timedelta

import pytest

from crm_suite.engine.demo_plan import ITEMS, MIN_INVOICES_PER_CUSTOMER, build_plan

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def plan():
	return build_plan(500, 42, TODAY)


def test_same_seed_same_plan():
	a, b = build_plan(60, 7, TODAY), build_plan(60, 7, TODAY)
	assert asdict(a) == asdict(b)


def test_other_seed_other_plan():
	assert asdict(build_plan(60, 7, TODAY)) != asdict(build_plan(60, 8, TODAY))


def test_default_scale_has_at_least_2000_invoices(plan):
	assert len(plan.customers) == 500
	assert len(plan.invoices) >= 2000
	assert len(plan.invoices) >= MIN_INVOICES_PER_CUSTOMER * len(plan.customers)


def test_every_document_kind_is_present(plan):
	counts = plan.counts()
	for kind in ("payments", "quotations", "sales_orders", "leads", "opportunities", "issues", "call_logs"):
		assert counts[kind] > 0, kind


def test_customer_names_are_unique(plan):
	names = [c.name for c in plan.customers]
	assert len(names) == len(set(names))


def test_companies_and_individuals_are_mixed(plan):
	kinds = {c.kind for c in plan.customers}
	assert kinds == {"Company", "Individual"}
	assert {c.segment for c in plan.customers} == {"B2B", "B2C", "Individual"}
	assert all(c.birthday is None for c in plan.customers if c.kind == "Company")
	assert len({c.territory for c in plan.customers}) >= 4


def test_history_spans_three_years_and_never_the_future(plan):
	start = TODAY - timedelta(days=365 * 3)
	dates = [i.posting_date for i in plan.invoices]
	assert min(dates) >= start
	assert max(dates) <= TODAY
	assert (max(dates) - min(dates)).days > 365 * 2


def test_invoices_fall_within_each_customers_active_life(plan):
	by_key = {c.key: c for c in plan.customers}
	for inv in plan.invoices:
		c = by_key[inv.customer]
		assert c.since <= inv.posting_date <= (c.churned_on or TODAY)


def test_invoice_lines_use_catalogue_items_with_positive_amounts(plan):
	codes = {i.code for i in ITEMS}
	for inv in plan.invoices:
		assert inv.lines
		for code, qty, rate in inv.lines:
			assert code in codes and qty > 0 and rate > 0
		assert inv.total > 0


def test_payments_settle_own_unpaid_invoices_after_they_exist(plan):
	seen = set()
	for p in plan.payments:
		assert p.posting_date <= TODAY
		for idx in p.invoices:
			inv = plan.invoices[idx]
			assert inv.customer == p.customer
			assert not inv.paid_at_sale
			assert inv.posting_date < p.posting_date
			assert idx not in seen, "an invoice is paid twice"
			seen.add(idx)


def test_some_company_invoices_stay_open(plan):
	paid = {i for p in plan.payments for i in p.invoices}
	open_credit = [i for i, inv in enumerate(plan.invoices) if not inv.paid_at_sale and i not in paid]
	assert open_credit


def test_converted_leads_point_at_real_customers(plan):
	keys = {c.key for c in plan.customers}
	converted = [ld for ld in plan.leads if ld.customer is not None]
	assert converted
	assert all(ld.customer in keys and ld.status == "Converted" for ld in converted)
	assert len({ld.source for ld in plan.leads}) >= 5


def test_rejects_empty_plan():
	with pytest.raises(ValueError):
		build_plan(0, 1, TODAY)


def test_tiny_plan_still_meets_minimum():
	p = build_plan(1, 3, TODAY)
	assert len(p.invoices) >= MIN_INVOICES_PER_CUSTOMER
