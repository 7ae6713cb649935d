"""Outbound call campaigns: build the list, hand agents the next callable target, record outcomes.

The rules live in engine/outbound.py (who may be called now, back-off, connect rate); this module
loads rows, asks the engine and writes the results.

- List building (`build_targets`, a background job on the long queue) reads the candidates of the
  campaign's source in one query, evaluates each with the engine at build time and bulk-inserts one
  CRMS Call Campaign Target per party: "Excluded" with the engine's reason codes (do-not-call,
  no consent, do-not-contact, invalid number / zone), "Scheduled" at the end of the frequency cap, or
  "Pending". Being outside the calling window is not an exclusion: it is checked when calling.
- Consent is opt-out: a contact or lead that unsubscribed (ERPNext's `unsubscribed`) has withdrawn
  it. Do-not-call: Customer.crms_dnc_phone, Contact/Lead.crms_do_not_call. Do-not-contact: the
  `crms_do_not_contact` flags, a disabled customer, a lead in status "Do Not Contact".
- Time zone of a contact: the address country's zone when the country has one, else the zone of the
  phone number (phonenumbers' geocoder, e.g. +1 212 -> America/New_York), else the country's first
  zone, else the system time zone.
- `next_target` gives the agent a due target whose calling window is open on its own clock now and
  locks it with a conditional UPDATE (`status` still open), so two agents never get the same one.
- `record_outcome` logs a CRMS Call Attempt, applies the engine's back-off (retries land in the next
  window and past the frequency cap across campaigns) and the conversions: an interested party
  becomes a Lead (sales campaign, party is only a contact) or an Opportunity (customer or lead); a
  survey campaign's answer becomes a CRMS Survey Response (channel Phone).

Datetimes are stored naive in the system time zone (Frappe's convention) and made aware for the engine.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.utils import cint, cstr, get_datetime, get_system_timezone, now_datetime

from crm_suite.engine import outbound as ob
from crm_suite.engine.quality import normalise_phone

CAMPAIGN = "CRMS Call Campaign"
TARGET = "CRMS Call Campaign Target"
ATTEMPT = "CRMS Call Attempt"
SURVEY = "CRMS Survey Response"
SUPERVISOR_ROLES = ("Call Centre Supervisor", "System Manager")
LOCK_MINUTES = 30  # an "In Progress" target whose agent vanished is handed out again after this
OPEN = ("Pending", "Scheduled")
NO_LIMIT = 10**6

CALLBACK = "callback"  # app-level disposition: not final, a person answered
# Disposition label (what agents click) -> engine code.
DISPOSITIONS = {
	"Interested": ob.COMPLETED,
	"Completed": ob.COMPLETED,
	"Not Interested": ob.REFUSED,
	"Callback Requested": CALLBACK,
	"No Answer": ob.NO_ANSWER,
	"Busy": ob.BUSY,
	"Answering Machine": ob.ANSWERING_MACHINE,
	"Wrong Number": ob.WRONG_NUMBER,
	"Do Not Call": ob.DNC_REQUESTED,
	"Failed": ob.FAILED,
}
CONNECTED = ob.CONNECT_DISPOSITIONS | {CALLBACK}
# Our label -> the Call Log's crms_disposition option (setup/fields/call_centre.py), where one fits.
CALL_LOG_DISPOSITION = {
	"Interested": "Interested",
	"Not Interested": "Not Interested",
	"Callback Requested": "Callback Requested",
	"No Answer": "No Answer",
	"Busy": "Busy",
	"Answering Machine": "Voicemail Left",
	"Wrong Number": "Wrong Number",
}
WEEKDAYS = ("call_mon", "call_tue", "call_wed", "call_thu", "call_fri", "call_sat", "call_sun")
# Reasons that make a target Excluded at build time; frequency cap defers it, the window is per call.
PERMANENT = frozenset(ob.REASONS) - {ob.FREQUENCY_CAP, ob.OUTSIDE_WINDOW}


def reason_label(code: str) -> str:
	return {
		ob.DO_NOT_CALL: _("Do not call"),
		ob.NO_CONSENT: _("No consent (unsubscribed)"),
		ob.DO_NOT_CONTACT: _("Do not contact"),
		ob.INVALID_NUMBER: _("Invalid or missing phone number"),
		ob.INVALID_TIMEZONE: _("Unknown time zone"),
		ob.ALREADY_DONE: _("Already done"),
		ob.FREQUENCY_CAP: _("Frequency cap reached"),
		ob.OUTSIDE_WINDOW: _("Outside the calling window"),
	}.get(code, code)


def disposition_label(label: str) -> str:
	return {
		"Interested": _("Interested"),
		"Completed": _("Completed"),
		"Not Interested": _("Not Interested"),
		"Callback Requested": _("Callback Requested"),
		"No Answer": _("No Answer"),
		"Busy": _("Busy"),
		"Answering Machine": _("Answering Machine"),
		"Wrong Number": _("Wrong Number"),
		"Do Not Call": _("Do Not Call"),
		"Failed": _("Failed"),
	}.get(label, label)


# ------------------------------------------------------------------------------------------------
# Time


def system_zone() -> ZoneInfo:
	return ZoneInfo(get_system_timezone() or "UTC")


def aware(value) -> datetime:
	"""A stored (naive, system time zone) or given datetime as an aware one."""
	dt = get_datetime(value)
	return dt if dt.tzinfo else dt.replace(tzinfo=system_zone())


def naive(dt: datetime) -> datetime:
	"""An aware datetime as Frappe stores it: naive, in the system time zone."""
	return dt.astimezone(system_zone()).replace(tzinfo=None)


def _clock(value: str | None, default: time) -> time:
	value = cstr(value).strip()
	if not value:
		return default
	if value == "24:00":
		return time.max
	h, m = value.split(":")[:2]
	return time(int(h), int(m))


def _minutes(value: str | None, default: tuple[int, ...]) -> tuple[timedelta, ...]:
	steps = []
	for part in cstr(value).replace(";", ",").split(","):
		part = part.strip()
		if part:
			steps.append(int(float(part)))
	return tuple(timedelta(minutes=m) for m in (steps or default))


# ------------------------------------------------------------------------------------------------
# Campaign settings -> engine rules


def validate_campaign(doc) -> None:
	if _clock(doc.window_start, time(9)) >= _clock(doc.window_end, time(20)):
		frappe.throw(_("The calling window must end after it starts."))
	if not any(cint(doc.get(f)) for f in WEEKDAYS):
		frappe.throw(_("Choose at least one weekday for calling."))
	for field in ("retry_no_answer", "retry_busy", "retry_machine", "retry_other"):
		try:
			steps = _minutes(doc.get(field), (1,))
		except ValueError:
			frappe.throw(_("{0}: enter minutes separated by commas.").format(_(doc.meta.get_label(field))))
		if any(s <= timedelta(0) for s in steps):
			frappe.throw(_("{0}: waits must be positive.").format(_(doc.meta.get_label(field))))
	if doc.campaign_type == "Survey" and not doc.survey_type:
		frappe.throw(_("A survey campaign needs a survey type (CSAT or NPS)."))
	if doc.script and doc.script_doctype and not frappe.db.exists("DocType", doc.script_doctype):
		doc.script = None


def calling_rules(campaign) -> ob.CallingRules:
	"""The engine's rules for a campaign (a doc or dict): window, weekdays, holidays, frequency cap."""
	holidays: frozenset = frozenset()
	if campaign.get("holiday_list"):
		holidays = frozenset(
			d.date() if isinstance(d, datetime) else d
			for d in frappe.get_all(
				"Holiday", filters={"parent": campaign.get("holiday_list")}, pluck="holiday_date"
			)
		)
	cap = cint(campaign.get("cap_contacts"))
	return ob.CallingRules(
		window_start=_clock(campaign.get("window_start"), time(9)),
		window_end=_clock(campaign.get("window_end"), time(20)),
		weekdays=frozenset(i for i, f in enumerate(WEEKDAYS) if cint(campaign.get(f))),
		holidays=holidays,
		max_attempts=cap if cap > 0 else NO_LIMIT,
		period_days=cint(campaign.get("cap_days")) or 7,
		require_consent=bool(cint(campaign.get("require_consent"))),
		default_tz=get_system_timezone() or "UTC",
	)


