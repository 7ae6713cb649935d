"""QA from an inspector's and a supervisor's seat, at 1280 and 390 px: a review form shows the ticket's
conversation beside the scores; the submitted review reaches the Agent Scorecard; the Service Quality
workspace renders its cards."""

import uuid

import pytest
from conftest import VIEWPORTS, api, login, watch_errors

PASSWORD = "Crms-QA-Browser-7734!"


@pytest.fixture(scope="module")
def qa_setup(browser, base_url):
	"""As Administrator: an agent and an inspector, a scorecard, a resolved ticket of the agent with
	one customer message, and a submitted review of it."""
	context = browser.new_context(base_url=base_url)
	page = context.new_page()
	tag = uuid.uuid4().hex[:8]
	made: list[tuple[str, str]] = []
	try:
		login(page, base_url)
		users = {}
		for role_key, role in (("agent", "Support Team"), ("inspector", "QA Inspector")):
			user = f"crms-qa-{role_key}-{tag}@example.com"
			api(
				page,
				"POST",
				"/api/resource/User",
				{
					"email": user,
					"first_name": f"QA {role_key}",
					"user_type": "System User",
					"send_welcome_email": 0,
					"new_password": PASSWORD,
					"roles": [{"role": role}],
				},
			)
			made.append(("User", user))
			users[role_key] = user
		card = api(
			page,
			"POST",
			"/api/resource/CRMS QA Scorecard",
			{
				"scorecard_name": f"_Test Browser QA {tag}",
				"criteria": [
					{"criterion": "Greeting", "criterion_group": "Attitude", "weight": 1, "max_score": "1"},
					{"criterion": "Empathy", "criterion_group": "Attitude", "weight": 2, "max_score": "5"},
					{"criterion": "Solved it", "criterion_group": "Effect", "weight": 4, "max_score": "1"},
				],
			},
		)["name"]
		made.append(("CRMS QA Scorecard", card))
		issue = api(
			page,
			"POST",
			"/api/resource/Issue",
			{"subject": f"Printer jams {tag}", "description": f"My printer jams on every page {tag}"},
		)["name"]
		made.append(("Issue", issue))
		api(
			page,
			"POST",
			"/api/method/frappe.desk.form.assign_to.add",
			{"doctype": "Issue", "name": issue, "assign_to": [users["agent"]]},
		)
		api(page, "PUT", f"/api/resource/Issue/{issue}", {"status": "Resolved"})
		review = api(
			page,
			"POST",
			"/api/resource/CRMS QA Review",
			{
				"scorecard": card,
				"reference_doctype": "Issue",
				"reference_name": issue,
				"inspector": users["inspector"],
			},
		)
		for row in review["answers"]:
			row["score"] = {"Greeting": "1", "Empathy": "4", "Solved it": "1"}[row["criterion"]]
		review = api(
			page, "PUT", f"/api/resource/CRMS QA Review/{review['name']}", {"answers": review["answers"]}
		)
		made.insert(0, ("CRMS QA Review", review["name"]))
		yield {"tag": tag, "users": users, "issue": issue, "review": review, "card": card}
	finally:
		for doctype, name in made:
			if doctype == "CRMS QA Review":
				api(
					page,
					"POST",
					"/api/method/frappe.client.cancel",
					{"doctype": doctype, "name": name},
					check=False,
				)
			api(page, "DELETE", f"/api/resource/{doctype}/{name}", check=False)
		context.close()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_review_form_and_scorecard(browser, base_url, shots, qa_setup, device):
	context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone", base_url=base_url)
	page = context.new_page()
	errors = watch_errors(page)
	review = qa_setup["review"]
	try:
		login(page, base_url, qa_setup["users"]["inspector"], PASSWORD)
		page.goto(f"{base_url}/app/crms-qa-review/{review['name']}", wait_until="networkidle")
		conversation = page.locator(".frappe-control[data-fieldname=conversation_html]")
		conversation.get_by_text(f"My printer jams on every page {qa_setup['tag']}").wait_for(timeout=30000)
		# (1 + 2*0.8 + 4) / 7
		score = page.locator(".frappe-control[data-fieldname=score] .control-value").first
		assert "94.3" in score.inner_text(), score.inner_text()
		page.screenshot(path=str(shots / f"qa-review-{device}.png"), full_page=True)

		if device == "desktop":
			page.locator(".page-actions .primary-action").click()  # Submit
			page.locator(".modal:visible .btn-primary").click()  # confirm
			page.locator(".indicator-pill", has_text="Scored").first.wait_for(timeout=30000)

		assert not errors, "review form: " + "\n".join(errors)
		page.goto(f"{base_url}/app/query-report/Agent Scorecard", wait_until="networkidle")
		page.locator(".dt-scrollable").wait_for(timeout=30000)
		page.get_by_text(qa_setup["users"]["agent"]).first.wait_for(timeout=30000)
		page.wait_for_timeout(1500)  # the chart's data arrives 700 ms after it is drawn; late errors
		assert not errors, "agent scorecard: " + "\n".join(errors)
		page.screenshot(path=str(shots / f"qa-agent-scorecard-{device}.png"), full_page=True)
		page.goto(f"{base_url}/app/service-quality", wait_until="networkidle")
		page.locator(".shortcut-widget-box", has_text="Agent Scorecard").first.wait_for(timeout=30000)
		page.wait_for_timeout(2000)
		page.screenshot(path=str(shots / f"qa-workspace-{device}.png"), full_page=True)
		page.locator(".number-widget-box", has_text="QA Score").first.wait_for(timeout=30000)
		assert not errors, "\n".join(errors)
	finally:
		context.close()
