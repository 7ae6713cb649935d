// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.ui.form.on("CRMS Settings", {});