def retry_policy(campaign, rules: ob.CallingRules | None = None) -> ob.RetryPolicy:
	other = _minutes(campaign.get("retry_other"), (240, 1440))
	return ob.RetryPolicy(
		backoff={
			ob.NO_ANSWER: _minutes(campaign.get("retry_no_answer"), (120, 1440, 4320)),
			ob.BUSY: _minutes(campaign.get("retry_busy"), (15, 15, 120)),
			ob.ANSWERING_MACHINE: _minutes(campaign.get("retry_machine"), (240, 1440, 4320)),
			ob.FAILED: other,
		},
		default=other,
		max_attempts=cint(campaign.get("max_attempts")) or 4,
		rules=rules or calling_rules(campaign),
	)


# ------------------------------------------------------------------------------------------------
# Candidates


def _has(doctype: str, field: str) -> bool:
	return frappe.get_meta(doctype).has_field(field)


def _flag(table, field: str, doctype: str):
	"""`table.field`, or a constant 0 when the field does not exist (yet) on this site."""
	from pypika.terms import ValueWrapper

	return table[field] if _has(doctype, field) else ValueWrapper(0)


def candidates(campaign) -> list[dict]:
	"""The parties of the campaign's source with what the engine needs, in one query."""
	source = campaign.get("source")
	if source == "Leads":
		return _lead_candidates(campaign)
	if source in ("Customer Segment", "Customer Tier", "At-risk or Lapsed Customers"):
		return _customer_candidates(campaign)
	return []  # Manual: targets are added by hand (validate_target fills them in)


def _customer_query():
	"""Customers with their primary contact and address: the columns a call target is built from."""
	Customer, Contact, Address = (
		frappe.qb.DocType("Customer"),
		frappe.qb.DocType("Contact"),
		frappe.qb.DocType("Address"),
	)
	return Customer, (
		frappe.qb.from_(Customer)
		.left_join(Contact)
		.on(Contact.name == Customer.customer_primary_contact)
		.left_join(Address)
		.on(Address.name == Customer.customer_primary_address)
		.select(
			Customer.name.as_("party"),
			Customer.customer_name.as_("party_name"),
			Contact.name.as_("contact"),
			Contact.mobile_no.as_("contact_mobile"),
			Contact.phone.as_("contact_phone"),
			Customer.mobile_no.as_("customer_mobile"),
			Address.country.as_("country"),
			Customer.disabled.as_("disabled"),
			_flag(Customer, "crms_dnc_phone", "Customer").as_("customer_dnc"),
			_flag(Customer, "crms_do_not_contact", "Customer").as_("customer_dnx"),
			_flag(Contact, "crms_do_not_call", "Contact").as_("contact_dnc"),
			_flag(Contact, "crms_do_not_contact", "Contact").as_("contact_dnx"),
			Contact.unsubscribed.as_("unsubscribed"),
		)
	)


