import base64
import hashlib
import hmac
import json
import random
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest

from crm_suite.engine import telephony as tel

UTC = timezone.utc
T0 = datetime(2026, 12, 2, 9, 0, 0, tzinfo=UTC)


def ev(kind, sec, eid=None, call_id="C1", **kw):
	at = T0 + timedelta(seconds=sec)
	return tel.CallEvent(
		provider="generic",
		event_id=eid or f"{kind}-{sec}",
		call_id=call_id,
		kind=kind,
		at=at,
		**kw,
	)


def full_call():
	"""Inbound call: rings 20 s in queue, agent a1 answers, 30 s hold, transfer to a2, ends, wrap-up."""
	return [
		ev(tel.RINGING, 0, direction="inbound", from_number="+911111", to_number="+912222", queue="billing"),
		ev(tel.ANSWERED, 20, agent="a1"),
		ev(tel.HOLD, 60),
		ev(tel.UNHOLD, 90),
		ev(tel.TRANSFER, 100, agent="a1", to_agent="a2"),
		ev(tel.HOLD, 150),  # never released: closes at the end
		ev(tel.ENDED, 170, end_reason="completed"),
		ev(tel.RECORDING, 175, recording_url="https://rec/1.mp3"),
		ev(tel.WRAPUP_DONE, 215, agent="a2"),
	]


# --- reducer ----------------------------------------------------------------------------------------


def test_full_call_times_and_fields():
	r = tel.fold(full_call())
	assert r.status == tel.ST_COMPLETED
	assert r.ring_at == T0 and r.answered_at == T0 + timedelta(seconds=20)
	assert r.ended_at == T0 + timedelta(seconds=170)
	assert r.wait_seconds == 20
	assert r.hold_seconds == 30 + 20  # 60-90 and the open 150-170
	assert r.talk_seconds == 150 - 50  # answer->end 150 s minus 50 s hold
	assert r.wrapup_seconds == 45
	assert r.transfers == ("a1", "a2") and r.agent == "a2"
	assert r.queue == "billing" and r.direction == "inbound"
	assert r.from_number == "+911111" and r.to_number == "+912222"
	assert r.recording_url == "https://rec/1.mp3"
	assert not r.abandoned and not r.voicemail and r.end_reason == "completed"
	assert r.event_count == 9


def test_replay_and_shuffle_give_the_identical_record():
	events = full_call()
	ref = tel.fold(events)
	rng = random.Random(20261202)
	for _ in range(300):
		batch = events * rng.randint(1, 3)  # every event delivered up to three times
		rng.shuffle(batch)
		assert tel.fold(batch) == ref
	assert tel.fold(events * 3) == ref


def test_shuffle_with_same_timestamp_ties_is_stable():
	# answer, hold and transfer in the same second: kind rank then event_id decide, not arrival order
	events = [
		ev(tel.RINGING, 0, direction="inbound"),
		ev(tel.ANSWERED, 5, agent="a1"),
		ev(tel.TRANSFER, 5, "t-b", to_agent="b"),
		ev(tel.TRANSFER, 5, "t-a", to_agent="a"),
		ev(tel.ENDED, 5, end_reason="completed"),
	]
	ref = tel.fold(events)
	assert ref.transfers == ("a1", "a", "b")
	rng = random.Random(7)
	for _ in range(100):
		rng.shuffle(events)
		assert tel.fold(events) == ref


def test_duplicate_event_id_with_different_content_is_resolved_deterministically():
	a = ev(tel.ANSWERED, 10, "same", agent="x")
	b = ev(tel.ANSWERED, 12, "same", agent="y")
	base = [ev(tel.RINGING, 0, direction="inbound"), ev(tel.ENDED, 30, end_reason="completed")]
	assert tel.fold([*base, a, b]) == tel.fold([b, *base, a])
	assert tel.fold([*base, a, b]).answered_at == T0 + timedelta(seconds=10)


