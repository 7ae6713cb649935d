"""The REST intake through frappe's HTTP handler: status codes, POST only, idempotent retries.

Requests run in their own transaction and commit, so this class deletes what it created.
"""

import frappe
from frappe.tests.test_api import FrappeAPITestCase, get_test_client, make_request
from frappe.utils import random_string

METHOD = "crm_suite.api.tickets.create"


class TestTicketAPI(FrappeAPITestCase):
	def setUp(self):
		self.keys: list[str] = []

	def tearDown(self):
		for key in self.keys:
			for name in frappe.get_all("Issue", filters={"crms_idempotency_key": key}, pluck="name"):
				frappe.delete_doc("Issue", name, force=True, ignore_permissions=True)
		frappe.db.commit()  # the requests committed their tickets: remove them for good

	def key(self) -> str:
		self.keys.append(f"api-{random_string(12)}")
		return self.keys[-1]

	def test_retry_with_same_key_returns_same_ticket(self):
		key = self.key()
		payload = {"subject": "Checkout fails", "channel": "App", "idempotency_key": key, "sid": self.sid}
		first = self.post(self.method(METHOD), payload)
		second = self.post(self.method(METHOD), payload)
		self.assertEqual(first.status_code, 200, first.json)
		self.assertEqual(second.status_code, 200, second.json)
		self.assertEqual(first.json["message"]["name"], second.json["message"]["name"])
		frappe.db.rollback()  # see the requests' commits
		self.assertEqual(frappe.db.count("Issue", {"crms_idempotency_key": key}), 1)
		self.assertEqual(frappe.db.get_value("Issue", {"crms_idempotency_key": key}, "crms_channel"), "App")

	def test_bad_payloads_get_4xx_and_save_nothing(self):
		bad = [
			{"subject": ""},
			{"subject": "ok", "impact": "Enormous"},
			{"subject": "ok", "raised_by": "nobody"},
			{"subject": "ok", "customer": "_Test No Such Customer"},
			{"subject": "ok", "channel": "Pigeon"},
			{"subject": "x" * 500},
		]
		for payload in bad:
			key = self.key()
			response = self.post(self.method(METHOD), {**payload, "idempotency_key": key, "sid": self.sid})
			self.assertEqual(response.status_code, 400, (payload, response.json))
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Issue", {"crms_idempotency_key": ("in", self.keys)}), 0)

	def test_get_and_guest_refused(self):
		key = self.key()
		get = self.get(self.method(METHOD), {"subject": "x", "idempotency_key": key, "sid": self.sid})
		self.assertGreaterEqual(get.status_code, 400)
		# a fresh client: the shared one carries the Administrator's session cookie
		guest = make_request(
			target=get_test_client().post,
			args=(self.method(METHOD),),
			kwargs={"json": {"subject": "x", "idempotency_key": key}},
		)
		self.assertEqual(guest.status_code, 403)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Issue", {"crms_idempotency_key": key}), 0)
