"""One intake for every channel: validate, match the customer, classify, prioritise, route, insert.

REST (`crm_suite.api.tickets.create`), phone (`create_ticket_from_call`), and ERPNext's own email
and portal Issues (through the Issue `before_insert` / `after_insert` hooks) all end in `prepare`
and `assign`, so a ticket is treated the same whichever way it came in.
"""

from __future__ import annotations

from typing import Any

import frappe
from frappe import _
from frappe.utils import cstr, now_datetime, strip_html

from crm_suite.engine import classify, routing, ticket_priority
from crm_suite.engine.dedupe import phone_key
from crm_suite.engine.quality import normalise_email
from crm_suite.setup.fields.service_desk_intake import CHANNELS, COMPLAINT_CLASSES, LEVELS

OPEN_STATUSES = ("Open", "Replied", "On Hold")
MAX_SUBJECT = 140
MAX_DESCRIPTION = 100_000
ALLOWED_KEYS = frozenset(
	(
		"subject",
		"description",
		"raised_by",
		"email",
		"phone",
		"customer",
		"contact",
		"impact",
		"urgency",
		"issue_type",
		"complaint_class",
		"item",
		"language",
	)
)


class TicketPayloadError(frappe.ValidationError):
	"""A bad intake payload: HTTP 400, nothing saved."""

	http_status_code = 400


def _fail(message: str, exc: type[Exception] = TicketPayloadError) -> None:
	frappe.throw(message, exc, title=_("Invalid Ticket"))


def validate_payload(payload: Any, channel: str) -> dict:
	"""A clean copy of the payload, or a translated 4xx error before anything is written."""
	if not isinstance(payload, dict):
		_fail(_("The ticket must be a JSON object."))
	if channel not in CHANNELS:
		_fail(_("Unknown channel {0}.").format(frappe.bold(cstr(channel)[:40])))
	unknown = sorted(set(payload) - ALLOWED_KEYS)
	if unknown:
		_fail(_("Unknown fields: {0}.").format(", ".join(cstr(k)[:40] for k in unknown[:10])))
	for key, value in payload.items():
		if value is not None and not isinstance(value, str):
			_fail(_("{0} must be text.").format(key))
	data = {k: (v or "").strip() for k, v in payload.items()}
	if not data.get("subject"):
		_fail(_("A subject is required."))
	if len(data["subject"]) > MAX_SUBJECT:
		_fail(_("The subject is longer than {0} characters.").format(MAX_SUBJECT))
	if len(data.get("description") or "") > MAX_DESCRIPTION:
		_fail(_("The description is longer than {0} characters.").format(MAX_DESCRIPTION))
	email = data.get("raised_by") or data.get("email")
	if email:
		result = normalise_email(email)
		if not result.ok:
			_fail(_("{0} is not a valid email address.").format(frappe.bold(email[:80])))
		data["raised_by"] = result.value
	data.pop("email", None)
	if data.get("phone") and not phone_key(data["phone"]):
		_fail(_("{0} is not a valid phone number.").format(frappe.bold(data["phone"][:40])))
	for key in ("impact", "urgency"):
		if data.get(key) and data[key] not in LEVELS:
			_fail(_("{0} must be one of {1}.").format(key, ", ".join(LEVELS)))
	if data.get("complaint_class") and data["complaint_class"] not in COMPLAINT_CLASSES:
		_fail(_("{0} must be one of {1}.").format("complaint_class", ", ".join(COMPLAINT_CLASSES)))
	for key, doctype in (
		("customer", "Customer"),
		("contact", "Contact"),
		("issue_type", "Issue Type"),
		("item", "Item"),
	):
		if data.get(key) and not frappe.db.exists(doctype, data[key]):
			_fail(_("{0} {1} does not exist.").format(_(doctype), frappe.bold(data[key][:140])))
	return data


# ------------------------------------------------------------------------------------------------
# Matching


