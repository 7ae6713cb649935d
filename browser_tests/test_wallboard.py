"""The live call wallboard on a wall screen (1920 px, dark theme) and a phone (390 px): big numbers,
queue tiles, no errors, nothing wider than the screen, and a refresh pushed over socket.io when a signed call
event reaches the webhook (the board's 15 s poll is stopped first, so only the realtime ping can refresh it)."""

import hashlib
import hmac
import json
import os
import time
import uuid
from datetime import datetime, timezone

import pytest
from conftest import api, login, watch_errors

if not os.environ.get("CRM_SUITE_URL"):
	pytest.skip(
		"CRM_SUITE_URL is not set: the wallboard check needs a running desk (bench serve + socket.io)",
		allow_module_level=True,
	)

SIZES = {"wall": {"width": 1920, "height": 1080}, "phone": {"width": 390, "height": 844}}


def _provider(page) -> dict:
	"""A generic-adapter telephony provider with its own secret, created as the logged-in Administrator."""
	tag = uuid.uuid4().hex[:8]
	provider = {"name": f"_bt-wallboard-{tag}", "secret": f"whsec_{uuid.uuid4().hex}"}
	api(
		page,
		"POST",
		"/api/resource/CRMS Telephony Provider",
		{"provider_name": provider["name"], "adapter": "generic", "enabled": 1, "secret": provider["secret"]},
	)
	return provider


def _event(page, provider: dict, event: dict) -> None:
	"""Deliver one call event to the webhook the way a PBX does: no session, signed JSON, fresh timestamp."""
	body = json.dumps(event, separators=(",", ":"))
	ts = str(int(time.time()))
	sig = hmac.new(provider["secret"].encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
	result = page.evaluate(
		"""async ([url, body, ts, sig]) => {
			const r = await fetch(url, { method: "POST", body, credentials: "omit", headers: {
				"Content-Type": "application/json", "X-CRMS-Timestamp": ts, "X-CRMS-Signature": sig } });
			return { status: r.status, text: await r.text() };
		}""",
		[f"/api/method/crm_suite.call_centre.webhook.receive?provider={provider['name']}", body, ts, sig],
	)
	assert result["status"] == 200, result


def _now() -> str:
	return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("size", list(SIZES))
def test_wallboard(browser, base_url, shots, size):
	context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone")
	page = context.new_page()
	errors = watch_errors(page)
	providers = []
	try:
		login(page, base_url)
		page.goto(f"{base_url}/app/call-wallboard", wait_until="networkidle")
		page.locator('.crms-wb-tile[data-key="waiting"]').wait_for(timeout=30000)
		for key in ("waiting", "longest_wait", "service_level", "asa", "answered", "abandoned"):
			assert page.locator(f'.crms-wb-tile[data-key="{key}"] .crms-wb-value').count() == 1
		waiting = int(page.locator('.crms-wb-tile[data-key="waiting"] .crms-wb-value').inner_text())

		provider = _provider(page)
		providers.append(provider["name"])
		page.wait_for_function(
			"() => frappe.realtime && frappe.realtime.socket && frappe.realtime.socket.connected",
			timeout=30000,
		)
		# count the realtime pings this board receives, and stop its 15 s poll: the refresh below can then
		# only come from socket.io
		page.evaluate(
			"""() => {
				window.__crms_wb_pings = 0;
				frappe.realtime.on("crms_wallboard", () => window.__crms_wb_pings++);
				clearInterval(document.getElementById("page-call-wallboard").crms_wallboard.poll);
			}"""
		)
		queue = f"Browser Queue {size} {int(time.time())}"  # a new tile appears only after a refresh
		call = f"_bt-wb-{uuid.uuid4().hex[:12]}"
		_event(
			page,
			provider,
			{
				"event_id": f"{call}-1",
				"call_id": call,
				"type": "ringing",
				"at": _now(),
				"direction": "inbound",
				"from": "+4915100000009",
				"to": "+4930000000",
				"queue": queue,
			},
		)
		page.wait_for_function("() => window.__crms_wb_pings > 0", timeout=15000)
		page.locator(f'.crms-wb-queue[data-queue="{queue}"]').wait_for(timeout=15000)
		now_waiting = int(page.locator('.crms-wb-tile[data-key="waiting"] .crms-wb-value').inner_text())
		assert now_waiting >= waiting + 1

		# big type: the main numbers are at least 34 px on a phone and much larger on the wall
		px = page.evaluate(
			"parseFloat(getComputedStyle(document.querySelector('.crms-wb-big .crms-wb-value')).fontSize)"
		)
		assert px >= (34 if size == "phone" else 60), px
		# nothing overflows the screen horizontally
		overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
		assert overflow <= 1, f"page is {overflow}px wider than the screen"

		if size == "wall":
			page.get_by_role("button", name="Dark Theme").click()
			assert page.locator(".crms-wb.crms-wb-dark").count() == 1
			bg = page.evaluate("getComputedStyle(document.querySelector('.crms-wb')).backgroundColor")
			assert bg == "rgb(15, 20, 25)", bg
		else:
			cols = page.evaluate(
				"getComputedStyle(document.querySelector('.crms-wb-big')).gridTemplateColumns.split(' ').length"
			)
			assert cols == 2, cols
		page.wait_for_timeout(1500)
		assert not errors, "\n".join(errors)
		page.screenshot(path=str(shots / f"wallboard-{size}.png"), full_page=True)
		_event(page, provider, {"event_id": f"{call}-2", "call_id": call, "type": "ended", "at": _now()})
		if size == "wall":  # leave the next run in the light theme
			page.get_by_role("button", name="Dark Theme").click()
	finally:
		for name in providers:  # its events keep it from being deleted: switch it off
			api(page, "PUT", f"/api/resource/CRMS Telephony Provider/{name}", {"enabled": 0}, check=False)
		context.close()
