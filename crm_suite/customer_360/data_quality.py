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
from crm_suite.customer_360.duplicates import (
	CROSS_DOCTYPES,
	CROSS_MODEL,
	ID_SEP,
	review_threshold,
	stored_model,
)
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
	record, phones, emails = customer_record(doc, c.region)
	_store_score(doc, record, phones, emails)
	_warn_duplicate(doc, c.region, phones, emails, tax_id=doc.tax_id)


def validate_contact(doc, method=None):
	c = Checker(doc)
	c.names("first_name", "middle_name", "last_name", "full_name", "company_name")
	c.check("email", "email_id", "email_ids")
	c.check("phone", "phone", "phone_nos")
	c.check("email", "email_id")
	c.check("phone", "phone")
	c.check("phone", "mobile_no")
	c.report()
	record, phones, emails = contact_record(
		doc,
		[row.email_id for row in doc.get("email_ids") or []],
		[row.phone for row in doc.get("phone_nos") or []],
		[link.link_name for link in doc.get("links") or [] if link.link_doctype == "Customer"],
		c.region,
	)
	_store_score(doc, record, phones, emails)
	_warn_duplicate(doc, c.region, phones, emails)


def validate_lead(doc, method=None):
	c = Checker(doc)
	c.names("first_name", "middle_name", "last_name", "lead_name", "company_name")
	c.check("email", "email_id")
	for fieldname in ("phone", "mobile_no", "whatsapp_no"):
		if doc.meta.has_field(fieldname):
			c.check("phone", fieldname)
	c.report()
	record, phones, emails = lead_record(doc, c.region)
	_store_score(doc, record, phones, emails)
	_warn_duplicate(doc, c.region, phones, emails)


# ---------------------------------------------------------------------------------------------
# records the quality rules read (crm_suite/engine/quality.py RULES), from a document or a row
# ---------------------------------------------------------------------------------------------
def customer_record(d, region) -> tuple[dict, list, list]:
	is_b2b = d.get("crms_customer_type") == "B2B" or (
		not d.get("crms_customer_type") and d.get("customer_type") == "Company"
	)
	record = {
		"name": d.get("customer_name"),
		"territory": d.get("territory"),
		"customer_group": d.get("customer_group"),
		"primary_contact": d.get("customer_primary_contact"),
		"email": d.get("email_id"),
		"phone": d.get("mobile_no"),
		"address": d.get("customer_primary_address"),
		"tax_id": d.get("tax_id"),
		"industry": d.get("industry"),
		"is_b2b": is_b2b,
		"region": region,
	}
	return record, [d.get("mobile_no")], [d.get("email_id")]


def contact_record(d, emails: list, phones: list, customers: list, region) -> tuple[dict, list, list]:
	emails = [e for e in emails if e] or [d.get("email_id")]
	phones = [p for p in phones if p] or [d.get("phone"), d.get("mobile_no")]
	record = {
		"name": d.get("full_name") or d.get("first_name"),
		"email": emails,
		"phone": phones,
		"customer": customers,
		"region": region,
	}
	return record, [d.get("mobile_no"), d.get("phone"), *phones], [d.get("email_id"), *emails]


def lead_record(d, region) -> tuple[dict, list, list]:
	phones = [d.get("mobile_no"), d.get("phone"), d.get("whatsapp_no")]
	record = {
		"name": d.get("lead_name") or d.get("company_name"),
		"email": d.get("email_id"),
		"phone": phones,
		"source": d.get("source"),
		"territory": d.get("territory"),
		"region": region,
	}
	return record, phones, [d.get("email_id")]


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


def quality_values(doctype: str, record: dict, phones: list, emails: list) -> dict:
	"""The stored quality fields: score, issues and the three duplicate keys."""
	result = q.quality_score(record, q.RULES[doctype])
	return {
		"crms_quality_score": result.score,
		"crms_quality_issues": issues_text(result),
		# never NULL once scored: NULL marks a record the backfill has not reached yet
		"crms_name_key": dedupe.normalise_company_name(record["name"])[0].replace(" ", "")[:140],
		"crms_phone_key": _first_key(phones, dedupe.phone_key),
		"crms_email_key": _first_key(emails, _email_key),
	}


