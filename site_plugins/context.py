"""What every generated page needs: the results document, the manual, the labels,
indexes by id (built once per build) and where each object's page lives."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from checks import Manual
from checks.loading.data import DataCache

from .labels import Labels
from .markup import esc, md_link, natural_key, text

# Where the generated pages live, by what they show (docs-relative src_uri).
CHECKPOINTS_INDEX = "checkpoints/index.md"
EVIDENCE_INDEX = "evidence/index.md"
ROLES_INDEX = "roles/index.md"
POLICIES_INDEX = "policies.md"  # the register of the policies, which the navigation lists instead of them
SINGLE_PAGES = {
    "kpis": "kpis.md",
    "plan": "plan.md",
    "nonconformities": "nonconformities.md",
    "traceability": "traceability.md",
    "raci": "raci.md",
}

# Lists of every checkpoint are split over pages of `page_rows` rows, so that no page grows with
# the manual: the first page is the one above, the others are numbered in a folder of their own.
LIST_PAGES = {
    "checkpoints": (CHECKPOINTS_INDEX, "checkpoints/all"),
    "traceability": (SINGLE_PAGES["traceability"], "traceability"),
    "uncovered": ("traceability/uncovered.md", "traceability/uncovered"),
}

Target = tuple[str, str | None]  # (src_uri, anchor)


@dataclass
class Site:
    manual: Manual
    doc: dict[str, Any]  # the canonical results document
    labels: Labels
    docs_dir: Path
    generate: frozenset[str]
    due_days: int = 60
    data_preview_rows: int = 10
    use_directory_urls: bool = True
    page_rows: int = 150  # rows per page of the checkpoint index and the traceability matrix
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    used_by: dict[str, list[str]] = field(default_factory=dict)  # evidence id -> checkpoint ids
    by_clause: dict[str, list[str]] = field(default_factory=dict)  # 'DOC#7.3.1' -> checkpoint ids
    by_document: dict[str, list[str]] = field(default_factory=dict)  # 'DOC' -> checkpoint ids of its clauses
    plan_refs: dict[str, list[str]] = field(default_factory=dict)  # 'PLAN#row' -> checkpoint ids
    declared_by: dict[str, list[str]] = field(default_factory=dict)  # checkpoint id -> evidence ids (satisfies)
    suspect_for: dict[str, list[str]] = field(default_factory=dict)  # evidence id -> checkpoints to re-confirm
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # policy id -> its document-control result
    owned: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # role -> 'checkpoints'/'kpis'/'plan'
    policy_uris: dict[str, str] = field(default_factory=dict)
    # policy id -> version -> its changes page, or None when git holds no text of the version before
    change_pages: dict[str, dict[str, str | None]] = field(default_factory=dict)
    data: DataCache = field(default_factory=DataCache)  # the data files the evaluation read
    evidence_uris: dict[str, str] = field(default_factory=dict)  # record id -> the page of its type and year
    evidence_groups: dict[str, list[str]] = field(default_factory=dict)  # that page -> its record ids, by date
    # The rows of the traceability matrix: (clause ref, checkpoint id, or None for a clause no
    # checkpoint checks), and those clauses, in the policies' order.
    trace_order: list[tuple[str, str | None]] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    trace_uris: dict[str, str] = field(default_factory=dict)  # clause ref -> the matrix page of its first row
    _urls: dict[str, str] = field(default_factory=dict)  # src_uri -> its URL in the site

    @classmethod
    def build(cls, manual: Manual, doc: dict[str, Any], labels: Labels, docs_dir: Path, **options: Any) -> Site:
        site = cls(manual, doc, labels, docs_dir.resolve(), **options)
        site.results = {r["id"]: r for r in doc["checkpoints"]}
        site.documents = {d["id"]: d for d in doc.get("documents", [])}
        used: dict[str, list[str]] = defaultdict(list)
        suspect: dict[str, list[str]] = defaultdict(list)
        for result in doc["checkpoints"]:
            for record in result["evidence"]:
                used[record["id"]].append(result["id"])
            for record_id in result.get("suspect", []):
                suspect[record_id].append(result["id"])
        site.used_by, site.suspect_for = dict(used), dict(suspect)
        declared: dict[str, list[str]] = defaultdict(list)
        for record in sorted(manual.evidence.values(), key=lambda r: r.id):
            for cp_id in record.satisfies:
                declared[cp_id].append(record.id)
        site.declared_by = dict(declared)
        owned: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for result in doc["checkpoints"]:
            owned[result["owner"]]["checkpoints"].append(result)
        for kpi in doc["kpis"]:
            owned[kpi["owner"]]["kpis"].append(kpi)
        for plan in sorted(manual.plans.values(), key=lambda p: p.id):
            for row in plan.schedule:
                owned[row.owner]["plan"].append((plan, row))
        site.owned = owned
        clauses: dict[str, list[str]] = defaultdict(list)
        plan_refs: dict[str, list[str]] = defaultdict(list)
        for cp in manual.checkpoints.values():
            clauses[cp.clause].append(cp.id)
            for rule in cp.requires:
                if isinstance(rule.due, str) and "#" in rule.due:
                    plan_refs[rule.due].append(cp.id)
        site.by_clause = {k: sorted(set(v)) for k, v in clauses.items()}
        by_document: dict[str, list[str]] = defaultdict(list)
        for ref, ids in site.by_clause.items():
            by_document[ref.partition("#")[0]] += ids
        site.by_document = dict(by_document)
        site.plan_refs = {k: sorted(set(v)) for k, v in plan_refs.items()}
        for policy in manual.policies.values():
            uri = _docs_uri(policy.source.path, site.docs_dir)
            if uri is not None:
                site.policy_uris[policy.id] = uri
        groups: dict[str, list[str]] = defaultdict(list)
        for record in sorted(manual.evidence.values(), key=lambda r: (r.date or dt.date.min, r.id)):
            uri = site.evidence_uris[record.id] = records_uri(record.type, record.date)
            groups[uri].append(record.id)
        site.evidence_groups = dict(groups)
        site.trace_order = _trace_rows(manual, doc["checkpoints"])
        site.uncovered = [ref for ref, cp_id in site.trace_order if cp_id is None]
        for n, (ref, _cp_id) in enumerate(site.trace_order):
            site.trace_uris.setdefault(ref, site.list_page("traceability", n // site.page_rows + 1))
        return site

    def list_count(self, kind: str) -> int:
        """The pages a list (`LIST_PAGES`) is split over."""
        rows = {"checkpoints": self.results, "traceability": self.trace_order, "uncovered": self.uncovered}[kind]
        return max(1, -(-len(rows) // self.page_rows))

    def list_page(self, kind: str, number: int) -> str:
        """The src_uri of page `number` (from 1) of a list of every checkpoint (`LIST_PAGES`)."""
        first, folder = LIST_PAGES[kind]
        return first if number == 1 else f"{folder}/{number}.md"

    def trace_target(self, clause_ref: str) -> Target:
        """The first row of a clause in the traceability matrix."""
        return self.trace_uris.get(clause_ref, SINGLE_PAGES["traceability"]), trace_anchor(clause_ref)

    @property
    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(self.doc["as_of"])

    # --- where things are -----------------------------------------------------------

    def target(self, kind: str, object_id: str) -> Target | None:
        """The page (and anchor) that shows an object, or None when no page shows it."""
        m, on = self.manual, self.generate
        if kind == "checkpoint" and "checkpoints" in on and object_id in m.checkpoints:
            return f"checkpoints/{object_id}.md", None
        if kind == "evidence" and "evidence" in on and object_id in m.evidence:
            return self.evidence_uris[object_id], object_id
        if kind == "role" and "roles" in on and object_id in m.roles:
            return f"roles/{object_id}.md", None
        if kind == "kpi" and "kpis" in on and object_id in m.kpis:
            return SINGLE_PAGES["kpis"], f"kpi-{object_id}"
        if kind == "plan" and "plan" in on and object_id in m.plans:
            return SINGLE_PAGES["plan"], f"plan-{object_id}"
        if kind == "nonconformity" and "nonconformities" in on and object_id in m.nonconformities:
            return SINGLE_PAGES["nonconformities"], f"nc-{object_id}"
        if kind == "evidence-type" and "evidence" in on and object_id in m.evidence_types:
            return EVIDENCE_INDEX, f"type-{object_id}"
        if kind == "policy" and object_id in self.policy_uris:
            return self.policy_uris[object_id], None
        if kind == "waiver" and object_id in m.waivers:
            return self.target("checkpoint", m.waivers[object_id].checkpoint)
        return None

    def plan_row_target(self, plan_id: str, row_id: str) -> Target | None:
        return (SINGLE_PAGES["plan"], f"plan-{plan_id}-{row_id}") if "plan" in self.generate else None

    def clause_target(self, ref: str) -> Target | None:
        doc_id, _, number = ref.partition("#")
        uri = self.policy_uris.get(doc_id)
        return (uri, clause_anchor(number)) if uri and number else None

    def link(self, from_uri: str, label_md: str, target: Target | None) -> str:
        """A Markdown link, or the bare label when there is no page to link to."""
        if target is None:
            return label_md
        uri, anchor = target
        if uri == from_uri and anchor:
            return f"[{label_md}](#{anchor})"
        return md_link(label_md, from_uri, uri, anchor)

    def href(self, from_uri: str, target: Target) -> str:
        """The relative URL of a target, for raw HTML (where MkDocs does not rewrite links)."""
        uri, anchor = target
        url = get_relative_url(self._url(uri), self._url(from_uri)) if uri != from_uri else ""
        return url + (f"#{anchor}" if anchor else "")

    def html_link(self, from_uri: str, label_html: str, target: Target | None) -> str:
        """`link` for raw HTML: an <a> element, or the bare label when there is no page."""
        if target is None:
            return label_html
        return f'<a href="{esc(self.href(from_uri, target))}">{label_html}</a>'

    def _url(self, src_uri: str) -> str:
        # A page links to hundreds of records: MkDocs' File works the URL out anew each time.
        url = self._urls.get(src_uri)
        if url is None:
            url = self._urls[src_uri] = File(src_uri, None, "", self.use_directory_urls).url
        return url

    # --- links with their usual labels -------------------------------------------------

    def checkpoint_link(self, from_uri: str, cp_id: str) -> str:
        return self.link(from_uri, text(cp_id), self.target("checkpoint", cp_id))

    def evidence_link(self, from_uri: str, record_id: str) -> str:
        return self.link(from_uri, text(record_id), self.target("evidence", record_id))

    def checkpoint_html(self, from_uri: str, cp_id: str) -> str:
        """`checkpoint_link` for raw HTML."""
        return self.html_link(from_uri, esc(cp_id), self.target("checkpoint", cp_id))

    def role_html(self, from_uri: str, role_id: str) -> str:
        """`role_link` for raw HTML."""
        role = self.manual.roles.get(role_id)
        return self.html_link(from_uri, esc(role.name if role else role_id), self.target("role", role_id))

    def evidence_html(self, from_uri: str, record_id: str) -> str:
        """`evidence_link` for raw HTML: the record's id linking to its section."""
        return self.html_link(from_uri, esc(record_id), self.target("evidence", record_id))

    def role_link(self, from_uri: str, role_id: str | None) -> str:
        if not role_id:
            return "—"
        role = self.manual.roles.get(role_id)
        return self.link(from_uri, text(role.name if role else role_id), self.target("role", role_id))

    def kpi_link(self, from_uri: str, kpi_id: str) -> str:
        kpi = self.manual.kpis.get(kpi_id)
        return self.link(from_uri, text(kpi.title if kpi else kpi_id), self.target("kpi", kpi_id))

    def type_link(self, from_uri: str, type_id: str) -> str:
        etype = self.manual.evidence_types.get(type_id)
        label = text(etype.title) if etype else text(type_id)
        if self.labels.code == "zh":
            label = f"《{label}》"
        return self.link(from_uri, label, self.target("evidence-type", type_id))

    def clause_link(self, from_uri: str, ref: str | None, with_title: bool = False) -> str:
        if not ref:
            return "—"
        return self.link(from_uri, text(self.clause_label(ref, with_title)), self.clause_target(ref))

    def clause_label(self, ref: str, with_title: bool = True) -> str:
        """'QP-01 7.3.1 内审要求' for 'QP-01#7.3.1' (plain text)."""
        doc_id, _, number = ref.partition("#")
        clause = self.manual.clause(ref)
        label = f"{doc_id} {number}"
        if with_title and clause is not None and clause.title:
            label += f" {clause.title}"
        return label


