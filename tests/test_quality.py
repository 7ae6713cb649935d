import pytest

# phonenumbers and rapidfuzz ship with Frappe (scripts/test.sh runs this layer with the bench's Python);
# a bare Python without them skips this module and says why.
pytest.importorskip("phonenumbers", reason="phonenumbers (a Frappe dependency) is not installed")
pytest.importorskip("rapidfuzz", reason="rapidfuzz (a Frappe dependency) is not installed")

from crm_suite.engine import quality as q


@pytest.mark.parametrize(
	"raw,region,expected",
	[
		("１３８ ００１３ ８０００", "CN", "+8613800138000"),
		("138-0013-8000", "CN", "+8613800138000"),
		("（０２１）６２３４－５６７８", "CN", "+862162345678"),
		("＋８６ １３８ ００１３ ８０００", None, "+8613800138000"),
		("0086 138 0013 8000", "US", "+8613800138000"),
		("138\u30000013\u30008000", "CN", "+8613800138000"),
		("138—0013—8000", "CN", "+8613800138000"),
		("  +44 20 7946 0958  ", None, "+442079460958"),
		("020 7946 0958", "GB", "+442079460958"),
		("(202) 555-0143", "us", "+12025550143"),
		("+49 30 901820", "CN", "+4930901820"),
	],
)
def test_normalise_phone_valid(raw, region, expected):
	result = q.normalise_phone(raw, region)
	assert result.ok, result
	assert result.value == expected
	assert result.e164 == expected
	assert result.reason is None


@pytest.mark.parametrize(
	"raw,region,ext",
	[
		("010-6552-9988转123", "CN", "123"),
		("０１０－６５５２－９９８８ 分机 ４５", "CN", "45"),
		("+44 20 7946 0958 ext. 7", None, "7"),
		("+44 20 7946 0958 x7", None, "7"),
	],
)
def test_normalise_phone_extensions(raw, region, ext):
	result = q.normalise_phone(raw, region)
	assert result.ok, result
	assert result.extension == ext
	assert result.value == f"{result.e164},{ext}"
	# idempotent: the stored form normalises to itself
	assert q.normalise_phone(result.value, None).value == result.value


@pytest.mark.parametrize(
	"raw,region,reason",
	[
		("", "CN", q.EMPTY),
		(None, "CN", q.EMPTY),
		("   ", "CN", q.EMPTY),
		("abc", "CN", q.NOT_A_NUMBER),
		("call me maybe", "CN", q.NOT_A_NUMBER),
		("12", "CN", q.TOO_SHORT),
		("138 0013 8000 1234 5678 9", "CN", q.TOO_LONG),
		("138 0013 8000", None, q.NO_REGION),
		("+999 1234 5678", None, q.INVALID_COUNTRY_CODE),
		("123 4567 8901", "CN", q.INVALID_NUMBER),
	],
)
def test_normalise_phone_invalid(raw, region, reason):
	result = q.normalise_phone(raw, region)
	assert not result.ok
	assert result.reason == reason, result
	assert result.e164 is None
	assert reason in q.REASON_TEXT


@pytest.mark.parametrize(
	"raw,expected",
	[
		("  John.Doe@Example.COM ", "john.doe@example.com"),
		("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com"),
		("wang@example。cn", "wang@example.cn"),
		("mailto:Sales+Tag@Sub.Example.co.uk", "sales+tag@sub.example.co.uk"),
		("<a@b.io>", "a@b.io"),
		("user@例子.中国", "user@例子.中国"),
	],
)
def test_normalise_email_valid(raw, expected):
	result = q.normalise_email(raw)
	assert result.ok, result
	assert result.value == expected


@pytest.mark.parametrize(
	"raw,reason",
	[
		("", q.EMPTY),
		(None, q.EMPTY),
		("john.example.com", q.MISSING_AT),
		("a@b@c.com", q.MISSING_AT),
		("john doe@example.com", q.MISSING_AT),
		("john..doe@example.com", q.INVALID_LOCAL_PART),
		(".john@example.com", q.INVALID_LOCAL_PART),
		("@example.com", q.INVALID_LOCAL_PART),
		("john@example", q.INVALID_DOMAIN),
		("john@-example.com", q.INVALID_DOMAIN),
		("john@example..com", q.INVALID_DOMAIN),
		("john@example.c", q.INVALID_DOMAIN),
		("john@exa_mple.com", q.INVALID_DOMAIN),
		("a" * 65 + "@example.com", q.INVALID_LOCAL_PART),
		("a@" + "b" * 250 + ".com", q.EMAIL_TOO_LONG),
	],
)
def test_normalise_email_invalid(raw, reason):
	result = q.normalise_email(raw)
	assert not result.ok
	assert result.reason == reason


