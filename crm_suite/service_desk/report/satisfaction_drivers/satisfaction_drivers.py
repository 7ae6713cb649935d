# Copyright (c) 2026, crm_suite developers
# For license information, please see license.txt
"""What drives CSAT: the answered ticket surveys regressed on first response time, resolution time,
reopened, channel and number of replies (engine/drivers.py: OLS with 95% intervals and p-values, and
one Spearman correlation per driver), each with a plain-words reading."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from crm_suite.engine import drivers
from crm_suite.permissions.customer_scope import customer_condition

P_SIGNIFICANT = 0.05


def driver_label(name: str) -> str:
	labels = {
		drivers.INTERCEPT: _("Baseline (intercept)"),
		"first_response_hours": _("First response time (hours)"),
		"resolution_hours": _("Resolution time (hours)"),
		"reopened": _("Reopened"),
		"replies": _("Number of replies"),
	}
	if name.startswith(drivers.CHANNEL + "="):
		return _("Channel: {0}").format(name.split("=", 1)[1])
	return labels.get(name, name)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = load(filters)
	cov_type = (
		filters.get("cov_type") if filters.get("cov_type") in (drivers.CLASSICAL, drivers.HC3) else None
	)
	reg = drivers.driver_regression(rows, cov_type=cov_type or drivers.CLASSICAL)
	corr = drivers.driver_correlations(rows)
	data = []
	if reg.status in (drivers.OK, drivers.COLLINEAR):
		for c in reg.coefficients:
			data.append(
				{
					"method": _("Regression"),
					"driver": driver_label(c.name),
					"estimate": c.estimate,
					"ci_low": c.ci_low,
					"ci_high": c.ci_high,
					"p_value": c.p_value,
					"n": reg.n,
					"reading": coefficient_reading(c, reg.baseline_channel),
				}
			)
	for c in corr:
		data.append(
			{
				"method": _("Spearman correlation"),
				"driver": driver_label(c.driver),
				"estimate": c.rho,
				"ci_low": c.ci_low,
				"ci_high": c.ci_high,
				"p_value": c.p_value,
				"n": c.n,
				"reading": correlation_reading(c),
			}
		)
	return columns(), data, message(reg, len(rows)), None, summary(reg, len(rows))


def load(filters) -> list[dict]:
	"""One row per answered CSAT survey with its ticket's drivers (hours, reopened, replies, channel)."""
	to_date = getdate(filters.get("to_date") or frappe.utils.nowdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -180))
	meta = frappe.get_meta("Issue")
	has_reopen = meta.has_field("crms_reopen_count")
	resolved = (
		"coalesce(i.crms_resolved_on, i.sla_resolution_date)"
		if meta.has_field("crms_resolved_on")
		else "i.sla_resolution_date"
	)
	reopened = "(ifnull(i.crms_reopen_count, 0) > 0)" if has_reopen else "0"
	conditions = [
		"r.survey_type = 'CSAT'",
		"r.used_on is not null",
		"r.sent_on >= %(from)s",
		"r.sent_on < %(to)s",
	]
	values = {"from": from_date, "to": add_days(to_date, 1)}
	for field in ("team", "agent"):
		if filters.get(field):
			conditions.append(f"r.`{field}` = %({field})s")
			values[field] = filters.get(field)
	conditions.append(customer_condition(None, "r.`customer`", with_params=True))
	return frappe.db.sql(
		"""select r.score,
			timestampdiff(second, i.creation, i.first_responded_on) / 3600 as first_response_hours,
			timestampdiff(second, i.creation, {resolved}) / 3600 as resolution_hours,
			{reopened} as reopened,
			coalesce(nullif(r.channel, ''), i.crms_channel) as channel,
			(select count(*) from `tabCommunication` c
				where c.reference_doctype = 'Issue' and c.reference_name = i.name
				and c.communication_type = 'Communication' and c.sent_or_received = 'Sent') as replies
		from `tabCRMS Survey Response` r join `tabIssue` i on i.name = r.issue
		where {conditions}""".format(
			reopened=reopened, resolved=resolved, conditions=" and ".join(conditions)
		),
		values,
		as_dict=True,
	)


def _sure(p) -> str:
	if p is None:
		return ""
	if p < P_SIGNIFICANT:
		return _("unlikely to be chance (p = {0})").format(f"{p:.3f}")
	return _("could well be chance (p = {0})").format(f"{p:.3f}")


