"""A reproducible plan of demo data: who the customers are and what they did over three years.

The plan is plain data so it can be tested without a site; `crm_suite.demo.builder` turns it into
real ERPNext documents. Same (customers, seed, today) -> same plan, byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

COMPANY_WORDS = (
	"Acme",
	"Apex",
	"Blue River",
	"Cedar",
	"Delta",
	"Evergreen",
	"Falcon",
	"Golden Gate",
	"Harbor",
	"Ironwood",
	"Jade",
	"Keystone",
	"Lakeside",
	"Maple",
	"Northwind",
	"Oakridge",
	"Pioneer",
	"Quartz",
	"Redwood",
	"Summit",
	"Tidewater",
	"Unity",
	"Vertex",
	"Westfield",
	"Yangtze",
	"Zenith",
	"Huaxin",
	"Pearl Bay",
	"Silverline",
	"Brightstar",
)
COMPANY_SUFFIXES = (
	"Logistics",
	"Foods",
	"Engineering",
	"Retail",
	"Clinics",
	"Software",
	"Hotels",
	"Motors",
	"Textiles",
	"Builders",
	"Pharma",
	"Energy",
	"Media",
	"Trading",
	"Labs",
)
COMPANY_FORMS = ("Ltd", "LLC", "Inc", "Co", "Group", "GmbH", "Co., Ltd.")
INDUSTRIES = (
	"Logistics",
	"Food",
	"Engineering",
	"Retail",
	"Healthcare",
	"Software",
	"Hospitality",
	"Automotive",
	"Textile",
	"Construction",
	"Pharmaceutical",
	"Energy",
	"Media",
	"Trading",
	"Research",
)
FIRST_NAMES_F = (
	"Olivia",
	"Emma",
	"Ava",
	"Sofia",
	"Mia",
	"Amelia",
	"Li Na",
	"Mei",
	"Priya",
	"Fatima",
	"Chloe",
	"Hana",
)
FIRST_NAMES_M = (
	"Liam",
	"Noah",
	"Oliver",
	"James",
	"Lucas",
	"Wei",
	"Hao",
	"Arjun",
	"Omar",
	"Mateo",
	"Ethan",
	"Kenji",
)
LAST_NAMES = (
	"Smith",
	"Johnson",
	"Brown",
	"Garcia",
	"Miller",
	"Davis",
	"Wang",
	"Li",
	"Zhang",
	"Chen",
	"Patel",
	"Khan",
	"Kim",
	"Nguyen",
	"Martin",
	"Rossi",
	"Muller",
	"Silva",
	"Tanaka",
	"Lopez",
)
CITIES = (
	("New York", "NY", "100"),
	("Chicago", "IL", "606"),
	("Houston", "TX", "770"),
	("Phoenix", "AZ", "850"),
	("Seattle", "WA", "981"),
	("Boston", "MA", "021"),
	("Denver", "CO", "802"),
	("Atlanta", "GA", "303"),
	("Miami", "FL", "331"),
	("San Francisco", "CA", "941"),
	("Portland", "OR", "972"),
	("Austin", "TX", "787"),
)
STREETS = ("Main St", "Oak Ave", "Market St", "Park Blvd", "Lake Rd", "Hill St", "River Rd", "Elm St")
# Region -> cities (indexes into CITIES); becomes the ERPNext Territory tree under the root.
TERRITORIES = {
	"North East": (0, 5),
	"Midwest": (1, 6),
	"South": (2, 7, 8, 11),
	"West": (3, 4, 9, 10),
}
LEAD_SOURCES = (
	"Website",
	"Social Media",
	"Trade Show",
	"Phone Enquiry",
	"Email Campaign",
	"Partner Referral",
)
ISSUE_SUBJECTS = (
	"Invoice amount does not match the quotation",
	"Delivery arrived late",
	"Item damaged on arrival",
	"Cannot log in to the customer portal",
	"Request for a copy of the invoice",
	"Wrong item delivered",
	"Question about warranty terms",
	"Installation appointment needed",
	"Refund not received",
	"Change billing address",
	"Product stopped working",
	"Need training for new staff",
)
ISSUE_PRIORITIES = ("Low", "Medium", "High")
CALL_SUMMARIES = (
	"Asked about order status",
	"Follow-up on quotation",
	"Complaint about delivery time",
	"Renewal reminder",
	"Satisfaction follow-up",
	"Product enquiry",
	"Payment reminder",
)


@dataclass(frozen=True)
class Item:
	code: str
	name: str
	group: str
	rate: float


ITEMS: tuple[Item, ...] = (
	Item("CRMS-LAPTOP-PRO", "Laptop Pro 14", "Products", 1450.0),
	Item("CRMS-LAPTOP-AIR", "Laptop Air 13", "Products", 980.0),
	Item("CRMS-MONITOR-27", "Monitor 27in", "Products", 320.0),
	Item("CRMS-DOCK", "USB-C Dock", "Products", 149.0),
	Item("CRMS-HEADSET", "Call-centre Headset", "Products", 89.0),
	Item("CRMS-PHONE", "Desk IP Phone", "Products", 210.0),
	Item("CRMS-ROUTER", "Office Router", "Products", 260.0),
	Item("CRMS-PRINTER", "Laser Printer", "Products", 410.0),
	Item("CRMS-INK", "Toner Cartridge", "Consumables", 75.0),
	Item("CRMS-PAPER", "Paper Box (5 reams)", "Consumables", 32.0),
	Item("CRMS-SETUP", "On-site Setup", "Services", 180.0),
	Item("CRMS-SUPPORT-M", "Support Plan (month)", "Services", 99.0),
	Item("CRMS-SUPPORT-Y", "Support Plan (year)", "Services", 990.0),
	Item("CRMS-TRAINING", "Training Day", "Services", 650.0),
	Item("CRMS-CLOUD-SEAT", "Cloud Seat (year)", "Services", 144.0),
	Item("CRMS-REPAIR", "Repair Service", "Services", 120.0),
)


@dataclass
class Customer:
	key: int
	name: str
	kind: str  # ERPNext customer_type: "Company" | "Individual"
	segment: str  # "B2B" | "B2C" | "Individual"
	customer_group: str
	territory: str
	industry: str | None
	tier: str
	first_name: str
	last_name: str
	gender: str
	birthday: date | None
	email: str
	phone: str
	address_line: str
	city: str
	state: str
	pincode: str
	since: date
	churned_on: date | None


@dataclass
class Invoice:
	customer: int
	posting_date: date
	lines: list[tuple[str, float, float]]  # (item code, qty, rate)
	paid_at_sale: bool  # paid in the invoice itself (a POS-style sale)

	@property
	def total(self) -> float:
		return round(sum(q * r for _c, q, r in self.lines), 2)


@dataclass
class Payment:
	customer: int
	posting_date: date
	invoices: list[int]  # indexes into DemoPlan.invoices


@dataclass
class Order:
	customer: int
	transaction_date: date
	lines: list[tuple[str, float, float]]


@dataclass
class Lead:
	first_name: str
	last_name: str
	company_name: str
	email: str
	phone: str
	source: str
	territory: str
	created: date
	status: str
	customer: int | None = None  # the customer it became, if converted


@dataclass
class Opportunity:
	lead: int | None
	customer: int | None
	source: str
	created: date
	amount: float
	status: str


@dataclass
class Issue:
	customer: int
	subject: str
	priority: str
	opened: date
	status: str


@dataclass
class CallLog:
	customer: int
	start: date
	incoming: bool
	duration: int  # seconds
	summary: str


@dataclass
class DemoPlan:
	today: date
	customers: list[Customer] = field(default_factory=list)
	invoices: list[Invoice] = field(default_factory=list)
	payments: list[Payment] = field(default_factory=list)
	quotations: list[Order] = field(default_factory=list)
	sales_orders: list[Order] = field(default_factory=list)
	leads: list[Lead] = field(default_factory=list)
	opportunities: list[Opportunity] = field(default_factory=list)
	issues: list[Issue] = field(default_factory=list)
	call_logs: list[CallLog] = field(default_factory=list)

	def counts(self) -> dict[str, int]:
		return {
			"customers": len(self.customers),
			"invoices": len(self.invoices),
			"invoice_lines": sum(len(i.lines) for i in self.invoices),
			"payments": len(self.payments),
			"quotations": len(self.quotations),
			"sales_orders": len(self.sales_orders),
			"leads": len(self.leads),
			"opportunities": len(self.opportunities),
			"issues": len(self.issues),
			"call_logs": len(self.call_logs),
		}


MIN_INVOICES_PER_CUSTOMER = 4  # 500 customers -> at least 2,000 invoices


def build_plan(
	customers: int, seed: int, today: date, years: int = 3, min_invoices: int | None = None
) -> DemoPlan:
	if customers < 1:
		raise ValueError("customers must be at least 1")
	rng = random.Random(seed)
	start = today - timedelta(days=365 * years)
	plan = DemoPlan(today=today)
	taken: dict[str, int] = {}
	for key in range(customers):
		c = _customer(rng, key, start, today)
		c.name = _unique(c.name, taken)
		plan.customers.append(c)
	for c in plan.customers:
		_purchases(rng, plan, c)
	_top_up_invoices(rng, plan, max(MIN_INVOICES_PER_CUSTOMER * customers, min_invoices or 0))
	plan.invoices.sort(key=lambda i: (i.posting_date, i.customer))
	_payments(rng, plan)
	_pipeline(rng, plan, start)
	_service(rng, plan)
	return plan


def _customer(rng: random.Random, key: int, start: date, today: date) -> Customer:
	territory = rng.choice(tuple(TERRITORIES))
	city, state, zip3 = CITIES[rng.choice(TERRITORIES[territory])]
	gender = rng.choice(("Female", "Male"))
	first = rng.choice(FIRST_NAMES_F if gender == "Female" else FIRST_NAMES_M)
	last = rng.choice(LAST_NAMES)
	is_company = rng.random() < 0.6
	if is_company:
		base = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)}"
		name = f"{base} {rng.choice(COMPANY_FORMS)}"
		segment = "B2B"
		group = rng.choices(("Commercial", "Government", "Non Profit"), (85, 8, 7))[0]
		industry = INDUSTRIES[COMPANY_SUFFIXES.index(base.split(" ")[-1])]
		domain = base.lower().replace(" ", "") + f"{key + 1}.example.com"
		email = f"{first.split()[0].lower()}.{last.lower()}@{domain}"
	else:
		name = f"{first} {last}"
		segment = rng.choice(("B2C", "Individual"))
		group = "Individual"
		industry = None
		email = f"{first.split()[0].lower()}.{last.lower()}.{key + 1}@example.org"
	since = start + timedelta(days=int(rng.betavariate(1.2, 1.8) * (today - start).days))
	churned = None
	if rng.random() < 0.25:
		churned = since + timedelta(days=rng.randint(60, 700))
		if churned >= today:
			churned = None
	birthday = None
	if not is_company:
		birthday = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
	return Customer(
		key=key,
		name=name,
		kind="Company" if is_company else "Individual",
		segment=segment,
		customer_group=group,
		territory=territory,
		industry=industry,
		tier="Normal",
		first_name=first,
		last_name=last,
		gender=gender,
		birthday=birthday,
		email=email,
		# 555-01xx numbers are reserved for fiction in the North American plan.
		phone=f"+1{_area(zip3)}55501{key % 100:02d}",
		address_line=f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
		city=city,
		state=state,
		pincode=f"{zip3}{rng.randint(10, 99)}",
		since=since,
		churned_on=churned,
	)


def _unique(name: str, taken: dict[str, int]) -> str:
	"""Real customer lists repeat names; ERPNext needs them unique, so the 2nd gets " 2" and so on."""
	n = taken.get(name, 0) + 1
	taken[name] = n
	return name if n == 1 else f"{name} {n}"


def _area(zip3: str) -> str:
	return {
		"100": "212",
		"606": "312",
		"770": "713",
		"850": "602",
		"981": "206",
		"021": "617",
		"802": "303",
		"303": "404",
		"331": "305",
		"941": "415",
		"972": "503",
		"787": "512",
	}[zip3]


def _lines(rng: random.Random, company: bool) -> list[tuple[str, float, float]]:
	n = rng.choice((1, 1, 2, 2, 3, 4)) if company else rng.choice((1, 1, 1, 2))
	picked = rng.sample(ITEMS, n)
	lines = []
	for item in picked:
		qty = float(rng.choice((1, 1, 2, 3, 5, 10)) if company else rng.choice((1, 1, 2)))
		rate = round(item.rate * rng.choice((1.0, 1.0, 0.95, 0.9)), 2)
		lines.append((item.code, qty, rate))
	return lines


def _purchases(rng: random.Random, plan: DemoPlan, c: Customer) -> None:
	end = c.churned_on or plan.today
	days = (end - c.since).days
	if days <= 0:
		end = c.since
		days = 0
	per_year = rng.lognormvariate(0.2, 0.7) * (1.4 if c.kind == "Company" else 1.0)
	when = c.since
	first = True
	while when <= end:
		plan.invoices.append(Invoice(c.key, when, _lines(rng, c.kind == "Company"), c.kind == "Individual"))
		if first and rng.random() < 0.5:
			plan.quotations.append(Order(c.key, when - timedelta(days=rng.randint(3, 20)), _lines(rng, True)))
		first = False
		when += timedelta(days=max(1, int(rng.expovariate(per_year / 365.0))))


def _top_up_invoices(rng: random.Random, plan: DemoPlan, minimum: int) -> None:
	while len(plan.invoices) < minimum:
		c = plan.customers[rng.randrange(len(plan.customers))]
		end = c.churned_on or plan.today
		span = max(0, (end - c.since).days)
		when = c.since + timedelta(days=rng.randint(0, span))
		plan.invoices.append(Invoice(c.key, when, _lines(rng, c.kind == "Company"), c.kind == "Individual"))


def _payments(rng: random.Random, plan: DemoPlan) -> None:
	"""Company invoices are settled by one Payment Entry per customer per half-year, 30-60 days on.

	The newest ones stay open; some older ones stay unpaid and become overdue.
	"""
	buckets: dict[tuple[int, int, int], list[int]] = {}
	for idx, inv in enumerate(plan.invoices):
		if inv.paid_at_sale:
			continue
		half = (inv.posting_date.month - 1) // 6
		buckets.setdefault((inv.customer, inv.posting_date.year, half), []).append(idx)
	for (customer, _year, _half), idxs in sorted(buckets.items()):
		last = max(plan.invoices[i].posting_date for i in idxs)
		pay_on = last + timedelta(days=rng.randint(30, 60))
		if pay_on > plan.today or rng.random() < 0.07:
			continue
		plan.payments.append(Payment(customer, pay_on, idxs))
	plan.payments.sort(key=lambda p: (p.posting_date, p.customer))


def _pipeline(rng: random.Random, plan: DemoPlan, start: date) -> None:
	n = len(plan.customers)
	converted = rng.sample(range(n), k=max(1, n // 5))
	for k in converted:
		c = plan.customers[k]
		plan.leads.append(
			_lead(
				rng,
				c.since - timedelta(days=rng.randint(5, 45)),
				c.first_name,
				c.last_name,
				c.name if c.kind == "Company" else "",
				c.territory,
				"Converted",
				k,
			)
		)
	for i in range(max(1, (n * 2) // 5)):
		created = start + timedelta(days=rng.randint(0, (plan.today - start).days))
		gender = rng.choice(("F", "M"))
		first = rng.choice(FIRST_NAMES_F if gender == "F" else FIRST_NAMES_M)
		company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)} Prospect {i + 1}"
		status = rng.choices(
			("Lead", "Open", "Replied", "Interested", "Do Not Contact", "Lost Quotation"),
			(30, 25, 15, 15, 5, 10),
		)[0]
		plan.leads.append(
			_lead(
				rng,
				created,
				first,
				rng.choice(LAST_NAMES),
				company,
				rng.choice(tuple(TERRITORIES)),
				status,
				None,
			)
		)
	plan.leads.sort(key=lambda ld: ld.created)
	for idx, lead in enumerate(plan.leads):
		if lead.status in ("Interested", "Replied", "Converted") and rng.random() < 0.6:
			status = "Converted" if lead.customer is not None else rng.choice(("Open", "Open", "Lost"))
			plan.opportunities.append(
				Opportunity(
					idx,
					None,
					lead.source,
					lead.created + timedelta(days=rng.randint(1, 10)),
					round(rng.uniform(500, 25000), 2),
					status,
				)
			)
	for c in rng.sample(plan.customers, k=max(1, n // 5)):
		created = min(plan.today, c.since + timedelta(days=rng.randint(30, 400)))
		plan.opportunities.append(
			Opportunity(
				None,
				c.key,
				"Existing Customer",
				created,
				round(rng.uniform(300, 15000), 2),
				rng.choice(("Open", "Quotation", "Converted", "Lost")),
			)
		)
	plan.opportunities.sort(key=lambda o: o.created)
	for c in rng.sample(plan.customers, k=max(1, (n * 3) // 10)):
		end = c.churned_on or plan.today
		when = min(end, c.since + timedelta(days=rng.randint(0, max(0, (end - c.since).days))))
		plan.sales_orders.append(Order(c.key, when, _lines(rng, c.kind == "Company")))
	plan.sales_orders.sort(key=lambda o: o.transaction_date)
	plan.quotations.sort(key=lambda o: o.transaction_date)


def _lead(rng, created, first, last, company, territory, status, customer) -> Lead:
	slug = f"{first.split()[0].lower()}.{last.lower()}"
	return Lead(
		first_name=first,
		last_name=last,
		company_name=company,
		email=f"{slug}.{rng.randint(100, 99999)}@example.net",
		phone=f"+1{_area(CITIES[rng.choice(TERRITORIES[territory])][2])}55501{rng.randint(0, 99):02d}",
		source=rng.choice(LEAD_SOURCES),
		territory=territory,
		created=created,
		status=status,
		customer=customer,
	)


def _service(rng: random.Random, plan: DemoPlan) -> None:
	n = len(plan.customers)
	for _ in range(int(n * 0.8)):
		c = plan.customers[rng.randrange(n)]
		end = c.churned_on or plan.today
		opened = c.since + timedelta(days=rng.randint(0, max(0, (end - c.since).days)))
		recent = (plan.today - opened).days < 14
		status = (
			rng.choice(("Open", "Replied", "On Hold"))
			if recent
			else rng.choices(("Closed", "Resolved"), (70, 30))[0]
		)
		plan.issues.append(
			Issue(
				c.key,
				rng.choice(ISSUE_SUBJECTS),
				rng.choices(ISSUE_PRIORITIES, (40, 45, 15))[0],
				opened,
				status,
			)
		)
	for _ in range(n):
		c = plan.customers[rng.randrange(n)]
		end = c.churned_on or plan.today
		start = c.since + timedelta(days=rng.randint(0, max(0, (end - c.since).days)))
		plan.call_logs.append(
			CallLog(c.key, start, rng.random() < 0.65, rng.randint(20, 1200), rng.choice(CALL_SUMMARIES))
		)
	plan.issues.sort(key=lambda i: i.opened)
	plan.call_logs.sort(key=lambda c: c.start)
