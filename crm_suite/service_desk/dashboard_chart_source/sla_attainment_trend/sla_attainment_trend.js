// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["SLA Attainment Trend"] = {
	method: "crm_suite.service_desk.dashboard.sla_attainment_trend",
	filters: [],
};