def _store_score(doc, record: dict, phones: list, emails: list) -> None:
	if not doc.meta.has_field("crms_quality_score"):
		return  # custom fields not installed yet (install / migrate in progress)
	doc.update(quality_values(doc.doctype, record, phones, emails))


# ---------------------------------------------------------------------------------------------
# backfill: records saved before this existed (or bulk-inserted) get their score and keys
# ---------------------------------------------------------------------------------------------
BACKFILL_COLUMNS = {
	"Customer": (
		"name, customer_name, customer_type, crms_customer_type, territory, customer_group, "
		"customer_primary_contact, email_id, mobile_no, customer_primary_address, tax_id, industry"
	),
	"Contact": "name, full_name, first_name, email_id, phone, mobile_no",
	"Lead": "name, lead_name, company_name, email_id, phone, mobile_no, whatsapp_no, source, territory",
}


def backfill(doctype: str, batch: int = 20000) -> int:
	"""Score up to `batch` records never scored (crms_name_key IS NULL); set-based reads, chunked
	UPDATE ... CASE writes. Returns how many were scored."""
	columns = BACKFILL_COLUMNS[doctype]
	if doctype == "Customer" and not frappe.get_meta("Customer").has_field("crms_customer_type"):
		columns = columns.replace("crms_customer_type, ", "")
	rows = frappe.db.sql(
		f"select {columns} from `tab{doctype}` where crms_name_key is null order by name limit %(batch)s",
		{"batch": int(batch)},
		as_dict=True,
	)
	if not rows:
		return 0
	region = default_region()
	children: dict[str, dict[str, list]] = {"emails": {}, "phones": {}, "customers": {}}
	if doctype == "Contact":
		names = [r.name for r in rows]
		for table, field, key, extra in (
			("Contact Email", "email_id", "emails", ""),
			("Contact Phone", "phone", "phones", ""),
			("Dynamic Link", "link_name", "customers", "and link_doctype = 'Customer'"),
		):
			for parent, value in frappe.db.sql(
				f"""select parent, {field} from `tab{table}`
				where parenttype = 'Contact' and parent in %(names)s {extra} order by idx""",
				{"names": names},
			):
				children[key].setdefault(parent, []).append(value)
	values = {}
	for r in rows:
		if doctype == "Customer":
			built = customer_record(r, region)
		elif doctype == "Contact":
			built = contact_record(
				r,
				children["emails"].get(r.name, []),
				children["phones"].get(r.name, []),
				children["customers"].get(r.name, []),
				region,
			)
		else:
			built = lead_record(r, region)
		values[r.name] = quality_values(doctype, *built)
	_update_by_case(doctype, values)
	return len(values)


def _update_by_case(doctype: str, values: dict[str, dict], chunk: int = 500) -> None:
	names = list(values)
	for start in range(0, len(names), chunk):
		part = names[start : start + chunk]
		fields = list(values[part[0]])
		params: dict = {"names": part}
		sets = []
		for f in fields:
			cases = []
			for i, name in enumerate(part):
				params[f"n{i}"] = name
				params[f"{f}{i}"] = values[name][f]
				cases.append(f"when %(n{i})s then %({f}{i})s")
			sets.append(f"`{f}` = case name {' '.join(cases)} end")
		frappe.db.sql(f"update `tab{doctype}` set {', '.join(sets)} where name in %(names)s", params)


# Contacts that link only to Leads are ERPNext's mirror of a Lead (one per Lead): never "an existing
# customer", and the Lead itself is already looked up among Leads
_NOT_LEAD_ONLY_CONTACT = """(not exists (select 1 from `tabDynamic Link` dl where dl.parenttype = 'Contact'
	and dl.parent = `tabContact`.name and dl.link_doctype = 'Lead')
	or exists (select 1 from `tabDynamic Link` dl where dl.parenttype = 'Contact'
	and dl.parent = `tabContact`.name and dl.link_doctype != 'Lead'))"""


