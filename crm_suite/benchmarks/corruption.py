"""Realistic corruption of customer records, for labelled duplicate-finder benchmarks and tests.

Plain Python (no frappe). Each corruption is a small function (rng, record) -> record that changes
one thing the way people and imports do: keyboard typos, transposed letters, dropped or swapped name
tokens, nicknames, missing fields, postcode and id-digit errors, full-width input, a Chinese name
written in pinyin instead of hanzi, phone formatting and email case. `corrupt` applies 1-3 of them
and returns which, so results can be broken down by kind.
"""

from __future__ import annotations

import random
from collections.abc import Callable

KEYBOARD = {
	"a": "qwsz",
	"b": "vghn",
	"c": "xdfv",
	"d": "serfcx",
	"e": "wsdr",
	"f": "drtgvc",
	"g": "ftyhbv",
	"h": "gyujnb",
	"i": "ujko",
	"j": "huikmn",
	"k": "jiolm",
	"l": "kop",
	"m": "njk",
	"n": "bhjm",
	"o": "iklp",
	"p": "ol",
	"q": "wa",
	"r": "edft",
	"s": "awedxz",
	"t": "rfgy",
	"u": "yhji",
	"v": "cfgb",
	"w": "qase",
	"x": "zsdc",
	"y": "tghu",
	"z": "asx",
}
NICKNAMES = {
	"william": "bill",
	"robert": "bob",
	"richard": "rick",
	"james": "jim",
	"michael": "mike",
	"thomas": "tom",
	"anthony": "tony",
	"david": "dave",
	"christopher": "chris",
	"katherine": "kate",
	"elizabeth": "liz",
	"jennifer": "jenny",
	"samuel": "sam",
	"benjamin": "ben",
	"daniel": "dan",
	"matthew": "matt",
	"nicholas": "nick",
	"alexander": "alex",
	"andrew": "andy",
	"joseph": "joe",
	"margaret": "maggie",
	"susan": "sue",
	"edward": "ed",
	"charles": "charlie",
	"john": "jack",
	"timothy": "tim",
}
# common surnames and given-name characters with their pinyin (for hanzi <-> pinyin variants)
PINYIN = {
	"王": "wang",
	"李": "li",
	"张": "zhang",
	"刘": "liu",
	"陈": "chen",
	"杨": "yang",
	"黄": "huang",
	"赵": "zhao",
	"吴": "wu",
	"周": "zhou",
	"徐": "xu",
	"孙": "sun",
	"马": "ma",
	"朱": "zhu",
	"胡": "hu",
	"郭": "guo",
	"何": "he",
	"林": "lin",
	"高": "gao",
	"罗": "luo",
	"伟": "wei",
	"芳": "fang",
	"娜": "na",
	"敏": "min",
	"静": "jing",
	"丽": "li",
	"强": "qiang",
	"磊": "lei",
	"军": "jun",
	"洋": "yang",
	"勇": "yong",
	"艳": "yan",
	"杰": "jie",
	"娟": "juan",
	"涛": "tao",
	"明": "ming",
	"超": "chao",
	"秀": "xiu",
	"霞": "xia",
	"平": "ping",
	"刚": "gang",
	"桂": "gui",
	"英": "ying",
	"华": "hua",
	"建": "jian",
	"文": "wen",
}


def _chars(text: str, rng: random.Random) -> int:
	return rng.randrange(1, len(text) - 1) if len(text) > 2 else 0


def typo(rng: random.Random, text: str) -> str:
	"""A neighbouring key struck, a letter dropped or doubled."""
	if len(text) < 3:
		return text
	i = _chars(text, rng)
	ch = text[i].lower()
	kind = rng.random()
	if kind < 0.5 and ch in KEYBOARD:
		return text[:i] + rng.choice(KEYBOARD[ch]) + text[i + 1 :]
	if kind < 0.8:
		return text[:i] + text[i + 1 :]
	return text[:i] + text[i] + text[i:]


def transpose(rng: random.Random, text: str) -> str:
	if len(text) < 4:
		return text
	i = rng.randrange(1, len(text) - 2)
	return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def full_width(text: str) -> str:
	return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def to_pinyin(name: str) -> str | None:
	"""'王伟' -> 'Wang Wei' when every character is in the table; None otherwise."""
	if not name or not all(c in PINYIN for c in name):
		return None
	return f"{PINYIN[name[0]].title()} {''.join(PINYIN[c] for c in name[1:]).title()}".strip()


