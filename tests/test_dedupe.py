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


def test_blocking_keys_cover_phone_email_tax_birth_postcode_and_name_tokens():
	keys = d.blocking_keys(
		d.prepare(
			{
				**rec("1", "Acme Trading Ltd", ["+8613800138000"], ["Sales@Acme.com"], "91-1100 AB"),
				"birth_date": "1980-02-03",
				"postcode": "200001",
			}
		)
	)
	assert "p:00138000" in keys
	assert "e:sales@acme.com" in keys
	assert "d:acme.com:acme" in keys
	assert "t:911100ab" in keys
	assert "b:19800203" in keys
	assert "z:200001" in keys
	# a two-token name blocks on each token, so a typo in one token cannot hide the pair
	assert {"w:acme", "w:trading"} <= keys
	assert any(k.startswith("s:") for k in keys)
	long_name = d.blocking_keys(d.prepare(rec("2", "Golden Dragon Trading Shanghai Branch")))
	assert "n:golden" in long_name and "k:shan|trad" in long_name


def test_free_mail_domain_is_not_a_key():
	keys = d.blocking_keys(d.prepare(rec("1", "Li Wei", emails=["liwei@qq.com"])))
	assert not any(k.startswith("d:") for k in keys)


def level(fn, a: dict, b: dict) -> int:
	return fn(d.prepare({"id": "a", **a}), d.prepare({"id": "b", **b}))


def test_name_levels():
	assert level(d.name_level, {"name": "John Smith"}, {"name": "SMITH  John"}) == 4  # swapped tokens
	assert level(d.name_level, {"name": "Bill Smith"}, {"name": "William Smith"}) == 4  # nickname
	assert level(d.name_level, {"name": "John Smith"}, {"name": "Jonh Smith"}) == 3  # transposition
	assert level(d.name_level, {"name": "John Smith"}, {"name": "Mary Smith"}) == 1  # surname only
	assert level(d.name_level, {"name": "John Smith"}, {"name": "Peter Brown"}) == 0
	assert level(d.name_level, {"name": "John Smith"}, {}) == d.MISSING
	assert level(d.name_level, {"name": "北京星光科技有限公司"}, {"name": "北京星光科技"}) == 4
	assert level(d.name_level, {"name": "王伟"}, {"name": "王伟华"}) >= 1


def test_distance_levels_on_ids_phones_postcodes_and_birth_dates():
	assert level(d.tax_level, {"tax_id": "5304218"}, {"tax_id": "5304218"}) == 3
	assert level(d.tax_level, {"tax_id": "5304218"}, {"tax_id": "5302418"}) == 2  # transposition
	assert level(d.tax_level, {"tax_id": "5304218"}, {"tax_id": "5309919"}) == 0
	assert level(d.phone_level, {"phones": ["13800138000"]}, {"phones": ["138-0013-8000"]}) == 3
	assert level(d.phone_level, {"phones": ["13800138000"]}, {"phones": ["13800138001"]}) == 2
	assert level(d.postcode_level, {"postcode": "4223"}, {"postcode": "4228"}) == 1  # typo, not "another place"
	assert level(d.birth_level, {"birth_date": "1980-02-03"}, {"birth_date": "19800302"}) == 2  # d/m swapped
	assert level(d.birth_level, {"birth_date": "1980-02-03"}, {"birth_date": "1980-11-20"}) == 1
	assert level(d.house_level, {"address": "12 Main St"}, {"address": "12 Main Street"}) == 2
	assert level(d.street_level, {"address": "12 Main St"}, {"address": "12 Main Street"}) >= 1


def test_missing_field_is_neutral():
	model = d.Model.default()
	with_missing = model.weight((4, d.MISSING, d.MISSING, d.MISSING, d.MISSING, 3, 2, 2, 2))
	assert with_missing == model.weight((4, -1, -1, -1, -1, 3, 2, 2, 2))
	weights = model.level_weights()
	# a missing phone is worth nothing; a different phone is evidence against
	assert weights[d.FIELD_NAMES.index("phone")][0] < 0
	assert with_missing > model.weight((4, 0, d.MISSING, d.MISSING, d.MISSING, 3, 2, 2, 2))


def test_default_and_fitted_weights_rise_with_agreement():
	from crm_suite.benchmarks.dedupe import synthetic_customers

	records, _planted = synthetic_customers(3000, dup_rate=0.05, seed=3)
	stats = d.Stats()
	d.find_duplicates(records, stats=stats)
	assert stats.fitted and stats.em_iterations >= 1
	for model in (d.Model.default(), stats.model):
		for levels in model.level_weights():
			assert all(y >= x - 1e-9 for x, y in zip(levels, levels[1:], strict=False)), levels