def find_similar(
	doctype: str,
	record: dict,
	exclude: str | None = None,
	limit: int = 50,
	also: dict[str, list[str]] | None = None,
) -> list[dict]:
	"""Existing records sharing an indexed key with `record` (name key prefix, phone key, email key).

	`also` maps further doctypes to the names to leave out of them (a new Lead is looked up among
	Customers and Contacts too). One query whatever the doctypes; each result carries its `doctype`."""
	conditions, values = [], {}
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
	lookups = {doctype: [exclude] if exclude else [], **(also or {})}
	branches = []
	for i, (dt, excluded) in enumerate(lookups.items()):
		values[f"exclude{i}"] = tuple(e for e in excluded if e) or ("",)
		tax_id = "tax_id" if dt == "Customer" else "null"
		extra = f" and {_NOT_LEAD_ONLY_CONTACT}" if dt == "Contact" and doctype != "Contact" else ""
		# one branch per key, so each uses its own index (an OR over three columns, or ORDER BY name,
		# lets the optimiser walk the primary key instead: a scan on a large table)
		branches.extend(
			f"""(select {frappe.db.escape(dt)} as doctype, name, `{TITLE_FIELD[dt]}` as title, crms_phone_key,
			crms_email_key, {tax_id} as tax_id
			from `tab{dt}` where {condition} and name not in %(exclude{i})s{extra} limit {int(limit)})"""
			for condition in conditions
		)
	rows = frappe.db.sql(" union ".join(branches), values, as_dict=True)
	out, per_doctype = [], {}
	for row in sorted(rows, key=lambda r: (r.doctype, r.name)):
		per_doctype[row.doctype] = per_doctype.get(row.doctype, 0) + 1
		if per_doctype[row.doctype] > limit:
			continue
		out.append(
			{
				"doctype": row.doctype,
				"id": row.name,
				"name": row.title,
				"phones": [row.crms_phone_key] if row.crms_phone_key else [],
				"emails": [row.crms_email_key] if row.crms_email_key else [],
				"tax_id": row.tax_id,
				"title": row.title,
			}
		)
	return out


def warn_on_duplicate_enabled(settings) -> bool:
	return bool(settings.warn_on_duplicate)


def _cross_lookups(doc) -> dict[str, list[str]]:
	"""Other doctypes a new `doc` is looked up in, with the names to leave out: a new Lead among
	Customers and Contacts, except the Customer it names and the Contact ERPNext just created for it."""
	excluded = {
		"Customer": [doc.get("customer")] if doc.meta.has_field("customer") else [],
		"Contact": [getattr(getattr(doc, "contact_doc", None), "name", None)],
	}
	return {dt: excluded.get(dt, []) for dt in CROSS_DOCTYPES.get(doc.doctype, ())}


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
	others = find_similar(doc.doctype, record, exclude=doc.name, also=_cross_lookups(doc))
	if not others:
		return
	new = {
		"id": "",
		"name": doc.get(TITLE_FIELD[doc.doctype]) or doc.get("company_name"),
		"phones": [p for p in phones if p],
		"emails": [e for e in emails if e],
		"tax_id": tax_id,
	}
	threshold = review_threshold(settings)
	by_doctype: dict[str, list[dict]] = {}
	for other in others:
		by_doctype.setdefault(other["doctype"], []).append(
			{**other, "id": other["doctype"] + ID_SEP + other["id"]}
		)
	matches = []
	for dt, candidates in by_doctype.items():
		# same doctype: that doctype's fitted model; a Lead against Customers / Contacts: the cross model
		model = stored_model(dt if dt == doc.doctype else CROSS_MODEL, settings)
		matches.extend(dedupe.best_matches(new, candidates, threshold=threshold, limit=3, model=model))
	if not matches:
		return
	matches.sort(key=lambda m: (-m.total, m.a, m.b))
	matches = matches[:3]
	titles = {o["doctype"] + ID_SEP + o["id"]: o["title"] for o in others}
	found, lines = [], []
	for m in matches:
		other = m.b if m.a.startswith("\x00") else m.a
		dt, name = other.split(ID_SEP, 1)
		found.append((dt, name))
		link = get_link_to_form(dt, name, escape_html(titles.get(other) or name))
		lines.append(
			_("{0} (match probability {1}%)").format(link, int(m.total))
			if dt == doc.doctype
			else _("{0} {1} (match probability {2}%)").format(_(dt), link, int(m.total))
		)
	doc.flags.crms_possible_duplicates = [name for _dt, name in found]
	doc.flags.crms_possible_duplicate_records = found
	frappe.msgprint(
		_("This {0} probably duplicates an existing one:").format(_(doc.doctype))
		+ "<br>"
		+ "<br>".join(lines),
		title=_("Possible Duplicate"),
		indicator="orange",
	)
