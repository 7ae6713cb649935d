frappe.listview_settings["CRMS QA Review"] = {
	get_indicator(doc) {
		const colors = {
			Draft: "red",
			Scored: "green",
			Disputed: "orange",
			"Dispute Rejected": "blue",
			"Dispute Accepted": "gray",
			Cancelled: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
