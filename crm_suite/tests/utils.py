"""Factories for integration tests (not named test_*.py, so the runner does not import it as tests)."""

import frappe
from frappe.utils import random_string

from crm_suite.setup.bootstrap import default_company


def make_customer(**kwargs) -> "frappe.model.document.Document":
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": kwargs.pop("customer_name", None) or f"_Test CRMS {random_string(8)}",
			"customer_type": "Company",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			**kwargs,
		}
	)
	return doc.insert(ignore_permissions=True)


def company() -> str:
	return default_company()


TEST_ITEM = "_Test CRMS Item"


def make_item(item_code: str = TEST_ITEM, rate: float = 100) -> str:
	"""A non-stock service item, so invoices need no warehouse or stock."""
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_name": item_code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
				"stock_uom": frappe.db.get_value("UOM", {}, "name") or "Nos",
				"is_stock_item": 0,
				"include_item_in_manufacturing": 0,
				"standard_rate": rate,
			}
		).insert(ignore_permissions=True)
	return item_code


def make_sales_invoice(customer: str, posting_date=None, amount: float = 100, submit: bool = True, **kwargs):
	"""A one-line Sales Invoice in company currency; backdated when `posting_date` is given."""
	from frappe.utils import add_days, getdate, nowdate

	posting_date = getdate(posting_date or nowdate())
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company(),
			"currency": frappe.get_cached_value("Company", company(), "default_currency"),
			"set_posting_time": 1,
			"posting_date": posting_date,
			"due_date": add_days(posting_date, 30),
			"disable_rounded_total": 1,
			"items": [{"item_code": make_item(), "qty": 1, "rate": amount}],
			**kwargs,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_sales_order(customer: str, transaction_date=None, amount: float = 100, submit: bool = True):
	from frappe.utils import add_days, getdate, nowdate

	transaction_date = getdate(transaction_date or nowdate())
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer,
			"company": company(),
			"currency": frappe.get_cached_value("Company", company(), "default_currency"),
			"transaction_date": transaction_date,
			"delivery_date": add_days(transaction_date, 14),
			"items": [
				{
					"item_code": make_item(),
					"qty": 1,
					"rate": amount,
					"delivery_date": add_days(transaction_date, 14),
				}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_contact(first_name: str | None = None, customer: str | None = None, **kwargs):
	doc = frappe.get_doc(
		{"doctype": "Contact", "first_name": first_name or f"_Test CRMS {random_string(6)}", **kwargs}
	)
	if customer:
		doc.append("links", {"link_doctype": "Customer", "link_name": customer})
	return doc.insert(ignore_permissions=True)


def make_lead(lead_name: str | None = None, **kwargs):
	return frappe.get_doc(
		{"doctype": "Lead", "first_name": lead_name or f"_Test CRMS {random_string(6)}", **kwargs}
	).insert(ignore_permissions=True)


def make_user(email: str, roles: tuple[str, ...] = ("Sales User",)) -> str:
	"""A desk user with only the given roles (created once, roles reset on each call)."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	user.add_roles(*roles)
	return email


def make_territory(name: str) -> str:
	"""A leaf territory under the root (created once)."""
	if not frappe.db.exists("Territory", name):
		root = frappe.db.get_value("Territory", {"is_group": 1, "parent_territory": ("in", ("", None))})
		frappe.get_doc({"doctype": "Territory", "territory_name": name, "parent_territory": root}).insert(
			ignore_permissions=True
		)
	return name


def restrict_to_territory(user: str, territory: str) -> None:
	"""Replace the user's User Permissions with one on `territory` (applies to all doctypes)."""
	frappe.db.delete("User Permission", {"user": user})
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": user,
			"allow": "Territory",
			"for_value": territory,
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)


