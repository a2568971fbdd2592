"""`qms pack`: an auditor's bundle for one period, and its verification.

A pack holds:

- `manual.html`: the whole manual on one self-contained, printable page (cover,
  every policy with its document control and revision history, then the
  checkpoint results, document reviews, KPIs, nonconformities and evidence index);
- `results.json`: the canonical results document of the evaluation, unmodified;
- the source files it rests on, at their paths relative to the manual root: every
  evidence record the results used or dated within the period (with attachments
  and data files), the nonconformities and waivers behind them, and every policy;
- `manifest.json`: the sha256 and size of every other file, so `verify_pack`
  can tell whether anything was changed, removed or added since.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
import json
import mimetypes
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree as ET

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..evaluating.doccontrol import last_review, next_review, review_records
from ..evaluating.evaluate import evaluate
from ..evaluating.periods import Period, period_from_label
from ..loading.references import sha256_of
from ..model import Evidence, Manual, Nonconformity, Policy
from ..results import document_json, to_document

PACK_FORMAT = "quality-manual-pack/1"
MANIFEST = "manifest.json"
MANUAL_HTML = "manual.html"
RESULTS_JSON = "results.json"

_PERIOD = re.compile(r"^\d{4}(?:-(?:H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20
_MAX_INLINE_IMAGE = 5 << 20  # images a policy shows are embedded up to this size

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
AREAS = {
    "system": "System 体系",
    "resources": "Resources 资源",
    "technology": "Technology 技术",
    "process": "Process 过程",
    "people": "People 人员",
}


class PackError(Exception):
    """The pack cannot be built as asked (bad period, output in the way, ...); the message is for the user."""


@dataclass(frozen=True)
class PackSummary:
    path: Path
    period: str
    as_of: dt.date
    files: int  # files in the pack, manifest.json included
    records: int  # evidence records included
    by_status: dict[str, int] = field(hash=False)  # checkpoints by status
    ok: bool = True  # the evaluation's CI verdict
    skipped: tuple[str, ...] = ()  # files the manual names that could not be included, with why


# --------------------------------------------------------------------------- building


def build_pack(
    manual: Manual,
    period: str,
    output: Path,
    *,
    as_of: dt.date | None = None,
    generator: str = "quality-manual",
) -> PackSummary:
    """Evaluate the manual as of `as_of` (default: the period's last day) and write the pack.

    `output` ending in `.zip` gives a zip file, anything else a folder; neither
    may already hold anything. The pack appears in one rename, complete or not at all.
    """
    window = parse_period(period)
    as_of = as_of or window.end
    if as_of < window.start:
        raise PackError(f"as-of date {as_of} is before period {period} starts ({window.start})")
    output = Path(output).absolute()
    _check_output(manual, output)

    results = evaluate(manual, as_of)
    doc = to_document(results, generator)
    selection = _select(manual, doc, window, as_of)
    page = render_manual(manual, doc, period, window, as_of, selection, generator)

    entries: dict[str, Path | bytes] = {
        MANUAL_HTML: page.encode("utf-8"),
        RESULTS_JSON: document_json(doc),
    }
    entries.update(selection.files)
    head: dict[str, Any] = {
        "format": PACK_FORMAT,
        "period": period,
        "as_of": as_of.isoformat(),
        "generated_by": generator,
        "commit": doc["commit"],
    }

    if output.suffix.lower() == ".zip":
        count = _write_zip(output, entries, head, as_of)
    else:
        count = _write_folder(output, entries, head)
    return PackSummary(
        path=output,
        period=period,
        as_of=as_of,
        files=count,
        records=len(selection.records),
        by_status=dict(doc["summary"]["by_status"]),
        ok=bool(doc["summary"]["ok"]),
        skipped=tuple(selection.skipped),
    )


def parse_period(label: str) -> Period:
    """'2025', '2025-H1', '2025-Q3' or '2025-04' as a Period; anything else is a PackError."""
    if not isinstance(label, str) or not _PERIOD.match(label):
        raise PackError(f"period '{label}' is not a year (2025), half (2025-H1), quarter (2025-Q3) or month (2025-04)")
    return period_from_label(label)


def _check_output(manual: Manual, output: Path) -> None:
    exists = f"{output} already exists; the pack never overwrites anything"
    if output.is_symlink():
        raise PackError(exists)
    if output.suffix.lower() == ".zip":
        if output.exists():
            raise PackError(exists)
    elif output.exists():
        if not output.is_dir():
            raise PackError(exists)
        if any(output.iterdir()):
            raise PackError(f"{output} is not empty; choose a new or empty folder")
    where = output.parent.resolve() / output.name
    for source in (manual.policy_dir, manual.evidence_dir):
        folder = source.resolve()
        if where == folder or folder in where.parents:
            raise PackError(f"{output} is inside {source}: the pack's copies would be read as part of the manual")


def _write_folder(output: Path, entries: dict[str, Path | bytes], head: dict[str, Any]) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.pack-"))
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; the pack is for sharing

        @contextmanager
        def opener(name: str) -> Iterator[IO[bytes]]:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as handle:
                yield handle

        listed = _write_entries(opener, entries)
        with opener(MANIFEST) as handle:
            handle.write(_manifest_bytes(head, listed))
        if output.exists():
            output.rmdir()  # empty, checked before; the rename needs the name free
        os.rename(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(listed) + 1


def _write_zip(output: Path, entries: dict[str, Path | bytes], head: dict[str, Any], as_of: dt.date) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    stamp = (max(as_of.year, 1980), as_of.month, as_of.day, 0, 0, 0)  # reproducible: no wall-clock times
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:

            @contextmanager
            def opener(name: str) -> Iterator[IO[bytes]]:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with archive.open(info, "w", force_zip64=True) as handle:
                    yield handle

            listed = _write_entries(opener, entries)
            with opener(MANIFEST) as handle:
                handle.write(_manifest_bytes(head, listed))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the pack is for sharing
        _publish(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return len(listed) + 1


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _publish(tmp: str, output: Path) -> None:
    """Move the finished zip into place without replacing a file that appeared meanwhile."""
    try:
        os.link(tmp, output)
    except FileExistsError:
        raise PackError(f"{output} already exists; the pack never overwrites anything") from None
    except OSError:  # a file system without hard links
        if output.exists():
            raise PackError(f"{output} already exists; the pack never overwrites anything") from None
        os.replace(tmp, output)
        return
    os.unlink(tmp)


def _write_entries(
    opener: Callable[[str], AbstractContextManager[IO[bytes]]], entries: dict[str, Path | bytes]
) -> list[dict[str, Any]]:
    """Write every entry, hashing exactly the bytes written."""
    listed = []
    for name in sorted(entries):
        source = entries[name]
        digest, size = hashlib.sha256(), 0
        with opener(name) as handle, _open_source(source) as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        listed.append({"path": name, "sha256": digest.hexdigest(), "size": size})
    return listed


def _unlink(element: ET.Element) -> None:
    """Turn a link or image that leads outside the pack into plain, marked text."""
    element.tag = "span"
    element.attrib.clear()
    element.set("class", "ext-link")


def _open_source(source: Path | bytes) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def _manifest_bytes(head: dict[str, Any], listed: list[dict[str, Any]]) -> bytes:
    manifest = {**head, "files": sorted(listed, key=lambda f: f["path"])}
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- what goes in


@dataclass
class _Selection:
    records: list[Evidence] = field(default_factory=list)
    nonconformities: list[Nonconformity] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # path in the pack -> source file
    skipped: list[str] = field(default_factory=list)
    used_by: dict[str, list[str]] = field(default_factory=dict)  # record id -> checkpoint ids

    def add(self, path: Path, root: Path, what: str) -> str | None:
        """Include a file at its path relative to the manual root; None if it cannot be."""
        rel = _inside(path, root)
        if rel is None:
            self.skipped.append(f"{path}: {what} is outside the manual's folder")
            return None
        if rel in (MANIFEST, MANUAL_HTML, RESULTS_JSON):
            self.skipped.append(f"{rel}: {what} would clash with the pack's own file")
            return None
        if path.is_symlink() or not path.is_file():
            self.skipped.append(f"{rel}: {what} is missing or not a regular file")
            return None
        self.files[rel] = path
        return rel


def _inside(path: Path, root: Path) -> str | None:
    try:
        return Path(os.path.normpath(path)).relative_to(root).as_posix()
    except ValueError:
        return None


def _in_window(record: Evidence, window: Period) -> bool:
    if record.date is not None and window.contains(record.date):
        return True
    if record.period:
        try:
            labelled = period_from_label(record.period)
        except (ValueError, IndexError):
            return False
        return window.start <= labelled.start and labelled.end <= window.end
    return False


def _select(manual: Manual, doc: dict[str, Any], window: Period, as_of: dt.date) -> _Selection:
    selection = _Selection()
    root = manual.root
    wanted: set[str] = set()
    for result in doc["checkpoints"]:
        for ref in result["evidence"]:
            wanted.add(ref["id"])
            selection.used_by.setdefault(ref["id"], []).append(result["id"])
    for kpi in doc["kpis"]:
        for value in _kpi_values(kpi, window):
            if value.get("analysis"):
                wanted.add(value["analysis"])
    for record in manual.evidence.values():
        if record.date is not None and record.date <= as_of and _in_window(record, window):
            wanted.add(record.id)
    selection.records = sorted(
        (manual.evidence[i] for i in wanted if i in manual.evidence),
        key=lambda r: (r.date or dt.date.min, r.id),
    )
    for record in selection.records:
        selection.add(record.source.path, root, f"record {record.id}")
        for attachment in record.attachments:
            selection.add(attachment.resolved, root, f"attachment of {record.id}")
        for data in record.data_files:
            selection.add(data, root, f"data file of {record.id}")

    record_ids = {r.id for r in selection.records}
    selection.nonconformities = sorted(
        (
            nc
            for nc in manual.nonconformities.values()
            if nc.found_in in record_ids or (nc.due is not None and window.contains(nc.due))
        ),
        key=lambda nc: nc.id,
    )
    for nc in selection.nonconformities:
        selection.add(nc.source.path, root, f"nonconformity {nc.id}")
    for result in doc["checkpoints"]:
        if result["waiver"]:
            selection.add(root / result["waiver"]["path"], root, f"waiver {result['waiver']['id']}")
    for policy in manual.policies.values():
        selection.add(policy.source.path, root, f"policy {policy.id}")
    return selection


def _kpi_values(kpi: dict[str, Any], window: Period) -> list[dict[str, Any]]:
    """The KPI's values whose period overlaps the pack's period."""
    start, end = window.start.isoformat(), window.end.isoformat()
    return [v for v in kpi.get("values") or [] if v["start"] <= end and v["end"] >= start]


# --------------------------------------------------------------------------- manual.html


def _e(value: Any) -> str:
    """Any value from the manual, escaped for HTML; empty shows as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return html.escape(str(value), quote=True)


def _css_class(status: str) -> str:
    return "status-" + (re.sub(r"[^a-z0-9-]", "", status) or "unknown")


def badge(status: str, label: str | None = None) -> str:
    """A status as symbol + word inside a bordered badge (readable without colour)."""
    symbol = SYMBOLS.get(status, "•")
    text = f"{symbol} {status}" + (f" · {label}" if label else "")
    return f'<span class="badge {_css_class(status)}">{html.escape(text)}</span>'


def _href(rel: str) -> str:
    return html.escape(quote(rel, safe="/"), quote=True)


def _anchor(prefix: str, object_id: str) -> str:
    return f"{prefix}-{object_id}"


def _link(anchor: str, text: str) -> str:
    return f'<a href="#{html.escape(anchor, quote=True)}">{text}</a>'


def _table(headers: list[str], rows: list[str], caption: str | None = None, cls: str | None = None) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    cap = f"<caption>{caption}</caption>" if caption else ""
    klass = f' class="{cls}"' if cls else ""
    body = "\n".join(rows) if rows else f'<tr><td colspan="{len(headers)}">—</td></tr>'
    return f"<table{klass}>{cap}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def _row(cells: list[str], anchor: str | None = None) -> str:
    ident = f' id="{html.escape(anchor, quote=True)}"' if anchor else ""
    return f"<tr{ident}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _manual_name(manual: Manual) -> str:
    """The manual's name: the first heading of policy/index.md, else its policies' organisations."""
    for page in manual.pages:
        if page.rel == "policy/index.md" and page.body:
            for line in page.body.splitlines():
                if line.startswith("# "):
                    return line[2:].strip().rstrip("#").strip()
    names = _organisations(manual)
    return names[0] if names else "Quality manual 质量手册"


def _organisations(manual: Manual) -> list[str]:
    found = [p.data.get("organization") for p in sorted(manual.policies.values(), key=lambda p: p.id)]
    return list(dict.fromkeys(str(o) for o in found if o))


def _language(manual: Manual) -> str:
    text = " ".join(p.title for p in manual.policies.values()) + _manual_name(manual)
    return "zh-CN" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def _stylesheet() -> str:
    return resources.files("checks").joinpath("templates", "pack", "print.css").read_text("utf-8")


@dataclass
class _Context:
    manual: Manual
    doc: dict[str, Any]
    selection: _Selection
    anchors: dict[str, str] = field(default_factory=dict)  # object id -> element id in the page
    files: dict[str, str] = field(default_factory=dict)  # source rel path -> element id

    @classmethod
    def make(cls, manual: Manual, doc: dict[str, Any], selection: _Selection) -> _Context:
        ctx = cls(manual, doc, selection)
        for policy in manual.policies.values():
            ctx.anchors[policy.id] = _anchor("doc", policy.id)
            ctx.files[policy.source.rel] = _anchor("doc", policy.id)
        for result in doc["checkpoints"]:
            ctx.anchors[result["id"]] = _anchor("cp", result["id"])
            ctx.files[result["source"]["path"]] = _anchor("cp", result["id"])
        for kpi in doc["kpis"]:
            ctx.anchors[kpi["id"]] = _anchor("kpi", kpi["id"])
            ctx.files[kpi["path"]] = _anchor("kpi", kpi["id"])
        for record in selection.records:
            ctx.anchors[record.id] = _anchor("ev", record.id)
            ctx.files[record.source.rel] = _anchor("ev", record.id)
        for nc in selection.nonconformities:
            ctx.anchors[nc.id] = _anchor("nc", nc.id)
            ctx.files[nc.source.rel] = _anchor("nc", nc.id)
        return ctx

    def object_link(self, object_id: str, text: str | None = None) -> str:
        shown = _e(text or object_id)
        anchor = self.anchors.get(object_id)
        return _link(anchor, shown) if anchor else shown

    def clause_link(self, ref: str) -> str:
        doc_id, _, number = ref.partition("#")
        if self.manual.clause(ref) is not None:
            return _link(f"clause-{doc_id}-{number}", _e(ref))
        return _e(ref)

    def role(self, role_id: str | None) -> str:
        role = self.manual.roles.get(role_id or "")
        return _e(f"{role.name} ({role_id})" if role and role.name and role.name != role_id else role_id)


def render_manual(
    manual: Manual,
    doc: dict[str, Any],
    period: str,
    window: Period,
    as_of: dt.date,
    selection: _Selection,
    generator: str,
) -> str:
    """The whole manual as one self-contained printable HTML page."""
    ctx = _Context.make(manual, doc, selection)
    name = _manual_name(manual)
    policies = sorted(manual.policies.values(), key=lambda p: p.id)
    parts = [
        _cover(ctx, name, period, window, as_of, generator),
        _contents(policies, bool(selection.nonconformities)),
        *(_policy_section(ctx, policy, as_of) for policy in policies),
        _checkpoint_section(ctx),
        _document_section(ctx),
        _kpi_section(ctx, window),
    ]
    if selection.nonconformities:
        parts.append(_nonconformity_section(ctx))
    parts.append(_evidence_section(ctx))
    title = f"{name} — {period}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_language(manual)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{_e(generator)}">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_stylesheet()}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


