// Copyright (c) 2026, crm_suite developers
// For license information, please see license.txt
//
// frappe-charts 2.0.0-rc22 (Frappe v15) plays its entry animation by swapping the chart's <svg> for an
// animated copy for a moment. A resize in that moment (a report's table appearing under the chart, a
// scrollbar, a phone rotating) makes the chart's ResizeObserver redraw call removeChild on the swapped-out
// node, which throws "Failed to execute 'removeChild' on 'Node'" and can leave the chart half drawn.
// Every desk chart (reports, dashboard charts, ERPNext's own) therefore starts without that animation;
// later data updates still animate. A chart that asks for the entry animation explicitly keeps it.
(function () {
	const Chart = frappe.Chart;
	if (!Chart || Chart.__crms_no_entry_animation) return;
	const Patched = function (parent, options) {
		return new Chart(parent, Object.assign({ disableEntryAnimation: 1 }, options || {}));
	};
	Patched.prototype = Chart.prototype;
	Patched.__crms_no_entry_animation = true;
	frappe.Chart = Patched;
})();
