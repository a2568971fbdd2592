"""The Markdown of the generated pages, made from the results document and the manual:
checkpoints, roles and the RACI matrix, KPIs, the plan, nonconformities and the
traceability matrix (the dashboard and the evidence pages have their own modules),
plus the helpers they share.

Each page function takes the `Site` and returns one page's Markdown; values from the
manual are escaped (`text`, `cell`, `esc`), links are relative to the page.
Nothing here decides a status or computes a number: it shows the results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from checks.evaluating.registers import nonconformity_register
from checks.model import Plan, Role, ScheduleRow

from .badges import status_badge, suspect_badge, verdict_badge
from .charts import kpi_chart
from .context import POLICIES_INDEX, ROLES_INDEX, SINGLE_PAGES, Site, trace_anchor
from .markup import (
    UNSEARCHED,
    admonition,
    anchor,
    cell,
    code,
    esc,
    html_cell,
    md_link,
    number,
    raw_table,
    show,
    table,
    text,
)
from .sentences import check_words, rule_words


def heading(level: int, title_md: str, anchor_id: str | None = None, searched: bool = True) -> str:
    """A Markdown heading; `searched=False` leaves its section out of the search index
    (Material's `data-search-exclude`): lists of records and periods are not what people search."""
    attributes = [f"#{anchor_id}"] if anchor_id else []
    if not searched:
        attributes.append("data-search-exclude")
    return "#" * level + " " + title_md + (f" {{{' '.join(attributes)}}}" if attributes else "")


def field_table(site: Site, rows: list[list[str]]) -> str:
    """A two-column table of an object's fields and their values."""
    return table([text(site.labels["field"]), text(site.labels["value"])], rows)


def as_of_line(site: Site) -> str:
    as_of = f'{esc(site.labels["as_of"])}: <strong>{esc(site.doc["as_of"])}</strong>'
    return f'<p class="qms-asof" {UNSEARCHED}>{as_of}</p>'


def join_blocks(*blocks: str) -> str:
    return "\n\n".join(b for b in blocks if b) + "\n"


def badge(site: Site, status: str | None) -> str:
    return status_badge(status, site.labels) if status else "—"


def latest_value(kpi: dict[str, Any]) -> dict[str, Any] | None:
    """The newest period that has a value (else the newest period), as listed by checks."""
    with_value = [v for v in kpi["values"] if v["value"] is not None]
    return (with_value or kpi["values"] or [None])[-1]


def kpi_value(kpi: dict[str, Any], value: dict[str, Any] | None) -> str:
    if value is None or value["value"] is None:
        return "—"
    return f"{number(value['value'])}{kpi['unit']}" if kpi["unit"] == "%" else f"{number(value['value'])} {kpi['unit']}"


# --- policies --------------------------------------------------------------------------


def policies_index(site: Site) -> str:
    """The register of the controlled documents: number, title, version and status, each
    linking to its page. The navigation lists this page, not every policy: listed there,
    each of hundreds of policies would carry all the others in its navigation."""
    uri, labels = POLICIES_INDEX, site.labels
    policies = sorted(site.manual.policies.values(), key=lambda p: (p.doc_no or p.id, p.id))
    headers = [esc(labels[k]) for k in ("doc_no", "title", "version", "doc_status", "effective", "owner")]
    rows = [
        [
            site.html_link(uri, esc(p.doc_no or p.id), site.target("policy", p.id)),
            site.html_link(uri, html_cell(p.title), site.target("policy", p.id)),
            esc(p.version or "—"),
            esc(labels[f"doc_status.{p.status}"]),
            esc(p.effective or "—"),
            site.role_html(uri, p.owner) if p.owner else "—",
        ]
        for p in policies
    ]
    return join_blocks(heading(1, text(labels["policies"])), raw_table(headers, rows) if rows else "—")


# --- checkpoints -----------------------------------------------------------------------


def checkpoint_index(site: Site, number: int = 1) -> str:
    """Page `number` of the list of every checkpoint (`Site.page_rows` rows a page)."""
    uri, labels = site.list_page("checkpoints", number), site.labels
    headers = [esc(labels[k]) for k in ("id", "title", "clause", "area", "owner", "severity", "status")]
    rows = [
        [
            site.checkpoint_html(uri, r["id"]),
            html_cell(r["title"]),
            site.html_link(uri, esc(site.clause_label(r["clause"], False)), site.clause_target(r["clause"])),
            esc(labels.area(r["area"])),
            site.role_html(uri, r["owner"]) if r["owner"] else "—",
            esc(labels[f"severity.{r['severity']}"]),
            badge(site, r["status"]),
        ]
        for r in _rows_of_page(site, site.doc["checkpoints"], number)
    ]
    pager = _pager(site, "checkpoints", number, site.doc["checkpoints"], lambda r: r["id"])
    title = _list_title(site, "checkpoints", number)
    return join_blocks(title, as_of_line(site), pager, raw_table(headers, rows), pager)


def _rows_of_page(site: Site, rows: list[Any], number: int) -> list[Any]:
    return rows[(number - 1) * site.page_rows : number * site.page_rows]


def _list_title(site: Site, kind: str, number: int) -> str:
    """The heading of page `number` of a list, with its number when the list has several."""
    count = site.list_count(kind)
    return heading(1, text(site.labels[kind]) + (f" ({number}/{count})" if count > 1 else ""))


def _pager(site: Site, kind: str, number: int, rows: list[Any], name: Callable[[Any], str]) -> str:
    """Links to each page of a list split over pages, named by their first and last rows."""
    size = site.page_rows
    bounds = [(name(rows[i]), name(rows[min(i + size, len(rows)) - 1])) for i in range(0, len(rows), size)]
    if len(bounds) < 2:
        return ""
    uri, links = site.list_page(kind, number), []
    for n, (first, last) in enumerate(bounds, start=1):
        label = f"{n}: {esc(first)} – {esc(last)}"
        target = (site.list_page(kind, n), None)
        links.append(f"<strong>{label}</strong>" if n == number else site.html_link(uri, label, target))
    return f'<nav class="qms-pager" {UNSEARCHED}>' + " · ".join(links) + "</nav>"


def _siblings(site: Site, uri: str, clause: str, cp_id: str) -> str:
    """The clause's other checkpoints, each with its status (a clause badge leads to one of them)."""
    others = [i for i in site.by_clause.get(clause, []) if i != cp_id and i in site.results]
    shown = [f"{site.checkpoint_html(uri, i)} {badge(site, site.results[i]['status'])}" for i in others]
    return ", ".join(shown) or "—"


def checkpoint_page(site: Site, cp_id: str) -> str:
    uri, labels = f"checkpoints/{cp_id}.md", site.labels
    cp, result = site.manual.checkpoints[cp_id], site.results[cp_id]
    clause = site.html_link(uri, esc(site.clause_label(cp.clause)), site.clause_target(cp.clause))
    meta = raw_table(
        [esc(labels["field"]), esc(labels["value"])],
        [
            [esc(labels["clause"]), clause],
            [esc(labels["same_clause"]), _siblings(site, uri, cp.clause, cp_id)],
            [esc(labels["area"]), esc(labels.area(cp.area))],
            [esc(labels["owner"]), site.role_html(uri, cp.owner)],
            [esc(labels["severity"]), esc(labels[f"severity.{cp.severity}"])],
            [esc(labels["file"]), code(f"{result['source']['path']}:{result['source']['line'] or 1}")],
        ],
        searched=False,
    )
    rules = [f"- {rule_words(rule.raw, site, uri)}" for rule in cp.requires]
    if cp.check:
        rules.append(f"- {check_words(cp.check, site)}")
    return join_blocks(
        heading(1, f"{text(cp.id)} {text(cp.title)}"),
        as_of_line(site),
        f'<p class="qms-result" {UNSEARCHED}>{badge(site, result["status"])} {esc(result["reason"])}</p>',
        _warnings(site, result),
        _suspect(site, uri, result),
        meta,
        heading(2, text(labels["rule"]), "rule"),
        "\n".join(rules),
        _verified(site, result),
        text(cp.description) if cp.description else "",
        _periods_table(site, uri, result),
        _evidence_used(site, uri, result),
        _waiver(site, result),
        (heading(2, text(labels["remedy"]), "remedy") + "\n\n" + text(cp.remedy)) if cp.remedy else "",
    )


def _verified(site: Site, result: dict[str, Any]) -> str:
    """What the result rests on, as checks states it: the conditions it evaluated, and the
    records whose existence alone it checked. Part of the result: out of the search index."""
    verified, labels = result.get("verified"), site.labels
    if not verified:
        return ""
    parts = [f"<p><strong>{esc(labels['verified_by'])}</strong>: {esc(labels['verified.' + verified['level']])}</p>"]
    for key in ("conditions", "existence"):
        if verified[key]:
            items = "".join(f"<li>{html_cell(c)}</li>" for c in verified[key])
            parts.append(f"<p>{esc(labels['verified_' + key])}:</p><ul>{items}</ul>")
    return f'<div class="qms-verified" {UNSEARCHED}>' + "".join(parts) + "</div>"


def _warnings(site: Site, result: dict[str, Any]) -> str:
    if not result["warnings"]:
        return ""
    return admonition("warning", site.labels["warnings"], result["warnings"])


def _suspect(site: Site, uri: str, result: dict[str, Any]) -> str:
    records = result.get("suspect", [])
    if not records:
        return ""
    links = ", ".join(site.evidence_link(uri, r) for r in records)
    return f"{suspect_badge(site.labels)} {text(site.labels['suspect_note'])}: {links}"


def _periods_table(site: Site, uri: str, result: dict[str, Any]) -> str:
    if not result["periods"]:
        return ""
    labels = site.labels
    subjects = any(p.get("subject") and p["subject"] != p["label"] for p in result["periods"])
    headers = [esc(labels[k]) for k in ("period", "start", "end", "due", "status", "records")]
    if subjects:  # a record for each project: the project each line asks for
        headers.insert(1, esc(labels["subject"]))
    rows = [
        [
            esc(p["label"]),
            *([esc(p.get("subject") or "—")] if subjects else []),
            esc(p["start"]),
            esc(p["end"]),
            esc(p["due"]),
            badge(site, p["status"]),
            ", ".join(site.evidence_html(uri, r) for r in p["records"]) or "—",
        ]
        for p in result["periods"]
    ]
    title = heading(2, text(labels["periods"]), "periods", searched=False)
    return join_blocks(title, raw_table(headers, rows, searched=False)).strip()



def _evidence_used(site: Site, uri: str, result: dict[str, Any]) -> str:
    labels, manual = site.labels, site.manual
    headers = [esc(labels[k]) for k in ("id", "title", "type", "date", "commit")]
    types: dict[str, str] = {}  # the records of a checkpoint are mostly of one type
    rows = []
    for ref in result["evidence"]:
        record = manual.evidence.get(ref["id"])
        if ref["type"] not in types:
            types[ref["type"]] = _type_html(site, uri, ref["type"])
        rows.append(
            [
                site.evidence_html(uri, ref["id"]),
                html_cell(record.title if record else ""),
                types[ref["type"]],
                esc(ref["date"] or "—"),
                code(ref["commit"][:10]) if ref["commit"] else "—",
            ]
        )
    used = {ref["id"] for ref in result["evidence"]}
    declared = [r for r in site.declared_by.get(result["id"], []) if r not in used]
    blocks = [
        heading(2, text(labels["evidence_used"]), "evidence", searched=False),
        raw_table(headers, rows, searched=False) if rows else "—",
    ]
    if declared:
        blocks.append(f"{text(labels['declared'])}: " + ", ".join(site.evidence_link(uri, r) for r in declared))
    return join_blocks(*blocks).strip()


def _type_html(site: Site, uri: str, type_id: str) -> str:
    """`Site.type_link` for raw HTML."""
    etype = site.manual.evidence_types.get(type_id)
    label = esc(etype.title if etype else type_id)
    if site.labels.code == "zh":
        label = f"《{label}》"
    return site.html_link(uri, label, site.target("evidence-type", type_id))


def _waiver(site: Site, result: dict[str, Any]) -> str:
    waiver = result["waiver"]
    if not waiver:
        return ""
    labels = site.labels
    rows = [
        [text(labels["id"]), text(waiver["id"])],
        [text(labels["reason"]), cell(waiver["reason"])],
        [text(labels["approved_by"]), cell(waiver["approved_by"])],
        [text(labels["granted"]), text(waiver["granted"] or "—")],
        [text(labels["expires"]), text(waiver["expires"] or "—")],
        [text(labels["covers"]), badge(site, waiver["covers"])],
        [text(labels["file"]), code(waiver["path"])],
    ]
    return join_blocks(heading(2, text(labels["waiver"]), "waiver"), field_table(site, rows))


# --- roles and responsibilities ---------------------------------------------------------


def roles_index(site: Site) -> str:
    uri, labels = ROLES_INDEX, site.labels
    rows = [
        [site.role_link(uri, r.id), text(r.id), site.role_link(uri, r.parent), cell(_members(r))]
        for r in sorted(site.manual.roles.values(), key=lambda r: r.id)
    ]
    headers = [text(labels["title"]), text(labels["id"]), text(labels["parent"]), text(labels["members"])]
    blocks = [heading(1, text(labels["roles"])), table(headers, rows)]
    if "raci" in site.generate:
        blocks.append(md_link(text(labels["raci"]), uri, SINGLE_PAGES["raci"]))
    return join_blocks(*blocks)


def _members(role: Role) -> list[str]:
    """Each member's name, with the days they held the role when the file gives them."""
    return [f"{m.name} ({show(m.start)}–{show(m.until)})" if m.start or m.until else m.name for m in role.members]


def role_page(site: Site, role_id: str) -> str:
    uri, labels, manual = f"roles/{role_id}.md", site.labels, site.manual
    role = manual.roles[role_id]
    meta = [[text(labels["id"]), text(role.id)]]
    if role.parent:
        meta.append([text(labels["parent"]), site.role_link(uri, role.parent)])
    if role.members:
        meta.append([text(labels["members"]), cell(_members(role))])
    duties = [
        [cell(d.text), site.clause_link(uri, d.clause), text(d.raci or "—"), cell(d.activities)] for d in role.duties
    ]
    blocks = [
        heading(1, text(role.name)),
        as_of_line(site),
        field_table(site, meta),
        heading(2, text(labels["duties"]), "duties"),
        table([text(labels[k]) for k in ("duties", "clause", "raci_letter", "activities")], duties) or "—",
    ]
    owned = site.owned.get(role_id, {}).get("checkpoints", [])
    if owned:
        rows = [[site.checkpoint_html(uri, r["id"]), html_cell(r["title"]), badge(site, r["status"])] for r in owned]
        blocks += [
            heading(2, text(labels["owned_checkpoints"]), "checkpoints", searched=False),
            raw_table([esc(labels[k]) for k in ("id", "title", "status")], rows, searched=False),
        ]
    kpis = site.owned.get(role_id, {}).get("kpis", [])
    if kpis:
        rows = []
        for kpi in kpis:
            value = latest_value(kpi)
            verdict = verdict_badge(value["verdict"], labels) if value else "—"
            rows.append(
                [
                    site.kpi_link(uri, kpi["id"]),
                    text(value["period"] if value else "—"),
                    text(kpi_value(kpi, value)),
                    text(kpi["target"] or labels["monitored"]),
                    verdict,
                ]
            )
        headers = [text(labels[k]) for k in ("title", "period", "value", "target", "verdict")]
        blocks += [heading(2, text(labels["owned_kpis"]), "kpis", searched=False), table(headers, rows)]
    plan_rows = _plan_rows(site, uri, site.owned.get(role_id, {}).get("plan", []))
    if plan_rows:
        blocks += [heading(2, text(labels["owned_plan"]), "plan", searched=False), plan_rows]
    return join_blocks(*blocks)


def raci_page(site: Site) -> str:
    """Activities (rows, in order of first mention) by roles (columns): the R/A/C/I of their duties."""
    uri, labels = SINGLE_PAGES["raci"], site.labels
    duties: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    activities: dict[str, None] = {}
    roles: dict[str, None] = {}
    for role in sorted(site.manual.roles.values(), key=lambda r: r.id):
        for duty in role.duties:
            if duty.raci is None:
                continue
            for activity in duty.activities:
                activities.setdefault(activity)
                roles.setdefault(role.id)
                duties[(activity, role.id)][duty.raci].append(duty.text)
    headers = [text(labels["activity"]), *(site.role_link(uri, r) for r in roles)]
    rows = []
    for activity in activities:
        row = [text(activity)]
        for role_id in roles:
            found = duties.get((activity, role_id), {})
            row.append(
                " ".join(
                    f'<span class="qms-raci" title="{esc(" / ".join(found[k]))}">{k}</span>'
                    for k in "RACI"
                    if k in found
                )
            )
        rows.append(row)
    key = " · ".join(f"**{k}** {text(labels[f'raci.{k}'])}" for k in "RACI")
    return join_blocks(heading(1, text(labels["raci"])), key, table(headers, rows) or "—")


# --- KPIs, plan, nonconformities, traceability --------------------------------------------


def kpis_page(site: Site) -> str:
    uri, labels = SINGLE_PAGES["kpis"], site.labels
    blocks = [heading(1, text(labels["kpis"])), as_of_line(site)]
    for kpi in site.doc["kpis"]:
        model = site.manual.kpis.get(kpi["id"])
        blocks.append(heading(2, f"{text(kpi['title'])} ({text(kpi['id'])})", f"kpi-{kpi['id']}"))
        meta = [
            [text(labels["formula"]), cell(kpi["formula"])],
            [text(labels["target"]), text(kpi["target"] or labels["monitored"])],
            [text(labels["unit"]), text(kpi["unit"] or "—")],
            [text(labels["period"]), text(labels[f"kpi_period.{kpi['period']}"])],
            [text(labels["owner"]), site.role_link(uri, kpi["owner"])],
            [text(labels["source"]), site.type_link(uri, kpi["source"])],
        ]
        if model is not None and model.clause:
            meta.append([text(labels["clause"]), site.clause_link(uri, model.clause, with_title=True)])
        blocks.append(field_table(site, meta))
        if kpi["error"]:
            blocks.append(admonition("failure", labels["kpi_error"], [kpi["error"]]))
            continue
        blocks.append(f'<div class="qms-chart-box">{kpi_chart(kpi, labels)}</div>')
        headers = [
            text(labels[k])
            for k in ("period", "start", "end", "value", "target", "verdict", "numerator", "denominator", "analysis")
        ]
        rows = [
            [
                text(v["period"] + (labels["so_far"] if v["partial"] else "")),
                text(v["start"]),
                text(v["end"]),
                text(kpi_value(kpi, v)),
                text(kpi["target"] or labels["monitored"]),
                verdict_badge(v["verdict"], labels),
                text(number(v["numerator"], 4)),
                text(number(v["denominator"], 4)),
                site.evidence_link(uri, v["analysis"]) if v["analysis"] else "—",
            ]
            for v in kpi["values"]
        ]
        blocks.append(table(headers, rows))
    return join_blocks(*blocks)


def _plan_rows(site: Site, uri: str, rows: Iterable[tuple[Plan, ScheduleRow]]) -> str:
    """One table line per scheduled month of each plan row, with the status of its checkpoints."""
    labels, lines = site.labels, []
    on_plan_page = uri == SINGLE_PAGES["plan"]
    for plan, row in rows:
        refs = site.plan_refs.get(f"{plan.id}#{row.id}", [])
        for index, month in enumerate(row.due):
            statuses = []
            for cp_id in refs:
                found = next((p for p in site.results[cp_id]["periods"] if p["label"] == month), None)
                statuses.append(badge(site, found["status"]) if found else text(labels["scheduled"]))
            if on_plan_page:
                label = (anchor(f"plan-{plan.id}-{row.id}") if index == 0 else "") + text(row.activity)
            else:
                label = site.link(uri, text(row.activity), site.plan_row_target(plan.id, row.id))
            lines.append(
                [
                    text(row.seq if row.seq is not None else "—"),
                    label,
                    site.role_link(uri, row.owner),
                    site.type_link(uri, row.produces),
                    text(month),
                    " ".join(statuses) or text(labels["no_checkpoint"]),
                    ", ".join(site.checkpoint_link(uri, c) for c in refs) or "—",
                ]
            )
    headers = [text(labels[k]) for k in ("id", "activity", "owner", "produces", "month", "status", "checkpoints")]
    return table(headers, lines)


def plan_page(site: Site) -> str:
    uri, labels = SINGLE_PAGES["plan"], site.labels
    blocks = [heading(1, text(labels["plan"])), as_of_line(site)]
    for plan in sorted(site.manual.plans.values(), key=lambda p: p.id):
        blocks.append(heading(2, text(plan.title or plan.id), f"plan-{plan.id}"))
        meta = f"{text(labels['id'])}: {code(plan.id)} · {text(plan.year)}"
        if plan.document:
            meta += " · " + site.link(uri, text(plan.document), site.target("policy", plan.document))
        blocks += [meta, _plan_rows(site, uri, [(plan, row) for row in plan.schedule])]
    return join_blocks(*blocks)


def nonconformities_page(site: Site) -> str:
    """The register as it stood on the as-of date: what was found by then, closed or not by
    then, and how many days each open one is past its due date."""
    uri, labels = SINGLE_PAGES["nonconformities"], site.labels
    register = nonconformity_register(site.manual, site.as_of)
    headers = [
        text(labels[k])
        for k in ("id", "title", "found_in", "clause", "owner", "due", "status", "days_late", "closed", "verified")
    ]
    rows = []
    for entry in register:
        nc = site.manual.nonconformities[entry.id]
        closed = nc.closed if entry.state != "open" else None
        verified = (nc.verified, nc.verified_by) if entry.state == "verified" else ()
        rows.append(
            [
                site.link(uri, text(nc.id), (uri, f"nc-{nc.id}")),
                cell(nc.title),
                site.evidence_link(uri, nc.found_in) if nc.found_in else "—",
                site.clause_link(uri, nc.clause),
                site.role_link(uri, nc.owner),
                text(nc.due or "—"),
                badge(site, "fail") if entry.days_late is not None else text(labels[f"nc_status.{entry.state}"]),
                f"<strong>{entry.days_late}</strong>" if entry.days_late is not None else "—",
                text(closed or "—"),
                text(" ".join(show(v) for v in verified if v) or "—"),
            ]
        )
    late = [e for e in register if e.days_late is not None]
    blocks = [heading(1, text(labels["nonconformities"])), as_of_line(site)]
    if late:
        owners = ", ".join(site.role_html(uri, o) for o in sorted({e.owner for e in late}))
        blocks.append(admonition("failure", labels.format("nc_overdue", n=len(late)), markup=owners))
    blocks.append(table(headers, rows) or "—")
    for entry in register:
        nc = site.manual.nonconformities[entry.id]
        blocks.append(heading(2, f"{text(nc.id)} {text(nc.title)}", f"nc-{nc.id}"))
        details = [(k, getattr(nc, k)) for k in ("description", "root_cause", "action")]
        blocks.append("\n".join(f"- **{text(labels[k])}**: {text(v)}" for k, v in details if v))
    return join_blocks(*blocks)


LISTED = 5  # records named in a matrix cell; the others are counted, on the checkpoint's page


def _evidence_list(site: Site, uri: str, result: dict[str, Any]) -> str:
    """The first records a checkpoint used, and how many more: a checkpoint of a busy type uses
    hundreds, and listing them all made the matrix grow with checkpoints times records."""
    ids = [e["id"] for e in result["evidence"]]
    shown = ", ".join(site.evidence_html(uri, i) for i in ids[:LISTED]) or "—"
    if len(ids) > LISTED:
        more = esc(site.labels.format("more_records", n=len(ids) - LISTED))
        target = site.target("checkpoint", result["id"])
        shown += ", " + site.html_link(uri, more, (target[0], "evidence") if target else None)
    return shown


def traceability_page(site: Site, number: int = 1) -> str:
    """Page `number` of the matrix (`Site.page_rows` rows a page): every clause of every
    policy with the checkpoints that check it, and a row of its own for a clause none checks.
    Each clause's first row is its anchor, which the clause badges of the policies link to
    (`Site.trace_target`)."""
    uri, labels = site.list_page("traceability", number), site.labels
    rows, seen = [], set()
    for ref, cp_id in _rows_of_page(site, site.trace_order, number):
        clause = site.html_link(uri, esc(site.clause_label(ref)), site.clause_target(ref))
        if ref not in seen and site.trace_uris.get(ref) == uri:
            seen.add(ref)
            clause = anchor(trace_anchor(ref)) + clause
        if cp_id is None:
            rows.append([clause, esc(labels["no_checkpoint_row"]), "—", "—"])
            continue
        result = site.results[cp_id]
        rows.append(
            [
                clause,
                f"{site.checkpoint_html(uri, cp_id)} {html_cell(result['title'])}",
                _evidence_list(site, uri, result),
                badge(site, result["status"]),
            ]
        )
    headers = [esc(labels[k]) for k in ("clause", "checkpoints", "evidence", "status")]
    pager = _pager(site, "traceability", number, site.trace_order, lambda row: site.clause_label(row[0], False))
    uncovered = site.html_link(
        uri,
        esc(labels.format("uncovered_count", n=len(site.uncovered))),
        (site.list_page("uncovered", 1), None),
    )
    # Out of the search index: a row of every checkpoint, which the checkpoint's own page holds.
    return "---\nsearch: {exclude: true}\n---\n\n" + join_blocks(
        _list_title(site, "traceability", number),
        as_of_line(site),
        f"<p {UNSEARCHED}>{uncovered}</p>",
        pager,
        raw_table(headers, rows) if rows else "—",
        pager,
    )


def uncovered_page(site: Site, number: int = 1) -> str:
    """The uncovered-clause view: the clauses no checkpoint checks, each linking to its
    policy and to its row of the matrix, split over pages like the matrix."""
    uri, labels = site.list_page("uncovered", number), site.labels
    rows = [
        [
            site.html_link(uri, esc(site.clause_label(ref)), site.clause_target(ref)),
            site.html_link(uri, esc(labels["traceability"]), site.trace_target(ref)),
        ]
        for ref in _rows_of_page(site, site.uncovered, number)
    ]
    pager = _pager(site, "uncovered", number, site.uncovered, lambda ref: site.clause_label(ref, False))
    headers = [esc(labels[k]) for k in ("clause", "traceability")]
    return "---\nsearch: {exclude: true}\n---\n\n" + join_blocks(
        _list_title(site, "uncovered", number),
        as_of_line(site),
        text(labels.format("uncovered_note", n=len(site.uncovered))),
        pager,
        raw_table(headers, rows) if rows else "—",
        pager,
    )
