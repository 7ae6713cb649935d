"""Duplicate finder at scale: 100k synthetic customers with planted duplicates, blocking + scoring.

Measured in one process: the blocked engine on all records, the naive all-pairs scorer on a sample
(extrapolated quadratically to the full size: the baseline), precision / recall against the planted
duplicates, pairs compared vs all pairs, peak RSS, and the scan's SQL loader over the same 100k
customers bulk-inserted into the site inside a transaction that is rolled back afterwards.

`synthetic_customers` has no frappe imports so the pure tests can use it.
"""

from __future__ import annotations

import random
import resource
import time

GOAL_SECONDS = 60.0

ADJECTIVES = (
	"golden silver blue red green bright star royal grand eastern western northern southern global "
	"united pacific atlantic summit pioneer prime apex vertex nova alpha omega delta crystal diamond "
	"emerald jade lotus phoenix dragon tiger eagle falcon harbor river lake mountain valley ocean "
	"sun moon sky cloud rain thunder iron steel copper oak maple pine cedar swift rapid smart clever "
	"happy lucky fortune harmony unity liberty victory crown orchid sapphire ruby pearl amber ivory"
).split()
NOUNS = (
	"trading logistics foods textiles electronics machinery chemicals pharma media studios systems "
	"solutions networks partners ventures holdings industries supplies services consulting design "
	"motors energy solar water farms labs robotics software hardware metals plastics paper printing "
	"furniture garments shoes toys games travel hotels dental clinic bakery brewery coffee tea wine "
	"fashion beauty sports outdoor marine aviation rail freight packaging security cleaning catering"
).split()
SECTORS = (
	"group international asia china europe america works house centre hub point line link way gate "
	"field bridge port bay park square tower plaza"
).split()
SUFFIXES = ("Ltd", "Co", "Inc", "Limited", "LLC", "Co., Ltd.", "GmbH", "")
CN_CITIES = "北京 上海 广州 深圳 杭州 南京 成都 武汉 西安 苏州 天津 重庆 青岛 厦门 宁波 长沙".split()
CN_CHARS = "星光华美东方金龙宏达鑫源恒通瑞丰联创新世纪天成博远海纳信永盛安泰嘉禾立德富康隆昌兴"
CN_TRADES = "科技 贸易 物流 电子 食品 机械 纺织 化工 建材 传媒".split()
FREE = ("gmail.com", "qq.com", "163.com", "outlook.com")
STREETS = "Main Oak Park High Church Station Mill King Queen Garden Bridge River".split()


GIVEN = (
	"william robert richard james michael thomas anthony david christopher katherine elizabeth jennifer "
	"samuel benjamin daniel matthew nicholas alexander andrew joseph margaret susan edward charles john "
	"timothy olivia emma sophia grace chloe lucas oliver henry jack noah"
).split()
FAMILY = (
	"smith jones taylor brown williams wilson johnson davies robinson wright thompson evans walker white "
	"roberts green hall wood jackson clarke patel khan lewis harris martin cooper king lee baker"
).split()
CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
CN_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文"
CITIES = (
	"Shanghai Beijing Shenzhen Guangzhou Hangzhou Suzhou Chengdu Wuhan Nanjing Xiamen Sydney Melbourne "
	"London Manchester Singapore Auckland"
).split()


def _base_record(rng: random.Random, i: int, used_phones: set) -> dict:
	kind = rng.random()
	if kind < 0.15:
		name = rng.choice(CN_CITIES) + "".join(rng.sample(CN_CHARS, 2)) + rng.choice(CN_TRADES) + "有限公司"
		slug = f"cn{i}"
	elif kind < 0.55:
		name = " ".join(
			(rng.choice(ADJECTIVES).title(), rng.choice(NOUNS).title(), rng.choice(SECTORS).title())
		)
		name = f"{name} {rng.choice(SUFFIXES)}".strip()
		slug = "".join(name.lower().split()[:2])
	elif kind < 0.8:
		name = f"{rng.choice(GIVEN).title()} {rng.choice(FAMILY).title()}"
		slug = name.lower().replace(" ", ".")
	else:
		name = rng.choice(CN_SURNAMES) + "".join(rng.sample(CN_GIVEN, rng.randint(1, 2)))
		slug = f"p{i}"
	while True:
		phone = f"+86 1{rng.randint(3, 9)}{rng.randint(0, 9)} {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}"
		if phone[-9:] not in used_phones:
			used_phones.add(phone[-9:])
			break
	domain = rng.choice(FREE) if rng.random() < 0.3 else f"{slug}{rng.randint(1, 999)}.com"
	return {
		"id": f"CUST-{i:07d}",
		"name": name,
		"phones": [phone] if rng.random() < 0.9 else [],
		"emails": [f"{rng.choice(('info', 'sales', 'admin', 'contact'))}{i}@{domain}"]
		if rng.random() < 0.85
		else [],
		"tax_id": f"91{rng.randint(10**14, 10**15 - 1)}" if rng.random() < 0.4 else None,
		"address_line": f"{rng.randint(1, 999)} {rng.choice(STREETS)} Street, Unit {rng.randint(1, 99)}",
		"city": rng.choice(CITIES),
		"postcode": f"{rng.randint(100000, 999999)}",
	}


