"""Duplicate finder over Customers, Contacts and Leads, and the merge that resolves a candidate.

- `run_scan` loads each doctype set-based (one query per table, no get_doc), runs the blocking
  engine (crm_suite/engine/dedupe.py) and bulk-inserts new CRMS Duplicate Candidate rows. The
  candidate's unique `key` (doctype + sorted pair) means reruns never duplicate a candidate and never
  reopen one a reviewer closed.
- `merge` uses Frappe's rename-merge, so every Link and Dynamic Link (Sales Invoices, Issues,
  Contacts' links, ...) moves to the survivor; pre-checks refuse what ERPNext forbids, and the whole
  merge runs under a savepoint so a failure leaves nothing half-done. Each merge writes a CRMS Merge Log.
"""

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from crm_suite.crm_suite.doctype.crms_settings.crms_settings import get_settings
from crm_suite.customer_360.doctype.crms_duplicate_candidate.crms_duplicate_candidate import candidate_key
from crm_suite.engine import dedupe

CANDIDATE = "CRMS Duplicate Candidate"
SCANNED_DOCTYPES = ("Customer", "Contact", "Lead")
MANAGER_ROLES = ("System Manager", "Sales Manager")
JOB_ID = "crms_duplicate_scan"
FIELD_SCORES = ("name", "phone", "email", "tax_id", "address")


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
def _record(name, title, phones=(), emails=(), tax_id=None, address=None) -> dict:
	return {
		"id": name,
		"name": title or name,
		"phones": [p for p in phones if p],
		"emails": [e for e in emails if e],
		"tax_id": tax_id,
		"address": address,
	}


def load_records(doctype: str) -> list[dict]:
	"""Plain dicts for the engine, set-based (a fixed number of queries whatever the row count)."""
	if doctype == "Customer":
		rows = frappe.db.sql(
			"""select name, customer_name, tax_id, mobile_no, email_id, primary_address
			from `tabCustomer` where disabled = 0""",
			as_dict=True,
		)
		extra_phones, extra_emails = {}, {}
		for link, email, phone, mobile in frappe.db.sql(
			"""select dl.link_name, c.email_id, c.phone, c.mobile_no
			from `tabDynamic Link` dl join `tabContact` c on c.name = dl.parent
			where dl.parenttype = 'Contact' and dl.link_doctype = 'Customer'"""
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
			)
			for r in rows
		]
	if doctype == "Contact":
		rows = frappe.db.sql(
			"select name, full_name, first_name, email_id, phone, mobile_no from `tabContact`", as_dict=True
		)
		emails, phones = {}, {}
		for parent, email in frappe.db.sql(
			"select parent, email_id from `tabContact Email` where parenttype = 'Contact'"
		):
			emails.setdefault(parent, []).append(email)
		for parent, phone in frappe.db.sql(
			"select parent, phone from `tabContact Phone` where parenttype = 'Contact'"
		):
			phones.setdefault(parent, []).append(phone)
		return [
			_record(
				r.name,
				r.full_name or r.first_name,
				[r.phone, r.mobile_no, *phones.get(r.name, ())],
				[r.email_id, *emails.get(r.name, ())],
			)
			for r in rows
		]
	if doctype == "Lead":
		rows = frappe.db.sql(
			"""select name, lead_name, company_name, email_id, phone, mobile_no, whatsapp_no, city
			from `tabLead` where status != 'Converted'""",
			as_dict=True,
		)
		return [
			_record(
				r.name,
				r.lead_name or r.company_name,
				[r.phone, r.mobile_no, r.whatsapp_no],
				[r.email_id],
				address=r.city,
			)
			for r in rows
		]
	frappe.throw(_("Duplicate scan is not available for {0}").format(_(doctype)))


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
	threshold = float(threshold or get_settings().duplicate_threshold or 85)
	out = {}
	from crm_suite.customer_360.data_quality import backfill

	for doctype in doctypes:
		scored = backfill(doctype)  # records never scored get their quality score and duplicate keys
		stats = dedupe.Stats()
		records = load_records(doctype)
		titles = {r["id"]: r["name"] for r in records}
		matches = dedupe.find_duplicates(records, threshold=threshold, stats=stats)
		out[doctype] = {
			"scored": scored,
			"records": stats.records,
			"pairs_compared": stats.pairs_compared,
			"matches": len(matches),
			"new_candidates": _insert_candidates(doctype, matches, titles),
		}
	return out


def _insert_candidates(doctype: str, matches: list, titles: dict) -> int:
	if not matches:
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
		"record_a",
		"record_a_title",
		"record_b",
		"record_b_title",
		*(f"{f}_score" for f in FIELD_SCORES),
	]
	values = []
	for m in matches:
		key = candidate_key(doctype, m.a, m.b)
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
				m.a,
				(titles.get(m.a) or "")[:140],
				m.b,
				(titles.get(m.b) or "")[:140],
				*(m.scores.get(f) for f in FIELD_SCORES),
			)
		)
	if values:
		frappe.db.bulk_insert(CANDIDATE, fields, values, ignore_duplicates=True)
	return len(values)


