// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Tickets Created by Channel"] = {
	method: "crm_suite.service_desk.dashboard.tickets_by_channel",
	filters: [],
};
