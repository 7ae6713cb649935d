"""Data quality on save: normalise phones, emails and names; score completeness; warn on duplicates.

Runs in the `validate` doc event of Customer, Contact and Lead (after the controller's own validate).
Cheap by design: settings and the default region come from the document cache; the only query is the
indexed duplicate lookup on insert. Values that were already stored and are still unchanged are never
blocked (legacy data must not make a record unsaveable); only new or edited values are checked.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, get_link_to_form

from crm_suite.crm_suite.doctype.crms_settings.crms_settings import get_settings
from crm_suite.engine import dedupe
from crm_suite.engine import quality as q

TITLE_FIELD = {"Customer": "customer_name", "Contact": "full_name", "Lead": "lead_name"}


def reason_text(code: str | None) -> str:
	return {
		q.EMPTY: _("it is empty"),
		q.NOT_A_NUMBER: _("it is not a phone number"),
		q.INVALID_COUNTRY_CODE: _("its country code is unknown"),
		q.TOO_SHORT: _("it is too short"),
		q.TOO_LONG: _("it is too long"),
		q.NO_REGION: _("it has no +country code and no default phone region is set"),
		q.INVALID_NUMBER: _("it is not a valid number for its country"),
		q.MISSING_AT: _("it must contain exactly one @ and no spaces"),
		q.INVALID_LOCAL_PART: _("the part before the @ is invalid"),
		q.INVALID_DOMAIN: _("the domain after the @ is invalid"),
		q.EMAIL_TOO_LONG: _("it is longer than 254 characters"),
	}.get(code, _("it is invalid"))


def default_region() -> str | None:
	"""ISO code of CRMS Settings' default phone region, else of the default company's country."""
	country = get_settings().default_phone_region
	if not country:
		from erpnext import get_default_company

		company = get_default_company()
		country = company and frappe.get_cached_value("Company", company, "country")
	code = country and frappe.get_cached_value("Country", country, "code")
	return code.upper() if code else None


class Checker:
	"""Normalises fields of one document (and its child rows) in place and collects the errors."""

	def __init__(self, doc):
		self.doc = doc
		self.region = default_region()
		self.errors: list[str] = []
		self.before = None if doc.is_new() else doc.get_doc_before_save()

	def _old_values(self, fieldname: str, table: str | None = None) -> set:
		if not self.before:
			return set()
		if table:
			return {row.get(fieldname) for row in self.before.get(table) or []}
		return {self.before.get(fieldname)}

	def _label(self, row, fieldname: str, table: str | None) -> str:
		label = _(row.meta.get_label(fieldname))
		if table:
			return _("{0} in row {1} of {2}").format(label, row.idx, _(self.doc.meta.get_label(table)))
		return label

	def check(self, kind: str, fieldname: str, table: str | None = None) -> None:
		rows = self.doc.get(table) or [] if table else [self.doc]
		old = self._old_values(fieldname, table)
		for row in rows:
			raw = row.get(fieldname)
			if not raw:
				continue
			result = q.normalise_phone(raw, self.region) if kind == "phone" else q.normalise_email(raw)
			if result.ok:
				if result.value != raw:
					row.set(fieldname, result.value)
			elif raw not in old:
				self.errors.append(
					_('{0} "{1}" is not a valid {2}: {3}.').format(
						self._label(row, fieldname, table),
						escape_html(raw),
						_("phone number") if kind == "phone" else _("email address"),
						reason_text(result.reason),
					)
				)

	def names(self, *fieldnames: str) -> None:
		for fieldname in fieldnames:
			value = self.doc.get(fieldname)
			if value and isinstance(value, str):
				clean = q.normalise_name(value)
				if clean != value:
					self.doc.set(fieldname, clean)

	def report(self) -> None:
		if not self.errors:
			return
		message = "<br>".join(self.errors)
		if get_settings().invalid_contact_data == "Block":
			frappe.throw(message, title=_("Invalid Contact Data"))
		frappe.msgprint(
			message + "<br>" + _("The values were saved unchanged; please correct them."),
			title=_("Invalid Contact Data"),
			indicator="orange",
		)


# ---------------------------------------------------------------------------------------------
# doc_events
# ---------------------------------------------------------------------------------------------
def validate_customer(doc, method=None):
	c = Checker(doc)
	c.names("customer_name")
	c.check("email", "email_id")
	c.check("phone", "mobile_no")
	c.report()
	is_b2b = doc.get("crms_customer_type") == "B2B" or (
		not doc.get("crms_customer_type") and doc.customer_type == "Company"
	)
	record = {
		"name": doc.customer_name,
		"territory": doc.territory,
		"customer_group": doc.customer_group,
		"primary_contact": doc.customer_primary_contact,
		"email": doc.email_id,
		"phone": doc.mobile_no,
		"address": doc.customer_primary_address,
		"tax_id": doc.tax_id,
		"industry": doc.industry,
		"is_b2b": is_b2b,
		"region": c.region,
	}
	_store_score(doc, record, [doc.mobile_no], [doc.email_id])
	_warn_duplicate(doc, c.region, [doc.mobile_no], [doc.email_id], tax_id=doc.tax_id)


def validate_contact(doc, method=None):
	c = Checker(doc)
	c.names("first_name", "middle_name", "last_name", "full_name", "company_name")
	c.check("email", "email_id", "email_ids")
	c.check("phone", "phone", "phone_nos")
	c.check("email", "email_id")
	c.check("phone", "phone")
	c.check("phone", "mobile_no")
	c.report()
	emails = [row.email_id for row in doc.get("email_ids") or []] or [doc.email_id]
	phones = [row.phone for row in doc.get("phone_nos") or []] or [doc.phone, doc.mobile_no]
	record = {
		"name": doc.full_name or doc.first_name,
		"email": emails,
		"phone": phones,
		"customer": [link.link_name for link in doc.get("links") or [] if link.link_doctype == "Customer"],
		"region": c.region,
	}
	_store_score(doc, record, [doc.mobile_no, doc.phone, *phones], [doc.email_id, *emails])
	_warn_duplicate(doc, c.region, phones, emails)


def validate_lead(doc, method=None):
	c = Checker(doc)
	c.names("first_name", "middle_name", "last_name", "lead_name", "company_name")
	c.check("email", "email_id")
	for fieldname in ("phone", "mobile_no", "whatsapp_no"):
		if doc.meta.has_field(fieldname):
			c.check("phone", fieldname)
	c.report()
	phones = [doc.get("mobile_no"), doc.get("phone"), doc.get("whatsapp_no")]
	record = {
		"name": doc.lead_name or doc.company_name,
		"email": doc.email_id,
		"phone": phones,
		"source": doc.source,
		"territory": doc.territory,
		"region": c.region,
	}
	_store_score(doc, record, phones, [doc.email_id])
	_warn_duplicate(doc, c.region, phones, [doc.email_id])


# ---------------------------------------------------------------------------------------------
# score and duplicate keys
# ---------------------------------------------------------------------------------------------
def issues_text(result: q.QualityResult) -> str:
	parts = []
	if result.missing:
		parts.append(_("Missing: {0}").format(", ".join(_(label) for label in result.missing)))
	if result.invalid:
		parts.append(_("Invalid: {0}").format(", ".join(_(label) for label in result.invalid)))
	return "; ".join(parts)


def _first_key(values, keyfunc) -> str | None:
	for value in values:
		key = keyfunc(value) if value else ""
		if key:
			return key
	return None


def _email_key(value: str) -> str:
	result = q.normalise_email(value)
	return result.value if result.ok else ""


def _store_score(doc, record: dict, phones: list, emails: list) -> None:
	if not doc.meta.has_field("crms_quality_score"):
		return  # custom fields not installed yet (install / migrate in progress)
	result = q.quality_score(record, q.RULES[doc.doctype])
	doc.crms_quality_score = result.score
	doc.crms_quality_issues = issues_text(result)
	doc.crms_name_key = dedupe.normalise_company_name(record["name"])[0].replace(" ", "")[:140] or None
	doc.crms_phone_key = _first_key(phones, dedupe.phone_key)
	doc.crms_email_key = _first_key(emails, _email_key)


def find_similar(doctype: str, record: dict, exclude: str | None = None, limit: int = 50) -> list[dict]:
	"""Existing records sharing an indexed key with `record` (name key prefix, phone key, email key)."""
	title = TITLE_FIELD[doctype]
	conditions, values = [], {"exclude": exclude or ""}
	if record.get("name_key"):
		values["name_prefix"] = (
			record["name_key"][:6].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
		)
		conditions.append("crms_name_key like %(name_prefix)s")
	if record.get("phone_key"):
		values["phone_key"] = record["phone_key"]
		conditions.append("crms_phone_key = %(phone_key)s")
	if record.get("email_key"):
		values["email_key"] = record["email_key"]
		conditions.append("crms_email_key = %(email_key)s")
	if not conditions:
		return []
	extra = ", tax_id" if doctype == "Customer" else ""
	rows = frappe.db.sql(
		f"""select name, `{title}` as title, crms_phone_key, crms_email_key{extra}
		from `tab{doctype}` where ({" or ".join(conditions)}) and name != %(exclude)s
		order by name limit {int(limit)}""",
		values,
		as_dict=True,
	)
	return [
		{
			"id": row.name,
			"name": row.title,
			"phones": [row.crms_phone_key] if row.crms_phone_key else [],
			"emails": [row.crms_email_key] if row.crms_email_key else [],
			"tax_id": row.get("tax_id"),
			"title": row.title,
		}
		for row in rows
	]


def warn_on_duplicate_enabled(settings) -> bool:
	"""get_settings() replaces a stored 0 by the field's default (1), so a Check switched off would read
	as on: an explicitly stored value wins here; only a never-saved field falls back to the default."""
	stored = frappe.get_cached_doc("CRMS Settings").get("warn_on_duplicate")
	return bool(settings.warn_on_duplicate) if stored is None else bool(int(stored))


def _warn_duplicate(doc, region, phones: list, emails: list, tax_id: str | None = None) -> None:
	if not doc.is_new() or doc.flags.crms_skip_duplicate_check or frappe.flags.in_import:
		return
	if not doc.meta.has_field("crms_name_key"):
		return
	settings = get_settings()
	if not warn_on_duplicate_enabled(settings):
		return
	record = {
		"name_key": doc.crms_name_key,
		"phone_key": doc.crms_phone_key,
		"email_key": doc.crms_email_key,
	}
	others = find_similar(doc.doctype, record, exclude=doc.name)
	if not others:
		return
	new = {
		"id": "",
		"name": doc.get(TITLE_FIELD[doc.doctype]) or doc.get("company_name"),
		"phones": [p for p in phones if p],
		"emails": [e for e in emails if e],
		"tax_id": tax_id,
	}
	matches = dedupe.best_matches(new, others, threshold=float(settings.duplicate_threshold or 85), limit=3)
	if not matches:
		return
	titles = {o["id"]: o["title"] for o in others}
	lines = []
	for m in matches:
		other = m.b if m.a.startswith("\x00") else m.a
		lines.append(
			_("{0} (score {1}%)").format(
				get_link_to_form(doc.doctype, other, escape_html(titles.get(other) or other)), int(m.total)
			)
		)
	doc.flags.crms_possible_duplicates = [m.b if m.a.startswith("\x00") else m.a for m in matches]
	frappe.msgprint(
		_("This {0} probably duplicates an existing one:").format(_(doc.doctype))
		+ "<br>"
		+ "<br>".join(lines),
		title=_("Possible Duplicate"),
		indicator="orange",
	)