def match_customer(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
	"""(contact, customer) by exact email, then phone key (the customer-360 duplicate keys)."""
	from crm_suite.customer_360.data_quality import find_similar

	record = {"email_key": (email or "").lower() or None, "phone_key": phone_key(phone) if phone else None}
	if not (record["email_key"] or record["phone_key"]):
		return None, None
	rows = find_similar("Contact", record, limit=5, also={"Customer": []})
	contacts = [r["id"] for r in rows if r["doctype"] == "Contact"]
	customers = [r["id"] for r in rows if r["doctype"] == "Customer"]
	contact = None
	if email:
		contact = frappe.db.get_value("Contact Email", {"email_id": email, "parenttype": "Contact"}, "parent")
	contact = contact or (contacts[0] if contacts else None)
	customer = customer_of_contact(contact) if contact else None
	return contact, customer or (customers[0] if customers else None)


def customer_of_contact(contact: str) -> str | None:
	return frappe.db.get_value(
		"Dynamic Link",
		{"parenttype": "Contact", "parent": contact, "link_doctype": "Customer"},
		"link_name",
	)


def open_ticket_count(customer: str, exclude: str | None = None) -> int:
	filters = {"customer": customer, "status": ("in", OPEN_STATUSES)}
	if exclude:
		filters["name"] = ("!=", exclude)
	return frappe.db.count("Issue", filters)


# ------------------------------------------------------------------------------------------------
# Classification


def load_rules() -> list[classify.Rule]:
	rows = frappe.get_all(
		"CRMS Ticket Rule",
		filters={"enabled": 1},
		fields=[
			"name",
			"rule_order",
			"keywords",
			"channel",
			"customer_tier",
			"item",
			"issue_type",
			"team",
			"priority",
			"complaint_class",
		],
		order_by="rule_order asc, name asc",
		limit=500,
	)
	return [
		classify.Rule(
			name=r.name,
			order=r.rule_order or 0,
			keywords=classify.split_keywords(r.keywords),
			channel=r.channel or None,
			tier=r.customer_tier or None,
			item=r.item or None,
			issue_type=r.issue_type or None,
			team=r.team or None,
			priority=r.priority or None,
			complaint_class=r.complaint_class or None,
		)
		for r in rows
	]


def ensure_priority(name: str) -> str:
	"""Issue Priority records beyond ERPNext's Low / Medium / High (Urgent) are created on first use."""
	if not frappe.db.exists("Issue Priority", name):
		frappe.get_doc({"doctype": "Issue Priority", "name": name}).insert(ignore_permissions=True)
	return name


def ticket_text(doc) -> str:
	return f"{doc.subject or ''}\n{strip_html(doc.description or '')}"


def apply_classification(doc, item: str | None = None) -> None:
	"""Rules first (first match by order), then the classifier for a still-empty Issue Type."""
	from crm_suite.service_desk.classifier import load_model, min_confidence

	ticket = {
		"subject": doc.subject,
		"description": strip_html(doc.description or ""),
		"channel": doc.crms_channel,
		"tier": doc.crms_customer_tier,
		"item": item,
	}
	rule, actions = classify.match_rules(load_rules(), ticket)
	if rule:
		if actions.get("issue_type") and not doc.issue_type:
			doc.issue_type = actions["issue_type"]
			doc.crms_classified_by = "Rule"
			doc.crms_category_confidence = 100
		doc.crms_team = doc.crms_team or actions.get("team")
		doc.crms_complaint_class = doc.crms_complaint_class or actions.get("complaint_class")
		if actions.get("priority"):
			doc.priority = actions["priority"]
		doc.flags.crms_rule = rule.name
	if not doc.issue_type:
		model = load_model()
		if model:
			label, confidence = model.predict(ticket_text(doc))
			if label and frappe.db.exists("Issue Type", label):
				doc.crms_category_confidence = round(confidence * 100, 1)
				if confidence * 100 >= min_confidence():
					doc.issue_type = label
					doc.crms_classified_by = "Model"
	if not doc.priority or not (rule and actions.get("priority")):
		doc.priority = ensure_priority(
			ticket_priority.compute_priority(doc.crms_impact, doc.crms_urgency, doc.crms_customer_tier)
		)


# ------------------------------------------------------------------------------------------------
# Routing


def _split(value: str | None) -> frozenset[str]:
	return frozenset(v.strip() for v in (value or "").replace("\n", ",").split(",") if v.strip())


def load_agents(team: str | None = None) -> dict[str, tuple[routing.Agent, str]]:
	"""user -> (Agent, team) over enabled teams (or one team); an agent in two teams keeps the first."""
	filters = {"parenttype": "CRMS Service Team"}
	team_rows = frappe.get_all(
		"CRMS Service Team",
		filters={"enabled": 1},
		fields=["name", "time_zone", "holiday_list"],
		limit=1000,
	)
	if team:
		team_rows = [t for t in team_rows if t.name == team]
	if not team_rows:
		return {}
	teams = [t.name for t in team_rows]
	calendars = team_calendars(team_rows)
	filters["parent"] = ("in", teams)
	rows = frappe.get_all(
		"CRMS Service Team Member",
		filters=filters,
		fields=[
			"parent",
			"user",
			"skills",
			"languages",
			"products",
			"capacity",
			"senior",
			"absent",
			"absent_until",
			"working_hours",
			"hours_from",
			"hours_to",
		],
		order_by="parent asc, idx asc",
		limit=10_000,
	)
	enabled_users = set(
		frappe.get_all("User", filters={"name": ("in", [r.user for r in rows]), "enabled": 1}, pluck="name")
	)
	agents: dict[str, tuple[routing.Agent, str]] = {}
	for r in rows:
		if r.user in agents or r.user not in enabled_users:
			continue
		hours = None
		if r.working_hours and r.hours_from and r.hours_to:
			hours = (_as_time(r.hours_from), _as_time(r.hours_to))
		agents[r.user] = (
			routing.Agent(
				user=r.user,
				skills=_split(r.skills),
				languages=_split(r.languages),
				products=_split(r.products),
				capacity=r.capacity or 0,
				senior=bool(r.senior),
				absent=bool(r.absent),
				absent_until=r.absent_until,
				hours=hours,
				time_zone=calendars[r.parent][0],
				holidays=calendars[r.parent][1],
			),
			r.parent,
		)
	return agents


def team_calendars(team_rows) -> dict[str, tuple[str | None, frozenset]]:
	"""team -> (time zone, holidays near today), one Holiday query for all teams' lists."""
	from frappe.utils import add_days, getdate, today

	lists = {t.holiday_list for t in team_rows if t.holiday_list}
	days: dict[str, set] = {}
	if lists:
		for h in frappe.get_all(
			"Holiday",
			filters={
				"parenttype": "Holiday List",
				"parent": ("in", list(lists)),
				# a team's local date is at most a day off the server's
				"holiday_date": ("between", [add_days(today(), -1), add_days(today(), 1)]),
			},
			fields=["parent", "holiday_date"],
		):
			days.setdefault(h.parent, set()).add(getdate(h.holiday_date))
	return {
		t.name: (t.time_zone or None, frozenset(days.get(t.holiday_list, ()))) for t in team_rows
	}


def routing_now():
	"""Now as an aware datetime in the system zone, so each team reads it on its own clock."""
	from zoneinfo import ZoneInfo

	from frappe.utils import get_system_timezone

	return now_datetime().replace(tzinfo=ZoneInfo(get_system_timezone()))


def _as_time(value):
	from frappe.utils import get_time

	return get_time(value)


def agent_loads(users: list[str]) -> tuple[dict[str, int], dict]:
	"""Open Issue assignments and the latest assignment time per user, in one grouped query."""
	if not users:
		return {}, {}
	rows = frappe.db.sql(
		"""select allocated_to, sum(status = 'Open') as open_count, max(creation) as last_assigned
		from `tabToDo` where reference_type = 'Issue' and allocated_to in %(users)s
		and status in ('Open', 'Closed') group by allocated_to""",
		{"users": tuple(users)},
		as_dict=True,
	)
	return (
		{r.allocated_to: int(r.open_count or 0) for r in rows},
		{r.allocated_to: r.last_assigned for r in rows},
	)


def choose_agent(doc, exclude: tuple[str, ...] = ()) -> tuple[routing.Decision, str | None]:
	"""The routing decision for an Issue, and the team the chosen agent belongs to."""
	agents = load_agents(doc.crms_team) or ({} if doc.crms_team else {})
	if not agents and doc.crms_team:
		agents = load_agents()
	if not agents:
		return routing.Decision(None, "no_agent_available"), doc.crms_team
	loads, last = agent_loads(list(agents))
	ticket = routing.Ticket(
		category=doc.issue_type or None,
		language=doc.flags.crms_language or None,
		product=doc.flags.crms_item or None,
		vip=doc.crms_customer_tier == "VIP",
	)
	decision = routing.route(ticket, [a for a, _ in agents.values()], loads, last, routing_now(), exclude)
	return decision, agents[decision.agent][1] if decision.agent else doc.crms_team


def reason_text(decision: routing.Decision) -> str:
	d = decision.details
	if decision.reason == "no_agent_available":
		return _("no team member is available")
	parts = [
		_("skills match the ticket")
		if decision.reason == "skill_match"
		else _("no member has the ticket's skills")
	]
	parts.append(_("{0} open tickets of capacity {1}").format(d.get("load", 0), d.get("capacity") or "-"))
	if d.get("senior"):
		parts.append(_("senior agent for a VIP customer"))
	if d.get("over_capacity"):
		parts.append(_("every matching agent is at capacity"))
	return "; ".join(parts)


def assign(doc, decision: routing.Decision, previous: str | None = None) -> None:
	"""Assign the Issue (a ToDo via Frappe's assign_to) and log the decision as a Comment."""
	from frappe.desk.form import assign_to

	if not decision.agent:
		doc.add_comment(
			"Info", _("Not assigned: {0}.").format(reason_text(decision)), comment_email="Administrator"
		)
		return
	if previous:
		assign_to.remove("Issue", doc.name, previous, ignore_permissions=True)
	assign_to.add(
		{"assign_to": [decision.agent], "doctype": "Issue", "name": doc.name, "description": doc.subject},
		ignore_permissions=True,
	)
	if previous:
		text = _("Reassigned from {0} to {1}: {2}.").format(previous, decision.agent, reason_text(decision))
	else:
		text = _("Assigned to {0}: {1}.").format(decision.agent, reason_text(decision))
	doc.add_comment("Info", text, comment_email="Administrator")


# ------------------------------------------------------------------------------------------------
# The pipeline


def prepare(doc, channel: str, data: dict | None = None) -> None:
	"""Fill channel, contact / customer, tier, open tickets, category, priority and team on a new Issue."""
	data = data or {}
	doc.crms_channel = channel
	doc.flags.crms_prepared = True
	doc.flags.crms_item = data.get("item")
	doc.flags.crms_language = data.get("language")
	if not (doc.customer and doc.contact):
		contact, customer = match_customer(doc.raised_by, data.get("phone"))
		doc.contact = doc.contact or contact
		doc.customer = doc.customer or customer or (customer_of_contact(doc.contact) if doc.contact else None)
	if doc.customer:
		doc.crms_customer_tier = frappe.db.get_value("Customer", doc.customer, "crms_tier")
		doc.crms_open_tickets = open_ticket_count(doc.customer)
	apply_classification(doc, data.get("item"))
	decision, team = choose_agent(doc)
	doc.crms_team = team
	doc.flags.crms_decision = decision


def existing_ticket(idempotency_key: str) -> str | None:
	return frappe.db.get_value("Issue", {"crms_idempotency_key": idempotency_key})


def create_ticket(
	payload: dict, channel: str, idempotency_key: str | None = None, assign_after_commit: bool = False
):
	"""Create (or, for a known idempotency key, return) the Issue for one incoming ticket.
	`assign_after_commit`: route and assign in a background job (the REST API, built for bursts)."""
	data = validate_payload(payload, channel)
	if idempotency_key:
		idempotency_key = cstr(idempotency_key).strip()
		if len(idempotency_key) > 140:
			_fail(_("The idempotency key is longer than {0} characters.").format(140))
		existing = existing_ticket(idempotency_key)
		if existing:
			return frappe.get_doc("Issue", existing)
	doc = frappe.new_doc("Issue")
	doc.update(
		{
			"subject": data["subject"],
			"description": frappe.utils.escape_html(data.get("description") or "").replace("\n", "<br>"),
			"raised_by": data.get("raised_by"),
			"customer": data.get("customer"),
			"contact": data.get("contact"),
			"issue_type": data.get("issue_type"),
			"crms_impact": data.get("impact"),
			"crms_urgency": data.get("urgency"),
			"crms_complaint_class": data.get("complaint_class"),
			"crms_idempotency_key": idempotency_key or None,
		}
	)
	if doc.issue_type:
		doc.crms_classified_by = "Agent"
		doc.crms_category_confidence = 100
	prepare(doc, channel, data)
	doc.flags.crms_assign_after_commit = assign_after_commit
	frappe.db.savepoint("crms_ticket_intake")
	try:
		doc.insert(ignore_permissions=True)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		frappe.db.rollback(save_point="crms_ticket_intake")
		# a concurrent retry with the same key won the race: the unique index refused ours. Locking
		# reads: a plain SELECT would read this transaction's REPEATABLE READ snapshot, taken before the
		# winner committed, find nothing and turn a retry into an error.
		existing = idempotency_key and frappe.db.get_value(
			"Issue", {"crms_idempotency_key": idempotency_key}, for_update=True
		)
		if not existing:
			raise
		return frappe.get_doc("Issue", existing, for_update=True)
	return doc


def create_ticket_from_call(call_log: str, subject: str | None = None):
	"""A ticket for a Call Log (one per call), linked from the Call Log's links table."""
	call = frappe.get_doc("Call Log", call_log)
	phone = call.get("from") if call.type == "Incoming" else call.get("to")
	payload = {
		"subject": (subject or _("Call from {0}").format(phone or _("unknown number")))[:MAX_SUBJECT],
		"description": call.summary or "",
		"phone": phone if phone and phone_key(phone) else None,
		"customer": call.customer or None,
	}
	issue = create_ticket(payload, "Phone", idempotency_key=f"call-log:{call.name}")
	if not any(link.link_doctype == "Issue" and link.link_name == issue.name for link in call.links):
		call.append("links", {"link_doctype": "Issue", "link_name": issue.name})
		call.flags.ignore_permissions = True
		call.save()
	return issue


# ------------------------------------------------------------------------------------------------
# Doc events on Issue


def detect_channel(doc) -> str | None:
	if doc.via_customer_portal:
		return "Portal"
	if doc.raised_by:
		return "Email"
	return None


def before_insert(doc, method=None) -> None:
	"""Issues ERPNext creates from email or the portal go through the same intake (others exit)."""
	if doc.flags.crms_prepared or doc.crms_channel:
		return
	channel = detect_channel(doc)
	if channel:
		prepare(doc, channel)


def after_insert(doc, method=None) -> None:
	"""Assign now, or for REST tickets after the commit in a background job (`assign_pending`): the ToDo,
	its notification and two Comments were about half of an API request's time. Tests assign inline."""
	decision = doc.flags.crms_decision
	if decision is None:
		return
	if not doc.flags.crms_assign_after_commit or frappe.flags.in_test:
		assign(doc, decision)
		return
	frappe.db.after_commit.add(
		lambda: queue_assignment(doc.name, doc.flags.crms_language, doc.flags.crms_item)
	)


# Pending REST assignments: a list in the queue Redis (no eviction there), drained by one job at a time.
# A burst of tickets costs one job (one fork and site init), not one per ticket. The "scheduled" key
# is set when a drain job is enqueued and deleted when it starts, so a ticket pushed while a job is
# waiting is drained by it, and one pushed after a job started schedules the next.
ASSIGN_PENDING = "crms_intake_assign_pending"
ASSIGN_SCHEDULED = "crms_intake_assign_scheduled"
ASSIGN_BATCH = 500


def _assign_key(name: str) -> str:
	return f"{frappe.local.site}:{name}"


def queue_assignment(issue: str, language: str | None = None, item: str | None = None) -> None:
	"""After the ticket's commit: add it to the pending list and make sure a drain job is on its way."""
	from frappe.utils.background_jobs import get_redis_conn

	conn = get_redis_conn()
	conn.rpush(_assign_key(ASSIGN_PENDING), frappe.as_json([issue, language, item], indent=None))
	_schedule_drain(conn)


def _schedule_drain(conn) -> None:
	# expires in case a job is lost: the next ticket then schedules a new one
	if conn.set(_assign_key(ASSIGN_SCHEDULED), 1, nx=True, ex=900):
		frappe.enqueue("crm_suite.service_desk.intake.assign_pending", queue="short")


def assign_pending(batch: int = ASSIGN_BATCH) -> int:
	"""Assign pending REST tickets, oldest first, committing each; returns how many were handled."""
	from frappe.utils.background_jobs import get_redis_conn

	conn = get_redis_conn()
	conn.delete(_assign_key(ASSIGN_SCHEDULED))
	done = 0
	while done < batch:
		raw = conn.lpop(_assign_key(ASSIGN_PENDING))
		if raw is None:
			return done
		issue, language, item = frappe.parse_json(frappe.safe_decode(raw))
		try:
			assign_later(issue, language, item)
			if not frappe.flags.in_test:
				frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(
				title=_("Ticket assignment failed"), reference_doctype="Issue", reference_name=issue
			)
		done += 1
	_schedule_drain(conn)  # more than a batch waiting: continue in a fresh job
	return done


def assign_later(issue: str, language: str | None = None, item: str | None = None) -> None:
	"""Route again on the committed loads (tickets queued before this one are assigned by now, so load
	balancing stays exact under bursts), then assign and log; a ticket already assigned is left alone."""
	if not frappe.db.exists("Issue", issue):
		return  # deleted before the job ran
	doc = frappe.get_doc("Issue", issue)
	if doc.get("_assign") and frappe.parse_json(doc._assign):
		return  # assigned meanwhile (an agent, or a retried job)
	doc.flags.crms_language = language
	doc.flags.crms_item = item
	decision, team = choose_agent(doc)
	if team and team != doc.crms_team:
		doc.db_set("crms_team", team, update_modified=False)
	assign(doc, decision)


def validate(doc, method=None) -> None:
	"""An agent changing a classified ticket's Issue Type is a correction: retraining learns it."""
	if doc.is_new() or doc.flags.crms_prepared:
		return
	if doc.crms_classified_by != "Agent" and doc.has_value_changed("issue_type") and doc.issue_type:
		doc.crms_classified_by = "Agent"
		doc.crms_category_confidence = 100


# ------------------------------------------------------------------------------------------------
# Absent agents


def reassign_absent() -> int:
	"""Move open tickets of absent team members to an available member; returns how many moved."""
	today = frappe.utils.getdate()
	absent = {
		r.user
		for r in frappe.get_all(
			"CRMS Service Team Member",
			filters={"parenttype": "CRMS Service Team", "absent": 1},
			fields=["user", "absent_until"],
			limit=10_000,
		)
		if not r.absent_until or r.absent_until >= today
	}
	if not absent:
		return 0
	rows = frappe.db.sql(
		"""select t.allocated_to, i.name from `tabToDo` t join `tabIssue` i on i.name = t.reference_name
		where t.reference_type = 'Issue' and t.status = 'Open' and t.allocated_to in %(users)s
		and i.status in %(statuses)s limit 5000""",
		{"users": tuple(absent), "statuses": OPEN_STATUSES},
		as_dict=True,
	)
	moved = 0
	for row in rows:
		doc = frappe.get_doc("Issue", row.name)
		decision, team = choose_agent(doc, exclude=tuple(absent))
		if not decision.agent:
			continue
		assign(doc, decision, previous=row.allocated_to)
		if team and team != doc.crms_team:
			doc.db_set("crms_team", team, update_modified=False)
		moved += 1
	return moved
