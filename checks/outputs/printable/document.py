"""One controlled document as a printable page of its own (`qms export`): the same
document control, revision history and body as in the pack's manual.html, with a
running header (document number, version, 受控 mark) and page numbers for paper."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ...i18n import _
from ...model import Manual, Policy
from .context import Context, language, stylesheet
from .markup import e
from .policy import control_mark, policy_section

# A page that shows no evaluation: an exported document is the controlled text, not its status.
NO_RESULTS: dict[str, Any] = {"checkpoints": [], "kpis": [], "documents": []}


@dataclass(frozen=True)
class RunningText:
    """What stands on every page of an exported document."""

    head: str  # e.g. "运维服务质量管理制度 · TFDL-ITSS-08-01 · V1.2"
    mark: str  # "Controlled" (受控), or the mark of an uncontrolled copy
    page: str  # the page footer with {page} and {pages} to fill in


def running_text(policy: Policy) -> RunningText:
    head = " · ".join(part for part in (policy.title, policy.doc_no or policy.id, policy.version) if part)
    return RunningText(head=head, mark=control_mark(policy), page=_("Page {page} of {pages}"))


def render_document(manual: Manual, policy: Policy, as_of: dt.date, *, font_family: str | None = None) -> str:
    """The document as one HTML page laid out for A4 paper (WeasyPrint)."""
    ctx = Context.make(manual, NO_RESULTS)
    running = running_text(policy)
    font = f'html {{ font-family: "{_css_text(font_family)}", sans-serif; }}\n' if font_family else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language(manual)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(running.head)}</title>\n"
        f"<style>\n{stylesheet()}\n{stylesheet('document.css')}\n{font}{_footer_css(running.page)}</style>\n"
        "</head>\n<body>\n"
        f'<div class="running-head"><span class="control">{e(running.mark)}</span>{e(running.head)}</div>\n'
        f"{policy_section(ctx, policy, as_of)}\n</body>\n</html>\n"
    )


def _footer_css(sentence: str) -> str:
    """`Page {page} of {pages}` as the content of the page footer, counters in place of the numbers."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", sentence):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(f'"{_css_text(piece)}"')
    return f"@page {{ @bottom-center {{ content: {' '.join(parts) or 'counter(page)'}; }} }}\n"


def _css_text(text: str) -> str:
    """Text safe inside a double-quoted CSS string."""
    return re.sub(r'["\\\n\r]', lambda m: "\\" + format(ord(m.group(0)), "x") + " ", text)
