"""The agent's desk flow on a desktop and on a phone, in English and in Chinese: the ticket arrives
through the REST intake, is routed to the agent, shows in "my queue" with its SLA pill, opens with
the SLA headline, gets a reply to the customer and an internal note, and is resolved."""

import uuid

import pytest
from conftest import VIEWPORTS, ZH_CSV, api, login, watch_errors, zh_translations

PASSWORD = "Crms-desk-Browser-5521!"


def t(lang: str, text: str) -> str:
	return zh_translations().get(text, text) if lang == "zh" else text


@pytest.fixture(scope="module")
def desk(browser, base_url):
	"""As Administrator: one agent per language (Support Team), a team with both, an SLA policy and a
	rule sending this run's tickets to the team. Removed afterwards (best effort)."""
	context = browser.new_context(base_url=base_url)
	page = context.new_page()
	tag = uuid.uuid4().hex[:8]
	made: list[tuple[str, str]] = []
	users = {}
	try:
		login(page, base_url)
		# replies go out through the site's default outgoing account; a placeholder when there is none
		# (the queue never reaches it during the check)
		if not api(
			page,
			"GET",
			'/api/resource/Email Account?filters=[["default_outgoing","=",1],["enable_outgoing","=",1]]',
		):
			account = api(
				page,
				"POST",
				"/api/resource/Email Account",
				{
					"email_account_name": f"_Test Desk Outgoing {tag}",
					"email_id": f"desk-{tag}@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "smtp.invalid",
					"no_smtp_authentication": 1,
				},
			)["name"]
			made.append(("Email Account", account))
		for lang in ("en", "zh"):
			user = f"crms-desk-{lang}-{tag}@example.com"
			api(
				page,
				"POST",
				"/api/resource/User",
				{
					"email": user,
					"first_name": f"Desk {lang}",
					"user_type": "System User",
					"language": lang,
					"send_welcome_email": 0,
					"new_password": PASSWORD,
					"roles": [{"role": "Support Team"}],
				},
			)
			users[lang] = user
			made.append(("User", user))
		policy = api(
			page,
			"POST",
			"/api/resource/CRMS SLA Policy",
			{
				"policy_name": f"_Test Desk SLA {tag}",
				"channel": "API",
				"sort_order": -100,
				"response_hours": 4,
				"resolution_hours": 24,
				"working_hours": [
					{"weekday": day, "start_time": "00:00:00", "end_time": "23:59:59"}
					for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
				],
			},
		)["name"]
		made.append(("CRMS SLA Policy", policy))
		team = {}
		for lang, user in users.items():
			team[lang] = api(
				page,
				"POST",
				"/api/resource/CRMS Service Team",
				{"team_name": f"_Test Desk {lang} {tag}", "members": [{"user": user, "capacity": 50}]},
			)["name"]
			made.append(("CRMS Service Team", team[lang]))
			rule = api(
				page,
				"POST",
				"/api/resource/CRMS Ticket Rule",
				{
					"rule_name": f"_Test Desk {lang} {tag}",
					"keywords": f"deskcheck{lang}{tag}",
					"team": team[lang],
					"rule_order": -100,
				},
			)["name"]
			made.append(("CRMS Ticket Rule", rule))
		yield {"tag": tag, "users": users, "page": page}
	finally:
		for doctype, name in reversed(made):
			if not api(page, "DELETE", f"/api/resource/{doctype}/{name}", check=False) and doctype == "User":
				api(page, "PUT", f"/api/resource/User/{name}", {"enabled": 0}, check=False)
		context.close()


