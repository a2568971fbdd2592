"""Status badges: HTML spans for pages and standalone SVG files for use elsewhere.

A badge always carries an icon and a word, never colour alone.
"""

from __future__ import annotations

import unicodedata

from .labels import Labels
from .markup import esc

ICONS = {
    "pass": "✔",
    "fail": "✖",
    "missing": "∅",
    "stale": "↻",
    "due-soon": "◔",
    "waived": "⚑",
    "error": "⚠",
    "not-due": "○",
    "met": "✔",
    "missed": "✖",
    "no-target": "◌",
    "no-data": "…",
}
# Worst first, for showing one badge for several checkpoints (a clause, a document).
DISPLAY_ORDER = ("error", "fail", "missing", "stale", "due-soon", "waived", "pass")
# Fill colours of the SVG files (the HTML badges take theirs from qms.css).
SVG_COLOURS = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "missing": "#c62828",
    "stale": "#d84315",
    "due-soon": "#a86b00",
    "waived": "#5e35b1",
    "error": "#6a1b9a",
}
FONTS = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',Verdana,DejaVu Sans,sans-serif"


def worst_shown(statuses: list[str]) -> str:
    """The status to show for a group of checkpoints: the first of DISPLAY_ORDER present."""
    known = [s for s in statuses if s in DISPLAY_ORDER]
    return min(known, key=DISPLAY_ORDER.index) if known else "error"


def status_badge(status: str, labels: Labels, title: str | None = None) -> str:
    tip = f' title="{esc(title)}"' if title else ""
    rank = DISPLAY_ORDER.index(status) if status in DISPLAY_ORDER else 0
    icon = f'<span class="qms-icon" aria-hidden="true">{ICONS.get(status, "?")}</span>'
    return (
        f'<span class="qms-badge qms-{esc(status)}" data-sort="{rank}"{tip}>{icon} {esc(labels.status(status))}</span>'
    )


def verdict_badge(verdict: str, labels: Labels) -> str:
    icon = f'<span class="qms-icon" aria-hidden="true">{ICONS.get(verdict, "?")}</span>'
    return f'<span class="qms-badge qms-v-{esc(verdict)}">{icon} {esc(labels.verdict(verdict))}</span>'


def suspect_badge(labels: Labels, title: str | None = None) -> str:
    """A record whose link to a checkpoint must be confirmed again (its clause or rule changed)."""
    tip = f' title="{esc(title)}"' if title else ""
    icon = '<span class="qms-icon" aria-hidden="true">⚠</span>'
    return f'<span class="qms-badge qms-suspect"{tip}>{icon} {esc(labels["suspect"])}</span>'


def linked_badge(badge: str, href: str) -> str:
    return f'<a class="qms-badge-link" href="{esc(href)}">{badge}</a>'


# --- SVG files ---------------------------------------------------------------------


def _width(text: str) -> int:
    """Approximate rendered width at 11px: wide (CJK) characters count double."""
    return sum(13 if unicodedata.east_asian_width(ch) in "WF" else 7 for ch in text) + 10


def svg_badge(label: str, message: str, status: str) -> str:
    """A two-part badge (label | icon message) as a standalone SVG document."""
    left, right = _width(label), _width(message)
    total = left + right
    colour = SVG_COLOURS.get(status, "#555")
    title = f"{label}: {message}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{esc(title)}">'
        f"<title>{esc(title)}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="{FONTS}" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2}" y="14">{esc(label)}</text>'
        f'<text x="{left + right / 2}" y="14">{esc(message)}</text>'
        "</g></svg>\n"
    )


def checkpoint_svg(checkpoint_id: str, status: str, labels: Labels) -> str:
    return svg_badge(checkpoint_id, f"{ICONS.get(status, '?')} {labels.status(status)}", status)


def manual_svg(summary: dict, labels: Labels) -> str:
    """The whole manual: all met, or how many checkpoints (and controlled documents) fail."""
    if summary["ok"]:
        return svg_badge(labels["manual"], f"✔ {labels['ok']}", "pass")
    failing = len(summary["failing"]) + len(summary.get("documents_failing", []))
    return svg_badge(labels["manual"], f"✖ {failing} {labels['failing']}", "fail")