def records_uri(type_id: str, day: dt.date | None) -> str:
    """The page of the records of one type and year: an auditor reads them together, and
    the page's weight does not grow with the number of years or types."""
    return f"evidence/{day.year if day else 'undated'}/{type_id}.md"


def _clause_key(ref: str) -> tuple[Any, ...]:
    doc_id, _, number = ref.partition("#")
    return (doc_id, natural_key(number))


def _trace_rows(manual: Manual, results: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Every clause of every policy in order, with a row for each checkpoint that checks it,
    or one row (None) when none does; a checkpoint's clause that is no heading of a policy
    (which validation reports) comes after them."""
    checked: dict[str, list[str]] = defaultdict(list)
    for result in sorted(results, key=lambda r: (_clause_key(r["clause"]), r["id"])):
        checked[result["clause"]].append(result["id"])
    refs = [f"{p.id}#{n}" for p in sorted(manual.policies.values(), key=lambda p: p.id) for n in p.clauses]
    refs.sort(key=_clause_key)
    known = set(refs)
    refs += sorted((ref for ref in checked if ref not in known), key=_clause_key)
    unchecked: list[str | None] = [None]
    return [(ref, cp_id) for ref in refs for cp_id in checked.get(ref) or unchecked]


def clause_anchor(number: str) -> str:
    """The id of a clause heading on its policy page: '7.3.1' -> 'clause-7.3.1'."""
    return f"clause-{number}"


def trace_anchor(clause_ref: str) -> str:
    """The id of a clause's first row in the traceability matrix."""
    return "trace-" + clause_ref.replace("#", "-")


def _docs_uri(path: Path, docs_dir: Path) -> str | None:
    try:
        return path.resolve().relative_to(docs_dir).as_posix()
    except ValueError:
        return None