def _counts_line(counts: dict[str, int]) -> str:
    shown = [f"{badge(status)} {n}" for status, n in counts.items() if n]
    return " &nbsp; ".join(shown) or "—"


def _cover(ctx: _Context, name: str, period: str, window: Period, as_of: dt.date, generator: str) -> str:
    doc = ctx.doc
    summary = doc["summary"]
    documents: dict[str, int] = {}
    for d in doc["documents"]:
        documents[d["status"]] = documents.get(d["status"], 0) + 1
    verdicts: dict[str, int] = {}
    for kpi in doc["kpis"]:
        for value in _kpi_values(kpi, window):
            verdicts[value["verdict"]] = verdicts.get(value["verdict"], 0) + 1
    failing = len(summary["failing"]) + len(summary["documents_failing"])
    verdict = badge("pass", "OK") if summary["ok"] else badge("fail", f"{failing} failing")
    organisations = "".join(f"<p>{_e(o)}</p>" for o in _organisations(ctx.manual))
    rows = [
        ("Period 期间", f"{_e(period)} ({window.start.isoformat()} – {window.end.isoformat()})"),
        ("As of 评价日期", as_of.isoformat()),
        ("Overall 总体结论", f'<span class="verdict">{verdict}</span>'),
        (f"Checkpoints 检查点 ({summary['total']})", _counts_line(summary["by_status"])),
        (f"Documents 文件复审 ({len(doc['documents'])})", _counts_line(documents)),
        ("KPI values 指标值", _counts_line(verdicts)),
        ("Evidence records 证据记录", str(len(ctx.selection.records))),
        ("Commit", f'<span class="mono">{_e(doc["commit"])}</span>'),
        ("Generated by 生成", _e(generator)),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        '<header class="cover" id="cover">\n'
        '<p class="kind">Audit pack 审核资料包</p>\n'
        f"<h1>{_e(name)}</h1>\n{organisations}\n"
        f'<table class="fields"><tbody>{table}</tbody></table>\n'
        '<p class="note">Statuses are shown as a symbol and a word: '
        + " ".join(badge(s) for s in ("pass", "fail", "missing", "stale", "due-soon", "waived", "error"))
        + ". The files this page cites are in the pack at the paths shown; "
        "manifest.json lists their sha256 digests.</p>\n</header>"
    )


