"""The evidence index (by evidence type and year) and one page per type and year holding
its records, each an anchored section (`#RECORD-ID`): its fields, attachments with size and
digest, data files with a preview, and the checkpoints it serves.

The search index gets each record's id, title, date, period and owner; its tables and text
are marked `data-search-exclude`, so that a manual of many thousand records keeps a search
index a browser opens quickly."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from checks.loading.data import DataError
from checks.loading.schema import load_schema
from checks.model import DataColumn, Evidence

from .badges import DISPLAY_ORDER, status_badge, suspect_badge
from .context import EVIDENCE_INDEX, Site
from .markup import (
    UNSEARCHED,
    admonition,
    code,
    esc,
    html_cell,
    html_table,
    human_size,
    raw_table,
    table,
    text,
)
from .pages import as_of_line, badge, heading, join_blocks

# Keys every evidence record has (the generic evidence schema); the others are its type's own fields.
RECORD_KEYS = frozenset(load_schema("evidence")["properties"])


def evidence_index(site: Site) -> str:
    """Each evidence type with its years: the number of records and the page that holds them."""
    uri, labels, manual = EVIDENCE_INDEX, site.labels, site.manual
    years: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for group, ids in sorted(site.evidence_groups.items()):
        first = manual.evidence[ids[0]]
        years[first.type].append((str(first.date.year) if first.date else "—", group, len(ids)))
    headers = [text(labels["year"]), text(labels["records"])]
    blocks = [heading(1, text(labels["evidence"]))]
    for etype in sorted(manual.evidence_types.values(), key=lambda t: t.id):
        blocks.append(heading(2, f"{text(etype.title)} ({text(etype.id)})", f"type-{etype.id}"))
        if etype.description:
            blocks.append(text(etype.description))
        rows = [[site.link(uri, text(year), (group, None)), str(count)] for year, group, count in years[etype.id]]
        blocks.append(table(headers, rows) or "—")
    return join_blocks(*blocks)


def evidence_page(site: Site, uri: str) -> str:
    """The records of one type and year (`Site.evidence_groups`), oldest first."""
    labels, manual = site.labels, site.manual
    records = [manual.evidence[i] for i in site.evidence_groups[uri]]
    first = records[0]
    etype = manual.evidence_types.get(first.type)
    year = str(first.date.year) if first.date else "—"
    blocks = [
        heading(1, f"{text(etype.title if etype else first.type)} {text(year)}"),
        as_of_line(site),
        f"{text(labels['type'])}: {site.type_link(uri, first.type)}",
    ]
    blocks += [record_section(site, uri, record) for record in records]
    return join_blocks(*blocks)


def record_section(site: Site, uri: str, record: Evidence) -> str:
    """One record: a heading with its id as anchor, a line of what it is, then its details.

    The search index gets the heading and the date; the rest is on the page only (at
    20,000 records, every word more in each entry is a megabyte more to download)."""
    labels = site.labels
    rest = [f"{esc(labels['period'])}: {esc(record.period)}"] if record.period else []
    rest.append(f"{esc(labels['owner'])}: {site.role_html(uri, record.owner)}")
    after = f" ({text(labels['after_as_of_short'])})" if _after(site, record) else ""
    facts = (
        f'<span class="qms-label" {UNSEARCHED}>{esc(labels["date"])}:</span> {text(record.date or "—")}{after}'
        f' <span class="qms-label" {UNSEARCHED}>· {" · ".join(rest)}</span>'
    )
    blocks = [heading(2, f"{text(record.id)} {text(record.title)}", record.id), facts]
    if record.id in site.suspect_for:
        links = ", ".join(site.checkpoint_link(uri, c) for c in site.suspect_for[record.id])
        blocks.append(f"{suspect_badge(labels)} {text(labels['suspect_for'])}: {links}")
    if after:
        blocks.append(admonition("warning", labels.format("after_as_of", date=record.date)))
    details = [
        _record_meta(site, record),
        _record_fields(site, record),
        _attachments(site, uri, record),
        _data_files(site, uri, record),
        _record_checkpoints(site, uri, record),
    ]
    # A <section>, since Material's search stops leaving an element out at the first end tag
    # of the same name inside it (the admonition's </div>).
    blocks.append(f'<section class="qms-record" {UNSEARCHED}>' + "".join(details) + "</section>")
    if record.source.body and record.source.body.strip():
        title = f'<h3 id="{esc(record.id)}-body" {UNSEARCHED}>{esc(labels["body"])}</h3>'
        blocks += [title, record.source.body.strip()]
    return join_blocks(*blocks)


def _after(site: Site, record: Evidence) -> bool:
    """Dated after the evaluation date: as of that date the record did not exist."""
    return record.date is not None and record.date > site.as_of


def _record_meta(site: Site, record: Evidence) -> str:
    labels = site.labels
    extra = record.data.get("extra")
    extra = extra if isinstance(extra, dict) else {}
    commit = next(
        (
            e["commit"]
            for cp in site.used_by.get(record.id, [])
            for e in site.results[cp]["evidence"]
            if e["id"] == record.id and e["commit"]
        ),
        None,
    )
    rows = [
        [esc(labels["approved_by"]), html_cell(record.approved_by)],
        [esc(labels["file"]), code(record.source.rel)],
    ]
    if commit:
        rows.append([esc(labels["commit"]), code(commit)])
    rows += [[code(f"extra.{k}"), html_cell(v)] for k, v in extra.items()]
    sample = admonition("note", labels["sample"]) if extra.get("sample") else ""
    return sample + _field_table(site, rows)


def _field_table(site: Site, rows: list[list[str]]) -> str:
    return raw_table([esc(site.labels["field"]), esc(site.labels["value"])], rows)


def _subheading(site: Site, key: str) -> str:
    return f'<p class="qms-subheading"><strong>{esc(site.labels[key])}</strong></p>'


def _record_fields(site: Site, record: Evidence) -> str:
    etype = site.manual.evidence_types.get(record.type)
    properties = (etype.fields.get("properties") or {}) if etype else {}
    names = [n for n in properties if n in record.data] + [
        n for n in record.data if n not in RECORD_KEYS and n not in properties
    ]
    if not names:
        return ""
    rows = []
    for name in names:
        spec = properties.get(name) or {}
        label = spec.get("title") or spec.get("description")
        rows.append([code(name) + (f" {esc(label)}" if label else ""), html_cell(record.data.get(name))])
    return _subheading(site, "fields") + _field_table(site, rows)


def _file_uri(site: Site, path: Path) -> str:
    return path.relative_to(site.manual.root).as_posix()


def _file_link(site: Site, uri: str, path: Path, label: str) -> str:
    """A link that downloads the file as it is in the repository (the auditor's copy)."""
    if not path.is_file():
        return f"{text(label)} ✖"
    href = site.href(uri, (_file_uri(site, path), None))
    return f'<a class="qms-file" href="{esc(href)}" download="{esc(path.name)}">{esc(label)}</a>'


def _size(path: Path) -> str:
    return human_size(path.stat().st_size) if path.is_file() else "—"


def _attachments(site: Site, uri: str, record: Evidence) -> str:
    if not record.attachments:
        return ""
    labels = site.labels
    rows = [
        [_file_link(site, uri, a.resolved, a.path), esc(_size(a.resolved)), code(a.sha256)] for a in record.attachments
    ]
    headers = [esc(labels[k]) for k in ("path", "size", "sha256")]
    return _subheading(site, "attachments") + raw_table(headers, rows, "qms-attachments")


def _data_files(site: Site, uri: str, record: Evidence) -> str:
    if not record.data_files:
        return ""
    etype = site.manual.evidence_types.get(record.type)
    blocks = [_subheading(site, "data_files")]
    for path in record.data_files:
        rel = _file_uri(site, path)
        blocks.append(f"<p>{_file_link(site, uri, path, path.name)} ({esc(_size(path))})</p>")
        if site.data_preview_rows and etype is not None and path.is_file():
            blocks.append(_preview(site, path, rel, etype.data_columns, etype.id))
    return "".join(blocks)


def _preview(site: Site, path: Path, rel: str, columns: tuple[DataColumn, ...], type_id: str) -> str:
    try:
        frame = site.data.table(path, columns, rel, type_id)  # the evaluation read it already
    except DataError as exc:
        return f"<p>{status_badge('error', site.labels)} {esc(str(exc))}</p>"
    n = site.data_preview_rows
    head = frame.head(n).astype(object).where(frame.head(n).notna(), None)
    summary = site.labels.format("data_preview", n=min(n, len(frame)), total=len(frame))
    body = html_table(list(frame.columns), head.itertuples(index=False))
    return f'<details class="qms-data"><summary>{esc(summary)}</summary>{body}</details>'


def _record_checkpoints(site: Site, uri: str, record: Evidence) -> str:
    """The checkpoints the record names and those whose results use it, by status: one
    badge per status, not one per checkpoint (a record of a busy type serves many)."""
    labels, lines = site.labels, []
    for key, ids in (("satisfies", record.satisfies), ("used_by", site.used_by.get(record.id, []))):
        if not ids:
            continue
        by_status: dict[str, list[str]] = defaultdict(list)
        for cp_id in ids:
            by_status[site.results[cp_id]["status"] if cp_id in site.results else ""].append(cp_id)
        groups = [
            (badge(site, status) + " " if status else "")
            + ", ".join(site.checkpoint_html(uri, c) for c in by_status[status])
            for status in sorted(by_status, key=lambda s: DISPLAY_ORDER.index(s) if s in DISPLAY_ORDER else 99)
        ]
        lines.append(f"<li>{esc(labels[key])}: {' · '.join(groups)}</li>")
    if not lines:
        return ""
    return _subheading(site, "checkpoints") + f'<ul class="qms-record-checkpoints">{"".join(lines)}</ul>'