def coefficient_reading(c, baseline: str | None) -> str:
	est, lo, hi = (f"{v:+.2f}" for v in (c.estimate, c.ci_low, c.ci_high))
	if c.name == drivers.INTERCEPT:
		return _("Expected rating with every driver at zero: {0}.").format(f"{c.estimate:.2f}")
	if c.name.startswith(drivers.CHANNEL + "="):
		return _(
			"Tickets from this channel rate {0} points (95% CI {1} to {2}) against {3}, others equal; {4}."
		).format(est, lo, hi, baseline or "", _sure(c.p_value))
	if c.name == "reopened":
		return _("A reopened ticket rates {0} points (95% CI {1} to {2}), others equal; {3}.").format(
			est, lo, hi, _sure(c.p_value)
		)
	return _("Each extra unit changes the rating by {0} (95% CI {1} to {2}), others equal; {3}.").format(
		est, lo, hi, _sure(c.p_value)
	)


def correlation_reading(c) -> str:
	if c.status != drivers.OK:
		return {
			drivers.TOO_FEW_ROWS: _("Too few answers to tell."),
			drivers.NO_VARIANCE: _("No variation to compare."),
		}.get(c.status, c.status)
	strength = abs(c.rho)
	word = _("weak") if strength < 0.3 else (_("moderate") if strength < 0.5 else _("strong"))
	direction = _("higher") if c.rho > 0 else _("lower")
	return _("A {0} link: larger values go with {1} ratings (rho {2}, 95% CI {3} to {4}); {5}.").format(
		word, direction, f"{c.rho:+.2f}", f"{c.ci_low:+.2f}", f"{c.ci_high:+.2f}", _sure(c.p_value)
	)


def message(reg, n: int) -> str:
	if reg.status == drivers.TOO_FEW_ROWS:
		return _("Only {0} answered surveys with complete ticket data: too few for a regression.").format(
			reg.n
		)
	if reg.status == drivers.NO_VARIANCE:
		return _("Every rating is the same: there is nothing to explain.")
	if reg.status not in (drivers.OK, drivers.COLLINEAR):
		return ""
	strong = [c for c in reg.coefficients if c.name != drivers.INTERCEPT and c.p_value < P_SIGNIFICANT]
	parts = [
		_(
			"{0} answered surveys, {1} with complete ticket data; the drivers explain {2}% of the variation in ratings (R²)."
		).format(n, reg.n, f"{100 * (reg.r2 or 0):.0f}")
	]
	if strong:
		parts.append(
			_("Drivers that matter here: {0}.").format(
				", ".join(f"{driver_label(c.name)} ({c.estimate:+.2f})" for c in strong)
			)
		)
	else:
		parts.append(_("No driver is clearly linked to the rating in this period."))
	if reg.dropped_columns:
		parts.append(
			_("Left out (no variation here, or duplicating other drivers): {0}.").format(
				", ".join(driver_label(c) for c in reg.dropped_columns)
			)
		)
	return " ".join(parts)


def columns() -> list[dict]:
	return [
		{"fieldname": "method", "label": _("Method"), "fieldtype": "Data", "width": 160},
		{"fieldname": "driver", "label": _("Driver"), "fieldtype": "Data", "width": 200},
		{"fieldname": "estimate", "label": _("Estimate"), "fieldtype": "Float", "precision": 3, "width": 100},
		{"fieldname": "ci_low", "label": _("95% CI Low"), "fieldtype": "Float", "precision": 3, "width": 100},
		{
			"fieldname": "ci_high",
			"label": _("95% CI High"),
			"fieldtype": "Float",
			"precision": 3,
			"width": 100,
		},
		{"fieldname": "p_value", "label": _("p-value"), "fieldtype": "Float", "precision": 4, "width": 90},
		{"fieldname": "n", "label": _("Answers"), "fieldtype": "Int", "width": 80},
		{"fieldname": "reading", "label": _("Reading"), "fieldtype": "Data", "width": 480},
	]


def summary(reg, n: int) -> list[dict]:
	out = [{"value": n, "label": _("Answered Surveys"), "datatype": "Int"}]
	if reg.status in (drivers.OK, drivers.COLLINEAR):
		out.append({"value": round(100 * (reg.r2 or 0), 1), "label": _("R² %"), "datatype": "Float"})
	return out