def _contents(policies: list[Policy], with_ncs: bool) -> str:
    items = [_link(_anchor("doc", p.id), f"{_e(p.doc_no or p.id)} {_e(p.title)}") for p in policies]
    items += [
        _link("checkpoints", "Checkpoint results 检查点结果"),
        _link("documents", "Document review 文件复审"),
        _link("kpis", "KPIs 质量指标"),
    ]
    if with_ncs:
        items.append(_link("nonconformities", "Nonconformities 不符合项"))
    items.append(_link("evidence", "Evidence index 证据索引"))
    listed = "".join(f"<li>{i}</li>" for i in items)
    return f'<nav class="contents" id="contents">\n<h2>Contents 目录</h2>\n<ol>{listed}</ol>\n</nav>'


def _policy_section(ctx: _Context, policy: Policy, as_of: dt.date) -> str:
    approved = [r for r in policy.revisions if r.approved and r.approved <= as_of]
    last = approved[-1] if approved else None
    review = policy.review
    try:
        reviews = review_records(ctx.manual).get(policy.id, [])  # as the results document counts them
        previous, upcoming = last_review(policy, as_of, reviews), next_review(policy, as_of, reviews)
    except ValueError:  # an unreadable cycle; `qms validate` names it
        previous, upcoming = None, None
    status = _doc_status(ctx, policy.id)
    review_text = "—"
    if review is not None:
        review_text = f"cycle {_e(review.cycle)}; last {_e(previous)}; next {_e(upcoming)}"
        review_text += f" {badge(status)}" if status else ""
    control = [
        ("Document no. 文件编号", _e(policy.doc_no)),
        ("Version 版本", _e(policy.version)),
        ("Status 状态", _e(policy.status)),
        ("Owner 负责", ctx.role(policy.owner)),
        ("Effective 生效日期", _e(policy.effective)),
        ("Last approval 最近批准", f"{_e(last.version)} {_e(last.approved)} {_e(last.approved_by)}" if last else "—"),
        ("Review 复审", review_text),
        ("Source 源文件", f'<a href="{_href(policy.source.rel)}">{_e(policy.source.rel)}</a>'),
    ]
    organisation = policy.data.get("organization")
    if organisation:
        control.insert(0, ("Organisation 单位", _e(organisation)))
    fields = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in control)
    revisions = [
        _row(
            [
                _e(r.version),
                _e(r.author),
                _e(r.date),
                _e(r.reviewed_by),
                _e(r.reviewed),
                _e(r.approved_by),
                _e(r.approved),
                _e(r.change),
            ]
        )
        for r in policy.revisions
    ]
    history = _table(
        [
            "Version 版本",
            "Author 编制",
            "Date 日期",
            "Reviewed by 审核",
            "Reviewed 日期",
            "Approved by 批准",
            "Approved 日期",
            "Change 变更",
        ],
        revisions,
        caption="Revision history 文件编制和变更履历",
    )
    body = render_policy_body(ctx, policy)
    return (
        f'<section class="policy" id="{_anchor("doc", policy.id)}">\n'
        f"<h1>{_e(policy.title)}</h1>\n"
        f'<table class="fields"><caption>Document control 文件控制</caption><tbody>{fields}</tbody></table>\n'
        f"{history}\n"
        f'<div class="policy-body">\n{body}\n</div>\n</section>'
    )


