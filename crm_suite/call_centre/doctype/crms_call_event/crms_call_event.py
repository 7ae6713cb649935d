"""One provider event as received (see call_centre/webhook.py). Written only by the webhook ingestion with
a set-based INSERT IGNORE on the unique event id, so a retried delivery is a no-op; the Call Log is
re-folded from all events of its call on every delivery."""

from frappe.model.document import Document


class CRMSCallEvent(Document):
	pass
