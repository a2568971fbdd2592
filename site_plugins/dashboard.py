"""The home page: counts by status, area and owner, the compliance trend, KPI tiles,
what is due soon and what needs attention, all from the results document."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from checks.evaluating.duedates import due_items

from .badges import DISPLAY_ORDER, ICONS, status_badge, verdict_badge
from .calendars import FEED, due_target
from .charts import trend_chart
from .context import Site
from .markup import esc, html_cell, html_table, raw_table, table, text
from .pages import as_of_line, badge, heading, join_blocks, kpi_value, latest_value


def dashboard(site: Site, uri: str, heading_level: int) -> str:
    labels, doc = site.labels, site.doc
    h = heading_level
    summary = doc["summary"]
    failing = len(summary["failing"]) + len(summary.get("documents_failing", []))
    overall = (
        status_badge("pass", labels, labels["ok"])
        if summary["ok"]
        else f"{status_badge('fail', labels)} {failing} / {summary['total']} {esc(labels['failing'])}"
    )
    tiles = "".join(
        f'<div class="qms-tile" data-status="{s}">'
        f'<span class="qms-tile-number">{n}</span>{status_badge(s, labels)}</div>'
        for s in DISPLAY_ORDER
        if (n := summary["by_status"].get(s, 0))
    )
    return join_blocks(
        as_of_line(site),
        f'<p class="qms-overall">{overall}</p>',
        heading(h, text(labels["by_status"]), "qms-by-status"),
        f'<div class="qms-tiles">{tiles}</div>',
        _verification_table(site),
        heading(h, text(labels["trend"]), "qms-trend"),
        trend_chart(doc["trend"], labels),
        _trend_table(site),
        heading(h, text(labels["by_area"]), "qms-by-area"),
        _counts_table(site, uri, "area"),
        heading(h, text(labels["by_owner"]), "qms-by-owner"),
        _counts_table(site, uri, "owner"),
        heading(h, text(labels["kpi_tiles"]), "qms-kpis"),
        _kpi_tiles(site, uri),
        # The lists below repeat what the pages of the checkpoints and documents hold: out of the search index.
        heading(h, text(labels.format("due_next", days=site.due_days)), "qms-due", searched=False),
        _due_table(site, uri),
        _calendar_link(site, uri),
        heading(h, text(labels["attention"]), "qms-attention", searched=False),
        _attention_table(site, uri),
        _documents_table(site, uri, h),
    )


def _calendar_link(site: Site, uri: str) -> str:
    """Where owners subscribe to what is due (calendar.ics, made by the plugin)."""
    if "calendar" not in site.generate:
        return ""
    href = site.href(uri, (FEED, None))
    return f'<p class="qms-calendar"><a href="{esc(href)}" download>{esc(site.labels["subscribe_calendar"])}</a></p>'
def _verification_table(site: Site) -> str:
    """How many results rest on conditions, and how many only on a record's existence."""
    counts = site.doc["summary"].get("verified")
    if not counts:
        return ""
    labels = site.labels
    rows = [[text(labels[f"verified.{level}"]), str(n)] for level, n in counts.items()]
    return table([text(labels["by_verification"]), text(labels["total"])], rows)


def _documents_table(site: Site, uri: str, level: int) -> str:
    """The review status of each controlled document, as checks reports it."""
    if not site.documents:
        return ""
    labels = site.labels
    headers = [esc(labels[k]) for k in ("doc_no", "title", "version", "next_review", "review", "reason")]
    rows = [
        [
            site.html_link(uri, esc(d["doc_no"]), site.target("policy", d["id"])),
            html_cell(d["title"]),
            esc(d["version"]),
            esc(d["next_review"] or "—"),
            badge(site, d["status"]),
            html_cell(d["reason"]),
        ]
        for d in site.documents.values()
    ]
    title = heading(level, text(labels["documents"]), "qms-documents", searched=False)
    return join_blocks(title, raw_table(headers, rows, searched=False)).strip()