def test_ended_delivered_before_answered_gives_the_same_times():
	events = [
		ev(tel.ENDED, 100, end_reason="completed"),
		ev(tel.RINGING, 0, direction="inbound"),
		ev(tel.ANSWERED, 15, agent="a1"),
	]
	r = tel.fold(events)
	assert (r.status, r.wait_seconds, r.talk_seconds) == (tel.ST_COMPLETED, 15, 85)
	assert tel.fold(events[:1]).status == tel.ST_ABANDONED  # before the answer arrived: abandoned so far


def test_late_duplicate_ringing_after_end_does_not_reopen():
	events = [
		ev(tel.RINGING, 0, direction="inbound"),
		ev(tel.ANSWERED, 10, agent="a1"),
		ev(tel.ENDED, 70, end_reason="completed"),
	]
	late = ev(tel.RINGING, 500, "retry-ringing", direction="inbound")
	assert tel.fold([*events, late]).status == tel.ST_COMPLETED
	assert tel.fold([*events, late]).ring_at == T0
	assert tel.fold([*events, late]).talk_seconds == 60


def test_missing_ringing_starts_at_first_event():
	r = tel.fold([ev(tel.ANSWERED, 30, agent="a1"), ev(tel.ENDED, 90, end_reason="completed")])
	assert r.ring_at == T0 + timedelta(seconds=30)
	assert r.wait_seconds == 0 and r.talk_seconds == 60


def test_open_call_states():
	assert tel.fold([ev(tel.RINGING, 0)]).status == tel.ST_RINGING
	r = tel.fold([ev(tel.RINGING, 0), ev(tel.ANSWERED, 5)])
	assert r.status == tel.ST_IN_PROGRESS and r.talk_seconds is None and r.ended_at is None
	r = tel.fold([ev(tel.RINGING, 0), ev(tel.ANSWERED, 5), ev(tel.HOLD, 10)])
	assert r.status == tel.ST_ON_HOLD


@pytest.mark.parametrize(
	"direction,reason,voicemail,status,abandoned",
	[
		("inbound", "abandoned", False, tel.ST_ABANDONED, True),
		("inbound", "completed", False, tel.ST_ABANDONED, True),  # Twilio: caller hung up in the queue
		("inbound", "no-answer", False, tel.ST_MISSED, False),
		("inbound", "no-answer", True, tel.ST_VOICEMAIL, False),
		("inbound", "busy", False, tel.ST_BUSY, False),
		("outbound", "no-answer", False, tel.ST_NO_ANSWER, False),
		("outbound", "canceled", False, tel.ST_NO_ANSWER, False),
		("outbound", "failed", False, tel.ST_FAILED, False),
	],
)
def test_unanswered_outcomes(direction, reason, voicemail, status, abandoned):
	events = [ev(tel.RINGING, 0, direction=direction), ev(tel.ENDED, 40, end_reason=reason)]
	if voicemail:
		events.append(ev(tel.VOICEMAIL, 35))
	r = tel.fold(events)
	assert (r.status, r.abandoned) == (status, abandoned)
	assert r.wait_seconds == 40 and r.talk_seconds is None and r.answered_at is None


def test_answer_time_from_talk_hint_when_no_answer_event():
	r = tel.fold([ev(tel.RINGING, 0), ev(tel.ENDED, 100, end_reason="completed", talk_seconds=70)])
	assert r.answered_at == T0 + timedelta(seconds=30) and r.talk_seconds == 70 and r.wait_seconds == 30


def test_fold_refuses_empty_and_mixed_calls():
	with pytest.raises(tel.BadEvent) as e:
		tel.fold([])
	assert e.value.code == "empty"
	with pytest.raises(tel.BadEvent) as e:
		tel.fold([ev(tel.RINGING, 0), ev(tel.ENDED, 5, call_id="C2")])
	assert e.value.code == "mixed_calls"


# --- generic adapter ----------------------------------------------------------------------------------

