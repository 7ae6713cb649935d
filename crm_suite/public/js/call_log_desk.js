// Call Log form, the agent's actions (crm_suite/call_centre/desk.py): a ticket through the service-desk
// intake, an opportunity, the outcome (disposition + notes) and a call script with branching questions.
frappe.ui.form.on("Call Log", {
	refresh(frm) {
		if (frm.is_new()) return;
		const group = __("Call Actions");
		const go = (method, doctype) =>
			frappe.call({
				method: `crm_suite.call_centre.desk.${method}`,
				args: { call_log: frm.doc.name },
				freeze: true,
				callback: (r) => r.message && frappe.set_route("Form", doctype, r.message),
			});
		if (frm.doc.crms_issue) {
			frm.add_custom_button(__("Open Ticket"), () => frappe.set_route("Form", "Issue", frm.doc.crms_issue), group);
		} else {
			frm.add_custom_button(__("Create Ticket"), () => go("create_ticket", "Issue"), group);
		}
		if (frm.doc.crms_opportunity) {
			frm.add_custom_button(
				__("Open Opportunity"),
				() => frappe.set_route("Form", "Opportunity", frm.doc.crms_opportunity),
				group
			);
		} else {
			frm.add_custom_button(__("Create Opportunity"), () => go("create_opportunity", "Opportunity"), group);
		}
		frm.add_custom_button(__("Outcome and Notes"), () => crm_suite_call_outcome(frm), group);
		frm.add_custom_button(__("Run Call Script"), () => crm_suite_call_script(frm), group);
		if ((frappe.user_roles || []).some((r) => ["Call Centre Supervisor", "System Manager"].includes(r))) {
			frm.add_custom_button(
				__("Pop Up Again"),
				() =>
					frappe.call({
						method: "crm_suite.call_centre.screen_pop.repop",
						args: { call_log: frm.doc.name },
						callback: (r) =>
							frappe.show_alert({ message: __("Sent to {0}", [r.message.agent]), indicator: "green" }),
					}),
				group
			);
		}
	},
});

function crm_suite_call_outcome(frm) {
	const d = new frappe.ui.Dialog({
		title: __("Call Outcome"),
		fields: [
			{
				fieldname: "disposition",
				fieldtype: "Select",
				label: __("Disposition"),
				options: frappe.meta.get_docfield("Call Log", "crms_disposition", frm.doc.name)?.options || "",
				default: frm.doc.crms_disposition,
			},
			{
				fieldname: "resolved",
				fieldtype: "Check",
				label: __("Resolved on This Call"),
				default: frm.doc.crms_first_call_resolution,
			},
			{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
		],
		primary_action_label: __("Save"),
		primary_action(values) {
			frappe.call({
				method: "crm_suite.call_centre.desk.save_outcome",
				args: { call_log: frm.doc.name, ...values, resolved: values.resolved ? 1 : 0 },
				callback: () => {
					d.hide();
					frm.reload_doc();
				},
			});
		},
	});
	d.show();
}

function crm_suite_call_script(frm) {
	frappe.call({
		method: "crm_suite.call_centre.desk.scripts_for_call",
		type: "GET",
		args: { call_log: frm.doc.name },
		callback: (r) => {
			const scripts = r.message || [];
			if (!scripts.length) {
				frappe.msgprint(__("No active call script."));
				return;
			}
			if (scripts.length === 1) return crm_suite_run_script(frm, scripts[0]);
			const pick = new frappe.ui.Dialog({
				title: __("Choose a Call Script"),
				fields: [
					{
						fieldname: "script",
						fieldtype: "Select",
						label: __("Script"),
						options: scripts.map((s) => s.name),
						default: scripts[0].name,
						reqd: 1,
					},
				],
				primary_action_label: __("Start"),
				primary_action(values) {
					pick.hide();
					crm_suite_run_script(frm, scripts.find((s) => s.name === values.script));
				},
			});
			pick.show();
		},
	});
}

// One question at a time; the server decides the next one (engine/call_script.py), and re-walks all
// answers when they are saved, so only the path actually taken is stored.
function crm_suite_run_script(frm, script) {
	const answers = {};
	const by_key = Object.fromEntries(script.questions.map((q) => [q.key, q]));
	const asked = [];
	const d = new frappe.ui.Dialog({ title: script.title, fields: [{ fieldname: "area", fieldtype: "HTML" }] });
	const area = d.fields_dict.area.$wrapper;
	const save = () =>
		frappe.call({
			method: "crm_suite.call_centre.desk.save_script_response",
			args: { call_log: frm.doc.name, script: script.name, answers: JSON.stringify(answers) },
			callback: (r) => {
				d.hide();
				frappe.show_alert({
					message: r.message.complete ? __("Script answers saved") : __("Partial answers saved"),
					indicator: "green",
				});
				frm.reload_doc();
			},
		});
	const ask = (key) => {
		if (!key || key === "end" || !by_key[key]) {
			area.html(`<p>${__("Script complete.")}</p>`);
			d.set_primary_action(__("Save Answers"), save);
			return;
		}
		const q = by_key[key];
		asked.push(key);
		area.empty();
		if (script.intro && asked.length === 1) $("<p class='text-muted'></p>").text(script.intro).appendTo(area);
		$("<p class='crms-script-question'></p>").text(q.question).appendTo(area);
		let control;
		const df = { fieldname: "answer", label: __("Answer"), reqd: q.required };
		if (q.type === "Select") Object.assign(df, { fieldtype: "Select", options: ["", ...q.options] });
		else if (q.type === "Yes-No") Object.assign(df, { fieldtype: "Select", options: ["", "Yes", "No"] });
		else if (q.type === "Number") Object.assign(df, { fieldtype: "Float" });
		else Object.assign(df, { fieldtype: "Small Text" });
		control = frappe.ui.form.make_control({ df, parent: $("<div>").appendTo(area), render_input: true });
		if (answers[key] != null) control.set_value(answers[key]);
		d.set_primary_action(__("Next"), () => {
			const value = control.get_value();
			frappe.call({
				method: "crm_suite.call_centre.desk.next_question",
				args: { script: script.name, key, answer: value == null ? "" : String(value) },
				callback: (r) => {
					answers[key] = value;
					ask(r.message.next);
				},
			});
		});
		d.set_secondary_action_label(__("Save Partial"));
		d.set_secondary_action(save);
	};
	ask(script.questions.length ? script.questions[0].key : null);
	d.show();
}
