"""Duplicate finder over Customers, Contacts and Leads, and the review actions that resolve a candidate.

- `run_scan` loads each doctype set-based (one query per table, no get_doc), runs the Fellegi-Sunter
  engine (crm_suite/engine/dedupe.py), which fits its m/u probabilities on the site's own records,
  stores the fitted model per doctype in CRMS Settings and bulk-inserts new CRMS Duplicate Candidate
  rows. Leads are also scored against Customers and Contacts (a new Lead that is an existing customer).
  The candidate's unique `key` (doctypes + pair) means reruns never duplicate a candidate and never
  reopen one a reviewer closed; a reviewer can reopen it (`reopen`).
- `merge` uses Frappe's rename-merge, so every Link and Dynamic Link (Sales Invoices, Issues,
  Contacts' links, ...) moves to the survivor; a merged Contact's links, phones and emails move to
  the surviving Contact first. Pre-checks refuse what ERPNext forbids, and the whole merge runs under a
  savepoint so a failure leaves nothing half-done. Each merge writes a CRMS Merge Log.
- A Lead matching a Customer or Contact is not merged (different doctypes): `link_lead` records the
  link on the Lead and closes the candidate as Linked.
"""

import functools
import json

import frappe
from frappe import _
from frappe.utils import escape_html, flt, get_link_to_form, now_datetime

from crm_suite.crm_suite.doctype.crms_settings.crms_settings import clear_settings_cache, get_settings
from crm_suite.customer_360.doctype.crms_duplicate_candidate.crms_duplicate_candidate import (
	candidate_key,
	is_cross_doctype,
)
from crm_suite.engine import dedupe

CANDIDATE = "CRMS Duplicate Candidate"
SCANNED_DOCTYPES = ("Customer", "Contact", "Lead")
# Leads are also matched against these (a new Lead that is an existing customer or contact)
CROSS_DOCTYPES = {"Lead": ("Customer", "Contact")}
# key of the model fitted on Leads + Customers + Contacts, used for cross-doctype pairs
CROSS_MODEL = "Lead/Customer/Contact"
MANAGER_ROLES = ("System Manager", "Sales Manager")
JOB_ID = "crms_duplicate_scan"
FIELD_SCORES = dedupe.FIELD_NAMES
ID_SEP = "::"


def field_labels() -> dict[str, str]:
	"""Translated labels of the engine's comparison fields."""
	return {
		"name": _("Name"),
		"phone": _("Phone"),
		"email": _("Email"),
		"tax_id": _("Tax ID"),
		"birth_date": _("Birth Date"),
		"street": _("Street"),
		"house_no": _("House Number"),
		"city": _("City"),
		"postcode": _("Postcode"),
	}


