"""Log in to the desk and open the CRM Suite workspace on a desktop and on a phone."""

import pytest
from conftest import VIEWPORTS, login, watch_errors


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_workspace_opens_without_errors(browser, base_url, shots, device):
	context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone")
	page = context.new_page()
	errors = watch_errors(page)
	try:
		login(page, base_url)

		page.goto(f"{base_url}/app/crm-suite", wait_until="networkidle")
		page.wait_for_selector(".codex-editor, .workspace-page, .layout-main-section", timeout=30000)
		# Shortcuts render as links to the doctypes they name.
		shortcut = page.locator(".shortcut-widget-box", has_text="Customer").first
		shortcut.wait_for(timeout=30000)
		page.locator(".number-widget-box", has_text="VIP Customers").first.wait_for(timeout=30000)
		page.locator(".chart-container").first.wait_for(timeout=30000)
		page.wait_for_timeout(3000)  # let socket.io connect and any late errors surface

		assert page.locator(".widget-title", has_text="Customer").count() >= 1
		assert page.locator(".widget-title", has_text="Issue").count() >= 1
		assert page.locator("text=Service Desk").count() >= 1
		# Checked before the full-page screenshot, which resizes the viewport (charts: see test_charts.py).
		assert not errors, "\n".join(errors)
		page.screenshot(path=str(shots / f"workspace-{device}.png"), full_page=True)
	finally:
		context.close()