def _customer_candidate(r) -> dict:
	return {
		"party_type": "Customer",
		"party": r.party,
		"party_name": r.party_name,
		"contact": r.contact,
		"phone": r.contact_mobile or r.contact_phone or r.customer_mobile,
		"country": r.country,
		"do_not_call": bool(cint(r.customer_dnc) or cint(r.contact_dnc)),
		"do_not_contact": bool(cint(r.customer_dnx) or cint(r.contact_dnx) or cint(r.disabled)),
		"consent": not cint(r.unsubscribed),
	}


def _customer_candidates(campaign) -> list[dict]:
	Customer, query = _customer_query()
	query = query.where(Customer.disabled == 0).orderby(Customer.name)
	source = campaign.get("source")
	if campaign.get("territory"):
		query = query.where(Customer.territory == campaign.get("territory"))
	if source == "Customer Segment":
		if campaign.get("customer_group"):
			query = query.where(Customer.customer_group == campaign.get("customer_group"))
		if campaign.get("customer_type"):
			query = query.where(Customer.crms_customer_type == campaign.get("customer_type"))
	elif source == "Customer Tier":
		query = query.where(Customer.crms_tier == campaign.get("tier"))
	elif source == "At-risk or Lapsed Customers":
		stages = {"At Risk": ["At Risk"], "Lapsed": ["Lapsed"]}.get(
			campaign.get("lifecycle_stages"), ["At Risk", "Lapsed"]
		)
		query = query.where(Customer.crms_lifecycle_stage.isin(stages))
	return [_customer_candidate(r) for r in query.run(as_dict=True)]


def _lead_candidates(campaign) -> list[dict]:
	Lead = frappe.qb.DocType("Lead")
	query = (
		frappe.qb.from_(Lead)
		.select(
			Lead.name.as_("party"),
			Lead.lead_name.as_("party_name"),
			Lead.mobile_no,
			Lead.phone,
			Lead.country,
			Lead.status,
			Lead.unsubscribed,
			_flag(Lead, "crms_do_not_call", "Lead").as_("dnc"),
			_flag(Lead, "crms_do_not_contact", "Lead").as_("dnx"),
		)
		.where(Lead.status != "Converted")
		.orderby(Lead.name)
	)
	if campaign.get("lead_status"):
		query = query.where(Lead.status == campaign.get("lead_status"))
	if campaign.get("lead_source"):
		query = query.where(Lead.source == campaign.get("lead_source"))
	if campaign.get("territory"):
		query = query.where(Lead.territory == campaign.get("territory"))
	return [
		{
			"party_type": "Lead",
			"party": r.party,
			"party_name": r.party_name,
			"contact": None,
			"phone": r.mobile_no or r.phone,
			"country": r.country,
			"do_not_call": bool(cint(r.dnc)),
			"do_not_contact": bool(cint(r.dnx)) or r.status == "Do Not Contact",
			"consent": not cint(r.unsubscribed),
		}
		for r in query.run(as_dict=True)
	]


def party_candidate(party_type: str, party: str, contact: str | None = None) -> dict | None:
	"""One party's candidate row (a manual target, or the re-check before calling)."""
	if party_type == "Customer":
		rows = _customer_candidates_for(party)
		row = rows[0] if rows else None
	elif party_type == "Lead":
		Lead = frappe.qb.DocType("Lead")
		r = (
			frappe.qb.from_(Lead)
			.select(
				Lead.name,
				Lead.lead_name,
				Lead.mobile_no,
				Lead.phone,
				Lead.country,
				Lead.status,
				Lead.unsubscribed,
				_flag(Lead, "crms_do_not_call", "Lead").as_("dnc"),
				_flag(Lead, "crms_do_not_contact", "Lead").as_("dnx"),
			)
			.where(Lead.name == party)
			.run(as_dict=True)
		)
		row = (
			{
				"party_type": "Lead",
				"party": party,
				"party_name": r[0].lead_name,
				"contact": None,
				"phone": r[0].mobile_no or r[0].phone,
				"country": r[0].country,
				"do_not_call": bool(cint(r[0].dnc)),
				"do_not_contact": bool(cint(r[0].dnx)) or r[0].status == "Do Not Contact",
				"consent": not cint(r[0].unsubscribed),
			}
			if r
			else None
		)
	elif party_type == "Contact":
		contact = contact or party
		row = _contact_row(contact)
		if row:
			row.update({"party_type": "Contact", "party": party})
	else:
		return None
	if row and contact and party_type != "Contact":
		# an explicitly chosen contact's number and flags win over the party's primary contact
		c = _contact_row(contact)
		if c:
			row["contact"] = contact
			row["phone"] = c["phone"] or row["phone"]
			row["do_not_call"] = row["do_not_call"] or c["do_not_call"]
			row["do_not_contact"] = row["do_not_contact"] or c["do_not_contact"]
			row["consent"] = row["consent"] and c["consent"]
	return row


def _customer_candidates_for(customer: str) -> list[dict]:
	"""One customer (disabled ones included: they are excluded, not missing)."""
	Customer, query = _customer_query()
	return [_customer_candidate(r) for r in query.where(Customer.name == customer).run(as_dict=True)]


