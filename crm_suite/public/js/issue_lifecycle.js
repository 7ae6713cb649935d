// Ticket lifecycle on the Issue form: internal notes (Comments, never e-mailed or shown on the portal),
// merge into another ticket, split from a message (ERPNext's split_issue, logged), and for complaints
// "Open CAPA" (an ERPNext Non Conformance linked to the ticket). Server side: service_desk/lifecycle.py.
const CRMS_LIFECYCLE = "crm_suite.service_desk.lifecycle";
const CRMS_STAGE_COLORS = {
	Pending: "orange",
	"In Progress": "blue",
	"Waiting on Customer": "gray",
	Resolved: "green",
	Closed: "darkgrey",
};

frappe.ui.form.on("Issue", {
	refresh(frm) {
		if (frm.is_new()) return;
		const group = __("Ticket");
		frm.add_custom_button(__("Internal note"), () => crm_suite_lifecycle.note(frm), group);
		if (frm.doc.status !== "Closed" && !frm.doc.crms_merged_into) {
			frm.add_custom_button(__("Merge"), () => crm_suite_lifecycle.merge(frm), group);
			frm.add_custom_button(__("Split"), () => crm_suite_lifecycle.split(frm), group);
		}
		if (frm.doc.crms_complaint_class && frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Open CAPA"), () => crm_suite_lifecycle.capa(frm), group);
		}
		if (frm.doc.crms_merged_into) {
			frm.dashboard.set_headline(
				__("Merged into {0}", [
					`<a href="/app/issue/${encodeURIComponent(frm.doc.crms_merged_into)}">${frappe.utils.escape_html(
						frm.doc.crms_merged_into
					)}</a>`,
				])
			);
		}
		if (frm.doc.crms_stage) {
			frm.page.set_indicator(__(frm.doc.crms_stage), CRMS_STAGE_COLORS[frm.doc.crms_stage] || "gray");
		}
	},
});

window.crm_suite_lifecycle = {
	note(frm) {
		const d = new frappe.ui.Dialog({
			title: __("Internal note"),
			fields: [
				{
					fieldname: "content",
					fieldtype: "Text Editor",
					reqd: 1,
					description: __("Visible to the team only: never e-mailed, never shown on the portal."),
				},
			],
			primary_action_label: __("Add note"),
			primary_action: (values) => {
				frappe
					.call({
						method: `${CRMS_LIFECYCLE}.add_internal_note`,
						args: { issue: frm.doc.name, content: values.content },
						freeze: true,
					})
					.then(() => {
						d.hide();
						frm.reload_doc();
					});
			},
		});
		d.show();
	},

	merge(frm) {
		const supervisor = frappe.user.has_role("Service Supervisor");
		const d = new frappe.ui.Dialog({
			title: __("Merge into another ticket"),
			fields: [
				{
					fieldname: "target",
					fieldtype: "Link",
					options: "Issue",
					label: __("Keep ticket"),
					reqd: 1,
					get_query: () => ({
						filters: {
							name: ["!=", frm.doc.name],
							status: ["!=", "Closed"],
							...(frm.doc.customer ? { customer: frm.doc.customer } : {}),
						},
					}),
					description: __(
						"This ticket's messages, comments, attachments and assignments move there; this ticket is closed."
					),
				},
				{
					fieldname: "force",
					fieldtype: "Check",
					label: __("Merge even if the customer differs"),
					hidden: supervisor ? 0 : 1,
				},
			],
			primary_action_label: __("Merge"),
			primary_action: (values) => {
				frappe
					.call({
						method: `${CRMS_LIFECYCLE}.merge_tickets`,
						args: { target: values.target, sources: [frm.doc.name], force: values.force ? 1 : 0 },
						freeze: true,
					})
					.then((r) => {
						d.hide();
						frappe.set_route("Form", "Issue", r.message.target);
					});
			},
		});
		d.show();
	},

	split(frm) {
		frappe.db
			.get_list("Communication", {
				filters: {
					reference_doctype: "Issue",
					reference_name: frm.doc.name,
					communication_type: "Communication",
				},
				fields: ["name", "subject", "sender", "communication_date"],
				order_by: "communication_date asc",
				limit: 200,
			})
			.then((messages) => {
				if (!messages.length) {
					frappe.msgprint(__("This ticket has no messages to split off."));
					return;
				}
				const options = messages.map((m) => ({
					value: m.name,
					label: `${frappe.datetime.str_to_user(m.communication_date)} · ${m.sender || ""} · ${
						m.subject || ""
					}`,
				}));
				const d = new frappe.ui.Dialog({
					title: __("Split into a new ticket"),
					fields: [
						{ fieldname: "subject", fieldtype: "Data", label: __("Subject"), reqd: 1 },
						{
							fieldname: "communication",
							fieldtype: "Select",
							label: __("From message"),
							options,
							default: options[options.length - 1].value,
							reqd: 1,
							description: __("This message and every later one move to the new ticket."),
						},
					],
					primary_action_label: __("Split"),
					primary_action: (values) => {
						frappe
							.call({
								method: `${CRMS_LIFECYCLE}.split_ticket`,
								args: { issue: frm.doc.name, ...values },
								freeze: true,
							})
							.then((r) => {
								d.hide();
								frappe.show_alert({
									message: __("New ticket {0}", [r.message]),
									indicator: "green",
								});
								frm.reload_doc();
							});
					},
				});
				d.show();
			});
	},

	capa(frm) {
		frappe
			.call({
				method: `${CRMS_LIFECYCLE}.open_capa`,
				args: { issue: frm.doc.name },
				freeze: true,
			})
			.then((r) => frappe.set_route("Form", "Non Conformance", r.message));
	},
};
