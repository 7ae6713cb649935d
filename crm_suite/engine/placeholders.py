"""Fill `{{ placeholder }}` slots in canned replies and article snippets from a ticket and its customer.

Why not Jinja: replies are written by agents and knowledge editors, not developers; evaluating their
text as a template would let anyone with write access run expressions on the server (and a typo would
raise in the middle of a reply). Here a placeholder is only a name or a dotted path looked up in plain
mappings: nothing is called, nothing is evaluated, underscores-first names are refused, and an unknown
placeholder is left visible in the text (so the agent sees it before sending) and reported.

Values are HTML-escaped by default: the reply editor holds HTML and a customer name like
`<script>` or `Smith & Sons` must stay text. `escape=False` is for plain-text channels (SMS, chat).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# {{ name }} or {{ a.b.c }}; anything else between braces is not ours and is left alone
PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")
ANY_BRACES_RE = re.compile(r"\{\{(.*?)\}\}", re.S)
_MISSING = object()


@dataclass
class FillResult:
	"""The filled text, plus what the agent should look at before sending."""

	text: str
	used: list[str] = field(default_factory=list)  # placeholders filled with a value
	missing: list[str] = field(default_factory=list)  # unknown names: left visible in the text
	empty: list[str] = field(default_factory=list)  # known but without a value: filled with ""
	invalid: list[str] = field(default_factory=list)  # {{ ... }} that is not a plain name/path

	@property
	def complete(self) -> bool:
		return not (self.missing or self.empty or self.invalid)


def build_context(
	ticket: Mapping | None = None,
	customer: Mapping | None = None,
	contact: Mapping | None = None,
	agent: Mapping | None = None,
	extra: Mapping | None = None,
) -> dict:
	"""The names a reply can use: the records themselves (`ticket.name`, `customer.customer_name`...)
	and flat shortcuts agents expect (`customer_name`, `agent_first_name`, `ticket_subject`...)."""
	ticket, customer, contact, agent = (dict(x or {}) for x in (ticket, customer, contact, agent))
	ctx: dict = {"ticket": ticket, "customer": customer, "contact": contact, "agent": agent}
	customer_name = (
		customer.get("customer_name")
		or contact.get("full_name")
		or " ".join(x for x in (contact.get("first_name"), contact.get("last_name")) if x)
		or ticket.get("customer_name")
		or ticket.get("customer")
	)
	agent_full = agent.get("full_name") or " ".join(
		x for x in (agent.get("first_name"), agent.get("last_name")) if x
	)
	shortcuts = {
		"customer_name": customer_name,
		"contact_name": contact.get("full_name") or contact.get("first_name"),
		"contact_first_name": contact.get("first_name") or _first_word(contact.get("full_name")),
		"ticket_id": ticket.get("name"),
		"ticket_subject": ticket.get("subject"),
		"ticket_status": ticket.get("status"),
		"agent_name": agent_full,
		"agent_first_name": agent.get("first_name") or _first_word(agent_full),
		"agent_email": agent.get("email") or agent.get("name"),
	}
	for key, value in shortcuts.items():
		ctx[key] = value if value not in ("", None) else None
	ctx.update(extra or {})
	return ctx


def _first_word(name: str | None) -> str | None:
	"""First word of a Western name; a Chinese name without spaces is kept whole (张伟 is not 张)."""
	if not name:
		return None
	return name.split()[0]


def lookup(context: Mapping, path: str):
	"""Resolve a dotted path through mappings only; _MISSING when any step is absent or private."""
	value = context
	for part in path.split("."):
		if part.startswith("_") or not isinstance(value, Mapping) or part not in value:
			return _MISSING
		value = value[part]
	return value


def render_value(value) -> str:
	"""Plain text for a value: dates in ISO form, whole numbers without '.0', lists comma-joined."""
	if value is None:
		return ""
	if isinstance(value, bool):
		return "Yes" if value else "No"
	if isinstance(value, datetime):
		return value.strftime("%Y-%m-%d %H:%M")
	if isinstance(value, date):
		return value.isoformat()
	if isinstance(value, float | Decimal) and math.isfinite(value) and value == int(value):
		return str(int(value))
	if isinstance(value, list | tuple):
		return ", ".join(render_value(v) for v in value)
	if isinstance(value, Mapping):
		return ""  # a whole record is never dumped into a reply
	return str(value)


def fill(template: str | None, context: Mapping, escape: bool = True) -> FillResult:
	"""Replace every known placeholder; never raises, never evaluates."""
	result = FillResult(text="")
	if not template:
		return result

	def replace(m: re.Match) -> str:
		inner = m.group(1)
		name_match = PLACEHOLDER_RE.fullmatch(m.group(0))
		if not name_match:
			_note(result.invalid, inner.strip())
			return m.group(0)
		path = name_match.group(1)
		value = lookup(context, path)
		if value is _MISSING or isinstance(value, Mapping):
			_note(result.missing, path)
			return m.group(0)
		try:
			text = render_value(value)
		except Exception:  # a value whose str() fails must not break the reply: show the slot
			_note(result.missing, path)
			return m.group(0)
		_note(result.used if text else result.empty, path)
		return html.escape(text, quote=True) if escape else text

	result.text = ANY_BRACES_RE.sub(replace, template)
	return result


def placeholders_in(template: str | None) -> list[str]:
	"""The distinct placeholder paths a template uses, in order (for the editor's preview)."""
	out: list[str] = []
	for m in PLACEHOLDER_RE.finditer(template or ""):
		_note(out, m.group(1))
	return out


def _note(bucket: list[str], name: str) -> None:
	if name not in bucket:
		bucket.append(name)
