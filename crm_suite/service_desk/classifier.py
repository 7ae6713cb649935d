"""Train the ticket classifier on the site's closed tickets and serve it to intake.

The model (naive Bayes counts, crm_suite.engine.classify) is stored as a site global, cached in
Redis, and its held-out accuracy and per-category report are written to CRMS Ticket Classifier
Settings for the admin. The label is each ticket's final Issue Type, so agents' corrections count.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import now_datetime, strip_html

from crm_suite.engine import classify

SETTINGS = "CRMS Ticket Classifier Settings"
MODEL_KEY = "crms_ticket_classifier_model"
TRAINING_LIMIT = 50_000


def training_samples(limit: int = TRAINING_LIMIT) -> list[tuple[str, str]]:
	rows = frappe.get_all(
		"Issue",
		filters={"status": ("in", ("Resolved", "Closed")), "issue_type": ("is", "set")},
		fields=["subject", "description", "issue_type"],
		order_by="creation desc",
		limit=limit,
	)
	return [(f"{r.subject or ''}\n{strip_html(r.description or '')}", r.issue_type) for r in rows]


def train() -> dict:
	"""Fit on closed tickets, store the model and the held-out figures; returns the figures."""
	samples = training_samples()
	model, evaluation = classify.train_and_evaluate(samples)
	frappe.db.set_global(MODEL_KEY, json.dumps(model.to_dict(), ensure_ascii=False))
	frappe.cache.delete_value(MODEL_KEY)
	values = {
		"last_trained_on": now_datetime(),
		"training_samples": len(samples),
		"held_out_accuracy": round(evaluation.accuracy * 100, 1),
		"held_out_tickets": evaluation.held_out,
		"classes": ", ".join(model.classes),
		"report": json.dumps(evaluation.report, indent=1, ensure_ascii=False),
	}
	settings = frappe.get_single(SETTINGS)
	settings.update(values)
	settings.flags.ignore_permissions = True
	settings.save()
	return values


def nightly() -> None:
	train()


@frappe.whitelist(methods=["POST"])
def train_now() -> dict:
	frappe.only_for(("System Manager", "Service Supervisor"))
	return train()


def _setting(field: str, default: float) -> float:
	"""A settings value, or its default while the settings were never saved (a fresh site)."""
	rows = frappe.db.sql(
		"select value from `tabSingles` where doctype = %s and field = %s", (SETTINGS, field)
	)
	value = rows[0][0] if rows else None
	return default if value in (None, "") else float(value)


def load_model() -> classify.Model | None:
	if not _setting("enabled", 1):
		return None
	data = frappe.cache.get_value(
		MODEL_KEY, generator=lambda: json.loads(frappe.db.get_global(MODEL_KEY) or "{}")
	)
	return classify.Model.from_dict(data)


def min_confidence() -> float:
	return _setting("min_confidence", 60.0)
