// Call Log: the recording plays through crm_suite's permission-checked proxy, never the provider's URL
// (crm_suite/call_centre/recording.py). Replaces ERPNext's player, which uses recording_url as is.
frappe.ui.form.on("Call Log", {
	refresh(frm) {
		crm_suite_call_recording(frm);
	},
	setup_recording_audio_control(frm) {
		crm_suite_call_recording(frm);
	},
});

function crm_suite_call_recording(frm) {
	const field = frm.get_field("recording_html");
	if (!field || !field.$wrapper) return;
	const wrapper = field.$wrapper;
	if (!frm.doc.recording_url || frm.doc.recording_url === "null" || frm.is_new()) {
		wrapper.empty();
		return;
	}
	const src =
		"/api/method/crm_suite.call_centre.recording.stream?call_log=" +
		encodeURIComponent(frm.doc.name);
	wrapper.addClass("input-max-width").empty();
	const audio = $("<audio controls preload='none'></audio>").attr("src", src);
	audio.attr("aria-label", __("Call recording"));
	audio.on("error", () => {
		wrapper.find(".crms-recording-error").remove();
		wrapper.append(
			$("<div class='text-muted small crms-recording-error'></div>").text(
				__("The recording could not be loaded.")
			)
		);
	});
	wrapper.append(audio);
	// the stored URL is the proxy path already; hide the raw field so nobody copies an old provider URL
	frm.toggle_display("recording_url", false);
}
