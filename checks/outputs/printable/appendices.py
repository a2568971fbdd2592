"""The printable manual's appendices: checkpoint results, document reviews, KPIs,
nonconformities and the evidence index, all from the results document."""

from __future__ import annotations

from typing import Any

from ...evaluating.periods import Period
from ...i18n import _
from ...loading.references import sha256_of
from .context import Context, inside, kpi_values
from .markup import AREAS, anchor, badge, counts_line, e, href, row, table


def checkpoint_section(ctx: Context) -> str:
    rows = []
    for r in ctx.doc["checkpoints"]:
        evidence = [
            (
                _("{record} (suspect)").format(record=ctx.object_link(e["id"]))
                if e["id"] in r["suspect"]
                else ctx.object_link(e["id"])
            )
            for e in r["evidence"]
        ]
        reason = e(r["reason"])
        if r["waiver"]:
            w = r["waiver"]
            waived = _("waiver {waiver}: {reason} ({approved_by}, {granted} – {expires})").format(
                waiver=e(w["id"]), reason=e(w["reason"]), approved_by=e(w["approved_by"]), granted=e(w["granted"]),
                expires=e(w["expires"]),
            )  # fmt: skip
            reason += f"<br><span class='note'>{waived}</span>"
        for warning in r["warnings"]:
            reason += "<br><span class='note'>" + _("warning: {message}").format(message=e(warning)) + "</span>"
        rows.append(
            row(
                [
                    f'<span class="mono">{e(r["id"])}</span>',
                    e(r["title"]),
                    ctx.clause_link(r["clause"]),
                    e(_(AREAS[r["area"]]) if r["area"] in AREAS else r["area"]),
                    ctx.role(r["owner"]),
                    badge(r["status"]),
                    reason,
                    ", ".join(evidence) or "—",
                ],
                anchor("cp", r["id"]),
            )
        )
    summary = ctx.doc["summary"]
    return (
        '<section class="appendix" id="checkpoints">\n<h1>'
        + _("Checkpoint results")
        + "</h1>\n"
        + "<p>"
        + _("As of {date}: {total} checkpoints — {counts}. Waived checkpoints are not counted as passes.").format(
            date=e(ctx.doc["as_of"]), total=summary["total"], counts=counts_line(summary["by_status"])
        )
        + "</p>\n"
        + table(
            [
                "ID",
                _("Checkpoint"),
                _("Clause"),
                _("Area"),
                _("Owner"),
                _("Status"),
                _("Reason"),
                _("Evidence"),
            ],
            rows,
        )
        + "\n</section>"
    )


def document_section(ctx: Context) -> str:
    rows = [
        row(
            [
                ctx.object_link(d["id"]),
                e(d["title"]),
                e(d["version"]),
                badge(d["status"]),
                e(d["last_review"]),
                e(d["next_review"]),
                f"{e(d['approved'])} {e(d['approved_by'])}" if d["approved"] else "—",
                e(d["reason"]),
            ],
            anchor("review", d["id"]),
        )
        for d in ctx.doc["documents"]
    ]
    return (
        '<section class="appendix" id="documents">\n<h1>'
        + _("Document review")
        + "</h1>\n"
        + table(
            [
                _("Document"),
                _("Title"),
                _("Version"),
                _("Status"),
                _("Last review"),
                _("Next review"),
                _("Approved"),
                _("Reason"),
            ],
            rows,
        )
        + "\n</section>"
    )


def _number(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float):
        shown = f"{value:.2f}" if unit else f"{value:g}"
        return e(f"{shown} {unit}".strip())
    return e(value)


