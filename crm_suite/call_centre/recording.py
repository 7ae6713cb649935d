"""Call recordings, served only to users who may read the call.

The provider's recording URL never reaches the browser: the Call Log's recording_url is our proxy path
(see webhook.recording_path) and the provider URL is re-derived server-side from the stored events of
the call (readable only by call-centre supervisors). The proxy streams the audio with a timeout, passing
the content type and length, so a large file is never held in memory.
"""

from __future__ import annotations

import frappe
from frappe import _
from werkzeug.wrappers import Response

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
CHUNK = 64 * 1024
PASSED_HEADERS = ("Content-Type", "Content-Length", "Accept-Ranges", "Content-Range", "Last-Modified", "ETag")


def provider_recording_url(call_log: str) -> str:
	from crm_suite.call_centre.webhook import load_record

	record = load_record(call_log)
	return record.recording_url if record else ""


def _auth_for(call_log: str, url: str):
	"""Twilio's recording URLs need the account credentials; others are signed or open URLs."""
	provider = frappe.db.get_value("Call Log", call_log, "crms_provider")
	if not provider:
		return None
	adapter = frappe.db.get_value("CRMS Telephony Provider", provider, "adapter")
	if adapter != "twilio" or "api.twilio.com" not in url:
		return None
	from frappe.utils.password import get_decrypted_password

	account = url.split("/Accounts/", 1)[1].split("/", 1)[0] if "/Accounts/" in url else ""
	token = get_decrypted_password("CRMS Telephony Provider", provider, "secret", raise_exception=False)
	return (account, token) if account and token else None


@frappe.whitelist(methods=["GET"])
def stream(call_log: str):
	"""The call's recording, proxied from the provider (permission: read on that Call Log)."""
	import requests

	if not frappe.db.exists("Call Log", call_log):
		raise frappe.DoesNotExistError(_("Call Log {0} not found").format(call_log))
	frappe.has_permission("Call Log", "read", doc=call_log, throw=True)
	url = provider_recording_url(call_log)
	if not url or not url.lower().startswith(("http://", "https://")):
		raise frappe.DoesNotExistError(_("This call has no recording."))
	headers = {}
	if frappe.request and frappe.request.headers.get("Range"):
		headers["Range"] = frappe.request.headers["Range"]
	try:
		upstream = requests.get(
			url,
			stream=True,
			timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
			headers=headers,
			auth=_auth_for(call_log, url),
			allow_redirects=True,
		)
	except requests.RequestException:
		frappe.log_error(
			title=_("Call recording fetch failed"), reference_doctype="Call Log", reference_name=call_log
		)
		return Response(_("The recording could not be fetched."), status=502, mimetype="text/plain")
	if upstream.status_code >= 400:
		upstream.close()
		return Response(_("The recording could not be fetched."), status=502, mimetype="text/plain")

	def body():
		try:
			yield from upstream.iter_content(CHUNK)
		finally:
			upstream.close()

	response = Response(body(), status=upstream.status_code, direct_passthrough=True)
	for name in PASSED_HEADERS:
		if upstream.headers.get(name):
			response.headers[name] = upstream.headers[name]
	response.headers.setdefault("Content-Type", "audio/mpeg")
	response.headers["Cache-Control"] = "private, no-store"
	response.headers["Content-Disposition"] = f'inline; filename="{call_log}.audio"'
	return response
