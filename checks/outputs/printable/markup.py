"""Small HTML pieces of the printable manual: escaped values, badges, tables, links."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from ...i18n import N_, _
from ...results import STATUS_NAMES, VERDICT_NAMES

# A status is always shown as a symbol and a word, never by colour alone.
SYMBOLS = {
    "pass": "✔",
    "fail": "✖",
    "missing": "✖",
    "stale": "↻",
    "due-soon": "◔",
    "waived": "⊘",
    "error": "⚠",
    "met": "✔",
    "missed": "✖",
    "no-target": "○",
    "no-data": "?",
}
AREAS = {  # translated where shown
    "system": N_("System"),
    "resources": N_("Resources"),
    "technology": N_("Technology"),
    "process": N_("Process"),
    "people": N_("People"),
}
POLICY_STATUSES = {"draft": N_("draft"), "effective": N_("effective"), "retired": N_("retired")}


def e(value: Any) -> str:
    """Any value from the manual, escaped for HTML; empty shows as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return html.escape(str(value), quote=True)


def css_class(status: str) -> str:
    return "status-" + (re.sub(r"[^a-z0-9-]", "", status) or "unknown")


def badge(status: str, label: str | None = None) -> str:
    """A status as symbol + word inside a bordered badge (readable without colour)."""
    symbol = SYMBOLS.get(status, "•")
    name = STATUS_NAMES.get(status) or VERDICT_NAMES.get(status)
    shown = _(name) if name else status
    text = f"{symbol} {shown}" + (f" · {label}" if label else "")
    return f'<span class="badge {css_class(status)}">{html.escape(text)}</span>'


def href(rel: str) -> str:
    return html.escape(quote(rel, safe="/"), quote=True)


def anchor(prefix: str, object_id: str) -> str:
    return f"{prefix}-{object_id}"


def link(target: str, text: str) -> str:
    return f'<a href="#{html.escape(target, quote=True)}">{text}</a>'


def table(headers: list[str], rows: list[str], caption: str | None = None, cls: str | None = None) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    cap = f"<caption>{caption}</caption>" if caption else ""
    klass = f' class="{cls}"' if cls else ""
    body = "\n".join(rows) if rows else f'<tr><td colspan="{len(headers)}">—</td></tr>'
    return f"<table{klass}>{cap}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def row(cells: list[str], target: str | None = None) -> str:
    ident = f' id="{html.escape(target, quote=True)}"' if target else ""
    return f"<tr{ident}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def counts_line(counts: dict[str, int]) -> str:
    shown = [f"{badge(status)} {n}" for status, n in counts.items() if n]
    return " &nbsp; ".join(shown) or "—"