@pytest.mark.parametrize(
	"raw,expected",
	[
		("  Acme   Trading\tLtd ", "Acme Trading Ltd"),
		("ＡＢＣ　有限公司", "ABC 有限公司"),
		("北京　科技 ２０２４", "北京 科技 2024"),
		("张伟", "张伟"),
		("", ""),
		(None, ""),
	],
)
def test_normalise_name(raw, expected):
	assert q.normalise_name(raw) == expected


def full_customer(**overrides):
	record = {
		"name": "Acme",
		"territory": "China",
		"customer_group": "Commercial",
		"primary_contact": "C-1",
		"email": "a@acme.com",
		"phone": "+8613800138000",
		"address": "A-1",
		"tax_id": "91110000",
		"industry": "Manufacturing",
		"is_b2b": True,
		"region": "CN",
	}
	record.update(overrides)
	return record


def test_quality_score_complete_record_is_100():
	result = q.quality_score(full_customer(), q.RULES["Customer"])
	assert result.score == 100
	assert result.issues == []


def test_quality_score_lists_missing_and_invalid_in_rule_order():
	result = q.quality_score(
		full_customer(territory="", phone="12", email=None, industry=None), q.RULES["Customer"]
	)
	# weights: total 10.5; lost territory 1 + email 1.5 + phone 1.5 + industry 0.5 = 4.5
	assert result.score == round(6 / 10.5 * 100)
	assert result.issues == [
		("Territory", q.MISSING),
		("Email", q.MISSING),
		("Phone", q.INVALID),
		("Industry", q.MISSING),
	]
	assert result.missing == ["Territory", "Email", "Industry"]
	assert result.invalid == ["Phone"]
	assert q.format_issues(result) == "Missing: Territory, Email, Industry; Invalid: Phone"


def test_tax_id_only_counts_for_b2b():
	b2c = q.quality_score(full_customer(tax_id=None, is_b2b=False), q.RULES["Customer"])
	b2b = q.quality_score(full_customer(tax_id=None, is_b2b=True), q.RULES["Customer"])
	assert b2c.score == 100
	assert b2b.missing == ["Tax ID"]
	assert b2b.score < 100


def test_contact_lists_check_every_value():
	base = {"name": "Li", "email": ["a@b.com"], "phone": ["13800138000"], "customer": ["C"], "region": "CN"}
	assert q.quality_score(base, q.RULES["Contact"]).score == 100
	bad = q.quality_score({**base, "email": ["a@b.com", "broken"]}, q.RULES["Contact"])
	assert bad.invalid == ["Email"]
	none = q.quality_score({"name": "Li"}, q.RULES["Contact"])
	assert none.missing == ["Email", "Phone", "Linked Customer"]
	assert none.score == round(2 / 6 * 100)


def test_lead_needs_email_or_phone():
	lead = {"name": "X", "source": "Web", "territory": "All", "phone": ["+8613800138000"]}
	assert q.quality_score(lead, q.RULES["Lead"]).score == 100
	assert q.quality_score({**lead, "phone": []}, q.RULES["Lead"]).missing == ["Email or Phone"]
	assert q.quality_score({**lead, "phone": ["1"]}, q.RULES["Lead"]).invalid == ["Email or Phone"]
	assert q.quality_score({**lead, "phone": ["1"], "email": "x@y.com"}, q.RULES["Lead"]).score == 100


def test_empty_rules_score_100_and_empty_record_scores_0():
	assert q.quality_score({}, ()).score == 100
	assert q.quality_score({}, q.RULES["Lead"]).score == 0


def test_score_is_deterministic_and_bounded():
	for rules in q.RULES.values():
		for rec in ({}, full_customer(), {"name": " "}):
			a = q.quality_score(rec, rules)
			assert a == q.quality_score(rec, rules)
			assert 0 <= a.score <= 100
