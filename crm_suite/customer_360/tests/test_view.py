"""Customer 360 view: KPIs, timeline pagination and filters, and permissions (territory, doctype)."""

import frappe
from frappe.utils import add_days, now_datetime, nowdate, random_string

from crm_suite.customer_360.view import get_customer_360, get_timeline
from crm_suite.tests import CRMSuiteTestCase
from crm_suite.tests.utils import (
	make_company,
	make_contact,
	make_customer,
	make_sales_invoice,
	make_sales_order,
	make_user,
)


def default_company_and_currency() -> tuple[str, str]:
	company = frappe.db.get_single_value("Global Defaults", "default_company")
	return company, frappe.get_cached_value("Company", company, "default_currency")


def second_company() -> tuple[str, str]:
	"""A company in another currency than the default one (EUR, or GBP when the default is EUR)."""
	_company, currency = default_company_and_currency()
	if currency == "EUR":
		return make_company("_Test CRMS Second Ltd", "_TCS2", "GBP", "United Kingdom"), "GBP"
	return make_company("_Test CRMS Zweite GmbH", "_TCZ2", "EUR", "Germany"), "EUR"


def make_territory(name: str) -> str:
	if not frappe.db.exists("Territory", name):
		frappe.get_doc(
			{"doctype": "Territory", "territory_name": name, "parent_territory": "All Territories"}
		).insert(ignore_permissions=True)
	return name


def make_issue(customer: str, **kwargs):
	return frappe.get_doc(
		{"doctype": "Issue", "subject": f"_Test CRMS {random_string(5)}", "customer": customer, **kwargs}
	).insert(ignore_permissions=True)


def bulk_comments(customer: str, count: int, creation) -> list[str]:
	"""Comments sharing one creation timestamp: ties the cursor must break by name."""
	names = [f"crmst{random_string(10).lower()}" for _ in range(count)]
	frappe.db.bulk_insert(
		"Comment",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"comment_type",
			"reference_doctype",
			"reference_name",
			"content",
		],
		[
			(
				n,
				creation,
				creation,
				"Administrator",
				"Administrator",
				"Comment",
				"Customer",
				customer,
				f"tie {i}",
			)
			for i, n in enumerate(names)
		],
	)
	return names