def explain(match: dedupe.Match) -> str:
	"""Per field, strongest evidence first: its comparison level and weight, e.g.
	"Name: one typo (+6.2 bits)"; one line each."""
	labels = field_labels()
	parts = sorted(match.scores.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
	return "\n".join(
		_("{0}: {1} ({2} bits)").format(labels.get(f, f), _(match.levels.get(f, "")), f"{w:+.1f}")
		for f, w in parts
	)


# ---------------------------------------------------------------------------------------------
# the match model and threshold stored in CRMS Settings
# ---------------------------------------------------------------------------------------------
def review_threshold(settings=None) -> float:
	"""CRMS Settings' Duplicate Review Threshold (a percent) as a match probability (0..1)."""
	settings = settings or get_settings()
	return flt(settings.duplicate_threshold or dedupe.DEFAULT_THRESHOLD * 100) / 100


@functools.lru_cache(maxsize=8)
def _parse_models(text: str) -> dict[str, dedupe.Model]:
	try:
		data = json.loads(text)
	except ValueError:
		return {}
	if not isinstance(data, dict):
		return {}
	return {key: dedupe.Model.from_dict(value) for key, value in data.items() if isinstance(value, dict)}


def stored_model(key: str, settings=None) -> dedupe.Model:
	"""The model the last scan fitted for `key` (a doctype or CROSS_MODEL); the built-in priors if none.
	Parsed once per stored JSON (the settings come from the cache), so an insert pays no query."""
	text = (settings or get_settings()).duplicate_model
	model = _parse_models(text).get(key) if text else None
	return model or dedupe.Model.default()


def store_models(models: dict[str, dedupe.Model]) -> None:
	"""Save fitted models by key, keeping the stored ones of doctypes this scan did not cover."""
	try:
		current = json.loads(frappe.db.get_single_value("CRMS Settings", "duplicate_model") or "{}")
	except ValueError:
		current = {}
	if not isinstance(current, dict):
		current = {}
	current.update({key: model.to_dict() for key, model in models.items()})
	frappe.db.set_single_value(
		"CRMS Settings",
		{
			"duplicate_model": json.dumps(current, indent=1, sort_keys=True),
			"duplicate_model_updated": now_datetime(),
		},
		update_modified=False,
	)
	clear_settings_cache()


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
def _record(name, title, phones=(), emails=(), tax_id=None, address=None, **structured) -> dict:
	line = " ".join(
		x for x in (structured.pop("address_line1", None), structured.pop("address_line2", None)) if x
	)
	return {
		"id": name,
		"name": title or name,
		"phones": [p for p in phones if p],
		"emails": [e for e in emails if e],
		"tax_id": tax_id,
		# free text only when there is no structured line (the engine cannot tell a postcode from a
		# house number in free text)
		"address": None if line else address,
		"address_line": line or None,
		"city": structured.get("city") or None,
		"postcode": structured.get("pincode") or None,
		"birth_date": str(structured["birth_date"]) if structured.get("birth_date") else None,
	}


def _names_filter(column: str, names) -> tuple[str, dict]:
	if names is None:
		return "", {}
	return f" and {column} in %(names)s", {"names": tuple(names) or ("",)}


def load_records(doctype: str, names: list[str] | None = None) -> list[dict]:
	"""Plain dicts for the engine, set-based (a fixed number of queries whatever the row count).

	Customers bring their primary Address, Contacts their birthday and linked Address, Leads their city
	(and postcode where the site has one). `names` limits the load to these records (and then includes
	disabled Customers and converted Leads)."""
	address = "a.address_line1, a.address_line2, a.city, a.pincode"
	if doctype == "Customer":
		where, params = _names_filter("c.name", names)
		rows = frappe.db.sql(
			f"""select c.name, c.customer_name, c.tax_id, c.mobile_no, c.email_id, c.primary_address,
				{address}
			from `tabCustomer` c left join `tabAddress` a on a.name = c.customer_primary_address
			where {"c.disabled = 0" if names is None else "1 = 1"}{where}""",
			params,
			as_dict=True,
		)
		extra_phones, extra_emails = {}, {}
		where, params = _names_filter("dl.link_name", names)
		for link, email, phone, mobile in frappe.db.sql(
			f"""select dl.link_name, c.email_id, c.phone, c.mobile_no
			from `tabDynamic Link` dl join `tabContact` c on c.name = dl.parent
			where dl.parenttype = 'Contact' and dl.link_doctype = 'Customer'{where}""",
			params,
		):
			extra_phones.setdefault(link, []).extend((phone, mobile))
			extra_emails.setdefault(link, []).append(email)
		return [
			_record(
				r.name,
				r.customer_name,
				[r.mobile_no, *extra_phones.get(r.name, ())],
				[r.email_id, *extra_emails.get(r.name, ())],
				r.tax_id,
				r.primary_address,
				address_line1=r.address_line1,
				address_line2=r.address_line2,
				city=r.city,
				pincode=r.pincode,
			)
			for r in rows
		]
	if doctype == "Contact":
		birthday = "c.crms_birthday" if frappe.get_meta("Contact").has_field("crms_birthday") else "null"
		where, params = _names_filter("c.name", names)
		rows = frappe.db.sql(
			f"""select c.name, c.full_name, c.first_name, c.email_id, c.phone, c.mobile_no,
				{birthday} as birth_date, {address}
			from `tabContact` c left join `tabAddress` a on a.name = c.address
			where 1 = 1{where}""",
			params,
			as_dict=True,
		)
		emails, phones = {}, {}
		where, params = _names_filter("parent", names)
		for parent, email in frappe.db.sql(
			f"select parent, email_id from `tabContact Email` where parenttype = 'Contact'{where}", params
		):
			emails.setdefault(parent, []).append(email)
		for parent, phone in frappe.db.sql(
			f"select parent, phone from `tabContact Phone` where parenttype = 'Contact'{where}", params
		):
			phones.setdefault(parent, []).append(phone)
		return [
			_record(
				r.name,
				r.full_name or r.first_name,
				[r.phone, r.mobile_no, *phones.get(r.name, ())],
				[r.email_id, *emails.get(r.name, ())],
				birth_date=r.birth_date,
				address_line1=r.address_line1,
				address_line2=r.address_line2,
				city=r.city,
				pincode=r.pincode,
			)
			for r in rows
		]
	if doctype == "Lead":
		meta = frappe.get_meta("Lead")
		optional = ", ".join(
			f if meta.has_field(f) else f"null as {f}" for f in ("whatsapp_no", "city", "pincode")
		)
		where, params = _names_filter("name", names)
		rows = frappe.db.sql(
			f"""select name, lead_name, company_name, email_id, phone, mobile_no, {optional}
			from `tabLead` where {"status != 'Converted'" if names is None else "1 = 1"}{where}""",
			params,
			as_dict=True,
		)
		return [
			_record(
				r.name,
				r.lead_name or r.company_name,
				[r.phone, r.mobile_no, r.whatsapp_no],
				[r.email_id],
				city=r.city,
				pincode=r.pincode,
			)
			for r in rows
		]
	frappe.throw(_("Duplicate scan is not available for {0}").format(_(doctype)))


def contact_lead_links() -> tuple[dict[str, set[str]], set[str]]:
	"""Contacts' links to Leads (contact -> leads) and the contacts that link only to Leads: ERPNext
	creates one such Contact per Lead, a mirror of the Lead, never an existing customer."""
	leads: dict[str, set[str]] = {}
	other: set[str] = set()
	for parent, link_doctype, link_name in frappe.db.sql(
		"""select parent, link_doctype, link_name from `tabDynamic Link`
		where parenttype = 'Contact' and parentfield = 'links'"""
	):
		if link_doctype == "Lead":
			leads.setdefault(parent, set()).add(link_name)
		else:
			other.add(parent)
	return leads, set(leads) - other


# ---------------------------------------------------------------------------------------------
# scan
# ---------------------------------------------------------------------------------------------
def nightly_scan():
	"""daily_long scheduler event: one scan on the long queue, never two at once."""
	enqueue_scan()


def enqueue_scan():
	frappe.enqueue(
		"crm_suite.customer_360.duplicates.run_scan",
		queue="long",
		timeout=3600,
		job_id=JOB_ID,
		deduplicate=True,
		now=frappe.flags.in_test,
	)


@frappe.whitelist(methods=["POST"])
def scan_now() -> str:
	# not frappe.only_for: it lets everyone through while tests run
	if set(MANAGER_ROLES).isdisjoint(frappe.get_roles()):
		frappe.throw(
			_("Only a System Manager or Sales Manager can start a duplicate scan."), frappe.PermissionError
		)
	enqueue_scan()
	return _("The duplicate scan has been queued; candidates appear in the review list when it finishes.")


def run_scan(
	doctypes: list[str] | tuple[str, ...] = SCANNED_DOCTYPES, threshold: float | None = None
) -> dict:
	"""Scan each doctype (and Leads against Customers and Contacts when Leads are scanned).

	`threshold` is a match probability (0..1); by default CRMS Settings' Duplicate Review Threshold.
	Each doctype's model is fitted by EM on its own records (the built-in priors, or the last stored
	fit, when there are too few) and stored in CRMS Settings for the on-save warning."""
	threshold = review_threshold() if threshold is None else float(threshold)
	out, models, loaded = {}, {}, {}
	from crm_suite.customer_360.data_quality import backfill

	for doctype in doctypes:
		scored = backfill(doctype)  # records never scored get their quality score and duplicate keys
		stats = dedupe.Stats()
		records = loaded[doctype] = load_records(doctype)
		titles = {(doctype, r["id"]): r["name"] for r in records}
		matches = dedupe.find_duplicates(
			records, threshold=threshold, model=stored_model(doctype), stats=stats
		)
		models[doctype] = stats.model
		out[doctype] = {
			"scored": scored,
			"records": stats.records,
			"pairs_compared": stats.pairs_compared,
			"fitted": stats.fitted,
			"matches": len(matches),
			"new_candidates": _insert_candidates(doctype, [(m.a, doctype, m.b, m) for m in matches], titles),
		}
	for doctype, others in CROSS_DOCTYPES.items():
		if doctype in doctypes:
			out[CROSS_MODEL], models[CROSS_MODEL] = _cross_scan(doctype, others, loaded, threshold)
	store_models(models)
	return out


def _cross_scan(
	doctype: str, others: tuple[str, ...], loaded: dict, threshold: float
) -> tuple[dict, dedupe.Model]:
	"""Score `doctype` (Lead) records against `others` (Customer, Contact): one engine run on the union
	with ids prefixed by doctype, keeping only the pairs of a Lead and another doctype. The model is
	fitted on the union, which holds every field (tax ids and addresses of Customers, birthdays of
	Contacts) a Lead-only fit would never see."""
	lead_contacts, lead_only = contact_lead_links() if "Contact" in others else ({}, set())
	union, titles = [], {}
	for dt in (doctype, *others):
		records = loaded.get(dt)
		if records is None:
			records = loaded[dt] = load_records(dt)
		for r in records:
			if dt == "Contact" and r["id"] in lead_only:
				continue  # a Lead's own contact mirrors a Lead: Lead-to-Lead scans cover it
			titles[(dt, r["id"])] = r["name"]
			union.append({**r, "id": f"{dt}{ID_SEP}{r['id']}"})
	stats = dedupe.Stats()
	matches = dedupe.find_duplicates(union, threshold=threshold, model=stored_model(CROSS_MODEL), stats=stats)
	pairs = []
	for m in matches:
		(dt_a, a), (dt_b, b) = (m.a.split(ID_SEP, 1), m.b.split(ID_SEP, 1))
		if (dt_a == doctype) == (dt_b == doctype):
			continue  # both Leads (scanned on their own) or neither
		lead, (other_dt, other) = (a, (dt_b, b)) if dt_a == doctype else (b, (dt_a, a))
		if other_dt == "Contact" and lead in lead_contacts.get(other, ()):
			continue  # the Lead's own contact
		pairs.append((lead, other_dt, other, m))
	result = {
		"records": stats.records,
		"pairs_compared": stats.pairs_compared,
		"fitted": stats.fitted,
		"matches": len(pairs),
		"new_candidates": _insert_candidates(doctype, pairs, titles),
	}
	return result, stats.model


def _insert_candidates(doctype: str, pairs: list[tuple], titles: dict) -> int:
	"""pairs: (record_a, record_b_doctype, record_b, match); titles: (doctype, name) -> title."""
	if not pairs:
		return 0
	existing = set(frappe.get_all(CANDIDATE, filters={"candidate_doctype": doctype}, pluck="key"))
	now, user = now_datetime(), frappe.session.user
	fields = [
		"name",
		"owner",
		"modified_by",
		"creation",
		"modified",
		"docstatus",
		"key",
		"candidate_doctype",
		"status",
		"score",
		"match_weight",
		"explanation",
		"record_a",
		"record_a_title",
		"record_b_doctype",
		"record_b",
		"record_b_title",
		*(f"{f}_score" for f in FIELD_SCORES),
	]
	values = []
	for a, b_doctype, b, m in pairs:
		key = candidate_key(doctype, a, b, b_doctype)
		if key in existing:
			continue
		existing.add(key)
		values.append(
			(
				frappe.generate_hash(length=12),
				user,
				user,
				now,
				now,
				0,
				key,
				doctype,
				"Open",
				m.total,
				m.weight,
				explain(m),
				a,
				(titles.get((doctype, a)) or "")[:140],
				b_doctype,
				b,
				(titles.get((b_doctype, b)) or "")[:140],
				*(m.scores.get(f) for f in FIELD_SCORES),
			)
		)
	if values:
		frappe.db.bulk_insert(CANDIDATE, fields, values, ignore_duplicates=True)
	return len(values)


# ---------------------------------------------------------------------------------------------
# review
# ---------------------------------------------------------------------------------------------
REOPENABLE = ("Refused", "Not a Duplicate")


def _open_candidate(candidate: str):
	doc = frappe.get_doc(CANDIDATE, candidate)
	doc.check_permission("write")
	if doc.status != "Open":
		frappe.throw(
			_("Duplicate candidate {0} was already reviewed ({1}).").format(candidate, _(doc.status)),
			title=_("Already Reviewed"),
		)
	return doc


def _mark(doc, status: str, **values) -> None:
	values.update(status=status, reviewed_by=frappe.session.user, reviewed_on=now_datetime())
	doc.db_set(values)


@frappe.whitelist(methods=["POST"])
def dismiss(candidate: str, note: str | None = None) -> str:
	doc = _open_candidate(candidate)
	_mark(doc, "Not a Duplicate", review_note=note)
	return doc.status


@frappe.whitelist(methods=["POST"])
def reopen(candidate: str) -> str:
	"""Back to Open after a dismissal or a refused merge (the scan itself never reopens a candidate)."""
	doc = frappe.get_doc(CANDIDATE, candidate)
	doc.check_permission("write")
	if doc.status not in REOPENABLE:
		frappe.throw(
			_("Only a refused or dismissed candidate can be reopened; {0} is {1}.").format(
				candidate, _(doc.status)
			)
		)
	previous = doc.status
	doc.db_set({"status": "Open", "reviewed_by": None, "reviewed_on": None, "review_note": None})
	doc.add_comment("Info", _("Reopened (was {0}).").format(_(previous)))
	return doc.status


@frappe.whitelist(methods=["POST"])
def link_lead(candidate: str) -> dict:
	"""A Lead matched with an existing Customer or Contact: note the link on the Lead (and set the Lead's
	Customer when it has none), close the candidate as Linked with that record as survivor. Nothing is
	merged or deleted, and the Lead's status is left alone (it was not converted)."""
	doc = _open_candidate(candidate)
	if not doc.is_cross_doctype():
		frappe.throw(
			_(
				"Only a Lead matched with a Customer or Contact can be linked; merge records of one type instead."
			)
		)
	lead_doctype, lead, other_doctype, other = (
		doc.candidate_doctype,
		doc.record_a,
		doc.record_b_doctype,
		doc.record_b,
	)
	for dt, name in ((lead_doctype, lead), (other_doctype, other)):
		if not frappe.db.exists(dt, name):
			frappe.throw(_("{0} {1} does not exist any more.").format(_(dt), name))
	frappe.has_permission(lead_doctype, "write", doc=lead, throw=True)
	frappe.has_permission(other_doctype, "read", doc=other, throw=True)
	lead_doc = frappe.get_doc(lead_doctype, lead)
	if other_doctype == "Customer" and lead_doc.meta.has_field("customer") and not lead_doc.get("customer"):
		lead_doc.db_set("customer", other)
	lead_doc.add_comment(
		"Info",
		_("Linked to the existing {0} {1} in duplicate review.").format(
			_(other_doctype), get_link_to_form(other_doctype, other)
		),
	)
	_mark(doc, "Linked", survivor=other)
	return {"status": "Linked", "doctype": other_doctype, "linked_to": other}


def merge_blockers(doctype: str, merged: str, survivor: str) -> list[str]:
	"""Why ERPNext (or common sense) forbids merging `merged` into `survivor`; empty when allowed."""
	if merged == survivor:
		return [_("A record cannot be merged into itself.")]
	reasons = []
	for name in (merged, survivor):
		if not frappe.db.exists(doctype, name):
			reasons.append(_("{0} {1} does not exist any more.").format(_(doctype), name))
	if reasons or doctype != "Customer":
		return reasons
	rows = {
		r.name: r
		for r in frappe.get_all(
			"Customer",
			filters={"name": ["in", [merged, survivor]]},
			fields=["name", "disabled", "default_currency"],
		)
	}
	for name in (merged, survivor):
		if rows[name].disabled:
			reasons.append(_("Customer {0} is disabled; enable it before merging.").format(name))
	cur_a, cur_b = rows[merged].default_currency, rows[survivor].default_currency
	if cur_a and cur_b and cur_a != cur_b:
		reasons.append(
			_("Customers {0} and {1} have different default currencies ({2} and {3}).").format(
				merged, survivor, cur_a, cur_b
			)
		)
	accounts: dict[str, dict[str, str]] = {}
	for r in frappe.get_all(
		"Party Account",
		filters={"parenttype": "Customer", "parent": ["in", [merged, survivor]]},
		fields=["parent", "company", "account"],
	):
		if r.account:
			accounts.setdefault(r.company, {})[r.parent] = r.account
	for company, by_customer in sorted(accounts.items()):
		if len(set(by_customer.values())) > 1:
			reasons.append(
				_("Customers {0} and {1} use different receivable accounts for company {2}.").format(
					merged, survivor, company
				)
			)
	# ERPNext books each party's ledger in one currency: different ledger currencies cannot merge.
	ledger = frappe.db.sql(
		"""select distinct account_currency from `tabGL Entry`
		where party_type = 'Customer' and party in %(parties)s and is_cancelled = 0""",
		{"parties": (merged, survivor)},
	)
	if len(ledger) > 1:
		reasons.append(
			_("Customers {0} and {1} have transactions in different currencies ({2}).").format(
				merged, survivor, ", ".join(sorted(r[0] for r in ledger if r[0]))
			)
		)
	return reasons


# child tables of a Contact that a rename-merge would delete with the merged Contact:
# (fieldname, child doctype, value columns, primary flag -> the Contact field it fills)
CONTACT_CHILDREN = (
	("links", "Dynamic Link", ("link_doctype", "link_name"), {}),
	(
		"phone_nos",
		"Contact Phone",
		("phone",),
		{"is_primary_phone": "phone", "is_primary_mobile_no": "mobile_no"},
	),
	("email_ids", "Contact Email", ("email_id",), {"is_primary": "email_id"}),
)


def _child_key(fieldname: str, row) -> tuple | str:
	if fieldname == "links":
		return (row.link_doctype, row.link_name)
	if fieldname == "phone_nos":
		return dedupe.phone_key(row.phone) or (row.phone or "").strip()
	return (row.email_id or "").strip().lower()


def move_contact_children(merged: str, survivor: str) -> dict[str, int]:
	"""Move the merged Contact's links, phones and emails to the survivor unless it already has them
	(same link pair, same phone by its last 8 digits, same email ignoring case). A moved row keeps its
	primary flag only where the survivor has no primary of that kind (and then fills the survivor's
	field). Rows are re-parented, not copied: what stays behind is deleted with the merged Contact."""
	moved: dict[str, int] = {}
	survivor_values = frappe.db.get_value(
		"Contact", survivor, ["email_id", "phone", "mobile_no"], as_dict=True
	)
	contact_updates = {}
	for fieldname, child, columns, flags in CONTACT_CHILDREN:
		table = frappe.qb.DocType(child)
		rows = (
			frappe.qb.from_(table)
			.select(
				table.name, table.parent, table.idx, *(table[c] for c in columns), *(table[f] for f in flags)
			)
			.where(
				(table.parenttype == "Contact")
				& (table.parentfield == fieldname)
				& table.parent.isin([merged, survivor])
			)
			.orderby(table.idx)
			.run(as_dict=True)
		)
		own = [r for r in rows if r.parent == survivor]
		seen = {_child_key(fieldname, r) for r in own}
		has_primary = {f for f in flags if any(r.get(f) for r in own)}
		idx = max((r.idx or 0 for r in own), default=0)
		count = 0
		for r in rows:
			key = _child_key(fieldname, r)
			if r.parent != merged or not key or key in seen:
				continue
			seen.add(key)
			idx += 1
			values = {"parent": survivor, "idx": idx}
			for flag, contact_field in flags.items():
				if r.get(flag) and flag not in has_primary:
					has_primary.add(flag)
					if not survivor_values.get(contact_field):
						contact_updates[contact_field] = r.get(columns[0])
				else:
					values[flag] = 0
			frappe.db.set_value(child, r.name, values, update_modified=False)
			count += 1
		moved[fieldname] = count
	if contact_updates:
		frappe.db.set_value("Contact", survivor, contact_updates, update_modified=False)
	frappe.clear_document_cache("Contact", survivor)
	return moved


def _drop_stale_candidates(doctype: str, merged: str, keep: str) -> None:
	"""Open candidates naming the merged record are stale (rename-merge would repoint them to the
	survivor under the merged record's key): the next scan pairs the survivor afresh."""
	for filters in (
		{"candidate_doctype": doctype, "record_a": merged},
		{"record_b_doctype": doctype, "record_b": merged},
	):
		frappe.db.delete(CANDIDATE, {**filters, "status": "Open", "name": ["!=", keep]})


@frappe.whitelist(methods=["POST"])
def merge(candidate: str, survivor: str) -> dict:
	"""Merge the other record of `candidate` into `survivor` with Frappe's rename-merge."""
	doc = _open_candidate(candidate)
	doctype = doc.candidate_doctype
	if doc.is_cross_doctype():
		frappe.throw(
			_("A {0} and a {1} cannot be merged; link the {0} to the existing {1} instead.").format(
				_(doctype), _(doc.record_b_doctype)
			)
		)
	if survivor not in (doc.record_a, doc.record_b):
		frappe.throw(_("{0} is not one of the records of this candidate.").format(survivor))
	merged = doc.record_b if survivor == doc.record_a else doc.record_a
	for ptype in ("write", "delete"):
		if not frappe.has_permission(doctype, ptype):
			frappe.throw(
				_("You need write and delete permission on {0} to merge records.").format(_(doctype)),
				frappe.PermissionError,
			)
	reasons = merge_blockers(doctype, merged, survivor)
	if reasons:
		message = _("Merge of {0} into {1} refused:").format(merged, survivor) + "<br>" + "<br>".join(reasons)
		_mark(doc, "Refused", review_note="\n".join(frappe.utils.strip_html(r) for r in reasons))
		frappe.msgprint(message, title=_("Merge Refused"), indicator="red")
		return {"merged": False, "status": "Refused", "reasons": reasons}

	for name in (merged, survivor):
		frappe.has_permission(doctype, "write", doc=name, throw=True)
	frappe.has_permission(doctype, "delete", doc=merged, throw=True)
	snapshot = frappe.get_doc(doctype, merged).as_dict(no_nulls=True)
	savepoint = "crms_merge"
	frappe.db.savepoint(savepoint)
	try:
		_drop_stale_candidates(doctype, merged, keep=doc.name)
		moved = move_contact_children(merged, survivor) if doctype == "Contact" else {}
		frappe.rename_doc(doctype, merged, survivor, merge=True, show_alert=False, rebuild_search=False)
		log = frappe.get_doc(
			{
				"doctype": "CRMS Merge Log",
				"merged_doctype": doctype,
				"merged_record": merged,
				"survivor": survivor,
				"candidate": doc.name,
				"merged_by": frappe.session.user,
				"merged_on": now_datetime(),
				"score": doc.score,
				"snapshot": json.dumps(snapshot, default=str, indent=1, sort_keys=True),
				"scores": json.dumps(
					{
						"total": doc.score,
						"weight": doc.match_weight,
						**{f: doc.get(f"{f}_score") for f in FIELD_SCORES},
						**({"moved": moved} if moved else {}),
					},
					sort_keys=True,
				),
			}
		).insert(ignore_permissions=True)
		# rename-merge repoints this candidate's Dynamic Links to the survivor: keep the pair as reviewed
		_mark(
			doc, "Merged", survivor=survivor, merge_log=log.name, record_a=doc.record_a, record_b=doc.record_b
		)
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		raise
	frappe.msgprint(_("{0} was merged into {1}.").format(merged, survivor), indicator="green", alert=True)
	return {"merged": True, "status": "Merged", "survivor": survivor, "merge_log": log.name}


# ---------------------------------------------------------------------------------------------
# side-by-side view
# ---------------------------------------------------------------------------------------------
# (fieldname, label): a field of the doctype, or one of RECORD_FIELDS taken from the engine's record
# (the primary / linked Address, the Contact's birthday)
COMPARE_FIELDS = {
	"Customer": (
		("customer_name", "Name"),
		("customer_type", "Customer Type"),
		("territory", "Territory"),
		("customer_group", "Customer Group"),
		("mobile_no", "Phone"),
		("email_id", "Email"),
		("tax_id", "Tax ID"),
		("address_line", "Address Line"),
		("city", "City"),
		("postcode", "Postcode"),
		("default_currency", "Currency"),
		("crms_quality_score", "Quality Score"),
	),
	"Contact": (
		("full_name", "Name"),
		("company_name", "Company"),
		("email_id", "Email"),
		("phone", "Phone"),
		("mobile_no", "Mobile"),
		("birth_date", "Birth Date"),
		("address_line", "Address Line"),
		("city", "City"),
		("postcode", "Postcode"),
		("crms_quality_score", "Quality Score"),
	),
	"Lead": (
		("lead_name", "Name"),
		("company_name", "Company"),
		("email_id", "Email"),
		("phone", "Phone"),
		("mobile_no", "Mobile"),
		("city", "City"),
		("postcode", "Postcode"),
		("source", "Source"),
		("territory", "Territory"),
		("crms_quality_score", "Quality Score"),
	),
}
RECORD_FIELDS = ("address_line", "city", "postcode", "birth_date")
# compared field -> the engine comparisons whose weights (bits) its row shows, summed
SCORE_OF = {
	"customer_name": ("name",),
	"full_name": ("name",),
	"lead_name": ("name",),
	"mobile_no": ("phone",),
	"phone": ("phone",),
	"email_id": ("email",),
	"tax_id": ("tax_id",),
	"birth_date": ("birth_date",),
	"address_line": ("street", "house_no"),
	"city": ("city",),
	"postcode": ("postcode",),
}


def _side_values(doctype: str, name: str, fields: list[str]) -> dict:
	if not (frappe.db.exists(doctype, name) and frappe.has_permission(doctype, "read", doc=name)):
		return {}
	own = [f for f in fields if f not in RECORD_FIELDS]
	values = dict(frappe.db.get_value(doctype, name, own, as_dict=True) or {}) if own else {}
	if any(f in RECORD_FIELDS for f in fields):
		record = next(iter(load_records(doctype, [name])), {})
		values.update({f: record.get(f) for f in RECORD_FIELDS if f in fields})
	return values


def _row_score(doc, fieldname: str | None) -> float | None:
	"""The row's evidence in bits; None when there is none (the weight columns store 0 for a field
	missing on either side, which is also what 0 bits means)."""
	total = sum(doc.get(f"{f}_score") or 0 for f in SCORE_OF.get(fieldname, ()))
	return round(total, 2) if total else None


@frappe.whitelist()
def get_comparison(candidate: str) -> dict:
	doc = frappe.get_doc(CANDIDATE, candidate)
	doc.check_permission("read")
	doctype_a = doc.candidate_doctype
	doctype_b = doc.record_b_doctype or doctype_a
	by_label: dict[str, dict[str, str]] = {}  # label -> {side: fieldname}, in display order
	for side, doctype in (("a", doctype_a), ("b", doctype_b)):
		meta = frappe.get_meta(doctype)
		for fieldname, label in COMPARE_FIELDS.get(doctype, ()):
			if fieldname in RECORD_FIELDS or meta.has_field(fieldname):
				by_label.setdefault(label, {})[side] = fieldname
	values = {
		"a": _side_values(doctype_a, doc.record_a, [f["a"] for f in by_label.values() if "a" in f]),
		"b": _side_values(doctype_b, doc.record_b, [f["b"] for f in by_label.values() if "b" in f]),
	}
	rows = []
	for label, fields in by_label.items():
		rows.append(
			{
				"label": _(label),
				"a": values["a"].get(fields.get("a")),
				"b": values["b"].get(fields.get("b")),
				"score": _row_score(doc, fields.get("a") or fields.get("b")),
			}
		)
	return {"rows": rows, "doctype_a": doctype_a, "doctype_b": doctype_b}


# ---------------------------------------------------------------------------------------------
# permissions: a candidate is visible only to users who may read both of its records
# ---------------------------------------------------------------------------------------------
def _restricted(user: str) -> bool:
	"""True when some of the user's reads of Customers / Contacts / Leads are filtered (User Permissions
	or another app's permission query conditions); otherwise role permissions alone decide."""
	from frappe.core.doctype.user_permission.user_permission import get_user_permissions

	if user == "Administrator":
		return False
	if get_user_permissions(user):
		return True
	hooked = frappe.get_hooks("permission_query_conditions") or {}
	return any(dt in hooked for dt in SCANNED_DOCTYPES)


def candidate_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions for CRMS Duplicate Candidate: both records readable by the user
	(record A is of the candidate's doctype, record B of `record_b_doctype`)."""
	user = user or frappe.session.user
	if not _restricted(user):
		return ""
	table = "`tabCRMS Duplicate Candidate`"
	b_doctype = f"ifnull(nullif({table}.record_b_doctype, ''), {table}.candidate_doctype)"
	side_a, side_b = [], []
	for dt in SCANNED_DOCTYPES:
		try:
			readable = frappe.get_list(dt, fields=["name"], user=user, limit_page_length=0, run=0)
		except frappe.PermissionError:
			continue
		side_a.append(
			f"({table}.candidate_doctype = {frappe.db.escape(dt)} and {table}.record_a in ({readable}))"
		)
		side_b.append(f"({b_doctype} = {frappe.db.escape(dt)} and {table}.record_b in ({readable}))")
	if not side_a:
		return "1=0"
	return f"(({' or '.join(side_a)}) and ({' or '.join(side_b)}))"


def candidate_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""has_permission for CRMS Duplicate Candidate: deny when either record is not readable (can only
	deny; records already merged away no longer restrict)."""
	user = user or frappe.session.user
	if not _restricted(user) or not doc.get("candidate_doctype"):
		return None
	b_doctype = doc.get("record_b_doctype") or doc.candidate_doctype
	for dt, record in ((doc.candidate_doctype, doc.get("record_a")), (b_doctype, doc.get("record_b"))):
		if record and frappe.db.exists(dt, record):
			if not frappe.has_permission(dt, "read", doc=record, user=user):
				return False
	return None
