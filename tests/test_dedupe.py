import pytest

# phonenumbers and rapidfuzz ship with Frappe (scripts/test.sh runs this layer with the bench's Python);
# a bare Python without them skips this module and says why.
pytest.importorskip("phonenumbers", reason="phonenumbers (a Frappe dependency) is not installed")
pytest.importorskip("rapidfuzz", reason="rapidfuzz (a Frappe dependency) is not installed")

from crm_suite.engine import dedupe as d


def rec(id, name, phones=(), emails=(), tax_id=None, address=None):
	return {
		"id": id,
		"name": name,
		"phones": list(phones),
		"emails": list(emails),
		"tax_id": tax_id,
		"address": address,
	}


def test_normalise_company_name_drops_legal_suffixes_and_folds_width():
	assert d.normalise_company_name("  ACME Trading, Ltd. ")[0] == "acme trading"
	assert d.normalise_company_name("ＡＣＭＥ　Ｔｒａｄｉｎｇ Limited")[0] == "acme trading"
	assert d.normalise_company_name("北京星光科技有限公司")[0] == "北京星光科技"
	# a name made only of a suffix keeps it rather than becoming empty
	assert d.normalise_company_name("The Company")[0] == "the company"


def test_phone_key_is_last_8_digits_without_extension():
	assert d.phone_key("+86 138 0013 8000") == "00138000"
	assert d.phone_key("１３８００１３８０００") == "00138000"
	assert d.phone_key("+44 20 7946 0958 ext. 123") == "79460958"
	assert d.phone_key("123") == ""


def test_soundex():
	assert d.soundex("robert") == d.soundex("rupert") == "r163"
	assert d.soundex("ashcraft") == "a261"
	assert d.soundex("tymczak") == "t522"
	assert d.soundex("北京") == ""


def test_blocking_keys_cover_phone_email_tax_name():
	keys = d.blocking_keys(
		d.prepare(rec("1", "Acme Trading Ltd", ["+8613800138000"], ["Sales@Acme.com"], "91-1100 AB"))
	)
	assert "p:00138000" in keys
	assert "e:sales@acme.com" in keys
	assert "d:acme.com:acme" in keys
	assert "t:911100ab" in keys
	assert "n:acmetr" in keys
	assert "k:acme|trad" in keys
	assert any(k.startswith("s:a250") for k in keys)


def test_free_mail_domain_is_not_a_key():
	keys = d.blocking_keys(d.prepare(rec("1", "Li Wei", emails=["liwei@qq.com"])))
	assert not any(k.startswith("d:") for k in keys)


def test_score_pair_per_field_and_weighted_total():
	a = d.prepare(rec("A", "Acme Trading Ltd", ["+8613800138000"], ["a@acme.com"], "X12345", "1 Main St"))
	b = d.prepare(
		rec("B", "ACME Trading Limited", ["138 0013 8000"], ["a@acme.com"], "x-12345", "1 Main Street")
	)
	m = d.score_pair(a, b)
	assert (m.a, m.b) == ("A", "B")
	assert m.scores["name"] == 100
	assert m.scores["phone"] == 100
	assert m.scores["email"] == 100
	assert m.scores["tax_id"] == 100
	assert 60 < m.scores["address"] < 100
	expected = sum(d.WEIGHTS[k] * v for k, v in m.scores.items()) / sum(d.WEIGHTS.values())
	assert m.total == round(expected, 2)
	assert d.score_pair(b, a) == m


def test_name_only_match_is_never_certain():
	m = d.score_pair(d.prepare(rec("1", "Acme")), d.prepare(rec("2", "ACME Ltd")))
	assert m.scores == {"name": 100}
	assert m.total == 90


def test_tax_id_conflict_caps_total():
	a = d.prepare(rec("1", "Acme", ["13800138000"], tax_id="AAA111"))
	b = d.prepare(rec("2", "Acme", ["13800138000"], tax_id="BBB222"))
	assert d.score_pair(a, b).total == d.TAX_CONFLICT_CAP


def test_find_duplicates_finds_planted_and_never_pairs_strangers():
	records = [
		rec("C1", "Golden Dragon Trading Co", ["+86 21 6234 5678"], ["info@goldendragon.cn"]),
		rec("C2", "Golden Dragon Trading Company Ltd", ["021-6234-5678"], []),
		rec("C3", "Blue Ocean Logistics", ["+86 10 6552 9988"], ["ops@blueocean.com"]),
		rec("C4", "Blue 0cean Logistics", [], ["ops@blueocean.com"]),
		rec("C5", "Silver Star Foods", ["+86 755 8888 1234"], ["hi@silverstar.com"]),
		rec("C6", "Red Panda Games", ["+1 202 555 0143"], ["hello@redpanda.io"]),
	]
	stats = d.Stats()
	matches = d.find_duplicates(records, threshold=85, stats=stats)
	assert [(m.a, m.b) for m in matches] == [("C3", "C4"), ("C1", "C2")] or {(m.a, m.b) for m in matches} == {
		("C1", "C2"),
		("C3", "C4"),
	}
	assert stats.pairs_compared < stats.all_pairs == 15
	# deterministic: same answer for shuffled input
	assert d.find_duplicates(list(reversed(records)), threshold=85) == matches


def test_blocking_agrees_with_all_pairs_on_synthetic_sample():
	from crm_suite.benchmarks.dedupe import synthetic_customers

	records, planted = synthetic_customers(600, dup_rate=0.05, seed=7)
	blocked = {(m.a, m.b) for m in d.find_duplicates(records, threshold=85)}
	naive = {(m.a, m.b) for m in d.all_pairs(records, threshold=85)}
	assert blocked <= naive
	assert len(blocked) >= 0.95 * len(naive)
	recall = len(blocked & planted) / len(planted)
	precision = len(blocked & planted) / max(len(blocked), 1)
	assert recall >= 0.8, recall
	assert precision >= 0.9, precision


def test_huge_block_is_capped_with_sorted_neighbourhood():
	records = [rec(f"R{i:04d}", f"Acme Holdings {i}") for i in range(500)]
	stats = d.Stats()
	d.find_duplicates(records, max_block=50, window=4, stats=stats)
	assert stats.capped_blocks >= 1
	assert stats.pairs_compared <= 500 * 4 * len(d.blocking_keys(d.prepare(records[0])))
	assert stats.pairs_compared < stats.all_pairs / 10


def test_best_matches_for_a_new_record():
	existing = [
		rec("C1", "Acme Trading", ["+8613800138000"], ["a@acme.com"]),
		rec("C2", "Other Thing", ["+8613900139000"], ["x@other.com"]),
	]
	new = rec(None, "ACME Trading Ltd", ["138 0013 8000"], ["A@acme.com"])
	matches = d.best_matches(new, existing, threshold=80)
	assert [m.b if m.a.startswith("\x00") else m.a for m in matches] == ["C1"]
	assert d.best_matches(new, existing, threshold=101) == []