def _contact_row(contact: str) -> dict | None:
	Contact, Address = frappe.qb.DocType("Contact"), frappe.qb.DocType("Address")
	r = (
		frappe.qb.from_(Contact)
		.left_join(Address)
		.on(Address.name == Contact.address)
		.select(
			Contact.full_name,
			Contact.mobile_no,
			Contact.phone,
			Address.country,
			Contact.unsubscribed,
			_flag(Contact, "crms_do_not_call", "Contact").as_("dnc"),
			_flag(Contact, "crms_do_not_contact", "Contact").as_("dnx"),
		)
		.where(Contact.name == contact)
		.run(as_dict=True)
	)
	if not r:
		return None
	x = r[0]
	return {
		"party_type": "Contact",
		"party": contact,
		"party_name": x.full_name,
		"contact": contact,
		"phone": x.mobile_no or x.phone,
		"country": x.country,
		"do_not_call": bool(cint(x.dnc)),
		"do_not_contact": bool(cint(x.dnx)),
		"consent": not cint(x.unsubscribed),
	}


# ------------------------------------------------------------------------------------------------
# Phone and time zone


def countries(names) -> dict[str, tuple[str, list[str]]]:
	"""Country -> (ISO code, IANA zones) for the given country names (one query)."""
	names = sorted({n for n in names if n})
	if not names:
		return {}
	return {
		r.name: (cstr(r.code).upper(), [z.strip() for z in cstr(r.time_zones).splitlines() if z.strip()])
		for r in frappe.get_all(
			"Country", filters={"name": ("in", names)}, fields=["name", "code", "time_zones"]
		)
	}


def phone_zone(e164: str | None) -> str | None:
	"""The one time zone of a number's area (None when the number spans several or is unknown)."""
	if not e164:
		return None
	try:
		import phonenumbers
		from phonenumbers import timezone as pn_tz

		zones = [z for z in pn_tz.time_zones_for_number(phonenumbers.parse(e164)) if z != "Etc/Unknown"]
	except Exception:
		return None
	return zones[0] if len(zones) == 1 else None


def resolve(row: dict, country_map: dict) -> tuple[str | None, str | None]:
	"""(E.164 number or None, IANA zone) of a candidate row (see the module doc for the zone order)."""
	code, zones = country_map.get(row.get("country") or "", ("", []))
	result = normalise_phone(row.get("phone"), code or None)
	e164 = result.e164 if result.ok else None
	if len(zones) == 1:
		tz = zones[0]
	else:
		tz = phone_zone(e164) or (zones[0] if zones else None) or get_system_timezone() or "UTC"
	return e164, tz


def _zone(tz: str | None) -> ZoneInfo | None:
	try:
		return ZoneInfo(tz) if tz else None
	except (ZoneInfoNotFoundError, ValueError):
		return None


# ------------------------------------------------------------------------------------------------
# Frequency cap (across all campaigns, by number)


def recent_attempts(phones, since: datetime) -> dict[str, list[datetime]]:
	"""Attempt times per number since `since` (aware), across every campaign; chunked IN queries."""
	phones = sorted({p for p in phones if p})
	out: dict[str, list[datetime]] = {}
	for i in range(0, len(phones), 1000):
		chunk = phones[i : i + 1000]
		for phone, at in frappe.get_all(
			ATTEMPT,
			filters={"phone": ("in", chunk), "attempted_at": (">", naive(since))},
			fields=["phone", "attempted_at"],
			as_list=True,
		):
			out.setdefault(phone, []).append(aware(at))
	return out


def cap_release(times, after: datetime, zone: ZoneInfo, rules: ob.CallingRules) -> datetime | None:
	"""The first callable instant >= `after` in the window with fewer than the cap's attempts in the
	period before it (the engine's rule, for attempts made in any campaign)."""
	period = timedelta(days=rules.period_days)
	times = sorted(times)
	candidate: datetime | None = after
	for _i in range(len(times) + 2):
		candidate = ob.next_window_start(candidate, zone, rules)
		if candidate is None:
			return None
		recent = [a for a in times if candidate - period < a <= candidate]
		if len(recent) < rules.max_attempts:
			return candidate
		candidate = recent[len(recent) - rules.max_attempts] + period
	return None


# ------------------------------------------------------------------------------------------------
# Building the list


@frappe.whitelist()
def build_targets(campaign: str) -> dict:
	"""Queue the list build (long queue; inline in tests); the form is told when it is done."""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	doc.check_permission("write")
	frappe.db.set_value(CAMPAIGN, campaign, "build_status", "Queued", update_modified=False)
	frappe.enqueue(
		"crm_suite.call_centre.outbound.build_job",
		queue="long",
		timeout=3600,
		campaign=campaign,
		user=frappe.session.user,
		job_id=f"crms-call-list:{campaign}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
	)
	return {"queued": True}


def build_job(campaign: str, user: str | None = None) -> None:
	"""The background job (the worker commits when it returns)."""
	try:
		summary = make_targets(campaign)
	except Exception:
		frappe.db.rollback()
		frappe.db.set_value(CAMPAIGN, campaign, "build_status", "Failed", update_modified=False)
		frappe.db.commit()
		frappe.log_error(title=f"Call list build failed: {campaign}")
		raise
	if user:
		frappe.publish_realtime(
			"crms_call_list_built", {"campaign": campaign, **summary}, user=user, after_commit=True
		)