def _doc_status(ctx: _Context, policy_id: str) -> str | None:
    return next((d["status"] for d in ctx.doc["documents"] if d["id"] == policy_id), None)


# [[cp-internal-audit-yearly]] or [[cp-internal-audit-yearly|the yearly audit]], as on the site
_REFERENCE = re.compile(r"(?<![\\\[])\[\[([A-Za-z0-9][A-Za-z0-9._-]*)(?:\|([^\]\n]+))?\]\]")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_CLAUSE_TEXT = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s|$)")


def render_policy_body(ctx: _Context, policy: Policy) -> str:
    """The policy's Markdown as HTML: raw HTML stays text, links stay inside the pack."""
    lines, in_code = [], False
    for line in (policy.source.body or "").split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
        if not in_code and "[[" in line:
            line = _REFERENCE.sub(lambda m: _reference(ctx, m), line)
        lines.append(line)
    converter = markdown.Markdown(
        extensions=["tables", "fenced_code", "attr_list", "admonition", _PackExtension(ctx, policy)],
        output_format="html",
    )
    return str(converter.convert("\n".join(lines)))


def _reference(ctx: _Context, match: re.Match[str]) -> str:
    object_id, label = match.group(1), match.group(2)
    anchor = ctx.anchors.get(object_id)
    if anchor is None:
        return match.group(0)
    return f"[{label or object_id}](#{anchor})"


