// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

const DUPLICATES = "crm_suite.customer_360.duplicates";

frappe.ui.form.on("CRMS Duplicate Candidate", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call(`${DUPLICATES}.get_comparison`, { candidate: frm.doc.name })
			.then((r) => render_comparison(frm, r.message || {}));
		if (["Refused", "Not a Duplicate"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Reopen"), () => review(frm, "reopen"));
			return;
		}
		if (frm.doc.status !== "Open") return;
		const b_doctype = frm.doc.record_b_doctype || frm.doc.candidate_doctype;
		if (b_doctype !== frm.doc.candidate_doctype) {
			add_link_button(frm, b_doctype);
		} else {
			add_merge_buttons(frm);
		}
		frm.add_custom_button(__("Not a Duplicate"), () => review(frm, "dismiss"));
	},
});

function review(frm, action, args = {}, freeze_message = null) {
	return frappe
		.call({
			method: `${DUPLICATES}.${action}`,
			args: { candidate: frm.doc.name, ...args },
			freeze: !!freeze_message,
			freeze_message,
		})
		.then(() => frm.reload_doc());
}

function add_merge_buttons(frm) {
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
					() => review(frm, "merge", { survivor: record }, __("Merging..."))
				);
			},
			__("Merge")
		);
	}
}

function add_link_button(frm, b_doctype) {
	frm.add_custom_button(__("Link to Existing {0}", [__(b_doctype)]), () =>
		frappe.confirm(
			__(
				"Link {0} {1} to the existing {2} {3}? The {0} keeps its status and gets a comment naming the {2}.",
				[
					__(frm.doc.candidate_doctype),
					frm.doc.record_a_title || frm.doc.record_a,
					__(b_doctype),
					frm.doc.record_b_title || frm.doc.record_b,
				]
			),
			() => review(frm, "link_lead")
		)
	);
}

function format_bits(value) {
	if (value == null) return "";
	const n = Number(value);
	return (n > 0 ? "+" : "") + n.toFixed(1);
}

function render_comparison(frm, data) {
	const rows = data.rows || [];
	if (!rows.length) {
		frm.get_field("comparison_html").$wrapper.html("");
		return;
	}
	const esc = frappe.utils.escape_html;
	const body = rows
		.map((r) => {
			let colour = "";
			if (r.score > 0) colour = "text-success";
			else if (r.score < 0) colour = "text-danger";
			return `<tr>
				<td>${esc(r.label)}</td>
				<td>${esc(r.a == null ? "" : String(r.a))}</td>
				<td>${esc(r.b == null ? "" : String(r.b))}</td>
				<td class="text-right ${colour}">${esc(format_bits(r.score))}</td>
			</tr>`;
		})
		.join("");
	const heading = (doctype, record) =>
		data.doctype_a === data.doctype_b ? esc(record) : `${esc(__(doctype))}: ${esc(record)}`;
	frm.get_field("comparison_html").$wrapper.html(`
		<table class="table table-bordered table-sm">
			<thead><tr>
				<th>${__("Field")}</th>
				<th>${heading(data.doctype_a, frm.doc.record_a)}</th>
				<th>${heading(data.doctype_b, frm.doc.record_b)}</th>
				<th class="text-right">${__("Weight (bits)")}</th>
			</tr></thead>
			<tbody>${body}</tbody>
		</table>`);
}
