// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.listview_settings["CRMS Duplicate Candidate"] = {
	add_fields: ["status", "score", "record_b_doctype"],
	get_indicator(doc) {
		const colour = {
			Open: "orange",
			Merged: "green",
			Linked: "blue",
			"Not a Duplicate": "gray",
			Refused: "red",
		}[doc.status];
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
	formatters: {
		score(value) {
			return value == null ? "" : `${Math.round(value)}%`;
		},
	},
	onload(listview) {
		if (frappe.user.has_role("System Manager") || frappe.user.has_role("Sales Manager")) {
			listview.page.add_inner_button(__("Scan Now"), () =>
				frappe
					.call({ method: "crm_suite.customer_360.duplicates.scan_now" })
					.then((r) => frappe.show_alert({ message: r.message, indicator: "blue" }))
			);
		}
	},
};