def synthetic_customers(
	n: int, dup_rate: float = 0.02, seed: int = 42, kinds: dict | None = None
) -> tuple[list[dict], set]:
	"""`n` customer dicts (companies and people, Latin and Chinese) of which about `dup_rate * n` are
	corrupted copies of another one (crm_suite/benchmarks/corruption.py: 1-3 realistic changes each).

	Returns (records, planted) where planted holds (id_a, id_b) with id_a < id_b; when `kinds` is a
	dict it receives, per planted (base, copy) pair, the corruptions applied.
	"""
	from crm_suite.benchmarks.corruption import corrupt

	rng = random.Random(seed)
	n_dups = int(n * dup_rate)
	n_base = n - n_dups
	used_phones: set[str] = set()
	records: list[dict] = [_base_record(rng, i, used_phones) for i in range(n_base)]
	clusters: dict[str, list[str]] = {}
	for k in range(n_dups):
		base = records[rng.randrange(n_base)]
		copy, applied = corrupt(rng, base)
		copy["id"] = f"CUST-{n_base + k:07d}"
		records.append(copy)
		clusters.setdefault(base["id"], [base["id"]]).append(copy["id"])
		if kinds is not None:
			kinds[tuple(sorted((base["id"], copy["id"])))] = applied
	# every two members of a cluster are duplicates (two copies of one base are duplicates too)
	planted = {
		(a, b) if a < b else (b, a)
		for members in clusters.values()
		for x, a in enumerate(members)
		for b in members[x + 1 :]
	}
	rng.shuffle(records)
	return records, planted


def _rss_mb() -> float:
	return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _quality(found: set, planted: set) -> dict:
	tp = len(found & planted)
	p = tp / len(found) if found else 0.0
	r = tp / len(planted) if planted else 0.0
	return {
		"found": len(found),
		"planted": len(planted),
		"true_positives": tp,
		"precision": round(p, 4),
		"recall": round(r, 4),
		"f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
	}


THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9, 0.99)


def _by_threshold(matches: list, planted: set) -> dict:
	return {str(t): _quality({(m.a, m.b) for m in matches if m.probability >= t}, planted) for t in THRESHOLDS}


def _recall_by_kind(found: set, kinds: dict) -> dict:
	"""Recall of base/copy pairs by corruption kind (a pair counts for each kind applied to it)."""
	hit: dict[str, list[int]] = {}
	for pair, applied in kinds.items():
		for kind in applied:
			entry = hit.setdefault(kind, [0, 0])
			entry[1] += 1
			entry[0] += pair in found
	return {k: {"pairs": t, "recall": round(h / t, 4)} for k, (h, t) in sorted(hit.items())}