def _trend_table(site: Site) -> str:
    trend = site.doc["trend"]
    if not trend:
        return ""
    shown = [s for s in DISPLAY_ORDER if any(p["by_status"].get(s) for p in trend)]
    rows = [[p["date"], *(p["by_status"].get(s, 0) for s in shown)] for p in trend]
    body = html_table([site.labels["date"], *(site.labels.status(s) for s in shown)], rows)
    return f'<details class="qms-data"><summary>{esc(site.labels["chart_data"])}</summary>{body}</details>'


def _counts_table(site: Site, uri: str, key: str) -> str:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for result in site.doc["checkpoints"]:
        counts[result[key]][result["status"]] += 1
    shown = [s for s in DISPLAY_ORDER if site.doc["summary"]["by_status"].get(s)]
    headers = [text(site.labels[key]), *(status_badge(s, site.labels) for s in shown), text(site.labels["total"])]
    rows = []
    for name in sorted(counts, key=lambda n: (-sum(counts[n][s] for s in site.doc["fail_on"]), n)):
        label = text(site.labels.area(name)) if key == "area" else site.role_link(uri, name)
        rows.append([label, *(str(counts[name][s]) for s in shown), str(sum(counts[name].values()))])
    return table(headers, rows)


def _kpi_tiles(site: Site, uri: str) -> str:
    tiles = []
    for kpi in site.doc["kpis"]:
        target = site.target("kpi", kpi["id"])
        title = esc(kpi["title"])
        if target is not None:
            title = f'<a href="{esc(site.href(uri, target))}">{title}</a>'
        if kpi["error"]:
            body = status_badge("error", site.labels, kpi["error"])
        else:
            value = latest_value(kpi)
            period = "" if value is None else value["period"] + (site.labels["so_far"] if value["partial"] else "")
            verdict = verdict_badge(value["verdict"], site.labels) if value else ""
            goal = kpi["target"] or site.labels["monitored"]
            body = (
                f'<span class="qms-tile-number">{esc(kpi_value(kpi, value))}</span>'
                f'<span class="qms-tile-meta">{esc(site.labels["target"])} {esc(goal)} · {esc(period)}</span>{verdict}'
            )
        tiles.append(f'<div class="qms-tile qms-kpi-tile"><span class="qms-tile-title">{title}</span>{body}</div>')
    return f'<div class="qms-tiles">{"".join(tiles)}</div>' if tiles else ""


def _due_table(site: Site, uri: str) -> str:
    """What falls due within the window, as `qms todo` and the calendar feeds list it
    (checks.evaluating.duedates): checkpoint periods without a passing record, scheduled plan
    months nothing covers, open nonconformities and document reviews."""
    start, end = site.as_of, site.as_of + dt.timedelta(days=site.due_days)
    labels, rows = site.labels, []
    for item in due_items(site.manual, site.doc):
        if not start <= item.due <= end:
            continue
        what = site.html_link(uri, esc(item.name), due_target(site, item))
        period = item.period or labels["nc_due" if item.kind == "nonconformity" else "next_review"]
        status = badge(site, item.status) if item.status in ICONS else esc(labels["scheduled"])
        owner = site.role_html(uri, item.owner) if item.owner else "—"
        rows.append([esc(item.due), what, esc(period), owner, status])
    if not rows:
        return text(labels["nothing_due"])
    return raw_table([esc(labels[k]) for k in ("due", "what", "period", "owner", "status")], rows, searched=False)



def _attention_table(site: Site, uri: str) -> str:
    doc = site.doc
    # failing first, then what is coming due, then waived (listed apart from passes)
    chosen = [r for r in doc["checkpoints"] if r["status"] in doc["fail_on"] or r["status"] in ("due-soon", "waived")]
    if not chosen:
        return text(site.labels["nothing_failing"])
    chosen.sort(key=lambda r: (DISPLAY_ORDER.index(r["status"]) if r["status"] in DISPLAY_ORDER else 0, r["id"]))
    headers = [esc(site.labels[k]) for k in ("id", "title", "owner", "status", "reason")]
    rows = [
        [
            site.checkpoint_html(uri, r["id"]),
            html_cell(r["title"]),
            site.role_html(uri, r["owner"]) if r["owner"] else "—",
            badge(site, r["status"]),
            html_cell(r["reason"]),
        ]
        for r in chosen
    ]
    return raw_table(headers, rows, searched=False)
