"""CSAT survey from a phone: a resolved ticket's survey e-mail, its one-click link opened at 390 px (and
1280 px), the rating pre-selected, a comment, one submit, the thank-you page; the same link refused on
a second use, and the answer stored once on the ticket's survey row."""

import email
import html
import re
import time
import uuid

import pytest
from conftest import VIEWPORTS, assert_fits, watch_errors
from conftest import api as _api


def _survey_link(admin, issue: str, timeout: float = 60) -> tuple[str, str]:
	"""(survey row name, the 4-star link of the queued CSAT e-mail); the worker sends it after commit."""
	deadline = time.time() + timeout
	while time.time() < deadline:
		rows = _api(admin, "GET", f'/api/resource/CRMS Survey Response?filters=[["issue","=","{issue}"]]')
		if rows:
			response = rows[0]["name"]
			mails = _api(
				admin,
				"GET",
				'/api/resource/Email Queue?fields=["name","message"]'
				f'&filters=[["reference_doctype","=","CRMS Survey Response"],["reference_name","=","{response}"]]',
			)
			for mail in mails:
				for part in email.message_from_string(mail["message"] or "").walk():
					if part.get_content_type() == "text/html":
						body = part.get_payload(decode=True).decode()
						links = [
							html.unescape(q) for q in re.findall(r"href=['\"]([^'\"]*/survey\?[^'\"]+)", body)
						]
						four = [link for link in links if re.search(r"[?&]r=4(&|$)", link)]
						if four:
							return response, four[0][four[0].index("/survey") :]
		time.sleep(2)
	raise AssertionError(f"no CSAT survey e-mail for {issue} (is a worker running?)")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_csat_survey_on_a_phone(browser, base_url, shots, admin, outgoing_mail, device):
	tag = uuid.uuid4().hex[:8]
	address = f"survey_{tag}@example.com"
	customer = _api(
		admin,
		"POST",
		"/api/resource/Customer",
		{"customer_name": f"_Test CRMS Survey {tag}", "customer_type": "Company"},
	)["name"]
	settings = _api(admin, "GET", "/api/resource/CRMS NPS Settings/CRMS NPS Settings")
	_api(admin, "PUT", "/api/resource/CRMS NPS Settings/CRMS NPS Settings", {"enable_csat": 1})
	issue = _api(
		admin,
		"POST",
		"/api/resource/Issue",
		{"subject": f"Survey check {tag}", "raised_by": address, "customer": customer},
	)["name"]
	context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone", base_url=base_url)
	page = context.new_page()
	errors = watch_errors(page)
	try:
		_api(admin, "PUT", f"/api/resource/Issue/{issue}", {"status": "Resolved"})
		response, link = _survey_link(admin, issue)

		page.goto(f"{base_url}{link}", wait_until="networkidle")
		assert page.locator("input[name=r][value='4']").is_checked()
		assert_fits(page, "survey page")
		# opening the link records nothing (mail scanners open links)
		assert _api(admin, "GET", f"/api/resource/CRMS Survey Response/{response}")["status"] == "Sent"
		page.fill("#crms-survey-comment", "Quick and friendly")
		page.screenshot(path=str(shots / f"survey-form-{device}.png"), full_page=True)
		page.click(".crms-survey-card button[type=submit]")
		page.locator(".crms-survey-thanks").wait_for(timeout=30000)
		assert_fits(page, "thank-you page")
		page.screenshot(path=str(shots / f"survey-thanks-{device}.png"), full_page=True)

		row = _api(admin, "GET", f"/api/resource/CRMS Survey Response/{response}")
		assert (row["status"], row["score"], row["comment"]) == ("Answered", 4, "Quick and friendly")

		# the link is single-use: a second visit is refused and changes nothing
		page.goto(f"{base_url}{link.replace('r=4', 'r=1')}", wait_until="networkidle")
		assert page.locator(".crms-survey-invalid").count() == 1
		page.screenshot(path=str(shots / f"survey-reused-{device}.png"), full_page=True)
		assert _api(admin, "GET", f"/api/resource/CRMS Survey Response/{response}")["score"] == 4
		assert not errors, "\n".join(errors)
	finally:
		context.close()
		_api(
			admin,
			"PUT",
			"/api/resource/CRMS NPS Settings/CRMS NPS Settings",
			{"enable_csat": settings.get("enable_csat")},
			check=False,
		)
		_api(admin, "DELETE", f"/api/resource/Issue/{issue}", check=False)