GENERIC_BODY = json.dumps(
	{
		"event_id": "pbx-42-7",
		"call_id": "pbx-42",
		"type": "transfer",
		"at": "2026-12-02T14:30:05+05:30",
		"direction": "inbound",
		"from": "+919812345678",
		"to": "+918030752400",
		"agent": "201",
		"to_agent": "305",
		"queue": "support-en",
	}
).encode()


def test_generic_parses_and_normalises_to_utc():
	(e,) = tel.parse("generic", {}, GENERIC_BODY, "application/json")
	assert (e.kind, e.call_id, e.event_id) == (tel.TRANSFER, "pbx-42", "pbx-42-7")
	assert e.at == datetime(2026, 12, 2, 9, 0, 5, tzinfo=UTC)
	assert (e.agent, e.to_agent, e.queue, e.direction) == ("201", "305", "support-en", "inbound")


def test_generic_batch_and_derived_event_id_is_stable():
	body = json.dumps(
		{
			"events": [
				{"call_id": "c9", "type": "ringing", "at": "2026-12-02T09:00:00Z"},
				{"call_id": "c9", "type": "ended", "at": "2026-12-02T09:01:00Z", "end_reason": "abandoned"},
			]
		}
	).encode()
	a = tel.parse("generic", {}, body, "application/json")
	b = tel.parse("generic", {}, body, "application/json")
	assert [e.event_id for e in a] == [e.event_id for e in b]
	assert len({e.event_id for e in a}) == 2
	assert tel.fold(a).status == tel.ST_ABANDONED


@pytest.mark.parametrize(
	"provider,body,ctype,code",
	[
		("generic", b"{not json", "application/json", "malformed"),
		("generic", b"x" * (64 * 1024 + 1), "application/json", "too_large"),
		("skype", b"{}", "application/json", "unknown_provider"),
		(
			"generic",
			b'{"type": "ringing", "at": "2026-12-02T09:00:00Z"}',
			"application/json",
			"missing_field",
		),
		("generic", b'{"call_id": "c", "type": "ringing", "at": "2026-12-02T09:00:00"}', "", "bad_value"),
		("generic", b'{"call_id": "c", "type": "exploded", "at": "2026-12-02T09:00:00Z"}', "", "bad_value"),
		(
			"generic",
			b'{"call_id": "c", "type": "transfer", "at": "2026-12-02T09:00:00Z"}',
			"",
			"missing_field",
		),
		("generic", b"{}", "text/xml", "unsupported_media_type"),
		("generic", b'{"events": []}', "", "empty"),
		(
			"twilio",
			b"CallStatus=ringing&Timestamp=Wed%2C+02+Dec+2026+09%3A00%3A00+%2B0000",
			"",
			"missing_field",
		),
		(
			"twilio",
			b"CallSid=CA1&CallStatus=exploded&Timestamp=Wed%2C+02+Dec+2026+09%3A00%3A00+%2B0000",
			"",
			"bad_value",
		),
		("twilio", b"\xff\xfe", "application/x-www-form-urlencoded", "malformed"),
		("exotel", b"Status=completed&DateUpdated=2026-12-02+14%3A30%3A45", "", "missing_field"),
	],
)
def test_bad_events(provider, body, ctype, code):
	with pytest.raises(tel.BadEvent) as e:
		tel.parse(provider, {}, body, ctype)
	assert e.value.code == code


def test_generic_batch_size_is_bounded():
	item = {"call_id": "c", "type": "ringing", "at": "2026-12-02T09:00:00Z"}
	body = json.dumps({"events": [item] * 101}).encode()
	with pytest.raises(tel.BadEvent) as e:
		tel.parse("generic", {}, body, "application/json")
	assert e.value.code == "too_many_events"


# --- twilio adapter -----------------------------------------------------------------------------------


def twilio_form(**over):
	# field set of a Twilio Voice status callback (statusCallbackEvent initiated ringing answered completed)
	p = {
		"AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
		"ApiVersion": "2010-04-01",
		"CallSid": "CA1234567890ABCDE1234567890ABCDE",
		"CallStatus": "ringing",
		"Called": "+18005551212",
		"Caller": "+14158675309",
		"Direction": "outbound-api",
		"From": "+18005551212",
		"To": "+14158675309",
		"CallbackSource": "call-progress-events",
		"SequenceNumber": "1",
		"Timestamp": "Wed, 02 Dec 2026 09:00:03 +0000",
	}
	p.update(over)
	return urlencode(p).encode()