def make_targets(campaign: str, now: datetime | None = None) -> dict:
	"""Add the campaign's new candidates as targets (parties already in the list are skipped).

	Returns counts: {"candidates", "added", "pending", "scheduled", "excluded", "skipped",
	"reasons": {code: n}}.
	"""
	doc = frappe.get_doc(CAMPAIGN, campaign)
	now = aware(now or now_datetime())
	rules = calling_rules(doc)
	rows = candidates(doc)
	existing = {
		(r.party_type, r.party)
		for r in frappe.get_all(TARGET, filters={"campaign": campaign}, fields=["party_type", "party"])
	}
	country_map = countries(r.get("country") for r in rows)
	fresh = []
	for r in rows:
		if (r["party_type"], r["party"]) in existing:
			continue
		existing.add((r["party_type"], r["party"]))
		r["e164"], r["tz"] = resolve(r, country_map)
		fresh.append(r)
	history = recent_attempts((r["e164"] for r in fresh), now - timedelta(days=rules.period_days))
	counts = {"pending": 0, "scheduled": 0, "excluded": 0}
	reasons: dict[str, int] = {}
	values = []
	user, stamp = frappe.session.user, now_datetime()
	for r in fresh:
		status, reason, next_at = evaluate(r, history.get(r["e164"], []), now, rules)
		counts[status.lower()] += 1
		for code in reason.split(",") if reason else ():
			reasons[code] = reasons.get(code, 0) + 1
		values.append(
			(
				frappe.generate_hash(length=12),
				stamp,
				stamp,
				user,
				user,
				0,
				campaign,
				r["party_type"],
				r["party"],
				cstr(r.get("party_name"))[:140],
				r.get("contact"),
				r["e164"] or cstr(r.get("phone"))[:140] or None,
				r["tz"],
				status,
				reason or None,
				0,
				next_at,
			)
		)
	insert_targets(values)
	summary = {
		"candidates": len(rows),
		"added": len(values),
		"skipped": len(rows) - len(fresh),
		**counts,
		"reasons": reasons,
	}
	frappe.db.set_value(
		CAMPAIGN,
		campaign,
		{"build_status": "Built", "last_built_on": now_datetime(), "build_summary": summary_text(summary)},
		update_modified=False,
	)
	return summary


TARGET_COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"campaign",
	"party_type",
	"party",
	"party_name",
	"contact",
	"phone",
	"timezone",
	"status",
	"exclusion_reason",
	"attempts",
	"next_attempt_at",
)


def insert_targets(values: list[tuple], chunk: int = 1000) -> None:
	"""Multi-row INSERT IGNORE, 1,000 rows a statement (a concurrent build of the same campaign: the
	unique index decides). Plain placeholders: building 17 query-builder terms per row cost more than
	the insert itself."""
	columns = ", ".join(f"`{c}`" for c in TARGET_COLUMNS)
	row = "(" + ", ".join(["%s"] * len(TARGET_COLUMNS)) + ")"
	for i in range(0, len(values), chunk):
		part = values[i : i + chunk]
		frappe.db.sql(
			f"insert ignore into `tab{TARGET}` ({columns}) values " + ", ".join([row] * len(part)),
			[v for r in part for v in r],
		)


def summary_text(summary: dict) -> str:
	lines = [
		_(
			"Candidates: {0}, added: {1} (pending {2}, scheduled {3}, excluded {4}), already listed: {5}"
		).format(
			summary["candidates"],
			summary["added"],
			summary["pending"],
			summary["scheduled"],
			summary["excluded"],
			summary["skipped"],
		)
	]
	for code, n in sorted(summary["reasons"].items(), key=lambda kv: -kv[1]):
		lines.append(f"{reason_label(code)}: {n}")
	return "\n".join(lines)


def engine_contact(row: dict, times, last_disposition: str | None = None) -> ob.Contact:
	return ob.Contact(
		contact_id=f"{row['party_type']}:{row['party']}",
		phone=row.get("e164") or "",
		tz=row.get("tz"),
		do_not_call=bool(row.get("do_not_call")),
		do_not_contact=bool(row.get("do_not_contact")),
		consent=bool(row.get("consent")),
		attempts=tuple(times),
		last_disposition=last_disposition,
	)


def evaluate(row: dict, times, now: datetime, rules: ob.CallingRules) -> tuple[str, str, datetime | None]:
	"""(status, comma-separated reason codes, next attempt naive) of a candidate at build time."""
	reasons = ob.exclusion_reasons(engine_contact(row, times), now, rules)
	permanent = [r for r in reasons if r in PERMANENT]
	if permanent:
		return "Excluded", ",".join(permanent), None
	if ob.FREQUENCY_CAP in reasons:
		release = cap_release(times, now, ZoneInfo(row["tz"]), rules)
		if release is None:
			return "Excluded", ob.FREQUENCY_CAP, None
		return "Scheduled", ob.FREQUENCY_CAP, naive(release)
	return "Pending", "", None


def validate_target(doc) -> None:
	"""A target added by hand: fill in name, phone, zone and the exclusion from the party's record."""
	if doc.status not in ("Pending", "Scheduled") or not doc.is_new():
		return
	row = party_candidate(doc.party_type, doc.party, doc.contact)
	if not row:
		frappe.throw(_("{0} {1} not found").format(_(doc.party_type), doc.party))
	if doc.phone:
		row["phone"] = doc.phone
	row["e164"], row["tz"] = resolve(row, countries([row.get("country")]))
	if doc.timezone and _zone(doc.timezone):
		row["tz"] = doc.timezone
	doc.party_name = doc.party_name or row.get("party_name")
	doc.contact = doc.contact or row.get("contact")
	doc.phone = row["e164"] or doc.phone or row.get("phone")
	doc.timezone = row["tz"]
	campaign = frappe.get_doc(CAMPAIGN, doc.campaign)
	rules = calling_rules(campaign)
	now = aware(now_datetime())
	times = recent_attempts([row["e164"]], now - timedelta(days=rules.period_days)).get(row["e164"], [])
	status, reason, next_at = evaluate(row, times, now, rules)
	doc.status, doc.exclusion_reason = status, reason or None
	if next_at:
		doc.next_attempt_at = next_at


# ------------------------------------------------------------------------------------------------
# Working the list


