"""Telephony webhook: through frappe's HTTP handler (werkzeug test client) and in-process.

HTTP requests run in their own transaction and commit, so those tests delete what they created; the
in-process ones roll back. Call ids carry a per-run prefix.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import random
import threading
import time
import wave
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client, get_url, random_string

from crm_suite.call_centre import recording, webhook
from crm_suite.engine import call_sim
from crm_suite.engine import telephony as tel
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import make_contact, make_customer, make_user

METHOD = "/api/method/crm_suite.call_centre.webhook.receive"
GENERIC, TWILIO, EXOTEL = "_test-generic", "_test-twilio", "_test-exotel"
SECRET = "whsec_test"
TOKEN = "twilio-auth-token-123"
EX_KEY = "exotel-key-456"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def _provider(name: str, adapter: str, secret: str, enabled: int = 1) -> None:
	if frappe.db.exists("CRMS Telephony Provider", name):
		doc = frappe.get_doc("CRMS Telephony Provider", name)
	else:
		doc = frappe.new_doc("CRMS Telephony Provider")
		doc.provider_name = name
	doc.update({"adapter": adapter, "secret": secret, "enabled": enabled, "timestamp_tolerance": 300})
	doc.save(ignore_permissions=True)


def _iso(dt: datetime) -> str:
	return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


# PBX extensions no user has here: the demo's agents sit on 201, 202 ... (demo/calls.py), and a site that
# has had the demo keeps them, so the chain would show their users
EXT_A, EXT_B = "9201", "9305"


def call_events(
	call_id: str, caller: str = "+4930111222", agent: str = EXT_A, to_agent: str = EXT_B
) -> list[dict]:
	"""A full inbound call: queue, answer, hold, transfer, end, recording, wrap-up."""
	s = [
		("ringing", 0, {"direction": "inbound", "from": caller, "to": "+4930999000", "queue": "billing"}),
		("answered", 20, {"agent": agent}),
		("hold", 60, {"agent": agent}),
		("unhold", 90, {"agent": agent}),
		("transfer", 100, {"agent": agent, "to_agent": to_agent}),
		("ended", 170, {"end_reason": "completed"}),
		("recording", 175, {"recording_url": "https://pbx.example.com/rec/x.wav"}),
		("wrapup_done", 215, {"agent": to_agent}),
	]
	return [
		{
			"event_id": f"{call_id}-{i}",
			"call_id": call_id,
			"type": kind,
			"at": _iso(T0 + timedelta(seconds=sec)),
			**extra,
		}
		for i, (kind, sec, extra) in enumerate(s)
	]


def signed(body: bytes, secret: str = SECRET, ts: int | None = None) -> dict:
	ts = int(time.time()) if ts is None else ts
	return {tel.GENERIC_TS_HEADER: str(ts), tel.GENERIC_SIG_HEADER: tel.sign(secret, ts, body)}


class WebhookCase(CRMSuiteTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		_provider(GENERIC, "generic", SECRET)
		_provider(TWILIO, "twilio", TOKEN)
		_provider(EXOTEL, "exotel", EX_KEY)
		cls.supervisor = make_user("_test-cc-supervisor@example.com", ("Call Centre Supervisor",))
		frappe.db.commit()
		cls.client = get_test_client()

	def setUp(self):
		self.prefix = f"_T{random_string(6)}-"
		frappe.cache.delete_keys("crms_webhook_refused:")

	def tearDown(self):
		frappe.db.rollback()
		like = self.prefix + "%"
		frappe.db.sql("delete from `tabCRMS Call Event` where call_id like %s", like)
		frappe.db.sql("delete from `tabDynamic Link` where parenttype = 'Call Log' and parent like %s", like)
		frappe.db.sql(
			"delete from `tabToDo` where reference_type = 'Call Log' and reference_name like %s", like
		)
		frappe.db.sql("delete from `tabCall Log` where name like %s", like)
		frappe.db.commit()

	# -- helpers ---------------------------------------------------------------------------------
	def http(
		self,
		provider: str,
		body: bytes,
		headers: dict,
		method: str = "POST",
		query: dict | None = None,
		content_type="application/json",
	):
		url = f"{METHOD}?{urlencode({'provider': provider, **(query or {})})}"
		target = self.client.post if method == "POST" else self.client.get
		kwargs = {"headers": headers, "data": body}
		if content_type:
			kwargs["content_type"] = content_type
		return make_request(target=target, args=(url,), kwargs=kwargs)

	def post_generic(self, event: dict | list, **kw):
		body = json.dumps(event if isinstance(event, dict) else {"events": event}).encode()
		return self.http(GENERIC, body, signed(body), **kw)

	def local(self, event: dict, provider: str = GENERIC):
		"""In-process delivery through the same code path (no commit)."""
		body = json.dumps(event).encode()
		return webhook.deliver(
			provider, body, headers=signed(body), content_type="application/json", fresh_snapshot=False
		)

	def log(self, name: str) -> dict:
		return frappe.db.get_value("Call Log", name, "*", as_dict=True)


class TestWebhookIdempotency(WebhookCase):
	def test_replay_3x_and_shuffled_over_http_give_one_correct_call_log(self):
		ordered_id, shuffled_id = self.prefix + "ordered", self.prefix + "shuffled"
		ordered = call_events(ordered_id)
		shuffled = call_events(shuffled_id) * 3
		random.Random(4).shuffle(shuffled)
		for ev in ordered * 3 + shuffled:
			response = self.post_generic(ev)
			self.assertEqual(response.status_code, 200, response.text)
			self.assertTrue(response.json["ok"])
		frappe.db.rollback()
		for name in (ordered_id, shuffled_id):
			self.assertEqual(frappe.db.count("Call Log", {"name": name}), 1)
			self.assertEqual(frappe.db.count("CRMS Call Event", {"call_id": name}), 8)
			log = self.log(name)
			self.assertEqual(log.id, name)
			self.assertEqual(
				(log.status, log.type, log["from"], log.crms_queue),
				("Completed", "Incoming", "+4930111222", "billing"),
			)
			self.assertEqual(
				(
					log.crms_wait_seconds,
					log.crms_hold_seconds,
					log.crms_talk_seconds,
					log.crms_wrapup_seconds,
				),
				(20, 30, 120, 45),
			)
			self.assertEqual(
				(log.crms_transferred, log.crms_transfer_chain, log.crms_event_count),
				(1, f"{EXT_A} > {EXT_B}", 8),
			)
			self.assertEqual(int(log.duration), 170)
			self.assertEqual(log.recording_url, webhook.recording_path(name))
			self.assertNotIn("pbx.example.com", log.recording_url)
		a, b = self.log(ordered_id), self.log(shuffled_id)
		for field in (
			"status",
			"start_time",
			"end_time",
			"crms_answered_at",
			"crms_talk_seconds",
			"crms_abandoned",
		):
			self.assertEqual(a[field], b[field], field)

	def test_simulated_calls_shuffled_and_replayed_match_in_order_fold(self):
		calls = call_sim.simulate(call_sim.SimConfig(volume_scale=0.3), datetime(2026, 11, 30, 8), 1, seed=3)[
			:25
		]
		from crm_suite.call_centre.simulate import deliveries

		bodies = [b for _at, b in deliveries(calls, datetime(2026, 11, 30))]
		bodies = [json.loads(b) for b in bodies]
		for body in bodies:
			body["call_id"] = self.prefix + body["call_id"]
			body["event_id"] = self.prefix + body["event_id"]
		expected = {}
		for call_id in {b["call_id"] for b in bodies}:
			evs = [
				e
				for b in bodies
				if b["call_id"] == call_id
				for e in tel.parse("generic", {}, json.dumps(b), "application/json")
			]
			expected[call_id] = tel.fold(evs)
		stream = bodies * 3
		random.Random(9).shuffle(stream)
		for body in stream:
			status, answer = self.local(body)
			self.assertEqual(status, 200, answer)
		self.assertEqual(frappe.db.count("Call Log", {"name": ("like", self.prefix + "%")}), len(expected))
		for call_id, rec in expected.items():
			log = self.log(call_id)
			self.assertEqual(log.status, webhook.CALL_LOG_STATUS[rec.status], call_id)
			self.assertEqual(log.crms_abandoned, int(rec.abandoned))
			self.assertEqual(log.crms_voicemail, int(rec.voicemail))
			self.assertEqual(log.crms_wait_seconds, round(rec.wait_seconds or 0))
			self.assertEqual(log.crms_talk_seconds, round(rec.talk_seconds or 0))
			self.assertEqual(log.crms_event_count, rec.event_count)


class TestBadEvents(WebhookCase):
	def errors(self) -> int:
		return frappe.db.count("Error Log", {"method": ("like", "Telephony webhook refused%")})

	def assert_refused(self, response, status: int, code: str, call_id: str):
		self.assertEqual(response.status_code, status, response.text)
		self.assertEqual(response.json["error"], code)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Call Log", call_id))
		self.assertEqual(frappe.db.count("CRMS Call Event", {"call_id": call_id}), 0)

	def test_each_bad_event_is_refused_logged_and_saves_nothing(self):
		call_id = self.prefix + "bad"
		event = call_events(call_id)[0]
		body = json.dumps(event).encode()
		now = int(time.time())
		_provider("_test-disabled", "generic", SECRET, enabled=0)
		frappe.db.commit()
		cases = [
			(
				"bad signature",
				lambda: self.http(GENERIC, body, signed(body, secret="wrong")),
				403,
				"bad_signature",
			),
			("no signature", lambda: self.http(GENERIC, body, {}), 403, "bad_signature"),
			("stale timestamp", lambda: self.http(GENERIC, body, signed(body, ts=now - 3600)), 403, "stale"),
			(
				"unknown provider",
				lambda: self.http("_test-nobody", body, signed(body)),
				400,
				"unknown_provider",
			),
			(
				"disabled provider",
				lambda: self.http("_test-disabled", body, signed(body)),
				400,
				"unknown_provider",
			),
			(
				"malformed JSON",
				lambda: self.http(
					GENERIC, b'{"call_id": "x",', signed(b'{"call_id": "x",'), content_type=None
				),
				400,
				"malformed",
			),
			(
				"huge body",
				lambda: self.http(GENERIC, body + b" " * (70 * 1024), signed(body + b" " * (70 * 1024))),
				413,
				"too_large",
			),
			(
				"missing call id",
				lambda: self.http(GENERIC, b2 := json.dumps({**event, "call_id": ""}).encode(), signed(b2)),
				400,
				"missing_field",
			),
			(
				"GET on a non-Exotel provider",
				lambda: self.http(GENERIC, b"", {}, method="GET"),
				405,
				"method_not_allowed",
			),
		]
		for label, send, status, code in cases:
			with self.subTest(label):
				frappe.cache.delete_keys("crms_webhook_refused:")
				before = self.errors()
				self.assert_refused(send(), status, code, call_id)
				self.assertEqual(self.errors(), before + 1, label)

	def test_a_flood_of_bad_events_logs_once_a_minute(self):
		body = json.dumps(call_events(self.prefix + "flood")[0]).encode()
		before = self.errors()
		for _ in range(5):
			response = self.http(GENERIC, body, signed(body, secret="wrong"))
			self.assertEqual(response.status_code, 403)
		frappe.db.rollback()
		self.assertEqual(self.errors(), before + 1)


class TestProviders(WebhookCase):
	def twilio(self, params: dict):
		# the URL as the server sees it (frappe's test client calls the app at http://localhost)
		url = f"http://localhost{METHOD}?{urlencode({'provider': TWILIO})}"
		headers = {tel.TWILIO_SIG_HEADER: tel.twilio_signature(TOKEN, url, params)}
		return make_request(
			target=self.client.post,
			args=(url,),
			kwargs={"data": params, "headers": headers, "content_type": "application/x-www-form-urlencoded"},
		)

	def test_twilio_status_callbacks_end_in_a_completed_call_log(self):
		sid, child = self.prefix + "CA1", self.prefix + "CA2"
		stamp = lambda s: (T0 + timedelta(seconds=s)).strftime("%a, %d %b %Y %H:%M:%S +0000")  # noqa: E731
		base = {
			"CallSid": sid,
			"From": "+15005550006",
			"To": "+15005550001",
			"Direction": "inbound",
			"AccountSid": "AC1",
		}
		deliveries = [
			{**base, "CallStatus": "ringing", "Timestamp": stamp(0), "SequenceNumber": "0"},
			{**base, "CallStatus": "in-progress", "Timestamp": stamp(1), "SequenceNumber": "1"},
			{
				"CallSid": child,
				"ParentCallSid": sid,
				"From": "+15005550001",
				"To": "client:agent7",
				"Direction": "outbound-dial",
				"CallStatus": "in-progress",
				"Timestamp": stamp(15),
				"SequenceNumber": "1",
			},
			{
				**base,
				"CallStatus": "completed",
				"Timestamp": stamp(75),
				"CallDuration": "75",
				"SequenceNumber": "2",
			},
			{
				"CallSid": sid,
				"AccountSid": "AC1",
				"RecordingSid": "RE1",
				"RecordingStatus": "completed",
				"RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
				"RecordingStartTime": stamp(16),
			},
		]
		for params in deliveries + deliveries[::-1]:  # and again, backwards
			response = self.twilio(params)
			self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		log = self.log(sid)
		self.assertEqual(
			(log.status, log.type, log["from"], log["to"]),
			("Completed", "Incoming", "+15005550006", "+15005550001"),
		)
		self.assertEqual((log.crms_wait_seconds, log.crms_talk_seconds), (15, 60))
		self.assertEqual(log.crms_transfer_chain, "client:agent7")
		self.assertEqual(log.recording_url, webhook.recording_path(sid))
		self.assertEqual(recording.provider_recording_url(sid), deliveries[-1]["RecordingUrl"])
		self.assertFalse(frappe.db.exists("Call Log", child))
		# a bad Twilio signature is refused
		bad = make_request(
			target=self.client.post,
			args=(f"{METHOD}?provider={TWILIO}",),
			kwargs={
				"data": {**base, "CallSid": self.prefix + "CA8"},
				"headers": {tel.TWILIO_SIG_HEADER: "bm9wZQ=="},
			},
		)
		self.assertEqual(bad.status_code, 403)

	def test_exotel_passthru_and_status_callback(self):
		sid = self.prefix + "ex1"
		ist = lambda s: (T0 + timedelta(seconds=s)).astimezone(tel.EXOTEL_TZ).strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
		passthru = {
			"CallSid": sid,
			"CallFrom": "09812345678",
			"CallTo": "08030752400",
			"Direction": "incoming",
			"CallType": "call-attempt",
			"CurrentTime": ist(0),
			"flow_id": "support",
			"key": EX_KEY,
		}
		response = self.http(
			EXOTEL, b"", {}, method="GET", query={k: v for k, v in passthru.items()}, content_type=None
		)
		self.assertEqual(response.status_code, 200, response.text)
		terminal = {
			"CallSid": sid,
			"Status": "completed",
			"EventType": "terminal",
			"DateUpdated": ist(200),
			"ConversationDuration": "150",
			"DialCallDuration": "170",
			"Direction": "incoming",
			"From": "09812345678",
			"To": "08030752400",
			"RecordingUrl": "https://recordings.exotel.com/x.mp3",
		}
		response = self.http(
			EXOTEL,
			urlencode(terminal).encode(),
			{},
			query={"key": EX_KEY},
			content_type="application/x-www-form-urlencoded",
		)
		self.assertEqual(response.status_code, 200, response.text)
		wrong_key = self.http(
			EXOTEL,
			urlencode(terminal).encode(),
			{},
			query={"key": "nope"},
			content_type="application/x-www-form-urlencoded",
		)
		self.assertEqual(wrong_key.status_code, 403)
		frappe.db.rollback()
		log = self.log(sid)
		self.assertEqual((log.status, log.type, log.crms_queue), ("Completed", "Incoming", "support"))
		self.assertEqual((log.crms_wait_seconds, log.crms_talk_seconds, int(log.duration)), (50, 150, 200))
		payload = frappe.db.get_value("CRMS Call Event", {"call_id": sid, "kind": "RINGING"}, "payload")
		self.assertNotIn(EX_KEY, payload)  # the shared secret is never stored


class TestLinksAndCallbacks(WebhookCase):
	def test_customer_contact_and_lead_linked_by_phone_key(self):
		digits = f"{random.Random(self.prefix).randrange(10**7, 10**8)}"  # a number no earlier run used
		customer = make_customer().name
		contact = make_contact(
			customer=customer,
			mobile_no=f"+49 151 {digits}",
			phone_nos=[{"phone": f"+49 151 {digits}", "is_primary_mobile_no": 1}],
		).name
		self.assertTrue(frappe.db.get_value("Contact", contact, "crms_phone_key"))
		call_id = self.prefix + "known"
		ev = call_events(call_id, caller=f"0049 (151) {digits[:4]}-{digits[4:]}")
		for e in ev[:2]:
			status, answer = self.local(e)
			self.assertEqual(status, 200, answer)
		log = self.log(call_id)
		self.assertEqual((log.customer, log.crms_contact), (customer, contact))
		links = frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Call Log", "parent": call_id},
			fields=["link_doctype", "link_name"],
		)
		self.assertEqual(
			sorted((link.link_doctype, link.link_name) for link in links),
			[("Contact", contact), ("Customer", customer)],
		)
		# ERPNext still reads it as a valid Call Log
		doc = frappe.get_doc("Call Log", call_id)
		doc.run_method("validate")
		self.assertEqual(len(doc.links), 2)
		unknown = self.prefix + "unknown"
		self.local(call_events(unknown, caller="+1 555 000 9999")[0])
		self.assertFalse(self.log(unknown).customer)

	def test_abandoned_call_gets_a_callback_todo_closing_it_marks_done(self):
		call_id = self.prefix + "aband"
		ring = {
			"event_id": call_id + "-r",
			"call_id": call_id,
			"type": "ringing",
			"at": _iso(T0),
			"direction": "inbound",
			"from": "+4930555111",
			"queue": "billing",
		}
		end = {
			"event_id": call_id + "-e",
			"call_id": call_id,
			"type": "ended",
			"at": _iso(T0 + timedelta(seconds=45)),
			"end_reason": "abandoned",
		}
		for e in (end, ring, end):
			self.assertEqual(self.local(e)[0], 200)
		log = self.log(call_id)
		self.assertEqual((log.crms_abandoned, log.status, log.crms_callback_status), (1, "No Answer", "Open"))
		self.assertEqual(log.crms_wait_seconds, 45)
		todo = frappe.get_doc("ToDo", log.crms_callback_todo)
		self.assertEqual(
			(todo.reference_type, todo.reference_name, todo.status), ("Call Log", call_id, "Open")
		)
		self.assertEqual(
			todo.allocated_to,
			frappe.db.get_value(
				"Has Role",
				{"role": "Call Centre Supervisor", "parenttype": "User"},
				"parent",
				order_by="parent asc",
			)
			or "Administrator",
		)
		self.assertEqual(
			frappe.db.count("ToDo", {"reference_type": "Call Log", "reference_name": call_id}), 1
		)
		todo.status = "Closed"
		todo.save(ignore_permissions=True)
		self.assertEqual(self.log(call_id).crms_callback_status, "Done")

	def test_ringing_for_an_agent_publishes_the_screen_pop_event(self):
		from unittest.mock import patch

		call_id = self.prefix + "pop"
		ring = {
			"event_id": call_id + "-r",
			"call_id": call_id,
			"type": "ringing",
			"at": _iso(T0),
			"direction": "inbound",
			"from": "+4930555222",
			"queue": "billing",
			"agent": "Administrator",
		}
		with patch("frappe.publish_realtime") as publish:
			self.local(ring)
			self.local(ring)  # a replay does not pop twice
		pops = [c for c in publish.call_args_list if c.args and c.args[0] == "crms_call_ringing"]
		self.assertEqual(len(pops), 1)
		self.assertEqual(pops[0].kwargs["user"], "Administrator")
		self.assertEqual(
			pops[0].args[1],
			{"call_log": call_id, "number": "+4930555222", "direction": "Incoming", "queue": "billing"},
		)


def _wav() -> bytes:
	buf = io.BytesIO()
	with wave.open(buf, "wb") as w:
		w.setnchannels(1)
		w.setsampwidth(2)
		w.setframerate(8000)
		w.writeframes(b"\x00\x01" * 4000)
	return buf.getvalue()


class TestRecordingProxy(WebhookCase):
	def test_recording_streams_only_for_users_who_may_read_the_call(self):
		audio = _wav()

		class Handler(http.server.BaseHTTPRequestHandler):
			def do_GET(self):
				self.send_response(200)
				self.send_header("Content-Type", "audio/wav")
				self.send_header("Content-Length", str(len(audio)))
				self.end_headers()
				self.wfile.write(audio)

			def log_message(self, *args):
				pass

		server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		thread = threading.Thread(target=server.serve_forever, daemon=True)
		thread.start()
		self.addCleanup(server.shutdown)
		call_id = self.prefix + "rec"
		url = f"http://127.0.0.1:{server.server_address[1]}/rec.wav"
		rec = {
			"event_id": call_id + "-rec",
			"call_id": call_id,
			"type": "recording",
			"at": _iso(T0 + timedelta(seconds=5)),
			"recording_url": url,
		}
		for e in [call_events(call_id)[0], rec]:
			self.assertEqual(self.local(e)[0], 200)
		self.assertEqual(self.log(call_id).recording_url, webhook.recording_path(call_id))
		outsider = make_user("_test-cc-outsider@example.com", ("Sales User",))
		with self.set_user(outsider):
			self.assertRaises(frappe.PermissionError, recording.stream, call_id)
		with self.set_user("Administrator"):
			response = recording.stream(call_id)
			self.assertEqual(response.status_code, 200)
			self.assertEqual(response.headers["Content-Type"], "audio/wav")
			self.assertEqual(b"".join(response.response), audio)


class TestLateAnswer(WebhookCase):
	def test_callback_cancelled_when_a_late_event_shows_the_call_was_answered(self):
		call_id = self.prefix + "late"
		events = call_events(call_id)
		ring, answered, ended = events[0], events[1], events[5]
		for e in (ring, ended):  # the answer is still in flight: looks abandoned for now
			self.assertEqual(self.local(e)[0], 200)
		log = self.log(call_id)
		self.assertEqual((log.crms_abandoned, log.crms_callback_status), (1, "Open"))
		todo = log.crms_callback_todo
		self.assertEqual(json.loads(log._assign), [frappe.db.get_value("ToDo", todo, "allocated_to")])
		self.assertEqual(self.local(answered)[0], 200)
		log = self.log(call_id)
		self.assertEqual(
			(log.status, log.crms_abandoned, log.crms_callback_status), ("Completed", 0, "Cancelled")
		)
		self.assertEqual(frappe.db.get_value("ToDo", todo, "status"), "Cancelled")
		self.assertEqual(json.loads(log._assign), [])
		self.assertEqual(
			frappe.db.count("ToDo", {"reference_type": "Call Log", "reference_name": call_id}), 1
		)


class TestBudgetAndSimulator(WebhookCase):
	def test_a_deadlock_victim_is_retried_not_refused(self):
		"""MariaDB rolls back a deadlock victim's whole transaction: the delivery runs again (it is
		idempotent) instead of answering 500."""
		from unittest.mock import patch

		real = webhook.ingest
		calls = []

		def once_a_victim(*args, **kwargs):
			calls.append(1)
			if len(calls) == 1:
				raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
			return real(*args, **kwargs)

		call_id = self.prefix + "deadlock"
		event = {
			"event_id": call_id + "-0",
			"call_id": call_id,
			"type": "ringing",
			"at": _iso(T0),
			"from": "+12125550199",
		}
		with patch.object(webhook, "ingest", side_effect=once_a_victim):
			status, answer = self.local(event)
		self.assertEqual((status, answer["ok"]), (200, True))
		self.assertEqual(len(calls), 2)
		self.assertEqual(frappe.db.count("CRMS Call Event", {"call_id": call_id}), 1)
		self.assertTrue(frappe.db.exists("Call Log", call_id))

	def test_a_delivery_for_a_known_call_costs_five_queries(self):
		from frappe.tests.utils import patch_hooks

		call_id = self.prefix + "budget"
		events = call_events(call_id)
		with patch_hooks({"crms_call_updated": []}):
			self.assertEqual(self.local(events[0])[0], 200)  # new call: also matches the caller's number
			self.assertEqual(self.local(events[1])[0], 200)  # warms the agent lookup
			# lock, store, read events, read the row, update
			with self.assertQueryCount(5):
				self.assertEqual(self.local(events[2])[0], 200)

	def test_simulated_answered_calls_ring_the_agent_first(self):
		from crm_suite.call_centre.simulate import deliveries, per_call

		calls = call_sim.simulate(call_sim.SimConfig(volume_scale=0.2), datetime(2026, 11, 30), 1, seed=5)
		bodies = deliveries(calls, datetime(2026, 11, 30))
		answered = [c for c in calls if c.answered_at is not None]
		offers = [json.loads(b) for _at, b in bodies]
		offers = [e for e in offers if e["type"] == "ringing" and e.get("agent")]
		self.assertEqual(len(offers), len(answered))
		by_call = {c.call_id + "-20261130": c for c in answered}
		for e in offers:
			call = by_call[e["call_id"]]
			self.assertEqual(e["agent"], call.agent)
		batches = per_call(bodies)
		self.assertEqual(len(batches), len(calls))
		self.assertEqual(sum(len(json.loads(b)["events"]) for _at, b in batches), len(bodies))

	def test_demo_service_agents_become_call_agents(self):
		from crm_suite.demo.calls import AGENT_ROLE, demo_call_agents, setup_call_agents
		from crm_suite.engine.demo_plan import SERVICE_AGENTS

		agent = SERVICE_AGENTS[0]
		if not frappe.db.exists("User", agent.email):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": agent.email,
					"first_name": agent.first_name,
					"send_welcome_email": 0,
				}
			).insert(ignore_permissions=True)
		# a site that has had the demo already has the status row, in whatever state its agent left it
		state_before = frappe.db.get_value("CRMS Agent Status", agent.email, "state")
		self.assertIn(agent.email, setup_call_agents())
		self.assertIn(AGENT_ROLE, frappe.get_roles(agent.email))
		mine = next(a for a in demo_call_agents() if a["user"] == agent.email)
		row = frappe.db.get_value("CRMS Agent Status", agent.email, ["extension", "state"], as_dict=True)
		self.assertEqual((row.extension, row.state), (mine["extension"], state_before or "Offline"))
		self.assertEqual(webhook.agent_user(mine["extension"]), agent.email)
		setup_call_agents()  # idempotent
		self.assertEqual(frappe.db.count("Has Role", {"parent": agent.email, "role": AGENT_ROLE}), 1)
