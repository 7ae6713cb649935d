frappe.ui.form.on("CRMS Care Rule", {
	action(frm) {
		if (frm.doc.action === "Email") frm.set_value("channel", "Email");
	},
});
