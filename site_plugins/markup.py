"""Escaping and small Markdown builders.

Every value that comes from the manual (front matter, evidence fields, data
cells) goes through `esc` (raw HTML) or `text`/`cell` (Markdown) before it is
written into a page, so a `<script>` in a title stays text.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
# What `text` changes: characters it escapes, and white space other than single inner spaces.
_TEXT_WORK = re.compile(r"[&<>|\\`*_\[\]]|\s\s|[^\S ]|^\s|\s$")
_URL_SAFE = re.compile(r"[A-Za-z0-9_./~-]*")  # what quote() leaves as it is
UNSEARCHED = "data-search-exclude"  # Material's search leaves out the element that carries it


def esc(value: Any) -> str:
    """For raw HTML text and attribute values."""
    return html.escape(show(value), quote=True)


def text(value: Any) -> str:
    """For inline Markdown: HTML-escaped, `|` and Markdown punctuation made literal, one line."""
    shown = show(value)
    if not _TEXT_WORK.search(shown):  # most values: nothing to escape, no space to fold
        return shown
    escaped = html.escape(shown, quote=False).replace("|", "&#124;")
    return " ".join(_MD_SPECIAL.sub(r"\\\1", escaped).split())


def cell(value: Any) -> str:
    """For a Markdown table cell: like `text`, but line breaks are kept as <br>."""
    lines = [text(line) for line in show(value).splitlines()]
    return "<br>".join(line for line in lines if line) or "—"


def show(value: Any) -> str:
    """A readable string for any front-matter value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✔" if value else "✖"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(show(v) for v in value)
    return str(value)


def number(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


def code(value: Any) -> str:
    """Inline code as HTML, so no character in the value can end the span."""
    return f"<code>{esc(value)}</code>"


def rel_path(from_uri: str, to_uri: str) -> str:
    """The relative link from one docs file (src_uri) to another.

    Both are normalised paths inside docs_dir, so the common folders are dropped by
    hand: posixpath.relpath makes both absolute first, which costs more than the
    rest of a generated page."""
    here = from_uri.split("/")[:-1]
    there = to_uri.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def md_link(label_md: str, from_uri: str, to_uri: str, anchor: str | None = None) -> str:
    target = _quote(rel_path(from_uri, to_uri)) + (f"#{_quote(anchor)}" if anchor else "")
    return f"[{label_md}]({target})"


def _quote(url: str) -> str:
    return url if _URL_SAFE.fullmatch(url) else quote(url)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; headers and cells must already be escaped Markdown."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) if len(lines) > 2 else ""


def html_table(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A raw HTML table of plain values (escaped here), for places Markdown does not reach."""
    return raw_table([esc(h) for h in headers], ([esc(v) for v in row] for row in rows))


def raw_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], css_class: str = "", searched: bool = True
) -> str:
    """A raw HTML table whose headers and cells are HTML already (`esc`, `html_cell`, links);
    `searched=False` leaves it out of the search index.

    Markdown passes a raw HTML block through without parsing each cell, which for the
    long tables of generated pages is most of the time MkDocs spends on them."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows)
    attributes = (f' class="{esc(css_class)}"' if css_class else "") + ("" if searched else f" {UNSEARCHED}")
    return f"<table{attributes}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_cell(value: Any) -> str:
    """Like `cell`, for raw HTML: escaped, line breaks kept as <br>, "—" when empty."""
    return "<br>".join(esc(line) for line in show(value).splitlines() if line) or "—"


def admonition(kind: str, title: str, lines: Iterable[Any] = (), markup: str = "") -> str:
    """A Material admonition in raw HTML (works without the admonition extension): lines of
    text, or a paragraph of markup made here (links)."""
    body = "".join(f"<p>{esc(line)}</p>" for line in lines) + (f"<p>{markup}</p>" if markup else "")
    return f'<div class="admonition {esc(kind)}"><p class="admonition-title">{esc(title)}</p>{body}</div>'


def anchor(anchor_id: str) -> str:
    """An empty element to link to (e.g. inside a table cell)."""
    return f'<span class="qms-anchor" id="{esc(anchor_id)}"></span>'


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} B"


def natural_key(number_text: str) -> tuple[int, ...]:
    """'7.3.10' sorts after '7.3.9'."""
    return tuple(int(p) if p.isdigit() else 0 for p in number_text.split("."))