def _new_ticket(desk, lang: str, device: str) -> str:
	ticket = api(
		desk["page"],
		"POST",
		"/api/method/crm_suite.api.tickets.create",
		{
			"subject": f"Printer jams deskcheck{lang}{desk['tag']} {device}",
			"description": "It jams on every second page.",
			"raised_by": f"customer-{desk['tag']}@example.com",
			"idempotency_key": f"desk-{desk['tag']}-{lang}-{device}",
		},
	)
	name = ticket["name"]
	# intake assigns in a background job after commit (as in production): wait for the worker
	for _ in range(120):
		rows = api(
			desk["page"],
			"GET",
			'/api/resource/Issue?fields=["_assign"]&filters=' + f'[["name","=","{name}"]]',
		)
		if rows and rows[0].get("_assign") not in (None, "", "[]"):
			return name
		desk["page"].wait_for_timeout(1000)
	pytest.fail(f"{name} was not assigned within 120 s: is a worker running for the short queue?")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_agent_queue_reply_resolve(browser, base_url, shots, desk, device, lang):
	if lang == "zh":
		missing = [
			s
			for s in ("SLA", "Running", "First response due", "Resolution due")
			if s not in zh_translations()
		]
		assert not missing, f"no zh translation in {ZH_CSV.name} for: {missing}"
	name = _new_ticket(desk, lang, device)
	user = desk["users"][lang]

	context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone", base_url=base_url)
	page = context.new_page()
	errors = watch_errors(page)
	try:
		login(page, base_url, user, PASSWORD)
		assert page.evaluate("() => frappe.boot.lang") == lang

		# my queue: open tickets assigned to me, with the SLA pill
		page.goto(
			f"{base_url}/app/issue?status=Open&_assign=%5B%22like%22%2C%22%25{user}%25%22%5D",
			wait_until="networkidle",
		)
		row = page.locator(f".list-row-container:has(a[data-name='{name}'])").first
		row.wait_for(timeout=30000)
		if device == "desktop":
			pill = row.locator(".indicator-pill", has_text=t(lang, "Running")).first
			pill.wait_for(timeout=30000)
		page.screenshot(path=str(shots / f"service-desk-queue-{lang}-{device}.png"), full_page=True)

		row.locator(f"a[data-name='{name}']").first.click()
		page.wait_for_url(f"**/app/issue/{name}", timeout=30000)
		headline = page.locator(".form-message", has_text=t(lang, "First response due")).first
		headline.wait_for(timeout=30000)
		text = headline.inner_text()
		assert t(lang, "SLA") in text and t(lang, "First response due") in text, text

		page.screenshot(path=str(shots / f"service-desk-open-{lang}-{device}.png"), full_page=True)
		# an internal note: a Comment, never sent to the customer
		note = f"internal note {desk['tag']} {device}"
		box = page.locator(".comment-box .ql-editor").first
		box.scroll_into_view_if_needed()
		box.click()
		box.fill(note)
		page.locator(".comment-box .btn-comment").first.click()
		page.locator(".timeline-content", has_text=note).first.wait_for(timeout=30000)

		# a reply to the customer through the desk's own e-mail composer
		reply = f"We are sending a technician {desk['tag']} {device}"
		# Frappe's own labels, in the user's language as the desk translates them
		new_email, send = page.evaluate("() => [__('New Email'), __('Send')]")
		page.locator(".timeline-actions .btn", has_text=new_email).first.click()
		dialog = page.locator(".modal.show").last
		dialog.locator(".ql-editor").first.wait_for(timeout=30000)
		dialog.locator(".ql-editor").first.fill(reply)
		dialog.locator(".modal-footer .btn-primary", has_text=send).first.click()
		page.locator(".timeline-content", has_text=reply).first.wait_for(timeout=30000)
		communications = api(
			desk["page"],  # as Administrator: Frappe lets agents read Communications only through the form
			"GET",
			"/api/resource/Communication?fields=%5B%22sent_or_received%22%5D&filters="
			+ f"%5B%5B%22reference_name%22%2C%22%3D%22%2C%22{name}%22%5D%5D",
		)
		assert {"sent_or_received": "Sent"} in communications

		# resolve: status from the form, saved, and the list shows it. Sending the reply changes the ticket
		# on the server (first response, status): load that version first, as an agent's desk does when
		# the realtime update arrives, or the save can meet "document has been modified"
		page.evaluate("() => cur_frm.reload_doc()")
		page.evaluate("() => cur_frm.set_value('status', 'Resolved')")
		page.keyboard.press("Control+s")
		page.wait_for_function(
			"() => cur_frm && !cur_frm.is_dirty() && cur_frm.doc.status === 'Resolved'", timeout=30000
		)
		status = api(page, "GET", f"/api/resource/Issue/{name}")["status"]
		assert status == "Resolved"
		page.screenshot(path=str(shots / f"service-desk-ticket-{lang}-{device}.png"), full_page=True)

		overflow, culprits = page.evaluate(
			"""() => [document.body.scrollWidth - window.innerWidth,
				Array.from(document.querySelectorAll('.page-container *'))
					.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.offsetParent)
					.slice(0, 5)
					.map((e) => e.tagName + '.' + e.className)]"""
		)
		assert overflow <= 1, f"the ticket form overflows by {overflow}px: {culprits}"
		page.wait_for_timeout(1500)
		assert not errors, "\n".join(errors)
	except Exception:
		page.screenshot(path=str(shots / f"service-desk-failed-{lang}-{device}.png"), full_page=True)
		raise
	finally:
		context.close()