def test_fitted_probabilities_are_calibrated_on_labelled_pairs():
	from crm_suite.benchmarks.dedupe import synthetic_customers

	records, planted = synthetic_customers(4000, dup_rate=0.05, seed=11)
	stats = d.Stats()
	matches = d.find_duplicates(records, threshold=0.0, stats=stats)
	# among candidates the model calls likely (p >= 0.5), the share of true pairs matches the mean p
	likely = [m for m in matches if m.probability >= 0.5]
	observed = sum((m.a, m.b) in planted for m in likely) / len(likely)
	predicted = sum(m.probability for m in likely) / len(likely)
	assert abs(observed - predicted) < 0.05, (observed, predicted)
	# and the unlikely ones are mostly not duplicates
	unlikely = [m for m in matches if m.probability < 0.5]
	assert sum((m.a, m.b) in planted for m in unlikely) / max(len(unlikely), 1) < 0.05


def test_model_round_trips_and_malformed_falls_back():
	model = d.Model.default()
	model.prior = 0.02
	again = d.Model.from_dict(model.to_dict())
	flat = [w for levels in model.level_weights() for w in levels]
	assert [w for levels in again.level_weights() for w in levels] == pytest.approx(flat, abs=1e-3)
	assert again.prior == pytest.approx(0.02)
	assert d.Model.from_dict({"m": "nonsense", "prior": "x"}).prior == d.Model.default().prior
	assert d.Model.from_dict({"m": {"name": [2, 0, 0, 0, 0]}}).m == d.Model.default().m


def test_score_pair_gives_per_field_weights_and_levels():
	a = d.prepare(rec("A", "Acme Trading Ltd", ["+8613800138000"], ["a@acme.com"], "X12345", "1 Main St"))
	b = d.prepare(
		rec("B", "ACME Trading Limited", ["138 0013 8000"], ["a@acme.com"], "x-12345", "1 Main Street")
	)
	m = d.score_pair(a, b)
	assert (m.a, m.b) == ("A", "B")
	assert m.levels["name"] == "same" and m.levels["phone"] == "same" and m.levels["tax_id"] == "same"
	assert set(m.scores) == {"name", "phone", "email", "tax_id", "street", "house_no"}
	assert all(w > 0 for w in m.scores.values())
	assert m.total > 99
	assert m.weight == pytest.approx(
		d.probability_to_weight(d.Model.default().prior) + sum(m.scores.values()), abs=0.05
	)
	assert d.score_pair(b, a) == m
	assert "name: same" in d.explain(m)


def test_conflicting_phone_outweighs_a_same_name_and_conflicting_ids_count_against():
	alone = d.score_pair(d.prepare(rec("1", "Acme Trading")), d.prepare(rec("2", "ACME Trading Ltd")))
	phones_differ = d.score_pair(
		d.prepare(rec("1", "Acme Trading", ["13800138000"])), d.prepare(rec("2", "Acme Trading", ["13999887766"]))
	)
	assert phones_differ.probability < d.DEFAULT_THRESHOLD < alone.probability
	a = d.prepare(rec("1", "Acme", ["13800138000"], tax_id="AAA11111"))
	b = d.prepare(rec("2", "Acme", ["13800138000"], tax_id="BBB22222"))
	c = d.prepare(rec("3", "Acme", ["13800138000"]))
	assert d.score_pair(a, b).weight < d.score_pair(a, c).weight


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
	matches = d.find_duplicates(records, stats=stats)
	assert {(m.a, m.b) for m in matches} == {("C1", "C2"), ("C3", "C4")}
	assert not stats.fitted  # six records: the built-in priors, not an EM fit on nothing
	assert stats.pairs_compared < stats.all_pairs == 15
	# deterministic: same answer for shuffled input
	assert d.find_duplicates(list(reversed(records))) == matches


def test_blocking_agrees_with_all_pairs_on_synthetic_sample():
	from crm_suite.benchmarks.dedupe import synthetic_customers

	records, planted = synthetic_customers(600, dup_rate=0.05, seed=7)
	stats = d.Stats()
	blocked = {(m.a, m.b) for m in d.find_duplicates(records, stats=stats)}
	naive = {(m.a, m.b) for m in d.all_pairs(records, model=stats.model)}
	assert blocked <= naive
	assert len(blocked) >= 0.95 * len(naive)
	recall = len(blocked & planted) / len(planted)
	precision = len(blocked & planted) / max(len(blocked), 1)
	assert recall >= 0.9, recall
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
	matches = d.best_matches(new, existing)
	assert [m.b if m.a.startswith("\x00") else m.a for m in matches] == ["C1"]
	assert d.best_matches(new, existing, threshold=1.01) == []


def test_a_field_never_filled_keeps_its_prior_weights_and_tiny_priors_survive_storage():
	from crm_suite.benchmarks.dedupe import synthetic_customers

	records, _planted = synthetic_customers(2000, dup_rate=0.05, seed=5)
	for r in records:
		r["tax_id"] = None  # no record has a tax id
	stats = d.Stats()
	d.find_duplicates(records, stats=stats)
	k = d.FIELD_NAMES.index("tax_id")
	assert stats.model.m[k] == list(d.COMPARISONS[k].m_prior)
	assert stats.model.level_weights()[k][-1] > 5  # an agreeing tax id still counts when one appears
	model = d.Model.default()
	model.prior = 1e-9
	assert d.Model.from_dict(model.to_dict()).prior == 1e-9