# ---------------------------------------------------------------------------------------------
# review
# ---------------------------------------------------------------------------------------------
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


@frappe.whitelist(methods=["POST"])
def merge(candidate: str, survivor: str) -> dict:
	"""Merge the other record of `candidate` into `survivor` with Frappe's rename-merge."""
	doc = _open_candidate(candidate)
	doctype = doc.candidate_doctype
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
					{"total": doc.score, **{f: doc.get(f"{f}_score") for f in FIELD_SCORES}}, sort_keys=True
				),
			}
		).insert(ignore_permissions=True)
		_mark(doc, "Merged", survivor=survivor, merge_log=log.name)
		# other open candidates naming the merged record are stale: the next scan re-pairs the survivor
		frappe.db.delete(
			CANDIDATE,
			{
				"candidate_doctype": doctype,
				"status": "Open",
				"name": ["!=", doc.name],
				"record_a": merged,
			},
		)
		frappe.db.delete(
			CANDIDATE,
			{
				"candidate_doctype": doctype,
				"status": "Open",
				"name": ["!=", doc.name],
				"record_b": merged,
			},
		)
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		raise
	frappe.msgprint(_("{0} was merged into {1}.").format(merged, survivor), indicator="green", alert=True)
	return {"merged": True, "status": "Merged", "survivor": survivor, "merge_log": log.name}


# ---------------------------------------------------------------------------------------------
# side-by-side view
# ---------------------------------------------------------------------------------------------
COMPARE_FIELDS = {
	"Customer": (
		("customer_name", "Name"),
		("customer_type", "Customer Type"),
		("territory", "Territory"),
		("customer_group", "Customer Group"),
		("mobile_no", "Phone"),
		("email_id", "Email"),
		("tax_id", "Tax ID"),
		("primary_address", "Address"),
		("default_currency", "Currency"),
		("crms_quality_score", "Quality Score"),
	),
	"Contact": (
		("full_name", "Name"),
		("company_name", "Company"),
		("email_id", "Email"),
		("phone", "Phone"),
		("mobile_no", "Mobile"),
		("crms_quality_score", "Quality Score"),
	),
	"Lead": (
		("lead_name", "Name"),
		("company_name", "Company"),
		("email_id", "Email"),
		("phone", "Phone"),
		("mobile_no", "Mobile"),
		("source", "Source"),
		("territory", "Territory"),
		("crms_quality_score", "Quality Score"),
	),
}
SCORE_OF = {
	"customer_name": "name",
	"full_name": "name",
	"lead_name": "name",
	"mobile_no": "phone",
	"phone": "phone",
	"email_id": "email",
	"tax_id": "tax_id",
	"primary_address": "address",
}


@frappe.whitelist()
def get_comparison(candidate: str) -> dict:
	doc = frappe.get_doc(CANDIDATE, candidate)
	doc.check_permission("read")
	doctype = doc.candidate_doctype
	meta = frappe.get_meta(doctype)
	fields = [(f, label) for f, label in COMPARE_FIELDS.get(doctype, ()) if meta.has_field(f)]
	values = {}
	for side in (doc.record_a, doc.record_b):
		if frappe.db.exists(doctype, side) and frappe.has_permission(doctype, "read", doc=side):
			values[side] = frappe.db.get_value(doctype, side, [f for f, _label in fields], as_dict=True) or {}
		else:
			values[side] = {}
	rows = []
	for fieldname, label in fields:
		score_field = SCORE_OF.get(fieldname)
		rows.append(
			{
				"label": _(label),
				"a": values[doc.record_a].get(fieldname),
				"b": values[doc.record_b].get(fieldname),
				"score": doc.get(f"{score_field}_score") if score_field else None,
			}
		)
	return {"rows": rows}


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
	"""permission_query_conditions for CRMS Duplicate Candidate: both records readable by the user."""
	user = user or frappe.session.user
	if not _restricted(user):
		return ""
	table = "`tabCRMS Duplicate Candidate`"
	parts = []
	for dt in SCANNED_DOCTYPES:
		try:
			readable = frappe.get_list(dt, fields=["name"], user=user, limit_page_length=0, run=0)
		except frappe.PermissionError:
			continue
		parts.append(
			f"({table}.candidate_doctype = {frappe.db.escape(dt)}"
			f" and {table}.record_a in ({readable}) and {table}.record_b in ({readable}))"
		)
	return "(" + " or ".join(parts) + ")" if parts else "1=0"


def candidate_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""has_permission for CRMS Duplicate Candidate: deny when either record is not readable (can only
	deny; records already merged away no longer restrict)."""
	user = user or frappe.session.user
	if not _restricted(user) or not doc.get("candidate_doctype"):
		return None
	for record in (doc.get("record_a"), doc.get("record_b")):
		if record and frappe.db.exists(doc.candidate_doctype, record):
			if not frappe.has_permission(doc.candidate_doctype, "read", doc=record, user=user):
				return False
	return None
