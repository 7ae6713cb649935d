"""The Customer 360 tab for a sales user whose language is Chinese ("zh"), on a desktop and on a phone:
KPI card labels, timeline heading, type filter chips and timeline items come from
crm_suite/translations/zh.csv."""

import uuid

import pytest
from conftest import VIEWPORTS, ZH_CSV, api, login, watch_errors, zh_translations

PASSWORD = "Crms-zh-Browser-9137!"
# the labels customer.js passes to __() for the ten KPI cards, in order
KPI_LABELS = (
	"Lifetime Revenue",
	"Open Orders",
	"Overdue Invoices",
	"Open Tickets",
	"Last Contact",
	"Lifecycle Stage",
	"Tier",
	"RFM Cell",
	"CLV",
	"Churn Risk",
)
# crm_suite.engine.timeline.TYPES: one filter chip each, labelled __(type)
TIMELINE_TYPES = (
	"Communication",
	"Comment",
	"Call Log",
	"Issue",
	"Quotation",
	"Sales Order",
	"Delivery Note",
	"Sales Invoice",
	"Payment Entry",
	"Opportunity",
	"Lead",
)


@pytest.fixture(scope="module")
def zh_setup(browser, base_url):
	"""As Administrator: a System User with language zh (Sales User + Sales Manager) and a customer
	converted from a Lead, with an Opportunity: timeline items a sales user may read (Comments and
	other users' Communications are System Manager only in Frappe). Removed afterwards (best effort)."""
	context = browser.new_context(base_url=base_url)
	page = context.new_page()
	tag = uuid.uuid4().hex[:8]
	user = f"crms-zh-{tag}@example.com"
	lead = customer = opportunity = None
	try:
		login(page, base_url)
		api(
			page,
			"POST",
			"/api/resource/User",
			{
				"email": user,
				"first_name": "张伟",
				"user_type": "System User",
				"language": "zh",
				"send_welcome_email": 0,
				"new_password": PASSWORD,
				"roles": [{"role": "Sales User"}, {"role": "Sales Manager"}],
			},
		)
		lead = api(page, "POST", "/api/resource/Lead", {"first_name": f"zh browser lead {tag}"})["name"]
		customer = api(
			page,
			"POST",
			"/api/resource/Customer",
			{"customer_name": f"_Test CRMS 360 zh {tag}", "customer_type": "Company", "lead_name": lead},
		)["name"]
		opportunity = api(
			page,
			"POST",
			"/api/resource/Opportunity",
			{"opportunity_from": "Customer", "party_name": customer, "title": f"zh browser deal {tag}"},
		)["name"]
		yield {"user": user, "customer": customer, "opportunity": opportunity}
	finally:
		if opportunity:
			api(page, "DELETE", f"/api/resource/Opportunity/{opportunity}", check=False)
		if customer and not api(page, "DELETE", f"/api/resource/Customer/{customer}", check=False):
			api(page, "PUT", f"/api/resource/Customer/{customer}", {"disabled": 1}, check=False)
		if lead:
			api(page, "DELETE", f"/api/resource/Lead/{lead}", check=False)
		if not api(page, "DELETE", f"/api/resource/User/{user}", check=False):
			api(page, "PUT", f"/api/resource/User/{user}", {"enabled": 0}, check=False)
		context.close()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_customer_360_tab_in_chinese(browser, base_url, shots, zh_setup, device):
	zh = zh_translations()
	missing = [s for s in (*KPI_LABELS, *TIMELINE_TYPES, "Timeline", "Not computed yet") if s not in zh]
	assert not missing, f"no zh translation in {ZH_CSV.name} for: {missing}"

	context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone", base_url=base_url)
	page = context.new_page()
	errors = watch_errors(page)
	try:
		login(page, base_url, zh_setup["user"], PASSWORD)
		assert page.evaluate("() => frappe.boot.lang") == "zh"

		page.goto(f"{base_url}/app/customer/{zh_setup['customer']}", wait_until="networkidle")
		tab = page.locator(".form-tabs .nav-link", has_text="360").first
		tab.wait_for(timeout=30000)
		tab.click()
		page.locator(".crms-360-kpi").nth(len(KPI_LABELS) - 1).wait_for(timeout=30000)
		page.locator(".crms-360-chip").nth(len(TIMELINE_TYPES) - 1).wait_for(timeout=30000)
		page.locator(".crms-360-item").nth(1).wait_for(timeout=30000)

		labels = page.locator(".crms-360-kpi .crms-360-kpi-label").all_inner_texts()
		assert labels == [zh[s] for s in KPI_LABELS]
		assert page.locator(".crms-360-kpi", has_text=zh["Not computed yet"]).count() >= 1
		assert page.locator(".crms-360 h5").first.inner_text().strip() == zh["Timeline"]

		chips = page.locator(".crms-360-chip")
		shown = {
			chips.nth(i).get_attribute("data-type"): chips.nth(i).inner_text().strip()
			for i in range(chips.count())
		}
		assert shown == {t: zh[t] for t in TIMELINE_TYPES}

		pills = sorted(page.locator(".crms-360-item .crms-360-type").all_inner_texts())
		assert pills == sorted([zh["Lead"], zh["Opportunity"]]), pills

		# the type filter still works with translated chips
		page.locator(".crms-360-chip", has_text=zh["Opportunity"]).click()
		page.wait_for_function(
			"() => document.querySelectorAll('.crms-360-item').length === 1", timeout=30000
		)
		assert zh_setup["opportunity"] in page.locator(".crms-360-item").first.inner_text()
		page.locator(".crms-360-chip", has_text=zh["Opportunity"]).click()
		page.locator(".crms-360-item").nth(1).wait_for(timeout=30000)

		overflow = page.evaluate(
			"() => document.querySelector('.crms-360').scrollWidth - document.querySelector('.crms-360').clientWidth"
		)
		assert overflow <= 1, f"360 view overflows by {overflow}px"
		page.wait_for_timeout(1500)  # let socket.io connect and any late errors surface
		assert not errors, "\n".join(errors)
		page.screenshot(path=str(shots / f"customer-360-zh-{device}.png"), full_page=True)
	finally:
		context.close()
