frappe.ui.form.on("CRMS Ticket Classifier Settings", {
	refresh(frm) {
		frm.add_custom_button(__("Train Now"), () => {
			frappe.call({
				method: "crm_suite.service_desk.classifier.train_now",
				freeze: true,
				freeze_message: __("Training on closed tickets..."),
				callback: () => frm.reload_doc(),
			});
		});
	},
});
