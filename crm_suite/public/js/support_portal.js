// Customer portal (/support pages): form posts to crm_suite.api.portal, errors shown inline.
// Inlined by templates/includes/support/assets.html; translations come from the page context.
(function () {
	const API = "/api/method/crm_suite.api.portal.";

	function server_message(body) {
		try {
			if (body._server_messages) {
				const messages = JSON.parse(body._server_messages).map((m) => {
					try {
						return JSON.parse(m).message;
					} catch (e) {
						return m;
					}
				});
				return messages.join("\n");
			}
		} catch (e) {
			// fall through to the generic message
		}
		return "";
	}

	function plain(html) {
		const div = document.createElement("div");
		div.innerHTML = html;
		return div.textContent || div.innerText || "";
	}

	async function call(method, args, http_method) {
		const options = {
			method: http_method || "POST",
			headers: {
				Accept: "application/json",
				"Content-Type": "application/json",
				"X-Frappe-CSRF-Token": frappe.csrf_token,
			},
		};
		let url = API + method;
		if (options.method === "GET") {
			url += "?" + new URLSearchParams(args || {}).toString();
		} else {
			options.body = JSON.stringify(args || {});
		}
		let response;
		try {
			response = await fetch(url, options);
		} catch (e) {
			throw new Error(__("The connection failed. Please try again."));
		}
		let body = {};
		try {
			body = await response.json();
		} catch (e) {
			body = {};
		}
		if (!response.ok) {
			if (response.status === 429) {
				throw new Error(__("Too many requests. Please try again in an hour."));
			}
			throw new Error(plain(server_message(body)) || __("Something went wrong. Please try again."));
		}
		return body.message;
	}

	function show_error(form, error) {
		const box = form.querySelector(".crms-support-error");
		if (!box) return;
		box.textContent = error ? error.message || String(error) : "";
		box.classList.toggle("hidden", !error);
	}

	function busy(form, on) {
		form.querySelectorAll("button, input, textarea, select").forEach((el) => {
			el.disabled = on;
		});
		const button = form.querySelector("button[type=submit]");
		if (button) {
			if (on) {
				button.dataset.label = button.textContent;
				button.textContent = __("Sending...");
			} else if (button.dataset.label) {
				button.textContent = button.dataset.label;
			}
		}
	}

	function read_file(file) {
		return new Promise((resolve, reject) => {
			const reader = new FileReader();
			reader.onload = () => resolve(reader.result);
			reader.onerror = () => reject(new Error(__("The attachment could not be read.")));
			reader.readAsDataURL(file);
		});
	}

	function handle(form, action) {
		form.addEventListener("submit", async (event) => {
			event.preventDefault();
			show_error(form, null);
			busy(form, true);
			try {
				await action(form, event.submitter);
			} catch (error) {
				busy(form, false);
				show_error(form, error);
			}
		});
	}

	function value(form, name) {
		const field = form.elements[name];
		return field ? field.value.trim() : "";
	}

	const actions = {
		async new_ticket(form) {
			const args = {
				subject: value(form, "subject"),
				description: value(form, "description"),
				issue_type: value(form, "issue_type"),
			};
			const file = form.elements.attachment && form.elements.attachment.files[0];
			if (file) {
				if (file.size > 5 * 1024 * 1024) {
					throw new Error(__("The attachment is larger than {0} MB.", [5]));
				}
				args.attachment_name = file.name;
				args.attachment = await read_file(file);
			}
			const result = await call("create_ticket", args);
			window.location.href = "/support/tickets/" + encodeURIComponent(result.name);
		},
		async reply(form) {
			await call("reply", { name: form.dataset.ticket, message: value(form, "message") });
			window.location.reload();
		},
		async confirm(form, submitter) {
			await call("confirm_resolution", {
				name: form.dataset.ticket,
				resolved: submitter && submitter.value === "1" ? 1 : 0,
				message: value(form, "message"),
			});
			window.location.reload();
		},
		async raise(form) {
			await call("request_ticket", {
				full_name: value(form, "full_name"),
				email: value(form, "email"),
				subject: value(form, "subject"),
				description: value(form, "description"),
			});
			form.classList.add("hidden");
			document.querySelector(".crms-support-sent").classList.remove("hidden");
		},
		async verify(form) {
			const result = await call("verify_ticket_request", { token: form.dataset.token });
			form.classList.add("hidden");
			const done = document.querySelector(".crms-support-verified");
			done.querySelector(".crms-support-ticket-name").textContent = result.name;
			done.classList.remove("hidden");
		},
	};

	function init() {
		document.querySelectorAll("form[data-crms-action]").forEach((form) => {
			const action = actions[form.dataset.crmsAction];
			if (action) handle(form, action);
		});
	}

	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", init);
	} else {
		init();
	}
})();
