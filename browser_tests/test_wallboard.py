"""The live call wallboard on a wall screen (1920 px, dark theme) and a phone (390 px): big numbers,
queue tiles, no errors, nothing wider than the screen, and a refresh when a call arrives."""

import os
import time

import pytest
from conftest import login, watch_errors

if not os.environ.get("CRM_SUITE_URL"):
	pytest.skip(
		"CRM_SUITE_URL is not set: the wallboard check needs a running desk (bench serve + socket.io)",
		allow_module_level=True,
	)

SIZES = {"wall": {"width": 1920, "height": 1080}, "phone": {"width": 390, "height": 844}}


def _seed_call(page, queue: str) -> str:
	"""A caller waiting now in `queue`, inserted as the logged-in Administrator; returns its name."""
	return page.evaluate(
		"""async (queue) => {
			const now = frappe.datetime.now_datetime();
			const doc = await frappe.xcall("frappe.client.insert", { doc: {
				doctype: "Call Log", id: "_bt-wb-" + Date.now(), from: "+4915100000009", to: "+4930000000",
				type: "Incoming", status: "Ringing", start_time: now, crms_queue: queue,
			}});
			return doc.name;
		}""",
		queue,
	)


def _end_call(page, name: str) -> None:
	"""The caller hangs up (so later runs do not count them as waiting)."""
	page.evaluate(
		"""async (name) => {
			await frappe.xcall("frappe.client.set_value", {
				doctype: "Call Log", name, fieldname: { status: "Canceled",
					end_time: frappe.datetime.now_datetime() },
			});
		}""",
		name,
	)


@pytest.mark.parametrize("size", list(SIZES))
def test_wallboard(browser, base_url, shots, size):
	context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone")
	page = context.new_page()
	errors = watch_errors(page)
	try:
		login(page, base_url)
		page.goto(f"{base_url}/app/call-wallboard", wait_until="networkidle")
		page.locator('.crms-wb-tile[data-key="waiting"]').wait_for(timeout=30000)
		for key in ("waiting", "longest_wait", "service_level", "asa", "answered", "abandoned"):
			assert page.locator(f'.crms-wb-tile[data-key="{key}"] .crms-wb-value').count() == 1
		waiting = int(page.locator('.crms-wb-tile[data-key="waiting"] .crms-wb-value').inner_text())

		queue = f"Browser Queue {size} {int(time.time())}"  # a new tile appears only after a refresh
		call = _seed_call(page, queue)
		# the page refreshes from the realtime ping or, at the latest, the 15 s poll
		page.locator(f'.crms-wb-queue[data-queue="{queue}"]').wait_for(timeout=25000)
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
		_end_call(page, call)
		if size == "wall":  # leave the next run in the light theme
			page.get_by_role("button", name="Dark Theme").click()
	finally:
		context.close()
