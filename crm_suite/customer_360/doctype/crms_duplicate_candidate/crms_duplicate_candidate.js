// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

frappe.ui.form.on("CRMS Duplicate Candidate", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call("crm_suite.customer_360.duplicates.get_comparison", { candidate: frm.doc.name })
			.then((r) => render_comparison(frm, r.message || {}));
		if (frm.doc.status !== "Open") return;
		for (const side of ["record_a", "record_b"]) {
			const record = frm.doc[side];
			frm.add_custom_button(
				__("Keep {0}", [frm.doc[`${side}_title`] || record]),
				() => {
					const other = side === "record_a" ? frm.doc.record_b : frm.doc.record_a;
					frappe.confirm(
						__("Merge {0} into {1}? Every link to {0} moves to {1} and {0} is deleted.", [
							other,
							record,
						]),
						() =>
							frappe
								.call({
									method: "crm_suite.customer_360.duplicates.merge",
									args: { candidate: frm.doc.name, survivor: record },
									freeze: true,
									freeze_message: __("Merging..."),
								})
								.then(() => frm.reload_doc())
					);
				},
				__("Merge")
			);
		}
		frm.add_custom_button(__("Not a Duplicate"), () =>
			frappe
				.call({
					method: "crm_suite.customer_360.duplicates.dismiss",
					args: { candidate: frm.doc.name },
				})
				.then(() => frm.reload_doc())
		);
	},
});

function render_comparison(frm, data) {
	const rows = data.rows || [];
	if (!rows.length) {
		frm.get_field("comparison_html").$wrapper.html("");
		return;
	}
	const esc = frappe.utils.escape_html;
	const body = rows
		.map(
			(r) => `<tr>
				<td>${esc(r.label)}</td>
				<td>${esc(r.a == null ? "" : String(r.a))}</td>
				<td>${esc(r.b == null ? "" : String(r.b))}</td>
				<td class="text-right">${r.score == null ? "" : esc(String(r.score)) + "%"}</td>
			</tr>`
		)
		.join("");
	frm.get_field("comparison_html").$wrapper.html(`
		<table class="table table-bordered table-sm">
			<thead><tr>
				<th>${__("Field")}</th>
				<th>${esc(frm.doc.record_a)}</th>
				<th>${esc(frm.doc.record_b)}</th>
				<th class="text-right">${__("Score")}</th>
			</tr></thead>
			<tbody>${body}</tbody>
		</table>`);
}
