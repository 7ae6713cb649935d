// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.query_reports["Customer Segmentation"] = {
	filters: [
		{
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			options: ["RFM Grid", "Segments", "Clusters"],
			default: "RFM Grid",
		},
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
	],
};
