"""Playwright driving Debian's chromium against a running desk (started by scripts/test.sh)."""

import csv
import json
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CRM_SUITE_CHROMIUM", "/usr/bin/chromium")
URL = os.environ.get("CRM_SUITE_URL", "")
SHOTS = Path(os.environ.get("CRM_SUITE_SCREENSHOTS", Path(__file__).parent / "screenshots"))
ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
# Sites named *.localhost resolve to loopback inside chromium; say so explicitly anyway.
HOST_RULES = "--host-resolver-rules=MAP *.localhost 127.0.0.1"


@pytest.fixture(scope="session")
def base_url():
	if not URL:
		pytest.fail("CRM_SUITE_URL is not set: run browser checks through scripts/test.sh")
	return URL


@pytest.fixture(scope="session")
def browser():
	from playwright.sync_api import sync_playwright

	if not Path(CHROMIUM).exists():
		pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
	with sync_playwright() as p:
		b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*ARGS, HOST_RULES])
		yield b
		b.close()


@pytest.fixture(scope="session")
def shots():
	SHOTS.mkdir(parents=True, exist_ok=True)
	return SHOTS


ZH_CSV = Path(__file__).resolve().parents[1] / "crm_suite" / "translations" / "zh.csv"


def zh_translations() -> dict[str, str]:
	"""zh.csv as frappe.translate reads it: source -> translation (rows with a context are skipped)."""
	with ZH_CSV.open(encoding="utf-8", newline="") as f:
		rows = list(csv.reader(f))
	return {r[0]: r[1].strip() for r in rows if len(r) == 2 or (len(r) == 3 and not r[2])}


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
IGNORED = ("favicon.ico",)


def watch_errors(page) -> list[str]:
	"""Collect page errors, failed requests and console errors; the tests assert the list is empty."""
	errors: list[str] = []
	page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
	page.on(
		"response",
		lambda r: (
			r.status >= 400
			and not any(s in r.url for s in IGNORED)
			and errors.append(f"HTTP {r.status}: {r.url}")
		),
	)
	page.on(
		"console",
		lambda msg: (
			msg.type == "error"
			and not any(s in msg.text for s in IGNORED)
			and errors.append(f"console: {msg.text}")
		),
	)
	return errors


def login(page, base_url: str, user: str = "Administrator", password: str = "admin") -> None:
	page.goto(f"{base_url}/login", wait_until="networkidle")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.click(".btn-login")
	page.wait_for_url("**/app**", timeout=30000)
	page.wait_for_function("() => window.frappe && frappe.csrf_token", timeout=30000)


def api(page, method: str, path: str, data=None, check: bool = True):
	"""A REST call from inside the page, as its logged-in user (the browser resolves *.localhost; the
	test process may not). Returns the response's "data" (resources) or "message" (methods), or with
	check=False whether it succeeded."""
	result = page.evaluate(
		"""async ([method, path, body]) => {
			const r = await fetch(path, {
				method,
				headers: {
					"X-Frappe-CSRF-Token": frappe.csrf_token,
					"Content-Type": "application/json",
					Accept: "application/json",
				},
				body: body === null ? undefined : JSON.stringify(body),
			});
			return { ok: r.ok, status: r.status, text: await r.text() };
		}""",
		[method, path, data],
	)
	if not check:
		return result["ok"]
	assert result["ok"], f"{method} {path}: {result['status']} {result['text'][:300]}"
	body = json.loads(result["text"] or "{}")
	return body["data"] if "data" in body else body.get("message")


# Shared by the portal and survey checks: an Administrator page for API calls, an outgoing mail
# account (queued mail only, never delivered), and the no-horizontal-scroll check of phone pages.
def assert_fits(page, what: str) -> None:
	overflow = page.evaluate(
		"() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
	)
	assert overflow <= 1, f"{what} overflows the viewport by {overflow}px"


@pytest.fixture
def admin(browser, base_url):
	context = browser.new_context(base_url=base_url)
	page = context.new_page()
	login(page, base_url)
	yield page
	context.close()


@pytest.fixture
def outgoing_mail(admin):
	"""The guest flow needs an outgoing account to queue its e-mail (never delivered: no such host)."""
	existing = api(
		admin,
		"GET",
		'/api/resource/Email Account?filters=[["default_outgoing","=",1],["enable_outgoing","=",1]]',
	)
	if existing:
		yield existing[0]["name"]
		return
	name = api(
		admin,
		"POST",
		"/api/resource/Email Account",
		{
			"email_account_name": "_Test CRMS Portal Outgoing",
			"email_id": "support-portal@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "smtp.invalid",
			"no_smtp_authentication": 1,
		},
	)["name"]
	yield name
	api(admin, "DELETE", f"/api/resource/Email Account/{name}", check=False)
