"""Make a bare ERPNext site usable for demo data, benchmarks and tests.

ERPNext needs a company, fiscal years and (for foreign currencies) exchange rates before a single
invoice can be submitted. A site straight after `install-app` has none of these, and ERPNext's own
`before_tests` does not run for `run-tests --app crm_suite`. Everything here is idempotent and
touches only ERPNext's own doctypes, so it also works on a baseline site without crm_suite.
"""

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

# Rates used only where no rate exists; the machine has no internet to fetch real ones.
OFFLINE_RATES_TO_USD = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CNY": 0.138, "INR": 0.012}


@dataclass(frozen=True)
class CompanySpec:
	company_name: str = "CRM Suite Demo Ltd"
	company_abbr: str = "CSD"
	country: str = "United States"
	currency: str = "USD"
	timezone: str = "America/New_York"


def ensure_erpnext_ready(spec: CompanySpec | None = None, years_back: int = 3) -> str:
	"""Return the default company, creating company, fiscal years and rates where missing."""
	spec = spec or CompanySpec()
	company = _ensure_company(spec)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	ensure_fiscal_years(getdate(nowdate()).year - years_back, getdate(nowdate()).year + 1)
	ensure_exchange_rates(currency)
	_ensure_selling_defaults()
	return company


def _ensure_company(spec: CompanySpec) -> str:
	if not frappe.db.a_row_exists("Company"):
		year = getdate(nowdate()).year
		from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

		setup_complete(
			{
				"currency": spec.currency,
				"full_name": "Administrator",
				"company_name": spec.company_name,
				"timezone": spec.timezone,
				"company_abbr": spec.company_abbr,
				"industry": "Services",
				"country": spec.country,
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": "english",
				"company_tagline": "CRM Suite",
				"chart_of_accounts": "Standard",
			}
		)
	if not frappe.db.a_row_exists("Company"):
		# The setup wizard was already marked complete on this site without creating a company.
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": spec.company_name,
				"abbr": spec.company_abbr,
				"country": spec.country,
				"default_currency": spec.currency,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)

	company = frappe.db.get_single_value("Global Defaults", "default_company")
	if not company or not frappe.db.exists("Company", company):
		company = frappe.get_all("Company", pluck="name", order_by="creation asc", limit=1)[0]
		frappe.db.set_single_value("Global Defaults", "default_company", company)
		frappe.defaults.set_global_default("company", company)
	return company


def ensure_fiscal_years(first_year: int, last_year: int) -> None:
	"""Calendar fiscal years for every year in range that no existing fiscal year covers."""
	for year in range(first_year, last_year + 1):
		mid_year = f"{year}-07-01"
		covered = frappe.db.get_value(
			"Fiscal Year",
			{"year_start_date": ("<=", mid_year), "year_end_date": (">=", mid_year), "disabled": 0},
		)
		if covered:
			continue
		name = str(year) if not frappe.db.exists("Fiscal Year", str(year)) else f"{year} (CRM Suite)"
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": name,
				"year_start_date": f"{year}-01-01",
				"year_end_date": f"{year}-12-31",
			}
		).insert(ignore_permissions=True)


def ensure_exchange_rates(company_currency: str, date: str | None = None) -> None:
	"""One dated rate per foreign currency, so ERPNext never needs the internet for a lookup."""
	if company_currency not in OFFLINE_RATES_TO_USD:
		return
	date = date or f"{getdate(nowdate()).year - 10}-01-01"
	for currency, to_usd in OFFLINE_RATES_TO_USD.items():
		if currency == company_currency or not frappe.db.exists("Currency", currency):
			continue
		if frappe.db.exists(
			"Currency Exchange", {"from_currency": currency, "to_currency": company_currency}
		):
			continue
		rate = to_usd / OFFLINE_RATES_TO_USD[company_currency]
		frappe.get_doc(
			{
				"doctype": "Currency Exchange",
				"date": date,
				"from_currency": currency,
				"to_currency": company_currency,
				"exchange_rate": rate,
				"for_buying": 1,
				"for_selling": 1,
			}
		).insert(ignore_permissions=True)
	frappe.db.set_single_value("Accounts Settings", "allow_stale", 1)


def _ensure_selling_defaults() -> None:
	for key, value in {"so_required": "No", "dn_required": "No"}.items():
		if frappe.db.get_single_value("Selling Settings", key) != value:
			frappe.db.set_single_value("Selling Settings", key, value)


def default_company() -> str:
	company = frappe.db.get_single_value("Global Defaults", "default_company")
	if not company:
		frappe.throw(
			_("No default company: run `bench --site <site> crm-suite demo` or ERPNext's setup wizard.")
		)
	return company
