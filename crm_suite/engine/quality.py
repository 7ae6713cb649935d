"""Data quality on plain values: phone / email / name normalisation and a per-record quality score.

Pure Python (phonenumbers only), no frappe: the controllers in customer_360/data_quality.py call these
and translate the reason codes. Every function is deterministic and side-effect free.

Chinese input is the demanding case: IMEs produce full-width digits and letters (U+FF10..), full-width
and ideographic punctuation (U+FF08 U+FF0D U+3002 U+FF0C), ideographic spaces and the
extension marker 转 / 分机. NFKC folds the full-width forms to ASCII; the rest is mapped here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import phonenumbers

# ------------------------------------------------------------------------------------------------
# Reason codes (translated by the caller)
# ------------------------------------------------------------------------------------------------
EMPTY = "empty"
NOT_A_NUMBER = "not_a_number"
INVALID_COUNTRY_CODE = "invalid_country_code"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
NO_REGION = "no_region"
INVALID_NUMBER = "invalid_number"
MISSING_AT = "missing_at"
INVALID_LOCAL_PART = "invalid_local_part"
INVALID_DOMAIN = "invalid_domain"
EMAIL_TOO_LONG = "email_too_long"

REASON_TEXT = {
	EMPTY: "is empty",
	NOT_A_NUMBER: "is not a phone number",
	INVALID_COUNTRY_CODE: "has an unknown country code",
	TOO_SHORT: "is too short",
	TOO_LONG: "is too long",
	NO_REGION: "has no country code and no default region is set",
	INVALID_NUMBER: "is not a valid number for its country",
	MISSING_AT: "must contain exactly one @",
	INVALID_LOCAL_PART: "has an invalid part before the @",
	INVALID_DOMAIN: "has an invalid domain after the @",
	EMAIL_TOO_LONG: "is longer than 254 characters",
}

# Punctuation NFKC leaves alone but people type inside phone numbers and emails.
_PHONE_PUNCT = str.maketrans(
	{
		"\u3000": " ",  # ideographic space
		"\u3001": " ",  # 、
		"\u3002": " ",  # 。
		"\uff0c": " ",  # full-width comma
		"\u2014": "-",  # —
		"\u2013": "-",  # en dash
		"\u2212": "-",  # minus sign
		"\u30fc": "-",  # ー (katakana long vowel, typed as a dash)
		"\u2010": "-",
		"\u2011": "-",
		"\u00b7": " ",  # ·
		"\u30fb": " ",  # ・
	}
)
_EXTENSION_MARKERS = re.compile(
	r"\s*(?:转|轉|分机|分機|内线|內線|ext\.?|extension|x|#|,)\s*(?=\d+\s*$)", re.I
)


@dataclass(frozen=True)
class PhoneResult:
	ok: bool
	value: str  # E.164 (+ ",N" for an extension) when ok, else the cleaned input
	reason: str | None = None
	e164: str | None = None
	extension: str | None = None
	region: str | None = None


@dataclass(frozen=True)
class EmailResult:
	ok: bool
	value: str
	reason: str | None = None


def fold(text: str | None) -> str:
	"""NFKC (full-width -> half-width Latin/digits/punctuation, CJK kept) and stripped."""
	if not text:
		return ""
	return unicodedata.normalize("NFKC", str(text)).strip()


def normalise_phone(raw: str | None, default_region: str | None = None) -> PhoneResult:
	"""A phone number in E.164 (plus ",N" when it has an extension), or why it is invalid.

	`default_region` is an ISO 3166 alpha-2 code used when the number has no "+country" prefix.
	"""
	text = fold(raw).translate(_PHONE_PUNCT)
	text = re.sub(r"\s+", " ", text).strip()
	if not text:
		return PhoneResult(False, "", EMPTY)
	if text.startswith("00") and not text.startswith("000"):
		text = "+" + text[2:]
	text = _EXTENSION_MARKERS.sub(" ext. ", text, count=1)
	if not re.search(r"\d", text) or re.search(r"[^\d\s+\-().,/extEXT;=]", text.replace("ext.", "")):
		return PhoneResult(False, text, NOT_A_NUMBER)
	region = (default_region or "").upper() or None
	if not text.startswith("+") and not region:
		return PhoneResult(False, text, NO_REGION)
	try:
		number = phonenumbers.parse(text, region)
	except phonenumbers.NumberParseException as e:
		reason = {
			phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: INVALID_COUNTRY_CODE,
			phonenumbers.NumberParseException.NOT_A_NUMBER: NOT_A_NUMBER,
			phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: TOO_SHORT,
			phonenumbers.NumberParseException.TOO_SHORT_NSN: TOO_SHORT,
			phonenumbers.NumberParseException.TOO_LONG: TOO_LONG,
		}.get(e.error_type, NOT_A_NUMBER)
		return PhoneResult(False, text, reason)
	if not phonenumbers.is_valid_number(number):
		possible = phonenumbers.is_possible_number_with_reason(number)
		reason = {
			phonenumbers.ValidationResult.TOO_SHORT: TOO_SHORT,
			phonenumbers.ValidationResult.TOO_LONG: TOO_LONG,
			phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: INVALID_COUNTRY_CODE,
		}.get(possible, INVALID_NUMBER)
		return PhoneResult(False, text, reason)
	e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
	ext = number.extension or None
	# "," is the dialler's pause: tapping the number dials the extension, and Frappe's Phone fieldtype
	# accepts it (letters such as "ext." it rejects)
	value = f"{e164},{ext}" if ext else e164
	return PhoneResult(True, value, None, e164, ext, phonenumbers.region_code_for_number(number) or region)


_LOCAL_RE = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_email(raw: str | None) -> EmailResult:
	"""Stripped, NFKC-folded, lower-cased email and a syntax check (RFC 5321 sizes, dot-atom local part,
	LDH domain labels; internationalised domains checked through IDNA)."""
	text = fold(raw).replace("\u3002", ".").replace("\uff0e", ".")
	text = re.sub(r"^mailto:", "", text, flags=re.I).strip().strip("<>").strip()
	text = text.lower()
	if not text:
		return EmailResult(False, "", EMPTY)
	if re.search(r"\s", text) or text.count("@") != 1:
		return EmailResult(False, text, MISSING_AT)
	if len(text) > 254:
		return EmailResult(False, text, EMAIL_TOO_LONG)
	local, domain = text.split("@")
	if not local or len(local) > 64 or not _LOCAL_RE.match(local):
		return EmailResult(False, text, INVALID_LOCAL_PART)
	try:
		ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
	except UnicodeError:
		return EmailResult(False, text, INVALID_DOMAIN)
	labels = ascii_domain.split(".")
	if (
		len(labels) < 2
		or not all(_LABEL_RE.match(label) for label in labels)
		or not re.match(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$", labels[-1])
	):
		return EmailResult(False, text, INVALID_DOMAIN)
	return EmailResult(True, text)


def normalise_name(raw: str | None) -> str:
	"""Trimmed, inner whitespace collapsed, full-width Latin/digits folded to half-width; CJK kept."""
	text = fold(raw).replace("\u3000", " ")
	return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------------------------------------
# Quality score
# ------------------------------------------------------------------------------------------------
MISSING = "missing"
INVALID = "invalid"


@dataclass(frozen=True)
class Rule:
	"""One key item of a record. `check` returns True (present and valid), False (invalid) or None
	(missing). `when` limits the rule to records it applies to (e.g. tax id only for B2B)."""

	key: str
	label: str
	weight: float = 1.0
	check: Callable[[Mapping], bool | None] | None = None
	when: Callable[[Mapping], bool] | None = None


@dataclass(frozen=True)
class QualityResult:
	score: int
	issues: list[tuple[str, str]] = field(default_factory=list)  # (label, MISSING | INVALID)

	@property
	def missing(self) -> list[str]:
		return [label for label, kind in self.issues if kind == MISSING]

	@property
	def invalid(self) -> list[str]:
		return [label for label, kind in self.issues if kind == INVALID]


def _present(key: str) -> Callable[[Mapping], bool | None]:
	return lambda r: True if _filled(r.get(key)) else None


def _filled(value) -> bool:
	if isinstance(value, list | tuple | set):
		return any(_filled(v) for v in value)
	return value not in (None, "") and not (isinstance(value, str) and not value.strip())


def _values(value) -> list[str]:
	if isinstance(value, list | tuple | set):
		return [str(v) for v in value if _filled(v)]
	return [str(value)] if _filled(value) else []


def _email_check(key: str) -> Callable[[Mapping], bool | None]:
	def check(r: Mapping) -> bool | None:
		values = _values(r.get(key))
		if not values:
			return None
		return all(normalise_email(v).ok for v in values)

	return check


def _phone_check(key: str) -> Callable[[Mapping], bool | None]:
	def check(r: Mapping) -> bool | None:
		values = _values(r.get(key))
		if not values:
			return None
		region = r.get("region")
		return all(normalise_phone(v, region).ok for v in values)

	return check


def _any_of(*checks: Callable[[Mapping], bool | None]) -> Callable[[Mapping], bool | None]:
	def check(r: Mapping) -> bool | None:
		results = [c(r) for c in checks]
		if any(x is True for x in results):
			return True
		if any(x is False for x in results):
			return False
		return None

	return check


# Record dicts the rules read (built by customer_360/data_quality.py):
#   Customer: name, territory, customer_group, primary_contact, email, phone, address, tax_id,
#             industry, is_b2b, region
#   Contact:  name, email (list), phone (list), customer (links), region
#   Lead:     name, email, phone (list), source, territory, region
RULES: dict[str, tuple[Rule, ...]] = {
	"Customer": (
		Rule("name", "Name", 2, _present("name")),
		Rule("territory", "Territory", 1, _present("territory")),
		Rule("customer_group", "Customer Group", 1, _present("customer_group")),
		Rule("primary_contact", "Primary Contact", 1, _present("primary_contact")),
		Rule("email", "Email", 1.5, _email_check("email")),
		Rule("phone", "Phone", 1.5, _phone_check("phone")),
		Rule("address", "Address", 1, _present("address")),
		Rule("tax_id", "Tax ID", 1, _present("tax_id"), when=lambda r: bool(r.get("is_b2b"))),
		Rule("industry", "Industry", 0.5, _present("industry")),
	),
	"Contact": (
		Rule("name", "Name", 2, _present("name")),
		Rule("email", "Email", 1.5, _email_check("email")),
		Rule("phone", "Phone", 1.5, _phone_check("phone")),
		Rule("customer", "Linked Customer", 1, _present("customer")),
	),
	"Lead": (
		Rule("name", "Name", 2, _present("name")),
		Rule("email_or_phone", "Email or Phone", 2, _any_of(_email_check("email"), _phone_check("phone"))),
		Rule("source", "Source", 1, _present("source")),
		Rule("territory", "Territory", 1, _present("territory")),
	),
}


def quality_score(record: Mapping, rules: Sequence[Rule]) -> QualityResult:
	"""Weighted share (0-100, rounded half up) of applicable rules that are present and valid, and the
	items that are missing or invalid, in rule order."""
	total = earned = 0.0
	issues: list[tuple[str, str]] = []
	for rule in rules:
		if rule.when is not None and not rule.when(record):
			continue
		total += rule.weight
		result = (rule.check or _present(rule.key))(record)
		if result is True:
			earned += rule.weight
		else:
			issues.append((rule.label, MISSING if result is None else INVALID))
	score = 100 if total == 0 else int(earned * 100 / total + 0.5)
	return QualityResult(score, issues)


def format_issues(result: QualityResult) -> str:
	"""'Missing: Territory, Tax ID; Invalid: Phone' (English; the stored summary uses labels only)."""
	parts = []
	if result.missing:
		parts.append("Missing: " + ", ".join(result.missing))
	if result.invalid:
		parts.append("Invalid: " + ", ".join(result.invalid))
	return "; ".join(parts)
