// Knowledge base on the Issue form: suggested articles and canned replies for the ticket (BM25 on its
// subject and description, crm_suite/service_desk/knowledge.py), each with "Insert into reply", which
// opens the e-mail composer with the text, placeholders already filled from the ticket and customer.
// Rendered in the "Knowledge" section (HTML field crms_kb_suggestions); one column at phone widths.
const CRMS_KB = "crm_suite.service_desk.knowledge";

frappe.ui.form.on("Issue", {
	refresh(frm) {
		crm_suite_knowledge.render(frm);
	},
	subject(frm) {
		crm_suite_knowledge.render_later(frm);
	},
});

window.crm_suite_knowledge = {
	timer: null,
	render_later(frm) {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.render(frm), 600);
	},
	render(frm) {
		const field = frm.fields_dict.crms_kb_suggestions;
		if (!field || frm.is_new()) return;
		const $wrap = $(field.wrapper).empty();
		$wrap.html(`<div class="text-muted small">${__("Looking for articles…")}</div>`);
		frappe
			.call({ method: `${CRMS_KB}.suggest`, args: { issue: frm.doc.name } })
			.then((r) => this.draw(frm, $wrap, r.message || {}))
			.catch(() => $wrap.empty());
	},
	draw(frm, $wrap, data) {
		const esc = frappe.utils.escape_html;
		const item = (row, kind) => `
			<div class="crms-kb-item" data-kind="${kind}" data-name="${esc(row.name)}">
				<div class="crms-kb-title">
					${esc(row.title)}
					${row.visibility === "Internal" ? `<span class="indicator-pill gray">${__("Internal")}</span>` : ""}
					${frm.doc.crms_kb_article === row.name ? `<span class="indicator-pill green">${__("Used")}</span>` : ""}
				</div>
				<div class="crms-kb-snippet text-muted small">${esc(row.snippet || "")}</div>
				<div class="crms-kb-actions">
					<button class="btn btn-xs btn-primary crms-kb-insert">${__("Insert into reply")}</button>
					${kind === "article" ? `<button class="btn btn-xs btn-default crms-kb-open">${__("Read")}</button>` : ""}
				</div>
			</div>`;
		const block = (label, rows, kind) =>
			rows && rows.length
				? `<div class="crms-kb-block"><div class="crms-kb-label">${label}</div>${rows
						.map((r) => item(r, kind))
						.join("")}</div>`
				: "";
		const html =
			block(__("Suggested articles"), data.articles, "article") +
			block(__("Canned replies"), data.replies, "reply");
		$wrap.html(`
			<style>
				.crms-kb { display: grid; grid-template-columns: 1fr; gap: 12px; }
				@media (min-width: 992px) { .crms-kb.two { grid-template-columns: 1fr 1fr; } }
				.crms-kb-label { font-weight: 600; margin-bottom: 6px; }
				.crms-kb-item { border: 1px solid var(--border-color); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
				.crms-kb-title { font-weight: 500; overflow-wrap: anywhere; }
				.crms-kb-snippet { margin: 4px 0 6px; overflow-wrap: anywhere; }
				.crms-kb-actions { display: flex; gap: 6px; flex-wrap: wrap; }
			</style>
			<div class="crms-kb ${data.articles?.length && data.replies?.length ? "two" : ""}">
				${html || `<div class="text-muted small">${__("No matching articles or canned replies.")}</div>`}
			</div>`);
		$wrap.find(".crms-kb-insert").on("click", (e) => {
			const $item = $(e.currentTarget).closest(".crms-kb-item");
			this.insert(frm, $item.data("kind"), $item.data("name"));
		});
		$wrap.find(".crms-kb-open").on("click", (e) => {
			this.open(frm, $(e.currentTarget).closest(".crms-kb-item").data("name"));
		});
	},
	insert(frm, kind, name) {
		frappe
			.call({
				method: `${CRMS_KB}.insert`,
				args: { issue: frm.doc.name, name: String(name), kind },
				freeze: true,
			})
			.then((r) => {
				const out = r.message || {};
				if (out.missing && out.missing.length) {
					frappe.show_alert({
						message: __("Check these placeholders before sending: {0}", [out.missing.join(", ")]),
						indicator: "orange",
					});
				}
				new frappe.views.CommunicationComposer({
					doc: frm.doc,
					frm: frm,
					subject: __("Re: {0}", [frm.doc.subject || frm.doc.name]),
					recipients: frm.doc.raised_by,
					message: out.message || "",
					attach_document_print: false,
				});
				if (!frm.is_dirty()) frm.reload_doc();
			});
	},
	open(frm, name) {
		frappe.call({ method: `${CRMS_KB}.get_article`, args: { name: String(name) } }).then((r) => {
			const a = r.message || {};
			const d = new frappe.ui.Dialog({
				title: a.title || name,
				size: "large",
				fields: [{ fieldname: "body", fieldtype: "HTML" }],
				primary_action_label: __("Insert into reply"),
				primary_action: () => {
					d.hide();
					this.insert(frm, "article", name);
				},
			});
			d.fields_dict.body.$wrapper.html(
				`<div class="crms-kb-article" style="overflow-wrap:anywhere">${frappe.dom.remove_script_and_style(
					a.content || ""
				)}</div>`
			);
			d.show();
		});
	},
};
