"""Ticket classification: ordered rules first, then a text classifier trained on closed tickets.

Rules (keywords, channel, customer tier, item) are matched in their order; the first match wins and
sets category, team, priority and complaint class. When no rule sets the category, a multinomial
naive Bayes model over subject + description predicts it with a confidence. Chinese has no spaces,
so CJK runs become character bigrams (plus single characters for one-character runs); Latin text
becomes lower-cased words. The model is trained on (text, final issue type) of closed tickets, so an
agent's correction of a predicted category is exactly what the next training run learns from.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

_WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
STOPWORDS = frozenset(
	"a an and are as at be by for from has have i in is it its my of on or our please the this to was we"
	" with you your".split()
)


def tokenize(text: str | None) -> list[str]:
	"""Words for Latin text, character bigrams for CJK runs."""
	text = (text or "").lower()
	tokens = [w for w in _WORD.findall(_CJK.sub(" ", text)) if w not in STOPWORDS and len(w) > 1]
	for run in _CJK.findall(text):
		if len(run) == 1:
			tokens.append(run)
		else:
			tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
	return tokens


# ------------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Rule:
	"""One ticket rule: every non-empty condition must hold (keywords: any of them)."""

	name: str
	order: int = 0
	keywords: tuple[str, ...] = ()
	channel: str | None = None
	tier: str | None = None
	item: str | None = None
	issue_type: str | None = None
	team: str | None = None
	priority: str | None = None
	complaint_class: str | None = None

	def matches(self, ticket: Mapping) -> bool:
		if self.channel and self.channel != ticket.get("channel"):
			return False
		if self.tier and self.tier != ticket.get("tier"):
			return False
		if self.item and self.item != ticket.get("item"):
			return False
		if self.keywords:
			text = f"{ticket.get('subject') or ''}\n{ticket.get('description') or ''}".lower()
			if not any(k.lower() in text for k in self.keywords if k):
				return False
		return bool(self.keywords or self.channel or self.tier or self.item)

	def actions(self) -> dict[str, str]:
		values = {
			"issue_type": self.issue_type,
			"team": self.team,
			"priority": self.priority,
			"complaint_class": self.complaint_class,
		}
		return {k: v for k, v in values.items() if v}


def split_keywords(raw: str | None) -> tuple[str, ...]:
	"""Keywords from a comma / newline / Chinese-comma separated text."""
	return tuple(k.strip() for k in re.split(r"[,\n，、;；]", raw or "") if k.strip())


def match_rules(rules: Iterable[Rule], ticket: Mapping) -> tuple[Rule | None, dict[str, str]]:
	"""The first matching rule by (order, name) and the actions it sets."""
	for rule in sorted(rules, key=lambda r: (r.order, r.name)):
		if rule.matches(ticket):
			return rule, rule.actions()
	return None, {}


# ------------------------------------------------------------------------------------------------
# Naive Bayes text classifier


@dataclass
class Model:
	"""Multinomial naive Bayes with Laplace smoothing; JSON-serialisable through to_dict."""

	class_docs: dict[str, int] = field(default_factory=dict)
	class_tokens: dict[str, int] = field(default_factory=dict)
	token_counts: dict[str, dict[str, int]] = field(default_factory=dict)
	vocabulary: int = 0
	alpha: float = 1.0

	@property
	def classes(self) -> list[str]:
		return sorted(self.class_docs)

	def to_dict(self) -> dict:
		return {
			"class_docs": self.class_docs,
			"class_tokens": self.class_tokens,
			"token_counts": self.token_counts,
			"vocabulary": self.vocabulary,
			"alpha": self.alpha,
		}

	@classmethod
	def from_dict(cls, data: Mapping | None) -> Model | None:
		if not data or not data.get("class_docs"):
			return None
		return cls(
			class_docs=dict(data["class_docs"]),
			class_tokens=dict(data["class_tokens"]),
			token_counts={k: dict(v) for k, v in data["token_counts"].items()},
			vocabulary=int(data["vocabulary"]),
			alpha=float(data.get("alpha", 1.0)),
		)

	def scores(self, text: str) -> dict[str, float]:
		"""Posterior probability per class."""
		tokens = tokenize(text)
		total_docs = sum(self.class_docs.values())
		logp = {}
		for label, docs in self.class_docs.items():
			counts = self.token_counts.get(label, {})
			denominator = self.class_tokens.get(label, 0) + self.alpha * self.vocabulary
			lp = math.log(docs / total_docs)
			for token in tokens:
				lp += math.log((counts.get(token, 0) + self.alpha) / denominator)
			logp[label] = lp
		top = max(logp.values())
		exp = {label: math.exp(v - top) for label, v in logp.items()}
		norm = sum(exp.values())
		return {label: v / norm for label, v in exp.items()}

	def predict(self, text: str) -> tuple[str | None, float]:
		"""(class, confidence 0..1); (None, 0) when the text has no known token."""
		tokens = tokenize(text)
		if not self.class_docs or not any(t in c for t in tokens for c in self.token_counts.values()):
			return None, 0.0
		scores = self.scores(text)
		label = max(sorted(scores), key=scores.get)
		return label, scores[label]


def train(samples: Iterable[tuple[str, str]], alpha: float = 1.0) -> Model:
	"""Fit on (text, label) pairs; samples without a label are skipped."""
	class_docs: Counter = Counter()
	token_counts: dict[str, Counter] = defaultdict(Counter)
	vocabulary: set[str] = set()
	for text, label in samples:
		if not label:
			continue
		tokens = tokenize(text)
		class_docs[label] += 1
		token_counts[label].update(tokens)
		vocabulary.update(tokens)
	return Model(
		class_docs=dict(class_docs),
		class_tokens={label: sum(c.values()) for label, c in token_counts.items()},
		token_counts={label: dict(c) for label, c in token_counts.items()},
		vocabulary=len(vocabulary),
		alpha=alpha,
	)


def split(
	samples: Sequence[tuple[str, str]], test_fraction: float = 0.2, salt: str = ""
) -> tuple[list, list]:
	"""Deterministic train / held-out split by a hash of each text (stable across runs and sites)."""
	train_set, test_set = [], []
	cut = int(test_fraction * 1000)
	for sample in samples:
		bucket = zlib.crc32(f"{salt}{sample[0]}".encode()) % 1000
		(test_set if bucket < cut else train_set).append(sample)
	return train_set, test_set


@dataclass
class Evaluation:
	accuracy: float
	held_out: int
	report: dict[str, dict[str, float]]


def evaluate(model: Model, samples: Sequence[tuple[str, str]]) -> Evaluation:
	"""Accuracy and per-class precision / recall / support of `model` on held-out samples."""
	tp: Counter = Counter()
	predicted: Counter = Counter()
	support: Counter = Counter()
	correct = 0
	for text, label in samples:
		guess, _ = model.predict(text)
		support[label] += 1
		if guess:
			predicted[guess] += 1
		if guess == label:
			correct += 1
			tp[label] += 1
	report = {
		label: {
			"precision": tp[label] / predicted[label] if predicted[label] else 0.0,
			"recall": tp[label] / support[label] if support[label] else 0.0,
			"support": support[label],
		}
		for label in sorted(set(support) | set(predicted))
	}
	return Evaluation(correct / len(samples) if samples else 0.0, len(samples), report)


def train_and_evaluate(
	samples: Sequence[tuple[str, str]], test_fraction: float = 0.2
) -> tuple[Model, Evaluation]:
	"""Held-out accuracy from a split, then the model refitted on every sample (what is stored)."""
	samples = [s for s in samples if s[1]]
	train_set, test_set = split(samples, test_fraction)
	if not train_set or not test_set:
		train_set, test_set = samples, []
	evaluation = evaluate(train(train_set), test_set)
	return train(samples), evaluation
