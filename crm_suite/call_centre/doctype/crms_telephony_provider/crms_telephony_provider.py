"""A telephony provider (PBX) whose call events the webhook accepts (see call_centre/webhook.py).

The secret is a Password field (encrypted at rest); the webhook URL is computed, never stored, so it
always shows this site's current address.
"""

from urllib.parse import quote

import frappe
from frappe.model.document import Document

WEBHOOK_METHOD = "crm_suite.call_centre.webhook.receive"


def webhook_url(provider_name: str, adapter: str) -> str:
	url = (
		f"{frappe.utils.get_url()}/api/method/{WEBHOOK_METHOD}?provider={quote(provider_name or '', safe='')}"
	)
	if adapter == "exotel":
		url += "&key=<secret>"  # Exotel cannot sign: the secret goes in the URL (docs/telephony-webhooks.md)
	return url


class CRMSTelephonyProvider(Document):
	@property
	def webhook_url(self) -> str:
		return webhook_url(self.provider_name, self.adapter)

	def validate(self):
		self.provider_name = (self.provider_name or "").strip()
		if self.timestamp_tolerance is None or self.timestamp_tolerance < 0:
			self.timestamp_tolerance = 300

	def on_update(self):
		frappe.cache.delete_value(provider_cache_key(self.name))

	def on_trash(self):
		frappe.cache.delete_value(provider_cache_key(self.name))


def provider_cache_key(name: str) -> str:
	return f"crms_telephony_provider:{name}"
