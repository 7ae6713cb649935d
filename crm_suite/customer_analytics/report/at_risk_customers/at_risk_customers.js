// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["At-Risk Customers"] = {
	filters: [
		{ fieldname: "min_churn_risk", label: __("Minimum Churn Risk"), fieldtype: "Int", default: 50 },
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
		{ fieldname: "limit", label: __("Rows"), fieldtype: "Int", default: 500 },
	],
};