def make_company(company_name: str, abbr: str, currency: str, country: str) -> str:
	"""A second company in its own currency (full chart of accounts, so invoices can be submitted),
	with exchange rates from the default price list's currency, since there is no internet."""
	if not frappe.db.exists("Company", company_name):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": company_name,
				"abbr": abbr,
				"country": country,
				"default_currency": currency,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
	for source in {frappe.db.get_value("Price List", price_list, "currency"), "USD", "EUR"}:
		if source and source != currency and frappe.db.exists("Currency", source):
			if not frappe.db.exists("Currency Exchange", {"from_currency": source, "to_currency": currency}):
				frappe.get_doc(
					{
						"doctype": "Currency Exchange",
						"date": "2000-01-01",
						"from_currency": source,
						"to_currency": currency,
						"exchange_rate": 0.9,
						"for_buying": 1,
						"for_selling": 1,
					}
				).insert(ignore_permissions=True)
	return company_name


def make_address(
	link_doctype: str,
	link_name: str,
	address_line1: str,
	city: str,
	pincode: str | None = None,
	primary: bool = True,
	**kwargs,
) -> "frappe.model.document.Document":
	"""An Address linked to a Customer / Contact / Lead; `primary` makes it the Customer's primary
	address or the Contact's address."""
	doc = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": f"{link_name} {random_string(4)}",
			"address_type": "Billing",
			"address_line1": address_line1,
			"city": city,
			"pincode": pincode,
			"country": frappe.db.get_value("Company", company(), "country"),
			"links": [{"link_doctype": link_doctype, "link_name": link_name}],
			**kwargs,
		}
	).insert(ignore_permissions=True)
	if primary and link_doctype == "Customer":
		frappe.db.set_value("Customer", link_name, "customer_primary_address", doc.name)
	elif primary and link_doctype == "Contact":
		frappe.db.set_value("Contact", link_name, "address", doc.name)
	return doc


def make_sla_policy(policy_name: str | None = None, **kwargs) -> "frappe.model.document.Document":
	"""A CRMS SLA Policy; 24x7 with 4 h response / 8 h resolution unless told otherwise."""
	for priority in ("Low", "Medium", "High"):
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	doc = frappe.get_doc(
		{
			"doctype": "CRMS SLA Policy",
			"policy_name": policy_name or f"_Test SLA {random_string(6)}",
			"response_hours": 4,
			"resolution_hours": 8,
			"time_zone": "UTC",
			**kwargs,
		}
	)
	return doc.insert(ignore_permissions=True)


def make_issue(**kwargs) -> "frappe.model.document.Document":
	return frappe.get_doc(
		{"doctype": "Issue", "subject": f"_Test CRMS Issue {random_string(6)}", **kwargs}
	).insert(ignore_permissions=True)


def make_service_team(team_name: str | None = None, members: list[dict] | None = None, **kwargs):
	"""A CRMS Service Team; each member dict needs at least `user` (see CRMS Service Team Member)."""
	doc = frappe.get_doc(
		{
			"doctype": "CRMS Service Team",
			"team_name": team_name or f"_Test Team {random_string(6)}",
			"members": members or [],
			**kwargs,
		}
	)
	return doc.insert(ignore_permissions=True)


def make_issue_type(name: str) -> str:
	if not frappe.db.exists("Issue Type", name):
		frappe.get_doc({"doctype": "Issue Type", "name": name}).insert(ignore_permissions=True)
	return name


def make_ticket_rule(**kwargs):
	return frappe.get_doc(
		{"doctype": "CRMS Ticket Rule", "rule_name": f"_Test Rule {random_string(6)}", **kwargs}
	).insert(ignore_permissions=True)


def make_portal_user(email: str, customer: str | None = None) -> str:
	"""A website user (role Customer) whose Contact links to the customer, as ERPNext's portal expects."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "Customer"}],
			}
		).insert(ignore_permissions=True)
	contact_name = frappe.db.get_value("Contact", {"user": email})
	if contact_name:
		contact = frappe.get_doc("Contact", contact_name)
	else:
		contact = frappe.get_doc({"doctype": "Contact", "first_name": email.split("@")[0], "user": email})
		contact.append("email_ids", {"email_id": email, "is_primary": 1})
	if customer and not any(
		link.link_doctype == "Customer" and link.link_name == customer for link in contact.links
	):
		contact.append("links", {"link_doctype": "Customer", "link_name": customer})
	contact.save(ignore_permissions=True)
	return email