def test_twilio_outbound_lifecycle_folds():
	sid = "CA1234567890ABCDE1234567890ABCDE"
	bodies = [
		twilio_form(CallStatus="initiated", SequenceNumber="0", Timestamp="Wed, 02 Dec 2026 09:00:00 +0000"),
		twilio_form(CallStatus="ringing", SequenceNumber="1", Timestamp="Wed, 02 Dec 2026 09:00:01 +0000"),
		twilio_form(
			CallStatus="in-progress", SequenceNumber="2", Timestamp="Wed, 02 Dec 2026 09:00:09 +0000"
		),
		twilio_form(
			CallStatus="completed",
			SequenceNumber="3",
			Timestamp="Wed, 02 Dec 2026 09:02:09 +0000",
			CallDuration="129",
			Duration="3",
		),
	]
	events = [e for b in bodies for e in tel.parse("twilio", {}, b, "application/x-www-form-urlencoded")]
	assert [e.kind for e in events] == [tel.RINGING, tel.RINGING, tel.ANSWERED, tel.ENDED]
	assert events[2].event_id == f"twilio:{sid}:call-progress-events:2"
	assert events[3].duration_seconds == 129 and events[3].end_reason == "completed"
	r = tel.fold(events)
	assert (r.status, r.direction, r.wait_seconds, r.talk_seconds) == (tel.ST_COMPLETED, "outbound", 9, 120)
	assert r.from_number == "+18005551212" and r.to_number == "+14158675309"


def test_twilio_inbound_with_dialled_agent_leg_and_recording():
	parent = "CA11111111111111111111111111111111"
	child = "CA22222222222222222222222222222222"
	inbound = {"CallSid": parent, "Direction": "inbound", "From": "+14158675309", "To": "+18005551212"}
	leg = {"CallSid": child, "ParentCallSid": parent, "Direction": "outbound-dial", "To": "client:agent7"}
	bodies = [
		twilio_form(
			**inbound, CallStatus="ringing", SequenceNumber="0", Timestamp="Wed, 02 Dec 2026 09:00:00 +0000"
		),
		# Twilio picks up to run TwiML: the caller is still waiting for a person
		twilio_form(
			**inbound,
			CallStatus="in-progress",
			SequenceNumber="1",
			Timestamp="Wed, 02 Dec 2026 09:00:01 +0000",
		),
		twilio_form(
			**leg, CallStatus="ringing", SequenceNumber="0", Timestamp="Wed, 02 Dec 2026 09:00:20 +0000"
		),
		twilio_form(
			**leg, CallStatus="in-progress", SequenceNumber="1", Timestamp="Wed, 02 Dec 2026 09:00:25 +0000"
		),
		twilio_form(
			**leg, CallStatus="completed", SequenceNumber="2", Timestamp="Wed, 02 Dec 2026 09:03:25 +0000"
		),
		twilio_form(
			**inbound, CallStatus="completed", SequenceNumber="2", Timestamp="Wed, 02 Dec 2026 09:03:26 +0000"
		),
	]
	events = [e for b in bodies for e in tel.parse("twilio", {}, b, "")]
	assert len(events) == 5  # the agent leg's own hang-up is not the end of the call
	assert {e.call_id for e in events} == {parent}
	recording = urlencode(
		{
			"AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
			"CallSid": parent,
			"RecordingSid": "RE557ce644e5ab84fa21cc21112e22c485",
			"RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/ACXX/Recordings/RE557ce644e5ab84fa21cc21112e22c485",
			"RecordingStatus": "completed",
			"RecordingDuration": "180",
			"RecordingChannels": "1",
			"RecordingStartTime": "Wed, 02 Dec 2026 09:00:25 +0000",
			"RecordingSource": "DialVerb",
		}
	).encode()
	(rec,) = tel.parse("twilio", {}, recording, "application/x-www-form-urlencoded")
	assert rec.kind == tel.RECORDING and rec.event_id == "twilio:RE557ce644e5ab84fa21cc21112e22c485:completed"
	r = tel.fold([*events, rec])
	assert (r.status, r.agent, r.wait_seconds, r.talk_seconds) == (tel.ST_COMPLETED, "client:agent7", 25, 181)
	assert r.recording_url.endswith("RE557ce644e5ab84fa21cc21112e22c485")


