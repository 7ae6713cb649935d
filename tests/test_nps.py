from datetime import date, timedelta

import pytest

from crm_suite.engine import nps as m
from crm_suite.engine.sampling import allocate

TODAY = date(2026, 12, 2)


def test_categories_follow_the_standard_cut_offs():
	assert [m.nps_category(s) for s in (0, 6, 7, 8, 9, 10)] == [
		m.DETRACTOR,
		m.DETRACTOR,
		m.PASSIVE,
		m.PASSIVE,
		m.PROMOTER,
		m.PROMOTER,
	]
	for bad in (-1, 11, 7.5, True):
		with pytest.raises(ValueError):
			m.nps_category(bad)


def test_nps_with_trinomial_interval_worked_example():
	# 50 promoters, 30 passives, 20 detractors: NPS 30; var = 0.5 + 0.2 - 0.3^2 = 0.61
	# SE = 100 * sqrt(0.61 / 100) = 7.8102; 95% CI = 30 +- 1.959964 * 7.8102 = [14.692, 45.308]
	r = m.nps([10] * 25 + [9] * 25 + [8] * 15 + [7] * 15 + [3] * 20)
	assert (r.n, r.promoters, r.passives, r.detractors) == (100, 50, 30, 20)
	assert r.nps == pytest.approx(30.0)
	assert r.se == pytest.approx(7.81025, abs=1e-5)
	assert r.ci_low == pytest.approx(14.6922, abs=1e-4)
	assert r.ci_high == pytest.approx(45.3078, abs=1e-4)
	# 90% interval is narrower: z = 1.644854
	assert m.nps([10] * 50 + [8] * 30 + [3] * 20, 0.90).ci_low == pytest.approx(
		30 - 1.644854 * 7.81025, abs=1e-4
	)


def test_nps_edge_cases():
	assert m.nps([]).nps is None
	r = m.nps([10, 9, 10])
	assert r.nps == 100 and r.se == 0 and r.ci_low == r.ci_high == 100
	# all passives: NPS 0, variance 0
	assert m.nps([7, 8]).nps == 0
	# small sample: interval clipped to [-100, 100]
	r = m.nps([10, 0])
	assert r.nps == 0 and r.ci_low == -100 and r.ci_high == 100


@pytest.mark.parametrize(
	"k,n,lo,hi",
	[
		# Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score)
		(81, 263, 0.2553, 0.3662),
		(15, 148, 0.0624, 0.1605),
		(0, 20, 0.0, 0.1611),
		(1, 29, 0.0061, 0.1718),
		(29, 29, 0.8830, 1.0),
	],
)
def test_wilson_matches_newcombe(k, n, lo, hi):
	got = m.wilson_interval(k, n)
	assert got[0] == pytest.approx(lo, abs=5e-5)
	assert got[1] == pytest.approx(hi, abs=5e-5)


def test_csat_share_of_4_and_5_with_wilson_interval():
	r = m.csat([5, 4, 3, 5, 1, 4, 4, 2, 5, 5])
	assert (r.n, r.satisfied) == (10, 7)
	assert r.csat == pytest.approx(70.0)
	assert r.mean == pytest.approx(3.8)
	# Wilson 7/10: [0.3968, 0.8922]
	assert r.ci_low == pytest.approx(39.68, abs=0.01) and r.ci_high == pytest.approx(89.22, abs=0.01)
	assert m.csat([]).csat is None
	with pytest.raises(ValueError):
		m.csat([0, 5])
	with pytest.raises(ValueError):
		m.wilson_interval(3, 2)


def test_allocation_is_proportional_and_exact():
	assert allocate({"a": 50, "b": 30, "c": 20}, 10) == {"a": 5, "b": 3, "c": 2}
	# quotas 3.33 / 3.33 / 3.33 -> one extra seat; ties go to the stratum key order
	assert allocate({"a": 10, "b": 10, "c": 10}, 10) == {"a": 4, "b": 3, "c": 3}
	# quotas 49.505 / 0.495: the larger remainder wins the last seat (no guaranteed seat per stratum)
	assert allocate({"big": 100, "tiny": 1}, 50) == {"big": 50, "tiny": 0}
	assert allocate({"a": 2, "b": 100}, 60) == {"a": 1, "b": 59}
	assert allocate({"a": 0, "b": 5}, 3) == {"a": 0, "b": 3}
	assert sum(allocate({"x": 7, "y": 11, "z": 13}, 17).values()) == 17
	assert allocate({"a": 3, "b": 4}, 100) == {"a": 3, "b": 4}


def _customers():
	out = []
	for i in range(300):
		seg = "Gold" if i < 60 else ("Silver" if i < 150 else "Bronze")
		out.append(m.SurveyCandidate(f"C{i:04d}", seg, consent=True, language="zh" if i % 2 else "en"))
	out += [
		m.SurveyCandidate("DNC", "Gold", do_not_contact=True, unsubscribed=True, consent=True),
		m.SurveyCandidate("UNS", "Gold", unsubscribed=True, consent=True),
		m.SurveyCandidate("NOC1", "Gold", consent=False),
		m.SurveyCandidate("NOC2", "Silver"),
		m.SurveyCandidate("RECENT", "Gold", consent=True, last_surveyed=TODAY - timedelta(days=89)),
		m.SurveyCandidate("OLD", "Gold", consent=True, last_surveyed=TODAY - timedelta(days=90)),
	]
	return out


def test_relational_sample_is_stratified_seeded_and_respects_exclusions():
	cands = _customers()
	s = m.sample_relational(cands, 30, TODAY, min_gap_days=90, seed=2026)
	assert s.excluded == {m.DO_NOT_CONTACT: 1, m.UNSUBSCRIBED: 1, m.NO_CONSENT: 2, m.RECENTLY_SURVEYED: 1}
	assert s.eligible == 301  # 300 + OLD (surveyed exactly 90 days ago is allowed again)
	assert len(s.customers) == 30
	# Gold 61 / Silver 90 / Bronze 150 of 301 -> quotas 6.08 / 8.97 / 14.95 -> 6 / 9 / 15
	assert s.allocation == {"Gold": 6, "Silver": 9, "Bronze": 15}
	picked = {c.customer for c in s.customers}
	assert len(picked) == 30
	assert not picked & {"DNC", "UNS", "NOC1", "NOC2", "RECENT"}
	# same seed, shuffled input order -> same sample; another seed -> another sample
	again = m.sample_relational(list(reversed(cands)), 30, TODAY, 90, seed=2026)
	assert {c.customer for c in again.customers} == picked
	assert {c.customer for c in m.sample_relational(cands, 30, TODAY, 90, seed=7).customers} != picked


def test_relational_sample_smaller_pool_and_duplicates():
	cands = [m.SurveyCandidate("A", "x", consent=True)] * 3 + [m.SurveyCandidate("B", "y", consent=True)]
	s = m.sample_relational(cands, 10, TODAY)
	assert sorted(c.customer for c in s.customers) == ["A", "B"]
	assert m.sample_relational(cands, 0, TODAY).customers == []
	with pytest.raises(ValueError):
		m.sample_relational(cands, -1, TODAY)
