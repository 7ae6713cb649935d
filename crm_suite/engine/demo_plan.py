"""A reproducible plan of demo data: who the customers are and what they did over three years.

The plan is plain data so it can be tested without a site; `crm_suite.demo.builder` turns it into
real ERPNext documents. Same (customers, seed, today) -> same plan, byte for byte.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

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
	tickets: list[Ticket] = field(default_factory=list)

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
			"service_tickets": len(self.tickets),
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
	# own generator: the service-desk tickets leave every earlier document of a seed unchanged
	plan_tickets(random.Random(f"{seed}-service-desk"), plan)
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


# ------------------------------------------------------------------------------------------------
# Service desk: teams, agents, policies, rules and recent tickets whose timings depend on the agent.
# The agent a ticket gets is decided by the real intake (rules, then skill / load routing), so the
# plan carries each ticket's random draws and `ticket_outcome` turns them into times for that agent.

SERVICE_CATEGORIES = ("Billing", "Delivery", "Product defect", "Account", "Complaint")
SERVICE_CATEGORY_DESCRIPTIONS = {
	"Billing": "Invoices, refunds, charges and payment questions",
	"Delivery": "Late, missing, wrong or damaged deliveries",
	"Product defect": "A product that does not work as it should",
	"Account": "Portal access, passwords and account data",
	"Complaint": "Formal complaints, classed Normal / Urgent / Major",
}
SERVICE_DOMAIN = "service.example.com"


@dataclass(frozen=True)
class ServiceAgent:
	first_name: str
	last_name: str
	team: str
	response_hours: float  # median first response
	resolution_hours: float  # median resolution
	reopen_rate: float  # share of this agent's resolved tickets that come back
	senior: bool = False

	@property
	def email(self) -> str:
		return f"{self.first_name.lower()}.{self.last_name.lower()}@{SERVICE_DOMAIN}"


@dataclass(frozen=True)
class ServiceTeam:
	name: str
	skills: tuple[str, ...]  # Issue Types


SERVICE_TEAMS: tuple[ServiceTeam, ...] = (
	ServiceTeam("Billing Desk", ("Billing", "Account")),
	ServiceTeam("Logistics Desk", ("Delivery", "Complaint")),
	ServiceTeam("Product Support", ("Product defect", "Account")),
)
# Teams differ (Billing answers fast and rarely reopens, Logistics answers slowly, Product Support
# takes long to resolve and reopens most) and agents within a team differ again.
SERVICE_AGENTS: tuple[ServiceAgent, ...] = (
	ServiceAgent("Grace", "Hopper", "Billing Desk", 0.8, 6.0, 0.03, senior=True),
	ServiceAgent("Alan", "Kay", "Billing Desk", 1.2, 9.0, 0.05),
	ServiceAgent("Ada", "Byron", "Billing Desk", 2.5, 14.0, 0.10),
	ServiceAgent("Linus", "Pauling", "Logistics Desk", 3.0, 20.0, 0.08, senior=True),
	ServiceAgent("Rosa", "Parks", "Logistics Desk", 6.0, 30.0, 0.12),
	ServiceAgent("Mei", "Chen", "Logistics Desk", 10.0, 44.0, 0.18),
	ServiceAgent("Katherine", "Johnson", "Product Support", 1.5, 30.0, 0.12, senior=True),
	ServiceAgent("Tim", "Berners", "Product Support", 3.5, 52.0, 0.22),
	ServiceAgent("Hedy", "Lamarr", "Product Support", 5.0, 70.0, 0.30),
)
# (rule name, order, comma-separated keywords, Issue Type, team, complaint class)
SERVICE_RULES: tuple[tuple[str, int, str, str, str, str], ...] = (
	("Demo: complaints", 1, "complaint,unacceptable,formal", "Complaint", "Logistics Desk", "Normal"),
	("Demo: billing", 2, "invoice,refund,charged,payment", "Billing", "Billing Desk", ""),
	("Demo: delivery", 3, "delivery,arrived,courier,shipment", "Delivery", "Logistics Desk", ""),
	(
		"Demo: product defects",
		4,
		"stopped working,broken,defect,error",
		"Product defect",
		"Product Support",
		"",
	),
	("Demo: account", 5, "log in,password,account", "Account", "Billing Desk", ""),
)
TICKET_SUBJECTS: dict[str, tuple[str, ...]] = {
	"Billing": (
		"Invoice amount does not match the quotation",
		"Refund not received after return",
		"Charged twice for one order",
		"Payment not reflected on my statement",
	),
	"Delivery": (
		"Delivery arrived two days late",
		"Courier left the shipment at the wrong address",
		"Delivery missing one item",
		"Shipment arrived damaged",
	),
	"Product defect": (
		"Laptop stopped working after update",
		"Monitor broken on arrival",
		"Router shows a connection error",
		"Printer defect: lines on every page",
	),
	"Account": (
		"Cannot log in to the customer portal",
		"Password reset e-mail never arrives",
		"Please update my account contact details",
	),
	"Complaint": (
		"Formal complaint about the installation team",
		"Complaint: third missed appointment",
		"Unacceptable response from the hotline",
	),
}
# Sub-categories (Issue Type tree: parent = the category) and the subjects that belong to them. A customer
# on the portal, web form or app picks one; tickets from other channels are categorised by the rules.
SERVICE_SUBCATEGORIES: dict[str, str] = {
	"Invoice": "Billing",
	"Refund": "Billing",
	"Late delivery": "Delivery",
	"Damaged delivery": "Delivery",
	"Hardware fault": "Product defect",
	"Software fault": "Product defect",
	"Portal login": "Account",
}
SUBJECT_SUBCATEGORY: dict[str, str] = {
	"Invoice amount does not match the quotation": "Invoice",
	"Charged twice for one order": "Invoice",
	"Refund not received after return": "Refund",
	"Delivery arrived two days late": "Late delivery",
	"Shipment arrived damaged": "Damaged delivery",
	"Monitor broken on arrival": "Hardware fault",
	"Printer defect: lines on every page": "Hardware fault",
	"Laptop stopped working after update": "Software fault",
	"Router shows a connection error": "Software fault",
	"Cannot log in to the customer portal": "Portal login",
	"Password reset e-mail never arrives": "Portal login",
}
SELF_SERVICE_CHANNELS = ("Portal", "Web", "App")
# Complaint class -> (share, median hours to close as a share of the class limit 72 / 24 / 4 h)
COMPLAINT_MIX: dict[str, tuple[float, float]] = {
	"Normal": (0.55, 0.45),
	"Urgent": (0.3, 0.6),
	"Major": (0.15, 0.8),
}
COMPLAINT_LIMITS = {"Normal": 72.0, "Urgent": 24.0, "Major": 4.0}
# Category -> channel weights (Email, Portal, Web, Phone, Chat, App, API)
TICKET_CHANNELS = ("Email", "Portal", "Web", "Phone", "Chat", "App", "API")
CHANNEL_WEIGHTS: dict[str, tuple[int, ...]] = {
	"Billing": (45, 20, 5, 15, 10, 3, 2),
	"Delivery": (25, 15, 5, 35, 15, 5, 0),
	"Product defect": (30, 25, 10, 20, 10, 5, 0),
	"Account": (20, 40, 15, 5, 15, 5, 0),
	"Complaint": (50, 10, 0, 35, 5, 0, 0),
}
CATEGORY_WEIGHTS = (28, 24, 18, 14, 16)
# SLA policies: (name, is_default, order, conditions, response h, resolution h, per-priority targets)
SLA_POLICIES: tuple[dict, ...] = (
	{
		"policy_name": "Demo: Standard",
		"is_default": 1,
		"sort_order": 50,
		"response_hours": 8,
		"resolution_hours": 48,
		"targets": (("Urgent", 1, 8), ("High", 2, 16), ("Medium", 4, 32), ("Low", 8, 72)),
	},
	{
		"policy_name": "Demo: VIP",
		"sort_order": 10,
		"customer_tier": "VIP",
		"response_hours": 2,
		"resolution_hours": 16,
		"targets": (("Urgent", 0.5, 4), ("High", 1, 8)),
	},
	{
		"policy_name": "Demo: Complaint Normal",
		"sort_order": 5,
		"complaint_class": "Normal",
		"response_hours": 8,
		"resolution_hours": 72,
	},
	{
		"policy_name": "Demo: Complaint Urgent",
		"sort_order": 5,
		"complaint_class": "Urgent",
		"response_hours": 2,
		"resolution_hours": 24,
	},
	{
		"policy_name": "Demo: Complaint Major",
		"sort_order": 5,
		"complaint_class": "Major",
		"response_hours": 0.5,
		"resolution_hours": 4,
	},
)
SERVICE_DAYS = 90  # tickets are spread over the last 90 days


@dataclass
class Ticket:
	customer: int
	category: str
	subject: str
	channel: str
	impact: str
	urgency: str
	complaint_class: str | None
	opened: datetime
	response_z: float  # standard normal draws: the agent's medians spread log-normally
	resolution_z: float
	reopen_u: float  # uniform draw against the agent's reopen rate
	answered: bool  # a still-open recent ticket may have no first response yet
	resolved: bool
	closed: bool  # Closed rather than Resolved
	picked_type: str | None = None  # a sub-category the customer chose on a self-service channel
	seq: int = 0  # position in the plan

	@property
	def key(self) -> str:
		"""Idempotency key: unique in a plan, and not reused by the plan of another customer count."""
		return f"t{self.seq:05d}-c{self.customer}-{self.opened:%y%m%d%H%M}"


@dataclass(frozen=True)
class TicketOutcome:
	first_response: datetime | None
	resolved: datetime | None
	reopens: int
	reopened_on: datetime | None


def ticket_outcome(ticket: Ticket, agent: ServiceAgent | None, now: datetime) -> TicketOutcome:
	"""When the ticket was first answered and resolved by this agent, and how often it came back."""
	response_median = agent.response_hours if agent else 12.0
	resolution_median = agent.resolution_hours if agent else 60.0
	reopen_rate = agent.reopen_rate if agent else 0.1
	if ticket.complaint_class in COMPLAINT_LIMITS:
		# complaints are worked against their class limit; slower agents miss it more often
		share = COMPLAINT_MIX[ticket.complaint_class][1]
		resolution_median = COMPLAINT_LIMITS[ticket.complaint_class] * share * (resolution_median / 30.0)
		response_median = min(response_median, resolution_median / 3)
	response_h = response_median * math.exp(0.6 * ticket.response_z)
	resolution_h = max(response_h + 0.25, resolution_median * math.exp(0.5 * ticket.resolution_z))
	first = ticket.opened + timedelta(hours=response_h) if ticket.answered else None
	if first and first > now:
		first = None
	resolved = ticket.opened + timedelta(hours=resolution_h) if ticket.resolved and first else None
	if resolved and resolved > now:
		resolved = None
	reopens, reopened_on = 0, None
	if resolved and ticket.reopen_u < reopen_rate:
		reopens = 2 if ticket.reopen_u < reopen_rate / 4 else 1
		reopened_on = resolved
		# a reopened ticket is resolved again a while later
		resolved = resolved + timedelta(hours=resolution_median * 0.5 * reopens)
		if resolved > now:
			resolved = None
	return TicketOutcome(first, resolved, reopens, reopened_on)


def plan_tickets(rng: random.Random, plan: DemoPlan) -> None:
	"""Recent tickets (last SERVICE_DAYS days): 0.6 per customer, categories, channels, classes."""
	n = len(plan.customers)
	now = datetime.combine(plan.today, time(18, 0))
	active = [c for c in plan.customers if not c.churned_on] or plan.customers
	for _ in range(max(1, int(n * 0.6))):
		c = active[rng.randrange(len(active))]
		category = rng.choices(SERVICE_CATEGORIES, CATEGORY_WEIGHTS)[0]
		day = plan.today - timedelta(days=int(rng.triangular(0, SERVICE_DAYS, 0)))
		opened = datetime.combine(day, time(rng.randint(7, 19), rng.choice((0, 10, 20, 30, 40, 50))))
		age_h = (now - opened).total_seconds() / 3600
		complaint = None
		if category == "Complaint":
			complaint = rng.choices(tuple(COMPLAINT_MIX), [w for w, _m in COMPLAINT_MIX.values()])[0]
		plan.tickets.append(
			Ticket(
				customer=c.key,
				category=category,
				subject=rng.choice(TICKET_SUBJECTS[category]),
				channel=rng.choices(TICKET_CHANNELS, CHANNEL_WEIGHTS[category])[0],
				impact=rng.choices(("High", "Medium", "Low"), (15, 50, 35))[0],
				urgency=rng.choices(("High", "Medium", "Low"), (20, 50, 30))[0],
				complaint_class=complaint,
				opened=opened,
				response_z=rng.gauss(0, 1),
				resolution_z=rng.gauss(0, 1),
				reopen_u=rng.random(),
				answered=age_h > 48 or rng.random() < 0.7,
				resolved=age_h > 24 * 7 or rng.random() < 0.55,
				closed=rng.random() < 0.6,
			)
		)
	plan.tickets.sort(key=lambda t: (t.opened, t.customer))
	for seq, ticket in enumerate(plan.tickets):
		ticket.seq = seq
		if ticket.channel in SELF_SERVICE_CHANNELS:
			ticket.picked_type = SUBJECT_SUBCATEGORY.get(ticket.subject)
