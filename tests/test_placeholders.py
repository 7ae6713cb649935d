from datetime import date, datetime
from decimal import Decimal

from crm_suite.engine.placeholders import build_context, fill, lookup, placeholders_in, render_value

TICKET = {"name": "ISS-2026-00042", "subject": "VPN fails", "status": "Open", "customer": "CUST-001"}
CUSTOMER = {"name": "CUST-001", "customer_name": "Smith & Sons <Ltd>"}
AGENT = {"name": "li.wei@example.com", "full_name": "Wei Li", "email": "li.wei@example.com"}


def ctx(**extra):
	return build_context(ticket=TICKET, customer=CUSTOMER, agent=AGENT, extra=extra)


def test_known_placeholders_are_filled_and_html_escaped():
	r = fill(
		"Dear {{ customer_name }}, ticket {{ticket.name}} ({{ ticket_subject }}). {{ agent_first_name }}",
		ctx(),
	)
	assert r.text == "Dear Smith &amp; Sons &lt;Ltd&gt;, ticket ISS-2026-00042 (VPN fails). Wei"
	assert r.used == ["customer_name", "ticket.name", "ticket_subject", "agent_first_name"]
	assert r.complete


def test_plain_text_channels_are_not_escaped():
	assert fill("Hi {{ customer_name }}", ctx(), escape=False).text == "Hi Smith & Sons <Ltd>"


def test_unknown_placeholders_stay_visible_and_are_reported():
	r = fill(
		"Hi {{ customer_name }}, order {{ order_no }} / {{ ticket.missing_field }} / {{ order_no }}", ctx()
	)
	assert "{{ order_no }}" in r.text and "{{ ticket.missing_field }}" in r.text
	assert r.missing == ["order_no", "ticket.missing_field"]
	assert not r.complete


def test_expressions_are_never_evaluated():
	tpl = "{{ ''.__class__ }} {{ 7*7 }} {{ customer_name|upper }} {{ ticket.__dict__ }} {{ _private }}"
	r = fill(tpl, {"customer_name": "x", "_private": "secret", "ticket": TICKET})
	assert r.text == tpl  # every slot left as written
	assert "49" not in r.text and "secret" not in r.text
	assert r.invalid == ["''.__class__", "7*7", "customer_name|upper", "_private"]
	assert r.missing == ["ticket.__dict__"]  # a path, but underscore segments are never looked up


def test_private_paths_and_whole_records_are_refused():
	r = fill("{{ ticket }} {{ ticket._secret }}", {"ticket": {"_secret": 1}})
	assert r.text == "{{ ticket }} {{ ticket._secret }}"
	assert r.missing == ["ticket", "ticket._secret"]


def test_empty_values_render_blank_and_are_reported():
	r = fill("Hi {{ contact_first_name }}!", build_context(ticket=TICKET))
	assert r.text == "Hi !" and r.empty == ["contact_first_name"] and not r.complete


def test_context_shortcuts():
	c = build_context(
		ticket={"name": "T1", "customer_name": "From ticket"},
		contact={"first_name": "Anna", "last_name": "Berg"},
		agent={"first_name": "张", "full_name": "张伟"},
	)
	assert c["customer_name"] == "Anna Berg" and c["contact_first_name"] == "Anna"
	assert c["agent_first_name"] == "张" and c["agent_name"] == "张伟"
	assert build_context(agent={"full_name": "张伟"})["agent_first_name"] == "张伟"  # no space: kept whole
	assert build_context(ticket={"customer": "CUST-9"})["customer_name"] == "CUST-9"
	assert build_context()["customer_name"] is None


def test_values_are_rendered_as_text():
	assert render_value(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04"
	assert render_value(date(2026, 1, 2)) == "2026-01-02"
	assert render_value(3.0) == "3" and render_value(Decimal("2.50")) == "2.50" and render_value(2.5) == "2.5"
	assert render_value(float("nan")) == "nan" and render_value(float("inf")) == "inf"
	assert render_value(["a", 1]) == "a, 1" and render_value(None) == "" and render_value(True) == "Yes"


def test_never_raises():
	class Bad:
		def __str__(self):
			raise RuntimeError("boom")

	r = fill("{{ x }} {{ y.z }} {{", {"x": Bad(), "y": "not a mapping"})
	assert r.text == "{{ x }} {{ y.z }} {{"
	assert r.missing == ["x", "y.z"]
	assert fill(None, {}).text == "" and fill("", {}).text == ""


def test_lookup_and_listing():
	assert lookup({"a": {"b": 1}}, "a.b") == 1
	assert placeholders_in("{{ a }} {{b.c}} {{ a }} {{ 1+1 }}") == ["a", "b.c"]
	assert fill("中文 {{ customer_name }} 您好", {"customer_name": "王芳"}).text == "中文 王芳 您好"
