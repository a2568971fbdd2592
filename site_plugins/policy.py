"""What the plugin adds to pages written by hand: the document control of a policy,
its revision history, clause anchors and badges, and `[[id]]` references."""

from __future__ import annotations

import re
from collections.abc import Callable

from checks.evaluating.doccontrol import next_review as checks_next_review
from checks.i18n import _
from checks.loading.clauses import parse_clauses
from checks.model import Policy

from .badges import linked_badge, status_badge, worst_shown
from .context import CHECKPOINTS_INDEX, SINGLE_PAGES, Site, clause_anchor
from .markup import UNSEARCHED, esc, html_cell, raw_table, text

# [[cp-internal-audit-yearly]] or [[cp-internal-audit-yearly|the yearly audit]]
REFERENCE = re.compile(r"(?<![\\\[])\[\[([A-Za-z0-9][A-Za-z0-9._-]*)(?:\|([^\]\n]+))?\]\]")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_ATTR_LIST = re.compile(r"\{[^}]*\}[ \t#]*$")


def mark_clauses(markdown: str) -> str:
    """Give every numbered heading a stable id: `## 7.3.1 内审要求 {#clause-7.3.1}`.

    The clause numbers and lines come from `checks.loading.clauses`, the same parser
    that defines what a clause is; a heading with its own attribute list is left alone.
    """
    lines = markdown.split("\n")
    clauses, _ = parse_clauses(markdown, first_line=0)
    for number, clause in clauses.items():
        line = lines[clause.line]
        if not _ATTR_LIST.search(line):
            lines[clause.line] = line.rstrip().rstrip("#").rstrip() + f" {{#{clause_anchor(number)}}}"
    return "\n".join(lines)


def _clause_href(site: Site, uri: str, ref: str, ids: list[str]) -> str | None:
    """The page of the checkpoint that decided the clause's badge (the worst status, the first
    id on a tie): following a badge lands on what needs attention, and that page lists the
    clause's other checkpoints."""
    results = [site.results[i] for i in ids if i in site.results]
    if results:
        status = worst_shown([r["status"] for r in results])
        chosen = next(r["id"] for r in results if r["status"] == status)
        if (target := site.target("checkpoint", chosen)) is not None:
            return site.href(uri, target)
    return _list_href(site, uri, ref)


def _list_href(site: Site, uri: str, clause_ref: str | None = None) -> str | None:
    if "traceability" in site.generate:
        return site.href(uri, site.trace_target(clause_ref) if clause_ref else (SINGLE_PAGES["traceability"], None))
    if "checkpoints" in site.generate:
        return site.href(uri, (CHECKPOINTS_INDEX, None))
    return None


def _group_badge(site: Site, ids: list[str], href: str | None, with_tip: bool = True) -> str:
    """One badge for several checkpoints: the worst of their statuses."""
    results = [site.results[i] for i in ids if i in site.results]
    if not results:
        return ""
    tip = "; ".join(f"{r['id']}: {site.labels.status(r['status'])}" for r in results) if with_tip else None
    badge = status_badge(worst_shown([r["status"] for r in results]), site.labels, tip)
    return linked_badge(badge, href) if href else badge


_CLAUSE_HEADING = re.compile(r'(<h([1-6]) id="clause-([^"]+)"[^>]*>)(.*?)(</h\2>)', re.S)


def clause_badges(html: str, site: Site, policy: Policy, uri: str) -> str:
    """Put a status badge in every clause heading that has checkpoints (before its permalink)."""

    def add_badge(match: re.Match[str]) -> str:
        ref = f"{policy.id}#{match.group(3)}"
        ids = site.by_clause.get(ref)
        badge = _group_badge(site, ids, _clause_href(site, uri, ref, ids)) if ids else ""
        if not badge:
            return match.group(0)
        inner = match.group(4)
        cut = inner.find('<a class="headerlink"')
        inner = f"{inner} {badge}" if cut < 0 else f"{inner[:cut]} {badge}{inner[cut:]}"
        return match.group(1) + inner + match.group(5)

    return _CLAUSE_HEADING.sub(add_badge, html)