def _name_op(fn: Callable[[random.Random, str], str]):
	def op(rng: random.Random, rec: dict) -> dict:
		tokens = rec["name"].split()
		if not tokens:
			return rec
		k = rng.randrange(len(tokens))
		tokens[k] = fn(rng, tokens[k])
		return {**rec, "name": " ".join(tokens)}

	return op


def name_typo(rng, rec):
	return _name_op(typo)(rng, rec)


def name_transposition(rng, rec):
	return _name_op(transpose)(rng, rec)


def dropped_token(rng, rec):
	tokens = rec["name"].split()
	if len(tokens) < 3:
		return rec
	del tokens[rng.randrange(len(tokens))]
	return {**rec, "name": " ".join(tokens)}


def swapped_tokens(rng, rec):
	tokens = rec["name"].split()
	if len(tokens) < 2:
		return rec
	return {**rec, "name": " ".join(tokens[1:] + tokens[:1])}


def nickname(rng, rec):
	tokens = rec["name"].split()
	for k, t in enumerate(tokens):
		if t.lower() in NICKNAMES:
			tokens[k] = NICKNAMES[t.lower()].title()
			return {**rec, "name": " ".join(tokens)}
	return name_typo(rng, rec)


def pinyin_variant(rng, rec):
	pinyin = to_pinyin(rec["name"])
	return {**rec, "name": pinyin} if pinyin else rec


def full_width_name(rng, rec):
	return {**rec, "name": full_width(rec["name"])}


def missing_field(rng, rec):
	present = [f for f in ("phones", "emails", "address_line", "postcode", "city", "tax_id") if rec.get(f)]
	if not present:
		return rec
	f = rng.choice(present)
	return {**rec, f: [] if f in ("phones", "emails") else None}


def postcode_error(rng, rec):
	code = rec.get("postcode") or ""
	if len(code) < 4:
		return rec
	i = rng.randrange(len(code))
	return {**rec, "postcode": code[:i] + str((int(code[i]) + rng.randint(1, 9)) % 10) + code[i + 1 :]}


def id_digit_error(rng, rec):
	tax = rec.get("tax_id") or ""
	if len(tax) < 5:
		return rec
	if rng.random() < 0.5:
		return {**rec, "tax_id": transpose(rng, tax)}
	i = rng.randrange(len(tax))
	digit = str((int(tax[i]) + 1) % 10) if tax[i].isdigit() else tax[i]
	return {**rec, "tax_id": tax[:i] + digit + tax[i + 1 :]}


def address_typo(rng, rec):
	line = rec.get("address_line") or ""
	words = [k for k, t in enumerate(line.split()) if not t.isdigit() and len(t) > 3]
	if not words:
		return rec
	tokens = line.split()
	k = rng.choice(words)
	tokens[k] = typo(rng, tokens[k])
	return {**rec, "address_line": " ".join(tokens)}


def street_abbreviation(rng, rec):
	line = rec.get("address_line") or ""
	for long, short in ((" Street", " St"), (" Road", " Rd"), (" Avenue", " Ave"), ("路", "路 ")):
		if long in line:
			return {**rec, "address_line": line.replace(long, short)}
	return address_typo(rng, rec)


def phone_format(rng, rec):
	phones = rec.get("phones") or []
	if not phones:
		return rec
	digits = "".join(c for c in phones[0] if c.isdigit())
	local = digits[2:] if digits.startswith("86") else digits
	return {**rec, "phones": [f"{local[:3]}-{local[3:7]}-{local[7:]}"]}


def email_case(rng, rec):
	emails = rec.get("emails") or []
	return {**rec, "emails": [e.upper() for e in emails]} if emails else rec


CORRUPTIONS: dict[str, Callable] = {
	"name_typo": name_typo,
	"name_transposition": name_transposition,
	"dropped_token": dropped_token,
	"swapped_tokens": swapped_tokens,
	"nickname": nickname,
	"pinyin_variant": pinyin_variant,
	"full_width": full_width_name,
	"missing_field": missing_field,
	"postcode_error": postcode_error,
	"id_digit_error": id_digit_error,
	"address_typo": address_typo,
	"street_abbreviation": street_abbreviation,
	"phone_format": phone_format,
	"email_case": email_case,
}


def corrupt(rng: random.Random, record: dict, max_changes: int = 3) -> tuple[dict, list[str]]:
	"""A copy of `record` with 1..max_changes corruptions; returns it and the kinds applied."""
	kinds = rng.sample(sorted(CORRUPTIONS), rng.randint(1, max_changes))
	out = dict(record)
	for kind in kinds:
		out = CORRUPTIONS[kind](rng, out)
	return out, kinds
