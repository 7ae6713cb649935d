import random
import statistics

from crm_suite.engine import demo_quality as dq
from crm_suite.engine import qa


def facts(agent="grace.hopper@service.example.com", res=8.0, first=1.0, reopened=False, channel="Email"):
	return dq.TicketFacts("T", agent, channel, first, res, reopened)


def test_csat_falls_with_slow_resolution_and_reopen_and_differs_by_agent():
	assert dq.csat_latent(facts(res=2)) > dq.csat_latent(facts(res=72))
	assert dq.csat_latent(facts(first=0.5)) > dq.csat_latent(facts(first=24))
	assert dq.csat_latent(facts()) - dq.csat_latent(facts(reopened=True)) > 1
	assert dq.csat_latent(facts()) > dq.csat_latent(facts(agent="mei.chen@service.example.com")) + 0.5


def test_csat_answers_rates_and_range():
	rng = random.Random(1)
	answers = [dq.csat_answer(facts(), rng) for _ in range(4000)]
	given = [a for a in answers if a is not None]
	assert 0.27 < len(given) / len(answers) < 0.33
	assert set(given) <= {1, 2, 3, 4, 5}
	reopened = [dq.csat_answer(facts(reopened=True), rng) for _ in range(4000)]
	assert statistics.mean(a for a in reopened if a) < statistics.mean(given) - 0.8


def test_nps_follows_csat():
	rng = random.Random(2)
	happy = [x for x in (dq.nps_answer(4.8, rng, rate=1) for _ in range(500)) if x is not None]
	unhappy = [x for x in (dq.nps_answer(2.0, rng, rate=1) for _ in range(500)) if x is not None]
	assert statistics.mean(happy) > 8 > 4 > statistics.mean(unhappy)
	assert all(0 <= x <= 10 for x in happy + unhappy)


def test_qa_answers_score_on_the_demo_scorecard_and_separate_agents():
	card = qa.Scorecard(
		"demo",
		1,
		tuple(
			qa.Criterion(name, group.lower(), weight, max_score, auto_fail, allow_na)
			for name, group, weight, max_score, auto_fail, allow_na in dq.DEMO_CRITERIA
		),
	)
	rng = random.Random(3)

	def mean_score(agent):
		scores = []
		for _ in range(300):
			answers = {k: (None if v == "N/A" else float(v)) for k, v in dq.qa_answers(agent, rng).items()}
			scores.append(qa.score_review(card, answers).score)
		return statistics.mean(scores)

	assert mean_score("grace.hopper@x") > mean_score("mei.chen@x") + 15


def test_sample_for_review_takes_per_agent():
	tickets = [dq.TicketFacts(f"T{i}", f"a{i % 3}", "Email", 1, 5, False) for i in range(30)]
	picked = dq.sample_for_review(tickets, 4, random.Random(0))
	assert len(picked) == 12
	assert {t.agent for t in picked} == {"a0", "a1", "a2"}
	assert picked == dq.sample_for_review(tickets, 4, random.Random(0))
