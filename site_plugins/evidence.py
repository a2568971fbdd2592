"""The evidence index (by evidence type) and one page per record: its fields, attachments
with size and digest, data files with a preview, and the checkpoints it serves."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from checks.loading.data import DataError
from checks.loading.schema import load_schema
from checks.model import DataColumn, Evidence

from .badges import status_badge, suspect_badge
from .context import EVIDENCE_INDEX, Site
from .markup import admonition, cell, code, esc, html_table, human_size, table, text
from .pages import as_of_line, badge, field_table, heading, join_blocks

# Keys every evidence record has (the generic evidence schema); the others are its type's own fields.
RECORD_KEYS = frozenset(load_schema("evidence")["properties"])


def evidence_index(site: Site) -> str:
    uri, labels, manual = EVIDENCE_INDEX, site.labels, site.manual
    by_type: dict[str, list[Evidence]] = defaultdict(list)
    for record in sorted(manual.evidence.values(), key=lambda r: (r.date or dt.date.min, r.id)):
        by_type[record.type].append(record)
    headers = [text(labels[k]) for k in ("id", "title", "date", "period", "owner", "checkpoints")]
    blocks = [heading(1, text(labels["evidence"])), as_of_line(site)]
    for etype in sorted(manual.evidence_types.values(), key=lambda t: t.id):
        records = by_type.get(etype.id, [])
        blocks.append(heading(2, f"{text(etype.title)} ({text(etype.id)})", f"type-{etype.id}"))
        if etype.description:
            blocks.append(text(etype.description))
        rows = [
            [
                site.evidence_link(uri, r.id),
                cell(r.title),
                text(r.date or "—") + (f" ({text(labels['after_as_of_short'])})" if _after(site, r) else ""),
                text(r.period or "—"),
                site.role_link(uri, r.owner),
                ", ".join(site.checkpoint_link(uri, c) for c in site.used_by.get(r.id, [])) or "—",
            ]
            for r in records
        ]
        blocks.append(table(headers, rows) or "—")
    return join_blocks(*blocks)


def evidence_page(site: Site, record_id: str) -> str:
    labels, manual = site.labels, site.manual
    record = manual.evidence[record_id]
    uri = site.evidence_uris[record_id]
    extra = record.data.get("extra")
    extra = extra if isinstance(extra, dict) else {}
    commit = next(
        (
            e["commit"]
            for cp in site.used_by.get(record_id, [])
            for e in site.results[cp]["evidence"]
            if e["id"] == record_id and e["commit"]
        ),
        None,
    )
    meta = [
        [text(labels["type"]), site.type_link(uri, record.type)],
        [text(labels["date"]), text(record.date or "—")],
        [text(labels["period"]), text(record.period or "—")],
        [text(labels["owner"]), site.role_link(uri, record.owner)],
        [text(labels["approved_by"]), cell(record.approved_by)],
        [text(labels["file"]), code(record.source.rel)],
    ]
    if commit:
        meta.append([text(labels["commit"]), code(commit)])
    meta += [[code(f"extra.{k}"), cell(v)] for k, v in extra.items()]
    blocks = [heading(1, f"{text(record.id)} {text(record.title)}")]
    if record_id in site.suspect_for:
        links = ", ".join(site.checkpoint_link(uri, c) for c in site.suspect_for[record_id])
        blocks.append(f"{suspect_badge(labels)} {text(labels['suspect_for'])}: {links}")
    if extra.get("sample"):
        blocks.append(admonition("note", labels["sample"]))
    if _after(site, record):
        blocks.append(admonition("warning", labels.format("after_as_of", date=record.date)))
    blocks += [field_table(site, meta), _record_fields(site, record)]
    blocks += [_attachments(site, uri, record), _data_files(site, uri, record), _record_checkpoints(site, uri, record)]
    if record.source.body and record.source.body.strip():
        blocks += [heading(2, text(labels["body"]), "record"), record.source.body.strip()]
    return join_blocks(*blocks)


def _after(site: Site, record: Evidence) -> bool:
    """Dated after the evaluation date: as of that date the record did not exist."""
    return record.date is not None and record.date > site.as_of


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
        rows.append([f"{code(name)}" + (f" {cell(label)}" if label else ""), cell(record.data.get(name))])
    labels = site.labels
    return join_blocks(heading(2, text(labels["fields"]), "fields"), field_table(site, rows))


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
        [_file_link(site, uri, a.resolved, a.path), text(_size(a.resolved)), code(a.sha256)] for a in record.attachments
    ]
    headers = [text(labels[k]) for k in ("path", "size", "sha256")]
    return join_blocks(heading(2, text(labels["attachments"]), "attachments"), table(headers, rows))


def _data_files(site: Site, uri: str, record: Evidence) -> str:
    if not record.data_files:
        return ""
    labels = site.labels
    etype = site.manual.evidence_types.get(record.type)
    blocks = [heading(2, text(labels["data_files"]), "data")]
    for path in record.data_files:
        rel = _file_uri(site, path)
        blocks.append(f"{_file_link(site, uri, path, path.name)} ({text(_size(path))})")
        if site.data_preview_rows and etype is not None and path.is_file():
            blocks.append(_preview(site, path, rel, etype.data_columns, etype.id))
    return join_blocks(*blocks)


def _preview(site: Site, path: Path, rel: str, columns: tuple[DataColumn, ...], type_id: str) -> str:
    try:
        frame = site.data.table(path, columns, rel, type_id)  # the evaluation read it already
    except DataError as exc:
        return f"{status_badge('error', site.labels)} {text(str(exc))}"
    n = site.data_preview_rows
    head = frame.head(n).astype(object).where(frame.head(n).notna(), None)
    summary = site.labels.format("data_preview", n=min(n, len(frame)), total=len(frame))
    body = html_table(list(frame.columns), head.itertuples(index=False))
    return f'<details class="qms-data"><summary>{esc(summary)}</summary>{body}</details>'


def _record_checkpoints(site: Site, uri: str, record: Evidence) -> str:
    labels, lines = site.labels, []
    for key, ids in (("satisfies", record.satisfies), ("used_by", site.used_by.get(record.id, []))):
        if ids:
            shown = ", ".join(
                f"{site.checkpoint_link(uri, c)} {badge(site, site.results[c]['status'])}"
                if c in site.results
                else text(c)
                for c in ids
            )
            lines.append(f"- {text(labels[key])}: {shown}")
    return join_blocks(heading(2, text(labels["checkpoints"]), "checkpoints"), "\n".join(lines)) if lines else ""
