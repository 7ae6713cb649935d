// Surge mode (crm_suite/call_centre/incidents.py): while an incident has surge mode on, every desk page
// shows its agent banner; it appears and disappears live on the "crms_surge" realtime event.
frappe.provide("crm_suite.surge");

crm_suite.surge.render = function (surge) {
	$(".crms-surge-banner").remove();
	if (!surge || !surge.active) return;
	const text = frappe.utils.escape_html(surge.banner || surge.title || "");
	const mode = surge.routing_mode ? __(surge.routing_mode) : "";
	const $banner = $(`<div class="crms-surge-banner" role="alert"
		style="background:var(--red-600,#e03636);color:#fff;padding:6px 16px;font-weight:600;
		display:flex;gap:12px;align-items:center;flex-wrap:wrap;position:relative;z-index:1020">
		<span>⚠ ${__("Surge mode")}: ${text}</span>
		<span style="opacity:.85;font-weight:400">${__("Routing")}: ${mode}</span>
		<a href="/app/crms-incident/${encodeURIComponent(surge.name)}" style="color:#fff;text-decoration:underline;margin-left:auto">
			${__("Open Incident")}</a></div>`);
	$("body").prepend($banner);
};

$(document).on("app_ready", function () {
	if (frappe.boot.crms_surge) {
		crm_suite.surge.render({ ...frappe.boot.crms_surge, active: true });
	}
	frappe.realtime.on("crms_surge", (data) => crm_suite.surge.render(data));
});
