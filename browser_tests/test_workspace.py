"""Log in to the desk and open the CRM Suite workspace on a desktop and on a phone."""

import pytest

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
IGNORED_CONSOLE = ("favicon.ico",)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_workspace_opens_without_errors(browser, base_url, shots, device):
	context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone")
	page = context.new_page()
	errors = []
	page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
	page.on(
		"response",
		lambda r: (
			r.status >= 400
			and not any(s in r.url for s in IGNORED_CONSOLE)
			and errors.append(f"HTTP {r.status}: {r.url}")
		),
	)
	page.on(
		"console",
		lambda msg: (
			msg.type == "error"
			and not any(s in msg.text for s in IGNORED_CONSOLE)
			and errors.append(f"console: {msg.text}")
		),
	)
	try:
		page.goto(f"{base_url}/login", wait_until="networkidle")
		page.fill("#login_email", "Administrator")
		page.fill("#login_password", "admin")
		page.click(".btn-login")
		page.wait_for_url("**/app**", timeout=30000)

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
		# Checked before the full-page screenshot, which resizes the viewport. (Our charts are Bar charts:
		# frappe-charts v15's Donut/Pie throw "removeChild ... not a child" from a ResizeObserver redraw.)
		assert not errors, "\n".join(errors)
		page.screenshot(path=str(shots / f"workspace-{device}.png"), full_page=True)
	finally:
		context.close()
