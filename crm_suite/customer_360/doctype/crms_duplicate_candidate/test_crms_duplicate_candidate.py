# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Scan, review and merge of duplicate candidates on a real site."""

import json
import random

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import random_string

from crm_suite.crm_suite.doctype.crms_settings.crms_settings import clear_settings_cache
from crm_suite.customer_360 import duplicates
from crm_suite.engine import dedupe
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import (
	company,
	make_address,
	make_contact,
	make_customer,
	make_lead,
	make_sales_invoice,
	make_user,
)

test_ignore = ["Company", "Item", "Customer"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

CANDIDATE = "CRMS Duplicate Candidate"


def make_candidate(
	doctype: str, a: str, b: str, score: float = 95, **kwargs
) -> "frappe.model.document.Document":
	return frappe.get_doc(
		{
			"doctype": CANDIDATE,
			"candidate_doctype": doctype,
			"record_a": a,
			"record_b": b,
			"score": score,
			"match_weight": 4.2,
			"name_score": 8.3,
			**kwargs,
		}
	).insert(ignore_permissions=True)


def mobile() -> str:
	"""A valid, random Chinese mobile number (E.164), so tests never share phone keys."""
	return f"+86138{random.randrange(10**8):08d}"


def pair(tag: str, **kwargs):
	a = make_customer(customer_name=f"Twin Peaks {tag} Trading Ltd", **kwargs)
	b = make_customer(customer_name=f"TWIN PEAKS {tag} Trading Limited")
	return a, b


class TestCRMSDuplicateCandidate(CRMSuiteTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		clear_settings_cache()  # a scan stored its fitted model in the rolled-back transaction

	def test_key_is_order_independent_and_unique(self):
		a, b = pair(random_string(6))
		cand = make_candidate("Customer", b.name, a.name)
		self.assertEqual((cand.record_a, cand.record_b), tuple(sorted((a.name, b.name))))
		self.assertEqual(cand.record_b_doctype, "Customer")
		with self.assertRaises((frappe.DuplicateEntryError, frappe.UniqueValidationError)):
			make_candidate("Customer", a.name, b.name)

	def test_scan_creates_candidates_once_and_keeps_dismissed(self):
		tag = random_string(6)
		a, b = pair(tag)
		make_contact(customer=a.name, phone_nos=[{"phone": "+8613800138000", "is_primary_mobile_no": 1}])
		make_contact(customer=b.name, phone_nos=[{"phone": "+86 138 0013 8000", "is_primary_mobile_no": 1}])
		stats = duplicates.run_scan(["Customer"])
		self.assertGreaterEqual(stats["Customer"]["matches"], 1)
		self.assertLess(stats["Customer"]["pairs_compared"], max(stats["Customer"]["records"] ** 2, 2))
		key = {
			"candidate_doctype": "Customer",
			"record_a": min(a.name, b.name),
			"record_b": max(a.name, b.name),
		}
		rows = frappe.get_all(
			CANDIDATE,
			filters=key,
			fields=["name", "status", "score", "match_weight", "name_score", "phone_score", "explanation"],
		)
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0].status, "Open")
		self.assertGreater(rows[0].name_score, 0)  # bits of evidence for a match
		self.assertGreater(rows[0].phone_score, 0)
		self.assertGreaterEqual(rows[0].score, 50)  # a probability in percent, at least the threshold
		self.assertGreater(rows[0].match_weight, 0)
		self.assertIn("Name: same (+", rows[0].explanation)
		self.assertIn("Phone: same (+", rows[0].explanation)

		duplicates.run_scan(["Customer"])
		self.assertEqual(frappe.db.count(CANDIDATE, key), 1)

		duplicates.dismiss(rows[0].name, note="two branches")
		duplicates.run_scan(["Customer"])
		self.assertEqual(frappe.get_all(CANDIDATE, filters=key, pluck="status"), ["Not a Duplicate"])
		self.assertEqual(frappe.db.get_value(CANDIDATE, rows[0].name, "reviewed_by"), "Administrator")
		with self.assertRaises(frappe.ValidationError):
			duplicates.dismiss(rows[0].name)

	def test_nightly_scan_runs_the_job(self):
		a, b = pair(random_string(6))
		duplicates.nightly_scan()  # enqueue(now=in_test) runs inline
		self.assertTrue(
			frappe.db.exists(CANDIDATE, {"record_a": min(a.name, b.name), "record_b": max(a.name, b.name)})
		)

	def test_scan_now_is_for_managers(self):
		frappe.set_user(make_user(f"dq-sales-{random_string(5)}@example.com", ("Sales User",)))
		self.assertRaises(frappe.PermissionError, duplicates.scan_now)

	def test_merge_moves_invoice_issue_and_contact_links(self):
		survivor, merged = pair(random_string(6))
		invoice = make_sales_invoice(merged.name, amount=250)
		self.assertEqual(invoice.docstatus, 1)
		issue = frappe.get_doc(
			{"doctype": "Issue", "subject": f"Broken {random_string(5)}", "customer": merged.name}
		).insert(ignore_permissions=True)
		contact = make_contact(customer=merged.name)
		cand = make_candidate("Customer", survivor.name, merged.name, score=93.5)

		result = duplicates.merge(cand.name, survivor.name)

		self.assertTrue(result["merged"])
		self.assertFalse(frappe.db.exists("Customer", merged.name))
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "customer"), survivor.name)
		self.assertEqual(
			set(
				frappe.get_all(
					"GL Entry", filters={"voucher_no": invoice.name, "party_type": "Customer"}, pluck="party"
				)
			),
			{survivor.name},
		)
		self.assertEqual(frappe.db.get_value("Issue", issue.name, "customer"), survivor.name)
		self.assertEqual(
			frappe.get_all(
				"Dynamic Link",
				filters={"parent": contact.name, "link_doctype": "Customer"},
				pluck="link_name",
			),
			[survivor.name],
		)
		cand.reload()
		self.assertEqual(cand.status, "Merged")
		self.assertEqual(cand.survivor, survivor.name)
		# rename-merge repoints Dynamic Links: the reviewed pair is kept as it was
		self.assertEqual({cand.record_a, cand.record_b}, {survivor.name, merged.name})
		log = frappe.get_doc("CRMS Merge Log", cand.merge_log)
		self.assertEqual(
			(log.merged_doctype, log.merged_record, log.survivor), ("Customer", merged.name, survivor.name)
		)
		self.assertEqual(log.merged_by, "Administrator")
		self.assertEqual(json.loads(log.snapshot)["customer_name"], merged.customer_name)
		self.assertEqual(json.loads(log.scores)["total"], 93.5)
		with self.assertRaises(frappe.ValidationError):
			log.score = 1
			log.save(ignore_permissions=True)

	def test_merge_refused_for_different_currency_changes_nothing(self):
		own = frappe.get_cached_value("Company", company(), "default_currency")
		other = "USD" if own != "USD" else "EUR"
		survivor, merged = pair(random_string(6), default_currency=own)
		frappe.db.set_value("Customer", merged.name, "default_currency", other)
		cand = make_candidate("Customer", survivor.name, merged.name)
		before = frappe.db.get_value("Customer", merged.name, "modified")

		result = duplicates.merge(cand.name, survivor.name)

		self.assertFalse(result["merged"])
		self.assertIn("different default currencies", result["reasons"][0])
		self.assertEqual(frappe.db.get_value("Customer", merged.name, "modified"), before)
		self.assertTrue(frappe.db.exists("Customer", survivor.name))
		self.assertEqual(frappe.db.get_value(CANDIDATE, cand.name, "status"), "Refused")
		self.assertFalse(frappe.db.exists("CRMS Merge Log", {"merged_record": merged.name}))

	def test_merge_refused_for_disabled_and_self_and_foreign_survivor(self):
		survivor, merged = pair(random_string(6))
		self.assertEqual(
			duplicates.merge_blockers("Customer", survivor.name, survivor.name),
			["A record cannot be merged into itself."],
		)
		cand = make_candidate("Customer", survivor.name, merged.name)
		with self.assertRaises(frappe.ValidationError):
			duplicates.merge(cand.name, "some other customer")
		frappe.db.set_value("Customer", merged.name, "disabled", 1)
		result = duplicates.merge(cand.name, survivor.name)
		self.assertFalse(result["merged"])
		self.assertIn("disabled", result["reasons"][0])
		self.assertTrue(frappe.db.exists("Customer", merged.name))

	def test_failed_merge_leaves_nothing_half_done(self):
		survivor, merged = pair(random_string(6))
		invoice = make_sales_invoice(merged.name, amount=10)
		cand = make_candidate("Customer", survivor.name, merged.name)

		from frappe.tests.utils import patch_hooks

		# a real doc event on the merge log raises after rename_doc has moved every link
		doc_events = {
			**frappe.get_hooks("doc_events"),
			"CRMS Merge Log": {"before_insert": [f"{__name__}._explode"]},
		}
		try:
			with patch_hooks({"doc_events": doc_events}):
				_forget_doc_hooks()
				with self.assertRaises(frappe.ValidationError) as ctx:
					duplicates.merge(cand.name, survivor.name)
		finally:
			_forget_doc_hooks()
		self.assertIn("boom after links moved", str(ctx.exception))
		self.assertTrue(frappe.db.exists("Customer", merged.name))
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "customer"), merged.name)
		self.assertEqual(frappe.db.get_value(CANDIDATE, cand.name, "status"), "Open")

	def test_merge_needs_write_and_delete(self):
		survivor, merged = pair(random_string(6))
		cand = make_candidate("Customer", survivor.name, merged.name)
		frappe.set_user(make_user(f"dq-sales-{random_string(5)}@example.com", ("Sales User",)))
		with self.assertRaises(frappe.PermissionError):
			duplicates.merge(cand.name, survivor.name)
		frappe.set_user("Administrator")
		self.assertTrue(frappe.db.exists("Customer", merged.name))

	def test_comparison_lists_both_records(self):
		survivor, merged = pair(random_string(6))
		cand = make_candidate("Customer", survivor.name, merged.name)
		rows = duplicates.get_comparison(cand.name)["rows"]
		names = next(r for r in rows if r["label"] == "Name")
		self.assertEqual({names["a"], names["b"]}, {survivor.customer_name, merged.customer_name})
		self.assertEqual(names["score"], 8.3)
		self.assertEqual(rows[0]["label"], "Name")

	def test_scan_weighs_structured_addresses_and_stores_the_model(self):
		tag = random_string(6)
		a = make_customer(customer_name=f"Northwind {tag} Traders Ltd")
		b = make_customer(customer_name=f"NORTHWIND {tag} Traders Limited")
		elsewhere = make_customer(customer_name=f"Northwind {tag} Traders Co")
		make_address("Customer", a.name, "12 Harbour Road", "Wellington", "6011")
		make_address("Customer", b.name, "12 Harbour Road", "Wellington", "6011")
		make_address("Customer", elsewhere.name, "400 Queen Street", "Auckland", "1010")

		stats = duplicates.run_scan(["Customer"])

		row = frappe.get_all(
			CANDIDATE,
			filters={
				"candidate_doctype": "Customer",
				"record_a": min(a.name, b.name),
				"record_b": max(a.name, b.name),
			},
			fields=["*"],
		)
		self.assertEqual(len(row), 1)
		row = row[0]
		for field in ("street", "house_no", "city", "postcode"):
			self.assertGreater(row[f"{field}_score"], 0, field)
		self.assertEqual(row.tax_id_score, 0)  # neither has a tax id: no evidence either way
		self.assertNotIn("Tax ID", row.explanation)
		self.assertEqual(row.record_b_doctype, "Customer")
		self.assertGreaterEqual(row.score, 50)
		self.assertGreater(row.match_weight, 0)
		self.assertEqual(row.score, round(dedupe.weight_to_probability(row.match_weight) * 100, 2))
		self.assertIn("Street: same (+", row.explanation)
		self.assertIn("Postcode: same (+", row.explanation)
		# the same name at another address is not a candidate: the address disagrees on every field
		for other in (a, b):
			self.assertFalse(
				frappe.db.exists(
					CANDIDATE,
					{
						"record_a": min(other.name, elsewhere.name),
						"record_b": max(other.name, elsewhere.name),
					},
				)
			)
		stored = json.loads(frappe.db.get_single_value("CRMS Settings", "duplicate_model"))
		self.assertEqual(set(stored["Customer"]), {"m", "u", "prior", "fitted", "pairs", "iterations"})
		self.assertEqual(stored["Customer"]["fitted"], stats["Customer"]["fitted"])
		self.assertTrue(frappe.db.get_single_value("CRMS Settings", "duplicate_model_updated"))
		model = duplicates.stored_model("Customer")
		self.assertEqual(model.to_dict(), dedupe.Model.from_dict(stored["Customer"]).to_dict())

	def test_scan_threshold_is_a_probability(self):
		tag = random_string(6)
		a, b = pair(tag)
		key = {"record_a": min(a.name, b.name), "record_b": max(a.name, b.name)}
		duplicates.run_scan(["Customer"], threshold=0.999999)  # names alone are not that sure
		self.assertFalse(frappe.db.exists(CANDIDATE, key))
		with change_settings("CRMS Settings", {"duplicate_threshold": 60}):
			self.assertEqual(duplicates.review_threshold(), 0.6)
			duplicates.run_scan(["Customer"])
		self.assertTrue(frappe.db.exists(CANDIDATE, key))

	def test_lead_matched_with_existing_customer_and_linked(self):
		tag = random_string(6)
		email, phone = f"hana.{tag}@example.com".lower(), mobile()
		customer = make_customer(customer_name=f"Hana Kowalski {tag}", customer_type="Individual")
		make_contact(
			first_name=f"Hana Kowalski {tag}",
			customer=customer.name,
			email_ids=[{"email_id": email, "is_primary": 1}],
			phone_nos=[{"phone": phone, "is_primary_mobile_no": 1}],
		)
		lead = make_lead(f"Hana Kowalski {tag}", email_id=email, mobile_no=phone)
		own_contact = frappe.db.get_value(
			"Dynamic Link",
			{"parenttype": "Contact", "link_doctype": "Lead", "link_name": lead.name},
			"parent",
		)

		stats = duplicates.run_scan(["Lead"])

		self.assertGreaterEqual(stats[duplicates.CROSS_MODEL]["matches"], 1)
		rows = frappe.get_all(
			CANDIDATE,
			filters={"candidate_doctype": "Lead", "record_a": lead.name},
			fields=["name", "record_b_doctype", "record_b", "score", "email_score", "key", "record_b_title"],
		)
		by_record = {(r.record_b_doctype, r.record_b): r for r in rows}
		self.assertIn(("Customer", customer.name), by_record)
		cand = by_record[("Customer", customer.name)]
		self.assertGreaterEqual(cand.score, 50)
		self.assertGreater(cand.email_score, 0)
		self.assertEqual(cand.record_b_title, customer.customer_name)
		self.assertEqual(cand.key, f"Lead|{lead.name}|Customer|{customer.name}")
		if own_contact:  # ERPNext's own contact of the Lead is a mirror, never a candidate
			self.assertNotIn(("Contact", own_contact), by_record)
		self.assertIn(
			duplicates.CROSS_MODEL, json.loads(frappe.db.get_single_value("CRMS Settings", "duplicate_model"))
		)

		rows = duplicates.get_comparison(cand.name)["rows"]
		names = next(r for r in rows if r["label"] == "Name")
		self.assertEqual((names["a"], names["b"]), (lead.lead_name, customer.customer_name))

		with self.assertRaises(frappe.ValidationError):
			duplicates.merge(cand.name, customer.name)  # different doctypes: never a rename-merge
		result = duplicates.link_lead(cand.name)

		self.assertEqual(result["status"], "Linked")
		linked = frappe.get_doc(CANDIDATE, cand.name)
		self.assertEqual((linked.status, linked.survivor), ("Linked", customer.name))
		self.assertEqual(linked.reviewed_by, "Administrator")
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "customer"), customer.name)
		self.assertNotEqual(frappe.db.get_value("Lead", lead.name, "status"), "Converted")
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Lead", "reference_name": lead.name, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any(customer.name in c for c in comments), comments)
		duplicates.run_scan(["Lead"])  # the key names both doctypes: no second candidate
		self.assertEqual(
			frappe.db.count(CANDIDATE, {"record_a": lead.name, "record_b_doctype": "Customer"}), 1
		)

	def test_link_lead_is_for_cross_doctype_candidates_and_writers(self):
		a, b = pair(random_string(6))
		cand = make_candidate("Customer", a.name, b.name)
		with self.assertRaises(frappe.ValidationError):
			duplicates.link_lead(cand.name)
		lead, customer = make_lead(), make_customer()
		cross = make_candidate("Lead", lead.name, customer.name, record_b_doctype="Customer")
		self.assertEqual((cross.record_a, cross.record_b), (lead.name, customer.name))  # never reordered
		frappe.set_user(make_user(f"dq-sales-{random_string(5)}@example.com", ("Sales User",)))
		with self.assertRaises(frappe.PermissionError):
			duplicates.link_lead(cross.name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(CANDIDATE, cross.name, "status"), "Open")

	def test_cross_candidate_visible_only_when_both_records_are_readable(self):
		from crm_suite.customer_360.report.duplicate_candidates.duplicate_candidates import execute
		from crm_suite.tests.utils import make_territory, restrict_to_territory

		tag = random_string(5)
		mine, other = make_territory(f"_Test Dup Mine {tag}"), make_territory(f"_Test Dup Other {tag}")
		lead = make_lead(territory=mine)
		near, far = make_customer(territory=mine), make_customer(territory=other)
		visible = make_candidate("Lead", lead.name, near.name, record_b_doctype="Customer")
		hidden = make_candidate("Lead", lead.name, far.name, record_b_doctype="Customer")
		user = make_user(f"dq-dup-{random_string(5)}@example.com", ("Sales User",))
		restrict_to_territory(user, mine)
		frappe.cache.hdel("user_permissions", user)
		_columns, rows = execute({"status": "Open", "doctype": "Lead"})
		self.assertEqual(
			{r.name: r.record_b_doctype for r in rows if r.name in (visible.name, hidden.name)},
			{visible.name: "Customer", hidden.name: "Customer"},
		)

		frappe.set_user(user)
		names = set(
			frappe.get_list(CANDIDATE, filters={"name": ["in", [visible.name, hidden.name]]}, pluck="name")
		)
		self.assertEqual(names, {visible.name})
		self.assertTrue(frappe.has_permission(CANDIDATE, "read", doc=visible.name))
		self.assertFalse(frappe.has_permission(CANDIDATE, "read", doc=hidden.name))
		_columns, rows = execute({"status": "Open", "doctype": "Lead"})
		self.assertEqual({r.name for r in rows} & {visible.name, hidden.name}, {visible.name})

	def test_reopen_dismissed_or_refused_candidate(self):
		a, b = pair(random_string(6))
		duplicates.run_scan(["Customer"])
		key = {
			"candidate_doctype": "Customer",
			"record_a": min(a.name, b.name),
			"record_b": max(a.name, b.name),
		}
		name = frappe.db.get_value(CANDIDATE, key)
		duplicates.dismiss(name, note="different branches")
		with self.assertRaises(frappe.ValidationError):
			duplicates.merge(name, a.name)

		self.assertEqual(duplicates.reopen(name), "Open")

		row = frappe.db.get_value(
			CANDIDATE, name, ["status", "reviewed_by", "reviewed_on", "review_note"], as_dict=True
		)
		self.assertEqual(
			row, {"status": "Open", "reviewed_by": None, "reviewed_on": None, "review_note": None}
		)
		with self.assertRaises(frappe.ValidationError):
			duplicates.reopen(name)  # already open
		duplicates.run_scan(["Customer"])
		self.assertEqual(frappe.db.count(CANDIDATE, key), 1)

		frappe.db.set_value("Customer", b.name, "disabled", 1)
		self.assertFalse(duplicates.merge(name, a.name)["merged"])
		self.assertEqual(frappe.db.get_value(CANDIDATE, name, "status"), "Refused")
		frappe.set_user(make_user(f"dq-sales-{random_string(5)}@example.com", ("Sales User",)))
		with self.assertRaises(frappe.PermissionError):
			duplicates.reopen(name)
		frappe.set_user("Administrator")
		self.assertEqual(duplicates.reopen(name), "Open")

	def test_contact_merge_moves_links_phones_and_emails(self):
		tag = random_string(6)
		first, second = make_customer(), make_customer()
		shared_email, own_email, other_email = (
			f"{x}.{tag}@example.com".lower() for x in ("mei", "mei2", "wang")
		)
		shared_phone, other_phone = mobile(), mobile()
		survivor = make_contact(
			first_name=f"Mei {tag}",
			customer=first.name,
			email_ids=[{"email_id": shared_email, "is_primary": 1}, {"email_id": own_email}],
			phone_nos=[{"phone": shared_phone, "is_primary_mobile_no": 1}],
		)
		spaced = f"{shared_phone[:3]} {shared_phone[3:6]} {shared_phone[6:10]} {shared_phone[10:]}"
		merged = make_contact(
			first_name=f"MEI {tag}",
			customer=first.name,
			email_ids=[{"email_id": shared_email.upper(), "is_primary": 1}, {"email_id": other_email}],
			phone_nos=[{"phone": spaced, "is_primary_mobile_no": 1}, {"phone": other_phone}],
			links=[{"link_doctype": "Customer", "link_name": second.name}],
		)
		frappe.db.set_value("Customer", second.name, "customer_primary_contact", merged.name)
		invoice = make_sales_invoice(first.name, amount=40, contact_person=merged.name)
		cand = make_candidate("Contact", survivor.name, merged.name)

		duplicates.merge(cand.name, survivor.name)

		self.assertFalse(frappe.db.exists("Contact", merged.name))
		doc = frappe.get_doc("Contact", survivor.name)
		self.assertEqual(
			sorted((link.link_doctype, link.link_name) for link in doc.links),
			sorted([("Customer", first.name), ("Customer", second.name)]),
		)
		self.assertEqual(
			sorted(e.email_id.lower() for e in doc.email_ids), sorted([shared_email, own_email, other_email])
		)
		self.assertEqual([e.email_id for e in doc.email_ids if e.is_primary], [shared_email])
		self.assertEqual(
			sorted(dedupe.phone_key(p.phone) for p in doc.phone_nos),
			sorted(dedupe.phone_key(p) for p in (shared_phone, other_phone)),
		)
		self.assertEqual([p.phone for p in doc.phone_nos if p.is_primary_mobile_no], [shared_phone])
		self.assertEqual([row.idx for row in doc.email_ids], [1, 2, 3])
		# links that pointed at the merged contact now point at the survivor
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "contact_person"), survivor.name)
		self.assertEqual(
			frappe.db.get_value("Customer", second.name, "customer_primary_contact"), survivor.name
		)
		log = frappe.get_doc("CRMS Merge Log", frappe.db.get_value(CANDIDATE, cand.name, "merge_log"))
		self.assertEqual(json.loads(log.scores)["moved"], {"links": 1, "phone_nos": 1, "email_ids": 1})

	def test_stale_open_candidates_of_the_merged_record_are_dropped(self):
		survivor, merged = pair(random_string(6))
		third = make_customer()
		lead = make_lead()
		cand = make_candidate("Customer", survivor.name, merged.name)
		stale = make_candidate("Customer", merged.name, third.name)
		cross = make_candidate("Lead", lead.name, merged.name, record_b_doctype="Customer")
		kept = make_candidate("Customer", survivor.name, third.name)
		duplicates.merge(cand.name, survivor.name)
		self.assertFalse(frappe.db.exists(CANDIDATE, stale.name))
		self.assertFalse(frappe.db.exists(CANDIDATE, cross.name))
		self.assertEqual(frappe.db.get_value(CANDIDATE, kept.name, "status"), "Open")


def _forget_doc_hooks():
	if hasattr(frappe.local, "doc_events_hooks"):
		del frappe.local.doc_events_hooks


def _explode(doc, method=None):
	raise frappe.ValidationError("boom after links moved")
