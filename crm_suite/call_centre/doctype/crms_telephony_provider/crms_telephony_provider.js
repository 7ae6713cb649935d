frappe.ui.form.on("CRMS Telephony Provider", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.set_intro(
				__("Paste the Webhook URL below into the provider's call status callback setting."),
				"blue"
			);
		}
	},
});