def _is_supervisor(user: str) -> bool:
	return user == "Administrator" or bool(set(SUPERVISOR_ROLES) & set(frappe.get_roles(user)))


def check_agent(campaign, user: str) -> None:
	if _is_supervisor(user):
		return
	if "Call Centre Agent" not in frappe.get_roles(user):
		frappe.throw(_("Only call centre agents can work a call list."), frappe.PermissionError)
	agents = {a.user for a in campaign.get("agents") or []}
	if agents and user not in agents:
		frappe.throw(_("You are not an agent of this campaign."), frappe.PermissionError)
	if not agents and campaign.team:
		members = (
			frappe.get_all("CRMS Service Team Member", filters={"parent": campaign.team}, pluck="user")
			if frappe.db.exists("DocType", "CRMS Service Team Member")
			else []
		)
		if members and user not in members:
			frappe.throw(_("You are not in this campaign's team."), frappe.PermissionError)


LOCK_SQL = (
	"update `tabCRMS Call Campaign Target` set status = 'In Progress', assigned_to = %(agent)s, "
	"locked_at = %(now)s, modified = %(now)s, modified_by = %(agent)s "
	"where name = %(name)s and (status in ('Pending', 'Scheduled') "
	"or (status = 'In Progress' and locked_at < %(stale)s))"
)


def lock(name: str, agent: str, now: datetime) -> bool:
	"""Take the target for `agent` if it is still free (or its lock went stale); True if we got it."""
	local = naive(now)
	frappe.db.sql(
		LOCK_SQL,
		{"name": name, "agent": agent, "now": local, "stale": local - timedelta(minutes=LOCK_MINUTES)},
	)
	return frappe.db._cursor.rowcount == 1


@frappe.whitelist()
def next_target(campaign: str, now: datetime | None = None) -> dict | None:
	"""The agent's next call: their open target in this campaign, else a due target whose window is
	open on its own clock now, locked for them. None when nobody may be called now."""
	agent = frappe.session.user
	doc = frappe.get_doc(CAMPAIGN, campaign)
	doc.check_permission("read")
	if doc.status != "Active":
		frappe.throw(_("The campaign is not active."))
	check_agent(doc, agent)
	now = aware(now or now_datetime())
	local = naive(now)
	mine = frappe.db.get_value(
		TARGET, {"campaign": campaign, "status": "In Progress", "assigned_to": agent}, "name"
	)
	if mine:
		return target_card(mine, doc, now)
	rules = calling_rules(doc)
	# zones of the list: a loose scan of the (campaign, timezone, ...) index, a handful of rows
	T = frappe.qb.DocType(TARGET)
	zones = [
		z
		for (z,) in frappe.qb.from_(T).select(T.timezone).distinct().where(T.campaign == campaign).run()
		if z and _zone(z)
	]
	open_zones = [z for z in zones if ob.in_window(now, _zone(z), rules)]
	if not open_zones:
		return None
	for _round in range(5):
		names = due_targets(campaign, open_zones, local)
		if not names:
			return None
		for name in names:
			if not still_callable(name, doc, rules, now):
				continue
			if lock(name, agent, now):
				return target_card(name, doc, now)
	return None


def due_targets(campaign: str, zones: list[str], local: datetime, limit: int = 20) -> list[str]:
	"""Due targets in the open zones, earliest first (never-called ones first), plus stale locks.

	One query per (zone, status), each an ordered range of the (campaign, timezone, status,
	next_attempt_at) index read up to `limit` rows: no sort of the whole list.
	"""
	T = frappe.qb.DocType(TARGET)
	found: list[tuple] = []
	for zone in zones:
		for status in OPEN:
			found += (
				frappe.qb.from_(T)
				.select(T.next_attempt_at, T.name)
				.where(
					(T.campaign == campaign)
					& (T.timezone == zone)
					& (T.status == status)
					& (T.next_attempt_at.isnull() | (T.next_attempt_at <= local))
				)
				.orderby(T.next_attempt_at)
				.limit(limit)
				.run()
			)
	stale = local - timedelta(minutes=LOCK_MINUTES)
	found += (
		frappe.qb.from_(T)
		.select(T.next_attempt_at, T.name)
		.where(
			(T.campaign == campaign)
			& (T.status == "In Progress")
			& (T.locked_at < stale)
			& T.timezone.isin(zones)
		)
		.limit(limit)
		.run()
	)
	found.sort(key=lambda r: (r[0] is not None, r[0] or local, r[1]))
	return [name for _at, name in found[:limit]]


def still_callable(name: str, campaign, rules: ob.CallingRules, now: datetime) -> bool:
	"""Re-check a target just before calling: its party may have opted out, or other campaigns may
	have used up the frequency cap since the list was built. Moves it out of the way if not."""
	t = frappe.db.get_value(
		TARGET, name, ["party_type", "party", "contact", "phone", "timezone", "status"], as_dict=True
	)
	if not t:
		return False
	row = party_candidate(t.party_type, t.party, t.contact) or {}
	row.update({"e164": t.phone, "tz": t.timezone, "party_type": t.party_type, "party": t.party})
	times = recent_attempts([t.phone], now - timedelta(days=rules.period_days)).get(t.phone, [])
	status, reason, next_at = evaluate(row, times, now, rules)
	if status == "Pending":
		return True
	frappe.db.sql(
		"update `tabCRMS Call Campaign Target` set status = %(s)s, exclusion_reason = %(r)s, "
		"next_attempt_at = %(n)s, modified = %(now)s "
		"where name = %(name)s and status in ('Pending', 'Scheduled')",
		{"s": status, "r": reason, "n": next_at, "now": naive(now), "name": name},
	)
	return False