def run(site: str, baseline_site: str | None = None, rounds: int = 1, **options) -> dict:
	from crm_suite.engine import dedupe

	n = int(options.get("n", 100_000))
	dup_rate = float(options.get("dup_rate", 0.02))
	sample = int(options.get("sample", 2000))
	threshold = float(options.get("threshold", dedupe.DEFAULT_THRESHOLD))
	rounds = max(int(rounds or 1), 1)

	t0 = time.perf_counter()
	kinds: dict = {}
	records, planted = synthetic_customers(n, dup_rate, kinds=kinds)
	generate_s = time.perf_counter() - t0

	engine_runs, stats, matches = [], None, []
	for _ in range(rounds):
		stats = dedupe.Stats()
		t0 = time.perf_counter()
		matches = dedupe.find_duplicates(records, threshold=min(THRESHOLDS), stats=stats)
		engine_runs.append(time.perf_counter() - t0)
	engine_s = min(engine_runs)
	found = {(m.a, m.b) for m in matches if m.probability >= threshold}

	# baseline: all pairs on a sample, in the same process, extrapolated quadratically
	sample_ids = {r["id"] for r in records[:sample]}
	sample_records = records[:sample]
	sample_planted = {p for p in planted if p[0] in sample_ids and p[1] in sample_ids}
	t0 = time.perf_counter()
	naive = dedupe.all_pairs(sample_records, threshold=threshold, model=stats.model)
	naive_s = time.perf_counter() - t0
	t0 = time.perf_counter()
	blocked_sample = dedupe.find_duplicates(sample_records, threshold=threshold, model=stats.model, train=False)
	blocked_sample_s = time.perf_counter() - t0
	naive_full_estimate = naive_s * (n * (n - 1)) / (sample * (sample - 1))

	sql = _measure_load_sql(site, records) if options.get("sql", "1") not in ("0", 0, False) else {}
	total = engine_s + sql.get("seconds", 0.0)
	return {
		"site": site,
		"rounds": rounds,
		"records": n,
		"duplicate_rate": dup_rate,
		"threshold": threshold,
		"generate_seconds": round(generate_s, 2),
		"engine_seconds": round(engine_s, 2),
		"engine_seconds_all_rounds": [round(x, 2) for x in engine_runs],
		"blocks": stats.blocks,
		"capped_blocks": stats.capped_blocks,
		"pairs_compared": stats.pairs_compared,
		"all_pairs": stats.all_pairs,
		"pairs_compared_share": round(stats.pairs_compared / stats.all_pairs, 8),
		"quality": _quality(found, planted),
		"quality_by_threshold": _by_threshold(matches, planted),
		"recall_by_corruption": _recall_by_kind(found, kinds),
		"model_fitted": stats.fitted,
		"em_iterations": stats.em_iterations,
		"agreement_patterns": stats.patterns,
		"baseline_all_pairs": {
			"sample": sample,
			"seconds": round(naive_s, 2),
			"extrapolated_seconds_for_full": round(naive_full_estimate, 1),
			"quality_on_sample": _quality({(m.a, m.b) for m in naive}, sample_planted),
			"blocked_on_sample_seconds": round(blocked_sample_s, 3),
			"blocked_on_sample_quality": _quality({(m.a, m.b) for m in blocked_sample}, sample_planted),
		},
		"speedup_vs_all_pairs": round(naive_full_estimate / engine_s, 1) if engine_s else None,
		"load_sql": sql,
		"scan_seconds_engine_plus_sql": round(total, 2),
		"goal_seconds": GOAL_SECONDS,
		"meets_goal": total < GOAL_SECONDS,
		"peak_rss_mb": _rss_mb(),
	}


def _measure_load_sql(site: str, records: list[dict]) -> dict:
	"""Time the scan's own loader (customer_360.duplicates.load_records) over the synthetic customers.

	They are bulk-inserted into the site's Customer table inside one transaction, loaded, and rolled
	back, so the site is left as it was.
	"""
	try:
		import frappe
	except ImportError:
		return {"skipped": "frappe not importable"}
	from crm_suite.customer_360.duplicates import load_records

	frappe.init(site=site)
	frappe.connect()
	try:
		group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
		territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
		before = frappe.db.count("Customer")
		now = frappe.utils.now()
		fields = [
			"name",
			"owner",
			"modified_by",
			"creation",
			"modified",
			"docstatus",
			"idx",
			"customer_name",
			"customer_type",
			"customer_group",
			"territory",
			"disabled",
			"mobile_no",
			"email_id",
			"tax_id",
			"primary_address",
		]
		t0 = time.perf_counter()
		frappe.db.bulk_insert(
			"Customer",
			fields,
			[
				(
					f"_BENCH {r['id']}",
					"Administrator",
					"Administrator",
					now,
					now,
					0,
					0,
					r["name"][:140],
					"Company",
					group,
					territory,
					0,
					(r["phones"] or [None])[0],
					(r["emails"] or [None])[0],
					r["tax_id"],
					r.get("address_line"),
				)
				for r in records
			],
		)
		insert_s = time.perf_counter() - t0
		t0 = time.perf_counter()
		rows = load_records("Customer")
		seconds = time.perf_counter() - t0
		return {
			"doctype": "Customer",
			"rows_loaded": len(rows),
			"synthetic_rows": len(records),
			"existing_rows": before,
			"seconds": round(seconds, 3),
			"bulk_insert_seconds_not_counted": round(insert_s, 2),
		}
	finally:
		frappe.db.rollback()
		frappe.destroy()