def test_twilio_inbound_canceled_is_abandoned():
	body = twilio_form(
		CallSid="CA3", Direction="inbound", CallStatus="canceled", Timestamp="Wed, 02 Dec 2026 09:00:30 +0000"
	)
	(e,) = tel.parse("twilio", {}, body, "")
	assert e.end_reason == "abandoned"


def test_twilio_retry_without_sequence_number_gets_the_same_id():
	body = twilio_form(SequenceNumber="", CallStatus="busy")
	assert tel.parse("twilio", {}, body, "")[0].event_id == tel.parse("twilio", {}, body, "")[0].event_id


# --- exotel adapter -----------------------------------------------------------------------------------


def test_exotel_passthru_get_then_status_callback():
	sid = "80bfbec2d78bbbf10fb851f4fa165211"
	# passthru applet before the connect applet (GET; times are IST, EndTime is the documented placeholder)
	q1 = urlencode(
		{
			"CallSid": sid,
			"CallFrom": "09812345678",
			"CallTo": "08030752400",
			"Direction": "incoming",
			"Created": "Wed, 02 Dec 2026 14:30:00",
			"DialCallDuration": "0",
			"StartTime": "2026-12-02 14:30:00",
			"EndTime": "1970-01-01 05:30:00",
			"CallType": "call-attempt",
			"CurrentTime": "2026-12-02 14:30:00",
			"flow_id": "227934",
			"tenant_id": "12345",
			"digits": '"1"',
			"key": "s3cret",
		}
	)
	(ring,) = tel.parse("exotel", {}, b"", "", query=q1)
	assert ring.kind == tel.RINGING and ring.at == datetime(2026, 12, 2, 9, 0, 0, tzinfo=UTC)
	assert ring.direction == "inbound" and ring.from_number == "09812345678" and ring.queue == "227934"
	assert "key" not in ring.raw  # the shared secret is never stored
	# passthru after the connect applet: the agent talked
	q2 = urlencode(
		{
			"CallSid": sid,
			"CallFrom": "09812345678",
			"CallTo": "08030752400",
			"Direction": "incoming",
			"DialWhomNumber": "09900011122",
			"DialCallStatus": "completed",
			"DialCallDuration": "95",
			"ConversationDuration": "80",
			"StartTime": "2026-12-02 14:30:00",
			"EndTime": "1970-01-01 05:30:00",
			"CallType": "completed",
			"CurrentTime": "2026-12-02 14:31:55",
			"RecordingUrl": "https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/acme/80bfbec2d78bbbf10fb851f4fa165211.mp3",
		}
	)
	(end,) = tel.parse("exotel", {}, b"", "", query=q2)
	assert end.kind == tel.ENDED and end.end_reason == "completed" and end.agent == "09900011122"
	r = tel.fold([end, ring, end, ring])
	assert r.status == tel.ST_COMPLETED and r.talk_seconds == 80 and r.wait_seconds == 35
	assert r.recording_url.endswith(f"{sid}.mp3") and r.agent == "09900011122"


