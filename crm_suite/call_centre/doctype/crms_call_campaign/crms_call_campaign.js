// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt

const OUTBOUND = "crm_suite.call_centre.outbound";

frappe.ui.form.on("CRMS Call Campaign", {
	setup(frm) {
		frm.set_query("script_doctype", () => ({ filters: { name: "CRMS Call Script" } }));
	},

	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Build List"), () => {
			frappe.call({ method: `${OUTBOUND}.build_targets`, args: { campaign: frm.doc.name } }).then(() => {
				frappe.show_alert({ message: __("Building the call list in the background"), indicator: "blue" });
				frm.reload_doc();
			});
		});
		if (frm.doc.status !== "Active") {
			frm.add_custom_button(__("Start"), () => set_status(frm, "Active"), __("Status"));
		} else {
			frm.add_custom_button(__("Pause"), () => set_status(frm, "Paused"), __("Status"));
			frm.add_custom_button(__("Next Call"), () => next_call(frm)).addClass("btn-primary");
		}
		if (frm.doc.status !== "Completed") {
			frm.add_custom_button(__("Complete"), () => set_status(frm, "Completed"), __("Status"));
		}
		frm.add_custom_button(__("Targets"), () =>
			frappe.set_route("List", "CRMS Call Campaign Target", { campaign: frm.doc.name })
		, __("View"));
		frm.add_custom_button(__("Results"), () =>
			frappe.set_route("query-report", "Outbound Campaign Results", { campaign: frm.doc.name })
		, __("View"));

		if (!frm._crms_list_listener) {
			frm._crms_list_listener = true;
			frappe.realtime.on("crms_call_list_built", (data) => {
				if (data.campaign === frm.doc.name) {
					frappe.show_alert({
						message: __("Call list built: {0} added, {1} excluded", [data.added, data.excluded]),
						indicator: "green",
					});
					frm.reload_doc();
				}
			});
		}
	},
});

function set_status(frm, status) {
	frappe.call({ method: `${OUTBOUND}.set_status`, args: { campaign: frm.doc.name, status } }).then(() =>
		frm.reload_doc()
	);
}

function next_call(frm) {
	frappe.call({ method: `${OUTBOUND}.next_target`, args: { campaign: frm.doc.name } }).then((r) => {
		const t = r.message;
		if (!t) {
			frappe.msgprint(__("Nobody can be called right now (outside their calling windows, or the list is done)."));
			return;
		}
		show_target(frm, t);
	});
}

function show_target(frm, t) {
	const esc = frappe.utils.escape_html;
	const is_survey = t.campaign_type === "Survey";
	const fields = [
		{
			fieldtype: "HTML",
			fieldname: "card",
			options: `<div class="crms-call-target">
				<h4>${esc(t.party_name || t.party)} <small class="text-muted">${esc(__(t.party_type))}</small></h4>
				<p><a href="tel:${esc(t.phone || "")}" class="h4">${esc(t.phone || "")}</a></p>
				<p class="text-muted">${__("Local time")}: ${esc(t.local_time || "")} (${esc(t.timezone || "")})
					&middot; ${__("Attempts")}: ${t.attempts || 0}
					${t.last_disposition ? "&middot; " + __("Last") + ": " + esc(__(t.last_disposition)) : ""}</p>
				${t.script ? `<p>${__("Script")}: <a href="/app/${frappe.router.slug(t.script_doctype)}/${encodeURIComponent(t.script)}" target="_blank">${esc(t.script)}</a></p>` : ""}
			</div>`,
		},
		{ fieldtype: "Link", fieldname: "call_log", label: __("Call Log"), options: "Call Log" },
		{ fieldtype: "Small Text", fieldname: "notes", label: __("Notes") },
	];
	if (is_survey) {
		fields.push({
			fieldtype: "Int",
			fieldname: "score",
			label: t.survey_type === "NPS" ? __("NPS Score (0-10)") : __("CSAT Score (1-5)"),
			description: __("Required for the Completed disposition."),
		});
	}
	fields.push({ fieldtype: "HTML", fieldname: "buttons" });
	const d = new frappe.ui.Dialog({ title: __("Next Call: {0}", [frm.doc.campaign_name]), fields });
	const $buttons = $('<div class="d-flex flex-wrap" style="gap: 6px"></div>');
	t.dispositions.forEach((disp) => {
		$(`<button class="btn btn-sm btn-default">${esc(disp.label)}</button>`)
			.on("click", () => {
				const v = d.get_values(true);
				frappe
					.call({
						method: `${OUTBOUND}.record_outcome`,
						args: {
							target: t.name,
							disposition: disp.value,
							notes: v.notes,
							call_log: v.call_log,
							score: v.score,
						},
						freeze: true,
					})
					.then((r) => {
						d._recorded = true;
						d.hide();
						const res = r.message || {};
						const made = [res.lead, res.opportunity, res.survey_response].filter(Boolean).join(", ");
						frappe.show_alert({
							message: __("Recorded") + (made ? ": " + esc(made) : ""),
							indicator: "green",
						});
						next_call(frm);
					});
			})
			.appendTo($buttons);
	});
	d.fields_dict.buttons.$wrapper.append($buttons);
	d.onhide = () => {
		if (!d._recorded) {
			frappe.call({ method: `${OUTBOUND}.release`, args: { target: t.name } });
		}
	};
	d.show();
}