def target_card(name: str, campaign, now: datetime) -> dict:
	t = frappe.db.get_value(
		TARGET,
		name,
		[
			"name",
			"party_type",
			"party",
			"party_name",
			"contact",
			"phone",
			"timezone",
			"attempts",
			"last_disposition",
			"next_attempt_at",
		],
		as_dict=True,
	)
	zone = _zone(t.timezone)
	t.local_time = now.astimezone(zone).strftime("%Y-%m-%d %H:%M") if zone else None
	t.campaign = campaign.name
	t.campaign_type = campaign.campaign_type
	t.survey_type = campaign.survey_type
	t.script = campaign.script
	t.script_doctype = campaign.script_doctype if campaign.script else None
	t.dispositions = [{"value": d, "label": disposition_label(d)} for d in DISPOSITIONS]
	return t


# ------------------------------------------------------------------------------------------------
# Outcomes


@frappe.whitelist()
def record_outcome(
	target: str,
	disposition: str,
	notes: str | None = None,
	call_log: str | None = None,
	score=None,
	now: datetime | None = None,
) -> dict:
	"""Record one call to a target: attempt log, next attempt (or done), conversions, survey answer."""
	agent = frappe.session.user
	if disposition not in DISPOSITIONS:
		frappe.throw(_("Unknown disposition {0}").format(disposition))
	t = frappe.get_doc(TARGET, target)
	campaign = frappe.get_doc(CAMPAIGN, t.campaign)
	if not _is_supervisor(agent):
		t.check_permission("read")
		if t.status != "In Progress" or t.assigned_to != agent:
			frappe.throw(_("This call is not assigned to you."), frappe.PermissionError)
	elif t.status in ("Done", "Excluded"):
		frappe.throw(_("This target is already {0}.").format(_(t.status)))
	if call_log and not frappe.db.exists("Call Log", call_log):
		frappe.throw(_("Call Log {0} not found").format(call_log))
	now = aware(now or now_datetime())
	code = DISPOSITIONS[disposition]
	rules = calling_rules(campaign)
	policy = retry_policy(campaign, rules)

	survey = None
	if campaign.campaign_type == "Survey" and disposition == "Completed":
		survey = record_survey(campaign, t, score, agent, now, call_log)

	count = cint(t.attempts) + 1
	next_at = ob.next_attempt(count, code, now, policy, t.timezone)
	if next_at is not None and t.phone:
		# past the frequency cap counted over every campaign's attempts to this number (this one included)
		times = [*recent_attempts([t.phone], now - timedelta(days=rules.period_days)).get(t.phone, []), now]
		zone = _zone(t.timezone)
		next_at = cap_release(times, next_at, zone, rules) if zone else None

	lead = opportunity = None
	if disposition == "Interested":
		lead, opportunity = convert(campaign, t, notes)

	attempt = frappe.get_doc(
		{
			"doctype": ATTEMPT,
			"campaign": campaign.name,
			"target": t.name,
			"party_type": t.party_type,
			"party": t.party,
			"phone": t.phone,
			"agent": agent,
			"attempted_at": naive(now),
			"disposition": disposition,
			"disposition_code": code,
			"connected": int(code in CONNECTED),
			"final": int(next_at is None),
			"call_log": call_log,
			"lead": lead,
			"opportunity": opportunity,
			"survey_response": survey,
			"next_attempt_at": naive(next_at) if next_at else None,
			"notes": notes,
		}
	).insert(ignore_permissions=True)

	values = {
		"attempts": count,
		"last_disposition": disposition,
		"last_attempt_at": naive(now),
		"status": "Done" if next_at is None else "Scheduled",
		"next_attempt_at": naive(next_at) if next_at else None,
		"locked_at": None,
		"exclusion_reason": None,
	}
	if call_log:
		values["last_call_log"] = call_log
	if lead:
		values["lead"] = lead
	if opportunity:
		values["opportunity"] = opportunity
	if survey:
		values["survey_response"] = survey
	frappe.db.set_value(TARGET, t.name, values)

	if code == ob.DNC_REQUESTED:
		mark_do_not_call(t, now)
	if call_log:
		link_call_log(call_log, t, disposition, agent, lead, opportunity, notes)
	return {
		"attempt": attempt.name,
		"status": values["status"],
		"next_attempt_at": values["next_attempt_at"],
		"lead": lead,
		"opportunity": opportunity,
		"survey_response": survey,
	}


def _company() -> str | None:
	return frappe.defaults.get_user_default("Company") or frappe.db.get_value("Company", {}, "name")


def convert(campaign, t, notes: str | None) -> tuple[str | None, str | None]:
	"""Interested: a Lead for a sales campaign's contact who is not a lead or customer yet, an
	Opportunity for a customer or lead (once per target)."""
	lead = t.lead
	if t.party_type == "Contact" and campaign.campaign_type == "Sales" and not lead:
		customer = frappe.db.get_value(
			"Dynamic Link",
			{"parenttype": "Contact", "parent": t.party, "link_doctype": "Customer"},
			"link_name",
		)
		if not customer:
			c = frappe.db.get_value(
				"Contact",
				t.party,
				["first_name", "last_name", "email_id", "company_name", "mobile_no", "phone"],
				as_dict=True,
			)
			doc = frappe.get_doc(
				{
					"doctype": "Lead",
					"first_name": c.first_name or t.party_name or t.party,
					"last_name": c.last_name,
					"email_id": c.email_id,
					"company_name": c.company_name,
					"mobile_no": t.phone or c.mobile_no,
					"phone": c.phone,
					"status": "Interested",
					"campaign_name": campaign.erpnext_campaign,
					"company": _company(),
				}
			)
			doc.insert(ignore_permissions=True)
			if notes:
				doc.add_comment("Comment", notes)
			lead = doc.name
	opportunity = t.opportunity
	if t.party_type in ("Customer", "Lead") and not opportunity:
		doc = frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": t.party_type,
				"party_name": t.party,
				"status": "Open",
				"company": _company(),
				"transaction_date": frappe.utils.nowdate(),
				"campaign": campaign.erpnext_campaign,
				"contact_person": t.contact,
				"contact_mobile": t.phone,
			}
		)
		doc.insert(ignore_permissions=True)
		if notes:
			doc.add_comment("Comment", notes)
		opportunity = doc.name
	return (lead if lead != t.lead else None), (opportunity if opportunity != t.opportunity else None)


