from datetime import datetime, timedelta

import pytest

from crm_suite.engine import survey_tokens as st

PEPPER = "site-secret-pepper"
NOW = datetime(2026, 12, 2, 9, 0)


def issue(subject="ISS-0001", kind=st.CSAT, ttl=timedelta(days=7)):
	return st.issue_token(kind, subject, NOW, PEPPER, ttl)


def test_tokens_are_long_random_and_only_their_hash_is_stored():
	token, rec = issue()
	# 32 random bytes -> 43 url-safe characters (256 bits)
	assert len(token) == 43
	assert token not in rec.token_hash and len(rec.token_hash) == 64
	assert rec.token_hash == st.hash_token(token, PEPPER)
	# a different pepper gives a different hash: a stolen table is useless without the site secret
	assert st.hash_token(token, "other") != rec.token_hash
	assert rec.expires_on == NOW + timedelta(days=7) and rec.used_on is None
	assert len({issue()[0] for _ in range(200)}) == 200


def test_too_short_tokens_and_missing_pepper_are_refused():
	with pytest.raises(ValueError):
		st.generate_token(15)
	assert len(st.generate_token(16)) == 22
	with pytest.raises(ValueError):
		st.hash_token("abc", "")
	with pytest.raises(ValueError):
		st.issue_token(st.CSAT, "", NOW, PEPPER)
	with pytest.raises(ValueError):
		st.issue_token("poll", "ISS-1", NOW, PEPPER)


def test_hmac_matches_a_known_vector():
	# RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
	assert st.hash_token("what do ya want for nothing?", "Jefe") == (
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	)


def test_verify_reason_codes():
	token, rec = issue()
	store = {rec.token_hash: rec}
	assert st.verify_in(token, store, "ISS-0001", NOW + timedelta(days=1), PEPPER).reason == st.OK
	assert st.verify_in(token, store, "ISS-0001", NOW + timedelta(days=1), PEPPER).ok
	# guessed / tampered token
	assert st.verify_in(
		token[:-1] + ("A" if token[-1] != "A" else "B"), store, "ISS-0001", NOW, PEPPER
	).reason == (st.UNKNOWN)
	assert st.verify_in("", store, "ISS-0001", NOW, PEPPER).reason == st.UNKNOWN
	# a valid token for another ticket
	assert st.verify_in(token, store, "ISS-0002", NOW, PEPPER).reason == st.WRONG_TICKET
	# expiry is exclusive at the boundary
	assert st.verify_in(token, store, "ISS-0001", NOW + timedelta(days=7), PEPPER).reason == st.EXPIRED
	assert st.verify_in(token, store, "ISS-0001", NOW + timedelta(days=7, seconds=-1), PEPPER).ok


def test_a_record_found_for_another_token_does_not_validate():
	token, _ = issue()
	_, other = issue()
	assert st.verify(token, other, "ISS-0001", NOW, PEPPER).reason == st.UNKNOWN
	assert st.verify(token, None, "ISS-0001", NOW, PEPPER).reason == st.UNKNOWN


def test_single_use():
	token, rec = issue()
	used = st.consume(rec, NOW + timedelta(hours=1))
	assert used.used_on == NOW + timedelta(hours=1)
	v = st.verify(token, used, "ISS-0001", NOW + timedelta(hours=2), PEPPER)
	assert v.reason == st.USED and not v.ok
	# still "used" (answer recorded) rather than "expired" after the deadline
	assert st.verify(token, used, "ISS-0001", NOW + timedelta(days=30), PEPPER).reason == st.USED
	with pytest.raises(ValueError):
		st.consume(used, NOW)


def test_nps_token_is_bound_to_a_customer():
	token, rec = issue("CUST-0042", st.NPS, timedelta(days=30))
	assert st.verify(token, rec, "CUST-0042", NOW, PEPPER).ok
	assert st.verify(token, rec, "CUST-0043", NOW, PEPPER).reason == st.WRONG_TICKET


def test_one_click_links_carry_rating_and_share_one_token():
	token, rec = issue()
	links = st.rating_links("https://crm.example.com/survey", token, st.CSAT)
	assert sorted(links) == [1, 2, 3, 4, 5]
	assert links[4] == f"https://crm.example.com/survey?t={token}&r=4"
	for rating, url in links.items():
		assert st.parse_rating_link(url, st.CSAT) == (token, rating)
	# one token for all five links: once any rating is recorded, the others are "used"
	used = st.consume(rec, NOW)
	assert all(
		st.verify(st.parse_rating_link(u, st.CSAT)[0], used, "ISS-0001", NOW, PEPPER).reason == st.USED
		for u in links.values()
	)
	assert len(st.rating_links("https://x/s?lang=zh", token, st.NPS)) == 11
	assert st.rating_link("https://x/s?lang=zh", token, st.NPS, 0) == f"https://x/s?lang=zh&t={token}&r=0"


def test_off_scale_or_tampered_ratings_are_rejected():
	assert st.check_rating(st.CSAT, "5") == 5
	for bad in ("0", "6", "4.0", "+4", "04", "", None, "five", " "):
		assert st.check_rating(st.CSAT, bad) is None, bad
	assert st.check_rating(st.NPS, 0) == 0 and st.check_rating(st.NPS, 11) is None
	assert st.parse_rating_link("https://x/s?t=abc&r=9", st.CSAT) == ("abc", None)
	assert st.parse_rating_link("https://x/s?r=3", st.CSAT) == (None, 3)
	with pytest.raises(ValueError):
		st.rating_link("https://x/s", "abc", st.CSAT, 6)


def test_one_comment_after_the_rating_within_the_window():
	token, rec = issue()
	# not rated yet: a comment alone is refused (it goes with the rating)
	assert st.verify_comment(token, rec, "ISS-0001", NOW, PEPPER).reason == st.NOT_ANSWERED
	rated = st.consume(rec, NOW)
	assert st.verify_comment(token, rated, "ISS-0001", NOW + timedelta(hours=1), PEPPER).ok
	assert st.verify_comment(token, rated, "ISS-0002", NOW, PEPPER).reason == st.WRONG_TICKET
	assert st.verify_comment("guess", rated, "ISS-0001", NOW, PEPPER).reason == st.UNKNOWN
	late = NOW + st.DEFAULT_COMMENT_WINDOW + timedelta(seconds=1)
	assert st.verify_comment(token, rated, "ISS-0001", late, PEPPER).reason == st.EXPIRED
	commented = st.add_comment(rated, NOW + timedelta(hours=1))
	assert st.verify_comment(token, commented, "ISS-0001", NOW + timedelta(hours=2), PEPPER).reason == st.USED
	# the rating itself can never be changed through the comment path
	assert st.verify(token, commented, "ISS-0001", NOW, PEPPER).reason == st.USED
	with pytest.raises(ValueError):
		st.add_comment(commented, NOW)
	with pytest.raises(ValueError):
		st.add_comment(rec, NOW)