class _PackExtension(Extension):
    def __init__(self, ctx: _Context, policy: Policy) -> None:
        self.ctx = ctx
        self.policy = policy
        super().__init__()

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")  # raw HTML is shown as text, never run
        md.inlinePatterns.deregister("html")
        # After attr_list (8): nothing may add an attribute once this has checked them.
        md.treeprocessors.register(_PackLinks(md, self.ctx, self.policy), "qms_pack_links", 7)


class _PackLinks(Treeprocessor):
    """Clause anchors and badges on headings; links and images kept inside the pack."""

    def __init__(self, md: markdown.Markdown, ctx: _Context, policy: Policy) -> None:
        super().__init__(md)
        self.ctx = ctx
        self.policy = policy
        self.folder = posixpath.dirname(policy.source.rel)

    def run(self, root: ET.Element) -> None:
        for element in list(root.iter()):
            for name in [a for a in element.attrib if a.lower().startswith("on") or a.lower() == "style"]:
                del element.attrib[name]
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._heading(element)
            elif element.tag == "a":
                self._link(element)
            elif element.tag == "img":
                self._image(element)
            else:
                for name in ("src", "href", "srcset", "poster", "data"):
                    element.attrib.pop(name, None)

    def _heading(self, element: ET.Element) -> None:
        match = _CLAUSE_TEXT.match("".join(element.itertext()).strip())
        if not match or match.group(1) not in self.policy.clauses:
            return
        number = match.group(1)
        element.set("id", f"clause-{self.policy.id}-{number}")
        ref = f"{self.policy.id}#{number}"
        results = [r for r in self.ctx.doc["checkpoints"] if r["clause"] == ref]
        if not results:
            return
        holder = ET.SubElement(element, "span", {"class": "clause-status"})
        for result in results:
            link = ET.SubElement(holder, "a", {"href": f"#{_anchor('cp', result['id'])}"})
            mark = ET.SubElement(link, "span", {"class": f"badge {_css_class(result['status'])}"})
            mark.text = f"{SYMBOLS.get(result['status'], '•')} {result['status']} · {result['id']}"
            link.tail = " "

    def _target(self, url: str) -> tuple[str | None, str]:
        """(the in-pack href for a link, its fragment); None when it leads outside the pack."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("//"):
            return None, parts.fragment
        fragment = parts.fragment
        if not parts.path:
            if fragment in self.ctx.anchors.values():  # e.g. [[cp-id]]: a row of this page
                return f"#{fragment}", fragment
            return self._fragment(self.policy.id, fragment), fragment
        rel = posixpath.normpath(posixpath.join(self.folder, unquote(parts.path)))
        if rel.startswith("../") or rel == "..":
            return None, fragment
        for policy in self.ctx.manual.policies.values():
            if policy.source.rel == rel:
                return self._fragment(policy.id, fragment), fragment
        if rel in self.ctx.files:
            return f"#{self.ctx.files[rel]}", fragment
        if rel in self.ctx.selection.files:
            return quote(rel, safe="/") + (f"#{quote(fragment)}" if fragment else ""), fragment
        return None, fragment

    @staticmethod
    def _fragment(policy_id: str, fragment: str) -> str:
        if fragment.startswith("clause-"):
            return f"#clause-{policy_id}-{fragment[len('clause-') :]}"
        return f"#{_anchor('doc', policy_id)}"

    def _link(self, element: ET.Element) -> None:
        url = element.get("href", "")
        target, _ = self._target(url)
        if target is not None:
            element.set("href", target)
            return
        # Outside the pack: keep the words (and the address, for the reader), drop the link.
        _unlink(element)
        label = "".join(element.itertext()).strip()
        if url and not url.startswith("#") and url != label and "\x02" not in url:
            suffix = f" ({url})"
            if len(element):
                last = element[-1]
                last.tail = (last.tail or "") + suffix
            else:
                element.text = (element.text or "") + suffix

    def _image(self, element: ET.Element) -> None:
        src = element.get("src", "")
        alt = element.get("alt", "")
        embedded = self._embed(src)
        if embedded is not None:
            element.set("src", embedded)
            return
        _unlink(element)
        element.text = f"[{alt or 'image'}: {src}]"

    def _embed(self, src: str) -> str | None:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        rel = posixpath.normpath(posixpath.join(self.folder, unquote(parts.path)))
        root = self.ctx.manual.root
        path = root / rel
        if rel.startswith("..") or _inside(path, root) is None or path.is_symlink() or not path.is_file():
            return None
        mime = mimetypes.guess_type(path.name)[0] or ""
        if not mime.startswith("image/") or path.stat().st_size > _MAX_INLINE_IMAGE:
            return None
        return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _checkpoint_section(ctx: _Context) -> str:
    rows = []
    for r in ctx.doc["checkpoints"]:
        evidence = [ctx.object_link(e["id"]) + (" (suspect)" if e["id"] in r["suspect"] else "") for e in r["evidence"]]
        reason = _e(r["reason"])
        if r["waiver"]:
            w = r["waiver"]
            reason += (
                f"<br><span class='note'>waiver {_e(w['id'])}: {_e(w['reason'])} "
                f"({_e(w['approved_by'])}, {_e(w['granted'])} – {_e(w['expires'])})</span>"
            )
        for warning in r["warnings"]:
            reason += f"<br><span class='note'>warning: {_e(warning)}</span>"
        rows.append(
            _row(
                [
                    f'<span class="mono">{_e(r["id"])}</span>',
                    _e(r["title"]),
                    ctx.clause_link(r["clause"]),
                    _e(AREAS.get(r["area"], r["area"])),
                    ctx.role(r["owner"]),
                    badge(r["status"]),
                    reason,
                    ", ".join(evidence) or "—",
                ],
                _anchor("cp", r["id"]),
            )
        )
    summary = ctx.doc["summary"]
    return (
        '<section class="appendix" id="checkpoints">\n<h1>Checkpoint results 检查点结果</h1>\n'
        f"<p>As of {_e(ctx.doc['as_of'])}: {summary['total']} checkpoints — {_counts_line(summary['by_status'])}. "
        "Waived checkpoints are not counted as passes.</p>\n"
        + _table(
            [
                "ID",
                "Title 检查点",
                "Clause 条款",
                "Area 域",
                "Owner 负责",
                "Status 状态",
                "Reason 说明",
                "Evidence 证据",
            ],
            rows,
        )
        + "\n</section>"
    )


def _document_section(ctx: _Context) -> str:
    rows = [
        _row(
            [
                ctx.object_link(d["id"]),
                _e(d["title"]),
                _e(d["version"]),
                badge(d["status"]),
                _e(d["last_review"]),
                _e(d["next_review"]),
                f"{_e(d['approved'])} {_e(d['approved_by'])}" if d["approved"] else "—",
                _e(d["reason"]),
            ],
            _anchor("review", d["id"]),
        )
        for d in ctx.doc["documents"]
    ]
    return (
        '<section class="appendix" id="documents">\n<h1>Document review 文件复审</h1>\n'
        + _table(
            [
                "Document 文件",
                "Title 名称",
                "Version 版本",
                "Status 状态",
                "Last review 上次复审",
                "Next review 下次复审",
                "Approved 批准",
                "Reason 说明",
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
        return _e(f"{shown} {unit}".strip())
    return _e(value)


def _kpi_section(ctx: _Context, window: Period) -> str:
    rows = []
    for kpi in ctx.doc["kpis"]:
        name = f'<span class="mono">{_e(kpi["id"])}</span><br>{_e(kpi["title"])}'
        target = _e(kpi["target"] or "monitored 仅监测")
        if kpi.get("error"):
            rows.append(_row([name, "—", "—", target, badge("error"), _e(kpi["error"])], _anchor("kpi", kpi["id"])))
            continue
        values = _kpi_values(kpi, window)
        if not values:
            rows.append(_row([name, "—", "—", target, badge("no-data"), "—"], _anchor("kpi", kpi["id"])))
            continue
        for index, value in enumerate(values):
            label = _e(value["period"]) + (" (so far 截至评价日)" if value.get("partial") else "")
            ratio = (
                "—"
                if value.get("numerator") is None
                else f"{_number(value['numerator'])} / {_number(value.get('denominator'))}"
            )
            if value.get("analysis"):
                ratio += f"<br>analysis: {ctx.object_link(value['analysis'])}"
            rows.append(
                _row(
                    [
                        name if index == 0 else "",
                        label,
                        _number(value["value"], kpi.get("unit") or ""),
                        target,
                        badge(value["verdict"]),
                        ratio,
                    ],
                    _anchor("kpi", kpi["id"]) if index == 0 else None,
                )
            )
    return (
        '<section class="appendix" id="kpis">\n<h1>KPIs 质量指标</h1>\n'
        "<p>Values of the periods that overlap the pack's period, as of the evaluation date.</p>\n"
        + _table(
            [
                "KPI 指标",
                "Period 期间",
                "Value 值",
                "Target 目标",
                "Verdict 结论",
                "Numerator / denominator 分子/分母",
            ],
            rows,
        )
        + "\n</section>"
    )


def _nonconformity_section(ctx: _Context) -> str:
    rows = [
        _row(
            [
                f'<a href="{_href(nc.source.rel)}" class="mono">{_e(nc.id)}</a>',
                _e(nc.title),
                ctx.clause_link(nc.clause) if nc.clause else "—",
                ctx.object_link(nc.found_in) if nc.found_in else "—",
                ctx.role(nc.owner),
                _e(nc.due),
                _e(nc.status),
                _e(nc.closed),
                f"{_e(nc.verified)} {_e(nc.verified_by)}" if nc.verified or nc.verified_by else "—",
            ],
            _anchor("nc", nc.id),
        )
        for nc in ctx.selection.nonconformities
    ]
    return (
        '<section class="appendix" id="nonconformities">\n<h1>Nonconformities 不符合项</h1>\n'
        + _table(
            [
                "ID",
                "Title 标题",
                "Clause 条款",
                "Found in 来源",
                "Owner 负责",
                "Due 期限",
                "Status 状态",
                "Closed 关闭",
                "Verified 验证",
            ],
            rows,
        )
        + "\n</section>"
    )


def _evidence_section(ctx: _Context) -> str:
    root = ctx.manual.root
    rows = []
    for record in ctx.selection.records:
        files = []
        for attachment in record.attachments:
            rel = _inside(attachment.resolved, root) or attachment.path
            files.append(
                f'<a href="{_href(rel)}">{_e(rel)}</a><br><span class="mono sha">sha256 {_e(attachment.sha256)}</span>'
            )
        attached = {a.resolved for a in record.attachments}
        for data in record.data_files:
            if data in attached:
                continue  # listed above with its declared digest
            rel = _inside(data, root) or str(data)
            digest = sha256_of(data) if rel in ctx.selection.files else None
            files.append(
                f'<a href="{_href(rel)}">{_e(rel)}</a> (data)'
                + (f'<br><span class="mono sha">sha256 {digest}</span>' if digest else "")
            )
        used = [ctx.object_link(cp) for cp in ctx.selection.used_by.get(record.id, [])]
        date = _e(record.date) + (f"<br>{_e(record.period)}" if record.period else "")
        rows.append(
            _row(
                [
                    f'<a href="{_href(record.source.rel)}" class="mono">{_e(record.id)}</a>',
                    _e(record.title),
                    _e(record.type),
                    date,
                    ctx.role(record.owner),
                    _e(record.approved_by),
                    "<br>".join(files) or "—",
                    ", ".join(used) or "—",
                ],
                _anchor("ev", record.id),
            )
        )
    return (
        '<section class="appendix" id="evidence">\n<h1>Evidence index 证据索引</h1>\n'
        "<p>Every record the results used or dated within the period. Each file is in the pack at the path shown.</p>\n"
        + _table(
            [
                "ID",
                "Title 标题",
                "Type 类型",
                "Date 日期",
                "Owner 负责",
                "Approved by 批准",
                "Attachments 附件",
                "Checkpoints 检查点",
            ],
            rows,
        )
        + "\n</section>"
    )


# --------------------------------------------------------------------------- verifying


class _Reader:
    """The files of a pack, as a folder or a zip."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def digest(self, name: str) -> tuple[str, int]:
        raise NotImplementedError