def record_survey(campaign, t, score, agent: str, now: datetime, call_log: str | None) -> str:
	"""The answer of a survey call as a CRMS Survey Response (channel Phone); low scores open the
	supervisor's follow-up like an e-mailed survey."""
	from crm_suite.engine import survey_tokens as tokens
	from crm_suite.service_desk import surveys

	kind = surveys.KINDS[campaign.survey_type]
	value = tokens.check_rating(kind, score)
	if value is None:
		frappe.throw(_("Enter the {0} score the customer gave.").format(campaign.survey_type))
	customer = t.party if t.party_type == "Customer" else None
	if not customer and t.contact:
		customer = frappe.db.get_value(
			"Dynamic Link",
			{"parenttype": "Contact", "parent": t.contact, "link_doctype": "Customer"},
			"link_name",
		)
	tier = (
		frappe.db.get_value("Customer", customer, "crms_tier")
		if customer and _has("Customer", "crms_tier")
		else None
	)
	stamp = naive(now)
	doc = frappe.get_doc(
		{
			"doctype": SURVEY,
			"survey_type": campaign.survey_type,
			"status": "Answered",
			"score": value,
			"customer": customer,
			"contact": t.contact or (t.party if t.party_type == "Contact" else None),
			"agent": agent,
			"team": campaign.team,
			"channel": "Phone",
			"tier": tier,
			"sent_on": stamp,
			"used_on": stamp,
			"expires_on": stamp,
		}
	).insert(ignore_permissions=True)
	if surveys.is_low(campaign.survey_type, value):
		surveys.create_follow_up(doc.name)
	return doc.name


def mark_do_not_call(t, now: datetime) -> None:
	"""The person asked not to be called again: flag the record and drop the number from every open
	list (all campaigns)."""
	if t.party_type == "Customer":
		if _has("Customer", "crms_dnc_phone"):
			frappe.db.set_value("Customer", t.party, "crms_dnc_phone", 1)
		if t.contact and _has("Contact", "crms_do_not_call"):
			frappe.db.set_value("Contact", t.contact, "crms_do_not_call", 1)
	elif _has(t.party_type, "crms_do_not_call"):
		frappe.db.set_value(t.party_type, t.party, "crms_do_not_call", 1)
	if t.phone:
		frappe.db.sql(
			"update `tabCRMS Call Campaign Target` set status = 'Excluded', exclusion_reason = %(r)s, "
			"next_attempt_at = null, modified = %(now)s "
			"where phone = %(phone)s and status in ('Pending', 'Scheduled')",
			{"r": ob.DO_NOT_CALL, "phone": t.phone, "now": naive(now)},
		)


def link_call_log(
	call_log: str, t, disposition: str, agent: str, lead: str | None, opportunity: str | None, notes
) -> None:
	values = {}
	meta = frappe.get_meta("Call Log")
	current = frappe.db.get_value("Call Log", call_log, ["crms_agent", "summary", "customer"], as_dict=True)
	if disposition in CALL_LOG_DISPOSITION and meta.has_field("crms_disposition"):
		values["crms_disposition"] = CALL_LOG_DISPOSITION[disposition]
	if meta.has_field("crms_agent") and not current.crms_agent:
		values["crms_agent"] = agent
	contact = t.contact or (t.party if t.party_type == "Contact" else None)
	if contact and meta.has_field("crms_contact"):
		values["crms_contact"] = contact
	the_lead = lead or t.lead or (t.party if t.party_type == "Lead" else None)
	if the_lead and meta.has_field("crms_lead"):
		values["crms_lead"] = the_lead
	if (opportunity or t.opportunity) and meta.has_field("crms_opportunity"):
		values["crms_opportunity"] = opportunity or t.opportunity
	if t.party_type == "Customer" and not current.customer:
		values["customer"] = t.party
	if notes and not current.summary:
		values["summary"] = notes
	if values:
		frappe.db.set_value("Call Log", call_log, values)


# ------------------------------------------------------------------------------------------------
# Campaign state


@frappe.whitelist()
def set_status(campaign: str, status: str) -> str:
	"""Start, pause or complete a campaign (the form's buttons)."""
	if status not in ("Active", "Paused", "Completed"):
		frappe.throw(_("Invalid status"))
	doc = frappe.get_doc(CAMPAIGN, campaign)
	doc.check_permission("write")
	doc.status = status
	doc.save()
	return doc.status


@frappe.whitelist()
def release(target: str) -> None:
	"""Give a locked target back to the list (the agent closed the dialog without calling)."""
	agent = frappe.session.user
	frappe.db.sql(
		"update `tabCRMS Call Campaign Target` set status = if(attempts > 0, 'Scheduled', 'Pending'), "
		"locked_at = null where name = %(name)s and status = 'In Progress' and assigned_to = %(agent)s",
		{"name": target, "agent": agent},
	)