@pytest.mark.parametrize(
	"call_type,dial_status,kind,reason",
	[
		("client-hangup", "canceled", tel.ENDED, "abandoned"),
		("incomplete", "no-answer", tel.ENDED, "no-answer"),
		("incomplete", "failed", tel.ENDED, "failed"),
		("incomplete", "busy", tel.ENDED, "busy"),
		("voicemail", "", tel.VOICEMAIL, ""),
	],
)
def test_exotel_passthru_call_types(call_type, dial_status, kind, reason):
	q = urlencode(
		{
			"CallSid": "x1",
			"CallType": call_type,
			"DialCallStatus": dial_status,
			"CurrentTime": "2026-12-02 14:31:00",
		}
	)
	(e,) = tel.parse("exotel", {}, b"", "", query=q)
	assert (e.kind, e.end_reason) == (kind, reason)


def test_exotel_status_callback_events():
	base = {
		"CallSid": "b6cfaf0c2ce6ac9ac4bdb1ee6f4f1d2a",
		"DateCreated": "2026-12-02 14:30:00",
		"To": "09812345678",
		"From": "09900011122",
		"PhoneNumberSid": "08030752400",
		"Direction": "outbound-api",
	}
	answered = urlencode(
		{**base, "EventType": "answered", "Status": "in-progress", "DateUpdated": "2026-12-02 14:30:12"}
	)
	terminal = urlencode(
		{
			**base,
			"EventType": "terminal",
			"Status": "completed",
			"DateUpdated": "2026-12-02 14:32:15",
			"StartTime": "2026-12-02 14:30:00",
			"EndTime": "2026-12-02 14:32:12",
			"ConversationDuration": "120",
			"RecordingUrl": "https://s3-ap-southeast-1.amazonaws.com/recordings/abc123.mp3",
		}
	)
	events = [
		*tel.parse("exotel", {}, answered.encode(), "application/x-www-form-urlencoded"),
		*tel.parse("exotel", {}, terminal.encode(), "application/x-www-form-urlencoded"),
	]
	assert [e.kind for e in events] == [tel.ANSWERED, tel.ENDED]
	r = tel.fold(events)
	assert r.direction == "outbound" and r.status == tel.ST_COMPLETED
	assert r.talk_seconds == 120 and r.ended_at == datetime(2026, 12, 2, 9, 2, 12, tzinfo=UTC)
	# the four default fields only (no event subscription), as in Exotel's docs, busy outcome
	minimal = urlencode(
		{"CallSid": "b6cf", "DateUpdated": "2026-12-02 14:32:15", "Status": "busy", "RecordingUrl": "null"}
	)
	(e,) = tel.parse("exotel", {}, minimal.encode(), "application/x-www-form-urlencoded")
	assert (e.kind, e.end_reason, e.recording_url) == (tel.ENDED, "busy", "")


def test_exotel_free_ping_carries_no_event():
	assert tel.parse("exotel", {}, b"CallSid=x&Status=free", "application/x-www-form-urlencoded") == []


# --- signatures ---------------------------------------------------------------------------------------

NOW = 1_795_000_000


def signed_headers(secret="whsec", ts=NOW, body=GENERIC_BODY):
	return {"x-crms-timestamp": str(ts), "X-CRMS-Signature": tel.sign(secret, ts, body)}


def test_sign_matches_an_independent_hmac():
	expected = hmac.new(b"whsec", b"1795000000." + GENERIC_BODY, hashlib.sha256).hexdigest()
	assert tel.sign("whsec", NOW, GENERIC_BODY) == expected


def test_generic_verify_accepts_good_and_rejects_tampering():
	url = "https://crm.example.com/api/method/crm_suite.call_centre.webhook.receive?provider=generic"
	tel.verify("generic", "whsec", signed_headers(), GENERIC_BODY, url, NOW)
	tel.verify(
		"generic", "whsec", signed_headers(), GENERIC_BODY, url, datetime.fromtimestamp(NOW + 299, UTC)
	)
	cases = [
		("bad_signature", signed_headers(), GENERIC_BODY.replace(b"305", b"306"), NOW),
		("bad_signature", signed_headers(secret="other"), GENERIC_BODY, NOW),
		("bad_signature", {}, GENERIC_BODY, NOW),
		("stale", signed_headers(ts=NOW - 301), GENERIC_BODY, NOW),
		("stale", signed_headers(ts=NOW + 301), GENERIC_BODY, NOW),  # from the future
		("too_large", signed_headers(), b"x" * (64 * 1024 + 1), NOW),
	]
	for code, headers, body, now in cases:
		with pytest.raises(tel.BadEvent) as e:
			tel.verify("generic", "whsec", headers, body, url, now)
		assert e.value.code == code