class _FolderReader(_Reader):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []

    def names(self) -> list[str]:
        found = []
        for folder, dirs, files in os.walk(self.root):
            for name in sorted(dirs + files):
                path = Path(folder) / name
                rel = path.relative_to(self.root).as_posix()
                if path.is_symlink():
                    self.problems.append(f"{rel}: a symbolic link, not a file of the pack")
                elif name in files:
                    found.append(rel)
        return sorted(found)

    def _path(self, name: str) -> Path:
        path = self.root / name
        if path.is_symlink() or not path.is_file():
            raise FileNotFoundError(name)
        return path

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def digest(self, name: str) -> tuple[str, int]:
        path = self._path(name)
        return sha256_of(path), path.stat().st_size


class _ZipReader(_Reader):
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.problems: list[str] = []

    def names(self) -> list[str]:
        names = [n for n in self.archive.namelist() if not n.endswith("/")]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self.problems.append(f"{name}: appears more than once in the zip")
            seen.add(name)
        return sorted(seen)

    def read(self, name: str) -> bytes:
        return self.archive.read(name)

    def digest(self, name: str) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with self.archive.open(name) as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size


def verify_pack(path: Path) -> list[str]:
    """Problems that show the pack differs from its manifest; an empty list means it is intact.

    Never raises for a damaged pack: an unreadable zip or manifest is a problem too.
    """
    path = Path(path)
    if path.is_dir():
        folder = _FolderReader(path)
        return _verify(folder, folder.problems)
    if not path.is_file():
        return [f"{path}: no such pack (neither a folder nor a zip file)"]
    try:
        with zipfile.ZipFile(path) as archive:
            zipped = _ZipReader(archive)
            return _verify(zipped, zipped.problems)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return [f"{path}: not a readable zip file ({exc})"]