def kpi_section(ctx: Context, window: Period) -> str:
    rows = []
    for kpi in ctx.doc["kpis"]:
        name = f'<span class="mono">{e(kpi["id"])}</span><br>{e(kpi["title"])}'
        target = e(kpi["target"] or _("monitored"))
        if kpi.get("error"):
            rows.append(row([name, "—", "—", target, badge("error"), e(kpi["error"])], anchor("kpi", kpi["id"])))
            continue
        values = kpi_values(kpi, window)
        if not values:
            rows.append(row([name, "—", "—", target, badge("no-data"), "—"], anchor("kpi", kpi["id"])))
            continue
        for index, value in enumerate(values):
            label = e(
                _("{period} (so far)").format(period=value["period"]) if value.get("partial") else value["period"]
            )
            ratio = (
                "—"
                if value.get("numerator") is None
                else f"{_number(value['numerator'])} / {_number(value.get('denominator'))}"
            )
            if value.get("analysis"):
                ratio += "<br>" + _("analysis: {record}").format(record=ctx.object_link(value["analysis"]))
            rows.append(
                row(
                    [
                        name if index == 0 else "",
                        label,
                        _number(value["value"], kpi.get("unit") or ""),
                        target,
                        badge(value["verdict"]),
                        ratio,
                    ],
                    anchor("kpi", kpi["id"]) if index == 0 else None,
                )
            )
    return (
        '<section class="appendix" id="kpis">\n<h1>'
        + _("KPIs")
        + "</h1>\n"
        + "<p>"
        + _("Values of the periods that overlap the pack's period, as of the evaluation date.")
        + "</p>\n"
        + table(
            [
                _("KPI"),
                _("Period"),
                _("Value"),
                _("Target"),
                _("Verdict"),
                _("Numerator / denominator"),
            ],
            rows,
        )
        + "\n</section>"
    )


def nonconformity_section(ctx: Context) -> str:
    rows = [
        row(
            [
                f'<a href="{href(nc.source.rel)}" class="mono">{e(nc.id)}</a>',
                e(nc.title),
                ctx.clause_link(nc.clause) if nc.clause else "—",
                ctx.object_link(nc.found_in) if nc.found_in else "—",
                ctx.role(nc.owner),
                e(nc.due),
                e(nc.status),
                e(nc.closed),
                f"{e(nc.verified)} {e(nc.verified_by)}" if nc.verified or nc.verified_by else "—",
            ],
            anchor("nc", nc.id),
        )
        for nc in ctx.nonconformities
    ]
    return (
        '<section class="appendix" id="nonconformities">\n<h1>'
        + _("Nonconformities")
        + "</h1>\n"
        + table(
            [
                "ID",
                _("Title"),
                _("Clause"),
                _("Found in"),
                _("Owner"),
                _("Due"),
                _("Status"),
                _("Closed"),
                _("Verified"),
            ],
            rows,
        )
        + "\n</section>"
    )


def evidence_section(ctx: Context) -> str:
    root = ctx.manual.root
    rows = []
    for record in ctx.records:
        files = []
        for attachment in record.attachments:
            rel = inside(attachment.resolved, root) or attachment.path
            files.append(
                f'<a href="{href(rel)}">{e(rel)}</a><br><span class="mono sha">sha256 {e(attachment.sha256)}</span>'
            )
        attached = {a.resolved for a in record.attachments}
        for data in record.data_files:
            if data in attached:
                continue  # listed above with its declared digest
            rel = inside(data, root) or str(data)
            digest = sha256_of(data) if rel in ctx.packed else None
            files.append(
                _("{file} (data)").format(file=f'<a href="{href(rel)}">{e(rel)}</a>')
                + (f'<br><span class="mono sha">sha256 {digest}</span>' if digest else "")
            )
        used = [ctx.object_link(cp) for cp in ctx.used_by.get(record.id, [])]
        date = e(record.date) + (f"<br>{e(record.period)}" if record.period else "")
        rows.append(
            row(
                [
                    f'<a href="{href(record.source.rel)}" class="mono">{e(record.id)}</a>',
                    e(record.title),
                    e(record.type),
                    date,
                    ctx.role(record.owner),
                    e(record.approved_by),
                    "<br>".join(files) or "—",
                    ", ".join(used) or "—",
                ],
                anchor("ev", record.id),
            )
        )
    return (
        '<section class="appendix" id="evidence">\n<h1>'
        + _("Evidence index")
        + "</h1>\n"
        + "<p>"
        + _("Every record the results used or dated within the period. Each file is in the pack at the path shown.")
        + "</p>\n"
        + table(
            [
                "ID",
                _("Title"),
                _("Type"),
                _("Date"),
                _("Owner"),
                _("Approved by"),
                _("Attachments"),
                _("Checkpoints"),
            ],
            rows,
        )
        + "\n</section>"
    )
