"""Inline SVG charts drawn at build time (no script, no web font, no other host).

Colours come from CSS classes (qms.css), so the charts follow the light and
dark (slate) schemes; every chart has a text alternative.
"""

from __future__ import annotations

import re
from typing import Any

from .badges import DISPLAY_ORDER, FONTS
from .labels import Labels
from .markup import esc, number

_BOUND = re.compile(r"(-?\d+(?:\.\d+)?)")


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="qms-chart" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px;'
        f'font-family:{FONTS}" role="img" aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(label)}</title>" + "".join(body) + "</svg>"
    )


def _axis(left: int, top: int, plot_w: int, plot_h: int, top_value: float, unit: str = "") -> list[str]:
    parts = []
    for fraction in (0, 0.5, 1):
        y = top + plot_h - fraction * plot_h
        parts.append(f'<line class="qms-grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        shown = number(top_value * fraction, 1)
        parts.append(f'<text class="qms-axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{esc(shown)}</text>')
    return parts


def trend_chart(trend: list[dict[str, Any]], labels: Labels) -> str:
    """Stacked bars: checkpoints by status at each month end, then at the evaluation date."""
    if not trend:
        return ""
    width, height, left, top, bottom = 680, 230, 40, 12, 40
    plot_w, plot_h = width - left - 10, height - top - bottom
    totals = [sum(p["by_status"].values()) for p in trend]
    top_value = max(max(totals), 1)
    step = plot_w / len(trend)
    body = _axis(left, top, plot_w, plot_h, top_value)
    for index, point in enumerate(trend):
        x = left + index * step + step * 0.15
        y = top + plot_h
        for status in reversed(DISPLAY_ORDER):  # pass at the bottom
            count = point["by_status"].get(status, 0)
            if not count:
                continue
            h = count / top_value * plot_h
            y -= h
            tip = f"{point['date']} — {labels.status(status)}: {count}"
            body.append(
                f'<rect class="qms-fill-{status}" x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}">'
                f"<title>{esc(tip)}</title></rect>"
            )
        body.append(
            f'<text class="qms-axis" x="{x + step * 0.35:.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
            f"{esc(point['date'][2:7])}</text>"
        )
    chart = _svg(width, height, labels["trend"], body)
    return f'<div class="qms-chart-box">{chart}{legend([s for s in DISPLAY_ORDER], labels)}</div>'


def legend(statuses: list[str], labels: Labels) -> str:
    items = "".join(
        f'<span class="qms-legend-item"><span class="qms-swatch qms-bg-{s}"></span>{esc(labels.status(s))}</span>'
        for s in statuses
    )
    return f'<div class="qms-legend">{items}</div>'


def target_bound(target: str | None) -> float | None:
    """The number in a target such as '>= 96' (only to draw the target line)."""
    match = _BOUND.search(target or "")
    return float(match.group(1)) if match else None


def kpi_chart(kpi: dict[str, Any], labels: Labels) -> str:
    """Value per period as bars (coloured by verdict), with the target as a dashed line."""
    values = kpi["values"]
    if not values:
        return ""
    width, height, left, top, bottom, right = 600, 200, 48, 18, 34, 90
    plot_w, plot_h = width - left - right, height - top - bottom
    bound = target_bound(kpi["target"])
    numbers = [v["value"] for v in values if v["value"] is not None] + ([bound] if bound is not None else [])
    top_value = max([*numbers, 0]) * 1.1 or 1
    step = plot_w / len(values)
    bar = min(step * 0.6, 48)
    body = _axis(left, top, plot_w, plot_h, top_value)
    for index, value in enumerate(values):
        middle = left + index * step + step / 2
        label = value["period"][2:] if len(values) > 6 else value["period"]  # '25-03' when there are many
        body.append(
            f'<text class="qms-axis" x="{middle:.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
            f"{esc(label + ('*' if value['partial'] else ''))}</text>"
        )
        if value["value"] is None:
            continue
        h = max(value["value"], 0) / top_value * plot_h
        y = top + plot_h - h
        tip = f"{value['period']}: {number(value['value'])}{kpi['unit']} — {labels.verdict(value['verdict'])}"
        body.append(
            f'<rect class="qms-fill-v-{esc(value["verdict"])}" x="{middle - bar / 2:.1f}" y="{y:.1f}" '
            f'width="{bar:.1f}" height="{h:.1f}"><title>{esc(tip)}</title></rect>'
            f'<text class="qms-value" x="{middle:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
            f"{esc(number(value['value']))}</text>"
        )
    if bound is not None:
        y = top + plot_h - bound / top_value * plot_h
        body.append(
            f'<line class="qms-target" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="qms-axis" x="{left + plot_w + 4}" y="{y + 4:.1f}">'
            f"{esc(labels['target'])} {esc(kpi['target'])}</text>"
        )
    return _svg(width, height, f"{kpi['title']} — {labels['value']}", body)