def _verify(reader: _Reader, problems: list[str]) -> list[str]:
    names = reader.names()
    if MANIFEST not in names:
        return [*problems, f"{MANIFEST}: missing, so nothing in the pack can be verified"]
    try:
        manifest = json.loads(reader.read(MANIFEST).decode("utf-8"))
    except Exception as exc:  # a damaged manifest is a finding, never a crash
        return [*problems, f"{MANIFEST}: unreadable ({type(exc).__name__}: {exc})"]
    listed, manifest_problems = _manifest_files(manifest)
    problems += manifest_problems
    present = set(names)
    for name, (sha256, size) in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name}: missing (listed in {MANIFEST})")
            continue
        try:
            actual_sha, actual_size = reader.digest(name)
        except Exception as exc:  # a corrupt zip member, an unreadable file
            problems.append(f"{name}: unreadable ({type(exc).__name__}: {exc})")
            continue
        if actual_size != size:
            problems.append(f"{name}: size {actual_size} differs from the {size} bytes in {MANIFEST}")
        if actual_sha != sha256:
            problems.append(f"{name}: sha256 {actual_sha} differs from {sha256} in {MANIFEST}")
    for name in names:
        if name != MANIFEST and name not in listed:
            problems.append(f"{name}: not listed in {MANIFEST}")
    return problems