def document_control(site: Site, policy: Policy, uri: str) -> str:
    labels = site.labels
    owner = site.manual.roles.get(policy.owner)
    owner_html = esc(owner.name if owner else policy.owner)
    if (target := site.target("role", policy.owner)) is not None:
        owner_html = f'<a href="{esc(site.href(uri, target))}">{owner_html}</a>'
    result = site.documents.get(policy.id)  # checks' review status of an effective document
    if result is not None:
        approver, next_review = result["approved_by"], result["next_review"]
    else:
        approved = [r for r in policy.revisions if r.approved_by]
        approver = approved[-1].approved_by if approved else None
        next_review = checks_next_review(policy, site.as_of)  # as checks would compute it
    ids = site.by_document.get(policy.id, [])
    compliance = _group_badge(site, ids, _list_href(site, uri), with_tip=False) or "—"
    cells = [
        ("doc_no", esc(policy.doc_no)),
        ("version", esc(policy.version)),
        ("doc_status", esc(labels[f"doc_status.{policy.status}"])),
        ("owner", owner_html),
        ("approved_by", esc(approver or "—")),
        ("effective", esc(policy.effective or "—")),
        ("next_review", esc(next_review or "—")),
    ]
    if result is not None:
        cells.append(("review", status_badge(result["status"], labels, result["reason"])))
    cells.append(("compliance", compliance))
    rows = "".join(
        "<tr>" + "".join(f"<th>{esc(labels[k])}</th><td>{v}</td>" for k, v in cells[i : i + 2]) + "</tr>"
        for i in range(0, len(cells), 2)
    )
    caption = f"<caption>{esc(labels['doc_control'])}</caption>"
    # Out of the search index, like the revision history: people search what the policy says.
    return f'<table class="qms-doc-control" {UNSEARCHED}>{caption}{rows}</table>'


def revision_history(site: Site, policy: Policy, uri: str, keep: Callable[[str], str] = str) -> str:
    if not policy.revisions:
        return ""
    labels = site.labels
    keys = ("version", "author", "rev_date", "reviewed_by", "reviewed", "approved_by", "approved", "change")
    fields = ("version", "author", "date", "reviewed_by", "reviewed", "approved_by", "approved", "change")
    pages = site.change_pages.get(policy.id, {})
    rows = []
    for revision in policy.revisions:
        row = [html_cell(getattr(revision, f) or "—") for f in fields]
        page = pages.get(revision.version)
        if page:
            row.append(site.html_link(uri, esc(labels["changes"]), (page, None)))
        elif revision.version in pages:
            row.append(f'<span class="qms-unavailable" title="{esc(labels["changes.unavailable"])}">—</span>')
        else:
            row.append("—")
        rows.append(row)
    headers = [esc(labels[k]) for k in keys] + [esc(labels["changes"])]
    title = f"## {text(labels['revisions'])} {{#qms-revisions {UNSEARCHED}}}"
    return title + "\n\n" + keep(raw_table(headers, rows, searched=False))


def decorate_policy(markdown: str, site: Site, policy: Policy, uri: str, keep: Callable[[str], str] = str) -> str:
    """Document control first (after an H1 if the page has one), revisions last. `keep`
    takes each raw HTML block of the decorations and gives what to write in its place
    (`rawhtml.RawBlocks.put`: a placeholder, since the text around them is written by hand)."""
    header = keep(document_control(site, policy, uri))
    lines = markdown.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and re.match(r"^#[ \t]", lines[first]):
        lines.insert(first + 1, f"\n{header}\n")
    else:
        lines.insert(0, f"{header}\n")
    return "\n".join(lines) + "\n\n" + revision_history(site, policy, uri, keep) + "\n"


def resolve_references(markdown: str, site: Site, uri: str, source: str, warn: Callable[[str], None]) -> str:
    """Turn `[[id]]` into a link to the object's page; an unknown id is a warning naming the file."""
    out, in_code = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
        if not in_code and "[[" in line:
            line = REFERENCE.sub(lambda m: _reference(m, site, uri, source, warn), line)
        out.append(line)
    return "\n".join(out)


def _reference(match: re.Match[str], site: Site, uri: str, source: str, warn: Callable[[str], None]) -> str:
    object_id, label = match.group(1), match.group(2)
    obj = site.manual.get(object_id)
    if obj is None:
        warn(_("{path}: reference [[{id}]] names no object of the manual").format(path=source, id=object_id))
        return match.group(0)
    target = site.target(obj.kind, object_id)
    return site.link(uri, text(label or object_id), target)
