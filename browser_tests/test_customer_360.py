"""The Customer 360 tab on a desktop and on a phone: KPI cards, timeline, type filter, load more."""

import uuid

import pytest
from conftest import VIEWPORTS, login, watch_errors
from conftest import api as _api

COMMENTS = 25  # more than one page (20), so "Load more" shows


def _make_customer(page) -> tuple[str, list[str]]:
	customer = _api(
		page,
		"POST",
		"/api/resource/Customer",
		{"customer_name": f"_Test CRMS 360 Browser {uuid.uuid4().hex[:8]}", "customer_type": "Company"},
	)["name"]
	for i in range(COMMENTS):
		_api(
			page,
			"POST",
			"/api/resource/Comment",
			{
				"comment_type": "Comment",
				"reference_doctype": "Customer",
				"reference_name": customer,
				"content": f"Browser check note {i}",
			},
		)
	comm = _api(
		page,
		"POST",
		"/api/resource/Communication",
		{
			"communication_type": "Communication",
			"communication_medium": "Phone",
			"subject": "Browser check call",
			"sent_or_received": "Received",
			"reference_doctype": "Customer",
			"reference_name": customer,
		},
	)["name"]
	return customer, [comm]


def _cleanup(page, customer, communications):
	"""Best effort: delete what we made; a customer other records link to is disabled instead."""
	for name in communications:
		_api(page, "DELETE", f"/api/resource/Communication/{name}", check=False)
	if not _api(page, "DELETE", f"/api/resource/Customer/{customer}", check=False):
		_api(page, "PUT", f"/api/resource/Customer/{customer}", {"disabled": 1}, check=False)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_customer_360_tab(browser, base_url, shots, device):
	context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone", base_url=base_url)
	page = context.new_page()
	errors = watch_errors(page)
	customer = None
	communications = []
	try:
		login(page, base_url)
		customer, communications = _make_customer(page)

		page.goto(f"{base_url}/app/customer/{customer}", wait_until="networkidle")
		tab = page.locator(".form-tabs .nav-link", has_text="360").first
		tab.wait_for(timeout=30000)
		tab.click()
		page.locator(".crms-360-kpi").nth(9).wait_for(timeout=30000)
		page.locator(".crms-360-item").nth(19).wait_for(timeout=30000)
		assert page.locator(".crms-360-kpi").count() == 10
		assert page.locator(".crms-360-item").count() == 20
		assert (
			page.locator(".crms-360-kpi", has_text="Not computed yet").count() >= 1
			or page.locator(".crms-360-kpi", has_text="RFM").count() == 1
		)
		page.screenshot(path=str(shots / f"customer-360-{device}.png"), full_page=True)

		more = page.locator(".crms-360-load-more")
		assert more.is_visible()
		more.click()
		page.wait_for_function(
			"(n) => document.querySelectorAll('.crms-360-item').length === n", arg=COMMENTS + 1, timeout=30000
		)
		page.wait_for_function(
			"() => document.querySelector('.crms-360-load-more').classList.contains('hidden')", timeout=30000
		)

		page.locator(".crms-360-chip", has_text="Communication").click()
		page.wait_for_function(
			"() => document.querySelectorAll('.crms-360-item').length === 1", timeout=30000
		)
		assert "Browser check call" in page.locator(".crms-360-item").first.inner_text()
		# nothing wider than the viewport at phone width
		overflow = page.evaluate(
			"() => document.querySelector('.crms-360').scrollWidth - document.querySelector('.crms-360').clientWidth"
		)
		assert overflow <= 1, f"360 view overflows by {overflow}px"
		page.wait_for_timeout(1500)
		page.screenshot(path=str(shots / f"customer-360-{device}-filtered.png"), full_page=True)
		assert not errors, "\n".join(errors)
	finally:
		if customer:
			_cleanup(page, customer, communications)
		context.close()
