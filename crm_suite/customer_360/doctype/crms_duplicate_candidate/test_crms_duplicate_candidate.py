# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""Scan, review and merge of duplicate candidates on a real site."""

import json

import frappe
from frappe.utils import random_string

from crm_suite.customer_360 import duplicates
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import company, make_contact, make_customer, make_sales_invoice, make_user

test_ignore = ["Company", "Item", "Customer"]
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore

CANDIDATE = "CRMS Duplicate Candidate"


def make_candidate(doctype: str, a: str, b: str, score: float = 95) -> "frappe.model.document.Document":
	return frappe.get_doc(
		{
			"doctype": CANDIDATE,
			"candidate_doctype": doctype,
			"record_a": a,
			"record_b": b,
			"score": score,
			"name_score": 100,
		}
	).insert(ignore_permissions=True)


def pair(tag: str, **kwargs):
	a = make_customer(customer_name=f"Twin Peaks {tag} Trading Ltd", **kwargs)
	b = make_customer(customer_name=f"TWIN PEAKS {tag} Trading Limited")
	return a, b


class TestCRMSDuplicateCandidate(CRMSuiteTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_key_is_order_independent_and_unique(self):
		a, b = pair(random_string(6))
		cand = make_candidate("Customer", b.name, a.name)
		self.assertEqual((cand.record_a, cand.record_b), tuple(sorted((a.name, b.name))))
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
			CANDIDATE, filters=key, fields=["name", "status", "score", "name_score", "phone_score"]
		)
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0].status, "Open")
		self.assertEqual(rows[0].name_score, 100)
		self.assertEqual(rows[0].phone_score, 100)
		self.assertGreaterEqual(rows[0].score, 85)

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
		self.assertEqual(names["score"], 100)

	def test_contact_merge_moves_links(self):
		tag = random_string(6)
		customer = make_customer()
		a = make_contact(
			first_name=f"Mei {tag}", email_ids=[{"email_id": f"mei.{tag}@example.com", "is_primary": 1}]
		)
		b = make_contact(first_name=f"MEI {tag}", customer=customer.name)
		cand = make_candidate("Contact", a.name, b.name)
		duplicates.merge(cand.name, a.name)
		self.assertFalse(frappe.db.exists("Contact", b.name))
		self.assertEqual(frappe.db.get_value("Customer", customer.name, "name"), customer.name)


def _forget_doc_hooks():
	if hasattr(frappe.local, "doc_events_hooks"):
		del frappe.local.doc_events_hooks


def _explode(doc, method=None):
	raise frappe.ValidationError("boom after links moved")