class TestCustomer360View(CRMSuiteTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.customer = make_customer().name
		self.contact = make_contact(customer=self.customer).name

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_kpis_on_a_customer_with_invoices_orders_and_issues(self):
		make_sales_invoice(self.customer, amount=300)
		make_sales_invoice(self.customer, posting_date=add_days(nowdate(), -500), amount=200)  # overdue, old
		make_sales_order(self.customer, amount=150)
		make_issue(self.customer)
		make_issue(self.customer, status="Closed")
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Phone",
				"subject": "_Test CRMS call",
				"reference_doctype": "Contact",
				"reference_name": self.contact,
				"sent_or_received": "Received",
			}
		).insert(ignore_permissions=True)

		kpis = get_customer_360(self.customer)
		company, currency = default_company_and_currency()
		self.assertEqual(
			kpis["revenue"],
			{
				"by_company": [
					{"company": company, "currency": currency, "lifetime": 500.0, "last_12_months": 300.0}
				]
			},
		)
		self.assertEqual(
			kpis["open_orders"],
			{
				"count": 1,
				"by_company": [{"company": company, "currency": currency, "count": 1, "value": 150.0}],
			},
		)
		self.assertEqual(
			kpis["overdue_invoices"],
			{
				"count": 1,
				"by_company": [{"company": company, "currency": currency, "count": 1, "outstanding": 200.0}],
			},
		)
		self.assertEqual(kpis["issues"]["count"], 1)
		self.assertEqual(sum(kpis["issues"]["sla_states"].values()), 1)
		self.assertEqual(kpis["last_contact"]["subject"], "_Test CRMS call")
		self.assertIn("metrics_computed", kpis)

	def test_pagination_returns_every_item_once_in_order(self):
		make_sales_invoice(self.customer, amount=10)
		make_sales_order(self.customer, amount=10)
		make_issue(self.customer)
		tie = now_datetime().replace(microsecond=0)
		bulk_comments(self.customer, 9, tie)
		bulk_comments(self.customer, 3, add_days(tie, -1))
		everything = get_timeline(self.customer, limit=100)
		self.assertIsNone(everything["next_cursor"])
		self.assertEqual(len(everything["items"]), 15)
		keys = [(i["timestamp"], i["doctype"], i["name"]) for i in everything["items"]]
		self.assertEqual(keys, sorted(keys, reverse=True))

		for size in (1, 4, 7):
			seen, cursor = [], None
			for _page in range(50):
				page = get_timeline(self.customer, start_after=cursor, limit=size)
				self.assertLessEqual(len(page["items"]), size)
				seen.extend((i["timestamp"], i["doctype"], i["name"]) for i in page["items"])
				cursor = page["next_cursor"]
				if not cursor:
					break
			self.assertEqual(seen, keys, f"page size {size}")

	def test_type_and_date_filters(self):
		make_sales_invoice(self.customer, amount=10)
		make_sales_order(self.customer, amount=10)
		bulk_comments(self.customer, 2, now_datetime())
		only = get_timeline(self.customer, types=["Sales Invoice"], limit=50)["items"]
		self.assertEqual({i["doctype"] for i in only}, {"Sales Invoice"})
		self.assertEqual(len(only), 1)
		two = get_timeline(self.customer, types='["Comment", "Sales Order"]', limit=50)["items"]
		self.assertEqual(sorted(i["doctype"] for i in two), ["Comment", "Comment", "Sales Order"])
		future = get_timeline(self.customer, from_date=add_days(nowdate(), 2), limit=50)["items"]
		self.assertEqual(future, [])

	def test_bad_cursor_is_a_clear_error(self):
		with self.assertRaises(frappe.ValidationError):
			get_timeline(self.customer, start_after="not-a-cursor")

	def test_territory_restricted_user_cannot_open_another_territory(self):
		mine, other = make_territory("_Test CRMS North"), make_territory("_Test CRMS South")
		own = make_customer(territory=mine).name
		foreign = make_customer(territory=other).name
		user = make_user("crms360-territory@example.com", ("Sales User",))
		for name in frappe.get_all("User Permission", filters={"user": user}, pluck="name"):
			frappe.delete_doc("User Permission", name, ignore_permissions=True)
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Territory", "for_value": mine}
		).insert(ignore_permissions=True)
		frappe.set_user(user)
		self.assertTrue(get_timeline(own)["items"] is not None)
		self.assertEqual(get_customer_360(own)["customer"]["name"], own)
		with self.assertRaises(frappe.PermissionError):
			get_timeline(foreign)
		with self.assertRaises(frappe.PermissionError):
			get_customer_360(foreign)

	def test_user_without_invoice_read_sees_no_invoices(self):
		make_sales_invoice(self.customer, amount=10)
		make_sales_order(self.customer, amount=10)
		user = make_user("crms360-sales@example.com", ("Sales User",))
		for name in frappe.get_all("User Permission", filters={"user": user}, pluck="name"):
			frappe.delete_doc("User Permission", name, ignore_permissions=True)
		frappe.set_user(user)
		items = get_timeline(self.customer, limit=50)["items"]
		doctypes = {i["doctype"] for i in items}
		self.assertNotIn("Sales Invoice", doctypes)
		self.assertIn("Sales Order", doctypes)
		kpis = get_customer_360(self.customer)
		self.assertIsNone(kpis["revenue"])
		self.assertIsNone(kpis["overdue_invoices"])
		self.assertEqual(kpis["open_orders"]["count"], 1)

	def test_customer_profile_print_format_respects_permissions(self):
		make_sales_invoice(self.customer, amount=300)
		html = frappe.get_print("Customer", self.customer, "Customer Profile")
		self.assertIn("ACC-SINV", html)
		self.assertIn(self.customer, html)
		user = make_user("crms360-sales@example.com", ("Sales User",))
		for name in frappe.get_all("User Permission", filters={"user": user}, pluck="name"):
			frappe.delete_doc("User Permission", name, ignore_permissions=True)
		frappe.set_user(user)
		html = frappe.get_print("Customer", self.customer, "Customer Profile")
		self.assertNotIn("ACC-SINV", html)
		other = make_territory("_Test CRMS East")
		frappe.set_user("Administrator")
		foreign = make_customer(territory=other).name
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user,
				"allow": "Territory",
				"for_value": make_territory("_Test CRMS West"),
			}
		).insert(ignore_permissions=True)
		frappe.set_user(user)
		# frappe's printview answers "not found" rather than revealing the record exists
		with self.assertRaises((frappe.PermissionError, frappe.DoesNotExistError)):
			frappe.get_print("Customer", foreign, "Customer Profile")

	def test_lead_call_logs_and_contact_communications_are_in_the_timeline(self):
		from crm_suite.tests.utils import make_lead

		lead = make_lead().name
		customer = make_customer(lead_name=lead).name
		contact = make_contact(customer=customer).name
		call = frappe.get_doc(
			{
				"doctype": "Call Log",
				"id": f"crms-{random_string(10)}",
				"from": "+12065550100",
				"to": "+12065550101",
				"type": "Incoming",
				"status": "Completed",
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		linked = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"subject": "_Test CRMS linked mail",
				"sent_or_received": "Received",
				"timeline_links": [{"link_doctype": "Contact", "link_name": contact}],
			}
		).insert(ignore_permissions=True)
		items = get_timeline(customer, limit=50)["items"]
		got = {(i["doctype"], i["name"]) for i in items}
		self.assertIn(("Lead", lead), got)
		self.assertIn(("Call Log", call.name), got)
		self.assertIn(("Communication", linked.name), got)
		self.assertEqual(len(items), len(got))

	def test_metrics_from_customer_analytics_once_computed(self):
		from crm_suite.customer_analytics.metrics import refresh_customer

		self.assertFalse(get_customer_360(self.customer)["metrics_computed"])
		make_sales_invoice(self.customer, posting_date=add_days(nowdate(), -400), amount=300)
		make_sales_invoice(self.customer, posting_date=add_days(nowdate(), -200), amount=200)
		refresh_customer(self.customer)
		kpis = get_customer_360(self.customer)
		self.assertTrue(kpis["metrics_computed"])
		self.assertEqual(len(kpis["metrics"]["rfm_cell"]), 3)
		self.assertIn("clv", kpis["metrics"])
		self.assertIsInstance(kpis["metrics"]["churn_reasons"], list)

	# -- money per company; timeline by document date --------------------------------------------

	def test_amounts_are_per_company_in_each_company_currency(self):
		company, currency = default_company_and_currency()
		second, second_currency = second_company()
		make_sales_invoice(self.customer, amount=300)
		make_sales_invoice(self.customer, amount=200, company=second, currency=second_currency)
		make_sales_invoice(
			self.customer,
			posting_date=add_days(nowdate(), -500),
			amount=70,
			company=second,
			currency=second_currency,
		)
		make_sales_order(self.customer, amount=150)

		kpis = get_customer_360(self.customer)
		revenue = {r["company"]: r for r in kpis["revenue"]["by_company"]}
		self.assertEqual(
			revenue[company],
			{"company": company, "currency": currency, "lifetime": 300.0, "last_12_months": 300.0},
		)
		self.assertEqual(
			revenue[second],
			{"company": second, "currency": second_currency, "lifetime": 270.0, "last_12_months": 200.0},
		)
		self.assertEqual(
			kpis["overdue_invoices"]["by_company"],
			[{"company": second, "currency": second_currency, "count": 1, "outstanding": 70.0}],
		)
		self.assertEqual([r["currency"] for r in kpis["open_orders"]["by_company"]], [currency])

		only = get_customer_360(self.customer, company=second)
		self.assertEqual([r["company"] for r in only["revenue"]["by_company"]], [second])
		self.assertEqual(only["open_orders"], {"count": 0, "by_company": []})

		# each timeline document carries its amount in its own currency
		items = get_timeline(self.customer, types=["Sales Invoice"], limit=10)["items"]
		self.assertEqual(
			sorted((i["amount"], i["currency"]) for i in items),
			sorted([(300.0, currency), (200.0, second_currency), (70.0, second_currency)]),
		)
		html = frappe.get_print("Customer", self.customer, "Customer Profile")
		self.assertIn(second, html)
		self.assertIn(frappe.utils.fmt_money(270, currency=second_currency), html)
		self.assertIn(frappe.utils.fmt_money(300, currency=currency), html)

	def test_timeline_orders_documents_by_their_own_date(self):
		today = make_sales_invoice(self.customer, amount=10).name
		order = make_sales_order(self.customer, transaction_date=add_days(nowdate(), -5), amount=10).name
		# typed in last, dated earliest: it must come last, not first
		backdated = make_sales_invoice(self.customer, posting_date=add_days(nowdate(), -10), amount=10).name
		bulk_comments(self.customer, 1, add_days(now_datetime(), -7))
		items = get_timeline(self.customer, types=["Sales Invoice", "Sales Order", "Comment"], limit=10)[
			"items"
		]
		self.assertEqual(
			[(i["doctype"], i["name"]) for i in items if i["doctype"] != "Comment"],
			[("Sales Invoice", today), ("Sales Order", order), ("Sales Invoice", backdated)],
		)
		self.assertEqual([i["doctype"] for i in items][2], "Comment")  # day -7 sits between -5 and -10
		self.assertTrue(all(i["date_only"] for i in items if i["doctype"] != "Comment"))
		# keyset pages of one item walk the same order
		seen, cursor = [], None
		for _page in range(10):
			page = get_timeline(
				self.customer, types=["Sales Invoice", "Sales Order", "Comment"], start_after=cursor, limit=1
			)
			seen.extend((i["doctype"], i["name"]) for i in page["items"])
			cursor = page["next_cursor"]
			if not cursor:
				break
		self.assertEqual(seen, [(i["doctype"], i["name"]) for i in items])
		# date filters apply to the document date
		window = get_timeline(
			self.customer,
			types=["Sales Invoice"],
			from_date=add_days(nowdate(), -11),
			to_date=add_days(nowdate(), -9),
		)["items"]
		self.assertEqual([i["name"] for i in window], [backdated])
