"""Lifecycle stages: invoice and order events replay the customer history through the engine.

`sync_customer` reads the customer's purchase dates (submitted non-return Sales Invoices and
submitted Sales Orders), its origin (creation date, Lead and its qualification) and the thresholds,
replays the whole history with `crm_suite.engine.lifecycle.replay`, and rewrites the stored
CRMS Lifecycle Transition log from the first row that differs. A cancel therefore restores exactly
the log and stage that existed before the submit, backdated documents included.

Audit trail: the transition log IS the trail of stage changes (date, from, to, cause, document).
The Customer fields are written with `frappe.db.set_value(..., update_modified=False)`, which
makes no Version: a Version per stage change would duplicate the log and slow every submit.

Concurrency: `sync_customer` first locks the Customer row (SELECT ... FOR UPDATE), then reads the
purchases and the stored log with locking reads, which see the latest committed rows whatever the
transaction's snapshot. Two replays of one customer therefore run one after the other, the second
on the first one's result, and their log rewrites never interleave.

Cost on ERPNext's own flows: Customer insert, invoice / order submit and cancel only note the
customer; one background job per committed transaction replays each noted customer once (however
many of its documents the transaction touched), after the commit, so the user's save does not wait
for it and a rolled-back save queues nothing. Tests replay inline (`frappe.flags.in_test`).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, nowdate

from crm_suite.engine import lifecycle as engine

LOG = "CRMS Lifecycle Transition"


def thresholds() -> engine.Thresholds:
	from crm_suite.crm_suite.doctype.crms_settings.crms_settings import get_settings

	s = get_settings()
	return engine.Thresholds(
		active_days=int(s.active_days or 90),
		at_risk_days=int(s.at_risk_days or 180),
		lapsed_days=int(s.lapsed_days or 365),
		gap_factor=float(s.at_risk_gap_factor or 0),
	)


def purchases(customer: str, lock: bool = False) -> list[engine.Purchase]:
	"""Submitted non-return invoices and submitted orders. `lock`: locking reads (latest committed
	rows, whatever this transaction's snapshot), used under the customer's row lock."""
	suffix = " lock in share mode" if lock else ""
	rows = frappe.db.sql(
		f"""select posting_date, concat('Sales Invoice:', name) from `tabSales Invoice`
		where customer = %(c)s and docstatus = 1 and is_return = 0{suffix}""",
		{"c": customer},
	) + frappe.db.sql(
		f"""select transaction_date, concat('Sales Order:', name) from `tabSales Order`
		where customer = %(c)s and docstatus = 1{suffix}""",
		{"c": customer},
	)
	return [engine.Purchase(getdate(d), ref) for d, ref in rows]


def origin(customer: str) -> engine.Origin | None:
	row = frappe.db.get_value("Customer", customer, ["creation", "lead_name"], as_dict=True)
	return _origin(row.creation, row.lead_name) if row else None


def _origin(creation, lead_name: str | None) -> engine.Origin:
	qualified = False
	if lead_name:
		qualified = frappe.db.get_value("Lead", lead_name, "qualification_status") == "Qualified"
	return engine.Origin(getdate(creation), from_lead=bool(lead_name), qualified=qualified)


def stored_log(customer: str, lock: bool = False) -> list[tuple[str, engine.Transition]]:
	suffix = " for update" if lock else ""
	rows = frappe.db.sql(
		f"""select name, transition_date, from_stage, to_stage, cause, reference_doctype, reference_name
		from `tab{LOG}` where customer = %s order by sequence{suffix}""",
		customer,
	)
	out = []
	for name, d, from_stage, to_stage, cause, ref_dt, ref_name in rows:
		ref = f"{ref_dt}:{ref_name}" if ref_dt and ref_name else ""
		out.append((name, engine.Transition(getdate(d), from_stage or "", to_stage, cause or "", ref)))
	return out


STAGE_FIELDS = ["crms_lifecycle_stage", "crms_stage_since", "crms_stage_review_on"]


def sync_customer(customer: str, as_of=None, new_doc=None) -> str | None:
	"""Replay the customer's history once, under its row lock; rewrite the changed tail of its log.
	Returns the stage.

	`new_doc`: the Customer just inserted in this transaction (its row is locked by the insert), which
	has no purchases and no log yet."""
	if new_doc is not None:
		start, events, stored, old = _origin(new_doc.creation, new_doc.lead_name), [], [], None
	else:
		# the lock comes first: a concurrent replay of this customer waits here until it commits
		row = frappe.db.get_value(
			"Customer", customer, ["creation", "lead_name", *STAGE_FIELDS], as_dict=True, for_update=True
		)
		if not row:
			return None
		start = _origin(row.creation, row.lead_name)
		events, stored = purchases(customer, lock=True), stored_log(customer, lock=True)
		old = tuple(row[f] for f in STAGE_FIELDS)
	as_of = getdate(as_of or nowdate())
	t = thresholds()
	log = engine.replay(events, start, as_of, t)
	keep, tail = engine.diff([tr for _, tr in stored], log)
	stale = [name for name, _ in stored[keep:]]
	if stale:
		frappe.db.delete(LOG, {"name": ("in", stale)})
	if tail:
		_insert(customer, keep, tail)
	stage, since = engine.current(log)
	review = engine.next_review_date(events, start, as_of, t)
	new = (stage, since, review)
	if old != new:
		frappe.db.set_value(
			"Customer", customer, dict(zip(STAGE_FIELDS, new, strict=True)), update_modified=False
		)
	return stage


def _insert(customer: str, offset: int, tail: list[engine.Transition]) -> None:
	now, user = now_datetime(), frappe.session.user
	rows = []
	for i, tr in enumerate(tail, offset + 1):
		ref_dt, _, ref_name = tr.reference.partition(":")
		rows.append(
			(
				frappe.generate_hash(length=12),
				customer,
				tr.date,
				i,
				tr.from_stage or None,
				tr.to_stage,
				tr.cause,
				ref_dt or None,
				ref_name or None,
				now,
				now,
				user,
				user,
			)
		)
	frappe.db.bulk_insert(
		LOG,
		[
			"name",
			"customer",
			"transition_date",
			"sequence",
			"from_stage",
			"to_stage",
			"cause",
			"reference_doctype",
			"reference_name",
			"creation",
			"modified",
			"owner",
			"modified_by",
		],
		rows,
	)


SYNC_DUE_BATCH = 200


def sync_due(as_of=None, limit: int = 50_000, batch_size: int = SYNC_DUE_BATCH) -> int:
	"""Nightly: replay only the customers whose next time-driven transition is due (set-based pick),
	plus customers that never got a stage (installed before this app, bulk imports, or whose queued
	replay never ran). Commits every `batch_size` customers, so row locks are held briefly and a
	failure keeps the batches already done (a scheduled job may commit; tests never do)."""
	as_of = getdate(as_of or nowdate())
	due = frappe.db.sql(
		"""select name from tabCustomer where crms_stage_review_on <= %s
		union select name from tabCustomer where ifnull(crms_lifecycle_stage, '') = '' limit %s""",
		(as_of, limit),
		pluck=True,
	)
	for i, name in enumerate(due, 1):
		sync_customer(name, as_of)
		if i % batch_size == 0 and not frappe.flags.in_test:
			frappe.db.commit()
	return len(due)


# ------------------------------------------------------------------------------------------------
# Doc events: note the customer, replay after the commit


def _customer_changed(customer: str | None, refresh_metrics: bool = True) -> None:
	"""Replay `customer` (and refresh its metrics) once per transaction, after it commits."""
	if not customer:
		return
	if frappe.flags.in_test:
		replay_customers([[customer, refresh_metrics]])
		return
	pending = frappe.flags.crms_lifecycle_pending
	if pending is None:
		pending = frappe.flags.crms_lifecycle_pending = {}
		frappe.db.after_commit.add(_enqueue_pending)
		frappe.db.after_rollback.add(_forget_pending)
	pending[customer] = pending.get(customer, False) or refresh_metrics


def _enqueue_pending() -> None:
	pending = frappe.flags.crms_lifecycle_pending or {}
	frappe.flags.crms_lifecycle_pending = None
	if not pending:
		return
	try:
		frappe.enqueue(
			"crm_suite.customer_360.lifecycle.replay_customers",
			queue="default",
			customers=[[customer, refresh] for customer, refresh in pending.items()],
		)
	except Exception:
		# the documents are committed; the nightly sync catches customers left without a stage
		frappe.log_error(title=_("Lifecycle replay could not be queued"))


def _forget_pending() -> None:
	frappe.flags.crms_lifecycle_pending = None


def replay_customers(customers: list) -> None:
	"""Background job (one per committed transaction): replay each [customer, refresh_metrics]."""
	for customer, refresh_metrics in customers:
		sync_customer(customer)
		if refresh_metrics:
			from crm_suite.customer_analytics.metrics import enqueue_customer_refresh

			enqueue_customer_refresh(customer)


def on_customer_insert(doc, method=None):
	_customer_changed(doc.name, refresh_metrics=False)


def on_customer_rename(doc, method=None, old=None, new=None, merge=False):
	"""After a rename or merge the log rows point at the survivor: replay it, refresh its metrics."""
	_customer_changed(new or doc.name)


def on_customer_trash(doc, method=None):
	"""Our derived rows must not block deleting a customer (on_trash runs before the link check)."""
	frappe.db.delete(LOG, {"customer": doc.name})
	frappe.db.delete("CRMS Customer Metrics", {"customer": doc.name})


def on_invoice_submit(doc, method=None):
	# a return is no purchase: the stage cannot change, but its amount nets into the metrics
	if doc.is_return:
		from crm_suite.customer_analytics.metrics import enqueue_customer_refresh

		enqueue_customer_refresh(doc.customer)
		return
	_customer_changed(doc.customer)


def on_invoice_cancel(doc, method=None):
	on_invoice_submit(doc, method)


def on_order_submit(doc, method=None):
	_customer_changed(doc.customer, refresh_metrics=False)


def on_order_cancel(doc, method=None):
	_customer_changed(doc.customer, refresh_metrics=False)