def _manifest_files(manifest: Any) -> tuple[dict[str, tuple[str, int]], list[str]]:
    problems: list[str] = []
    listed: dict[str, tuple[str, int]] = {}
    if not isinstance(manifest, dict):
        return listed, [f"{MANIFEST}: not a JSON object"]
    if manifest.get("format") != PACK_FORMAT:
        problems.append(f"{MANIFEST}: format is {manifest.get('format')!r}, expected {PACK_FORMAT!r}")
    files = manifest.get("files")
    if not isinstance(files, list):
        return listed, [*problems, f"{MANIFEST}: files: not a list"]
    for index, entry in enumerate(files):
        where = f"{MANIFEST}: files[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        name, sha256, size = entry.get("path"), entry.get("sha256"), entry.get("size")
        if not isinstance(name, str) or not _safe(name):
            problems.append(f"{where}.path: {name!r} is not a relative path inside the pack")
        elif not isinstance(sha256, str) or not _SHA256.match(sha256):
            problems.append(f"{where}.sha256: {sha256!r} is not a sha256 digest")
        elif not isinstance(size, int) or isinstance(size, bool) or size < 0:
            problems.append(f"{where}.size: {size!r} is not a size in bytes")
        elif name in listed:
            problems.append(f"{where}.path: {name} is listed twice")
        elif name == MANIFEST:
            problems.append(f"{where}.path: {MANIFEST} cannot list itself")
        else:
            listed[name] = (sha256, size)
    return listed, problems


def _safe(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name and "\x00" not in name