# Twilio's security docs example: auth token 12345, POST to https://mycompany.com/myapp.php?foo=1&bar=2
TW_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TW_PARAMS = {
	"CallSid": "CA1234567890ABCDE",
	"Caller": "+12349013030",
	"Digits": "1234",
	"From": "+12349013030",
	"To": "+18005551212",
}


def test_twilio_published_example():
	assert tel.twilio_signature("12345", TW_URL, TW_PARAMS) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	# the older edition of the same page (caller +14158675309)
	older = {**TW_PARAMS, "Caller": "+14158675309", "From": "+14158675309"}
	assert tel.twilio_signature("12345", TW_URL, older) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
	# and independently of our helper
	data = TW_URL + "".join(k + TW_PARAMS[k] for k in sorted(TW_PARAMS))
	ref = base64.b64encode(hmac.new(b"12345", data.encode(), hashlib.sha1).digest()).decode()
	assert ref == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_twilio_verify():
	body = urlencode(TW_PARAMS).encode()
	good = {"X-Twilio-Signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}
	tel.verify("twilio", "12345", good, body, TW_URL, NOW)
	tel.verify("twilio", "12345", good, body, "https://mycompany.com:443/myapp.php?foo=1&bar=2", NOW)
	for secret, hdr, b, url in [
		("12345", good, body.replace(b"1234&", b"1235&"), TW_URL),
		("54321", good, body, TW_URL),
		("12345", good, body, "https://mycompany.com/myapp.php?foo=1&bar=3"),
		("12345", {}, body, TW_URL),
	]:
		with pytest.raises(tel.BadEvent) as e:
			tel.verify("twilio", secret, hdr, b, url, NOW)
		assert e.value.code == "bad_signature"


def test_twilio_verify_json_body_hash():
	body = b'{"CallSid":"CA1"}'
	url = f"https://crm.example.com/hook?bodySHA256={hashlib.sha256(body).hexdigest()}"
	sig = tel.twilio_signature("tok", url, {})
	tel.verify("twilio", "tok", {"X-Twilio-Signature": sig}, body, url, NOW)
	with pytest.raises(tel.BadEvent):
		tel.verify("twilio", "tok", {"X-Twilio-Signature": sig}, b'{"CallSid":"CA2"}', url, NOW)


def test_exotel_verify_token_or_relay_signature():
	url = (
		"https://crm.example.com/api/method/crm_suite.call_centre.webhook.receive?provider=exotel&key=s3cret"
	)
	tel.verify("exotel", "s3cret", {}, b"", url, NOW)
	for bad in (url.replace("s3cret", "s3creT"), url.split("&key")[0]):
		with pytest.raises(tel.BadEvent) as e:
			tel.verify("exotel", "s3cret", {}, b"", bad, NOW)
		assert e.value.code == "bad_signature"
	body = b"CallSid=x&Status=busy&DateUpdated=2026-12-02+14%3A00%3A00"
	plain = url.split("&key")[0]
	tel.verify("exotel", "s3cret", signed_headers("s3cret", NOW, body), body, plain, NOW)
	with pytest.raises(tel.BadEvent) as e:
		tel.verify("exotel", "s3cret", signed_headers("s3cret", NOW - 1000, body), body, plain, NOW)
	assert e.value.code == "stale"


def test_verify_unknown_provider_and_missing_secret():
	with pytest.raises(tel.BadEvent) as e:
		tel.verify("skype", "x", {}, b"", "https://x", NOW)
	assert e.value.code == "unknown_provider"
	with pytest.raises(tel.BadEvent) as e:
		tel.verify("generic", "", signed_headers(""), GENERIC_BODY, "https://x", NOW)
	assert e.value.code == "bad_signature"
