"""Generated Markdown and HTML kept between the rebuilds of `mkdocs serve`.

A page is made again only when what it shows changed. What each page shows is
written out here, next to the others, as the inputs it is kept by:

- everything: the labels, the build options, the evaluation date and every object of
  the manual except evidence records (by version: a new parse of a file is a new
  version, see checks.cache), so an edit of a policy, checkpoint, role, type, KPI,
  plan, waiver or nonconformity makes every page again;
- a checkpoint page: its result, the statuses of the clause's other checkpoints and
  the titles of the records it lists;
- the page of the records of one type and year: for each record, the record, the files
  it names (sizes, data previews) and the results of the checkpoints it serves or declares;
- a policy page (hand-written Markdown and its HTML): its text, its review result,
  its version pages and the statuses of its clauses' checkpoints;
- a version-changes page: the comparison it shows;
- the sanitized HTML of a hand-written page (policy, record, page): the HTML MkDocs made of it;
- every other page (indexes, dashboard, roles, KPIs, plan, register, matrix): the
  whole results document and what the evidence index shows of every record;
- the HTML Markdown makes of a generated page (with its table of contents, title and
  anchors): the page's Markdown with its raw HTML set aside (site_plugins.rawhtml), the
  site's files (links resolve against them) and the Markdown extensions and their options.
  A `mkdocs serve` rebuild after one record changed converts that record's page alone.

`tests/test_site_rebuild.py` holds this list to account: after each kind of edit a
rebuild with the memo must give the same site as a build from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from checks.cache import stamp
from checks.model import KINDS, Policy

from .context import Site

Inputs = tuple[Any, ...]
Made = TypeVar("Made")  # page text, a file's content (status.json), Markdown with its raw blocks set aside


class PageMemo:
    def __init__(self) -> None:
        self._kept: dict[str, tuple[Inputs, Any]] = {}
        self._serials: dict[str, tuple[Any, int]] = {}
        self._used: set[str] = set()
        self.made = 0  # pages made (not reused) by the last build, for tests and benchmarks
        self.converted = 0  # generated pages the last build converted from Markdown (not reused)
        self.enabled = True

    def start(self, site: Site) -> None:
        """Work out, once per build, the tokens of what most pages share."""
        self.made = self.converted = 0
        self._used = set()
        versions = [
            (o.kind, o.id, o.source.version)
            for kind in KINDS
            if kind != "evidence"
            for o in site.manual.collection(kind).values()
        ]
        # What the indexes show of each record (and where its page is).
        records = [
            (r.id, r.source.rel, r.title, r.type, r.date, r.period, r.owner) for r in site.manual.evidence.values()
        ]
        # Without versions (a manual loaded without a BuildCache) nothing can be kept.
        self.enabled = all(v for *_, v in versions) and all(r.source.version for r in site.manual.evidence.values())
        options = (
            site.labels.code,
            site.doc["as_of"],
            site.generate,
            site.due_days,
            site.data_preview_rows,
            site.use_directory_urls,
            site.page_rows,
            site.docs_dir,
        )
        self._serial("manual", (options, versions))
        self._serial("results", {k: v for k, v in site.doc.items() if k != "generator"})
        self._serial("records", records)

    def _serial(self, name: str, value: Any) -> int:
        """A number that changes exactly when `value` does (compared by ==, not kept by hash)."""
        kept = self._serials.get(name)
        if kept is None or kept[0] != value:
            kept = (value, (kept[1] + 1) if kept else 1)
            self._serials[name] = kept
        return kept[1]

    def note(self, name: str, value: Any) -> int:
        """Set a token of this build (the site's files, the Markdown options) for `token`."""
        return self._serial(name, value)

    def token(self, name: str) -> int:
        return self._serials[name][1]

    def get(self, key: str, inputs: Inputs, make: Callable[[], Made], *, page: bool = True) -> Made:
        """`make()`, or what it made before from the same inputs. `page=False`: work on a page
        made elsewhere (its sanitized HTML), not counted in `made`."""
        found: Made | None = self.kept(key, inputs)  # what is made is never None
        if found is not None:
            return found
        self.made += page
        value = make()
        self.keep(key, inputs, value)
        return value

    def kept(self, key: str, inputs: Inputs) -> Any:
        """What `keep` kept under `key` from the same inputs, or None."""
        self._used.add(key)
        if not self.enabled:
            return None
        kept = self._kept.get(key)
        return kept[1] if kept is not None and kept[0] == (self.token("manual"), *inputs) else None

    def keep(self, key: str, inputs: Inputs, value: Any) -> None:
        self._used.add(key)
        if self.enabled:
            self._kept[key] = ((self.token("manual"), *inputs), value)

    def finish(self) -> None:
        """Drop what this build did not use (deleted records, renamed pages)."""
        self._kept = {k: v for k, v in self._kept.items() if k in self._used}


# --- the inputs of each kind of page ------------------------------------------------------


def everything(memo: PageMemo) -> Inputs:
    return (memo.token("results"), memo.token("records"))


def checkpoint_inputs(site: Site, cp_id: str) -> Inputs:
    result = site.results[cp_id]
    clause = site.manual.checkpoints[cp_id].clause
    siblings = tuple((i, site.results[i]["status"]) for i in site.by_clause.get(clause, []) if i in site.results)
    declared = tuple(site.declared_by.get(cp_id, []))
    shown = [e["id"] for e in result["evidence"]] + list(declared)
    return (result, siblings, declared, _record_titles(site, shown))


def evidence_inputs(site: Site, record_id: str) -> Inputs:
    record = site.manual.evidence[record_id]
    files = [a.resolved for a in record.attachments] + list(record.data_files)
    serves = [*site.used_by.get(record_id, []), *record.satisfies, *site.suspect_for.get(record_id, [])]
    return (
        record.source.version,
        tuple(_file_stamp(p) for p in files),
        tuple(site.used_by.get(record_id, [])),
        tuple(site.suspect_for.get(record_id, [])),
        tuple(site.results.get(c) for c in serves),
    )


def policy_inputs(site: Site, policy: Policy, text: str) -> Inputs:
    ids = site.by_document.get(policy.id, [])
    statuses = tuple((i, site.results[i]["status"]) for i in ids if i in site.results)
    return (text, site.documents.get(policy.id), statuses, site.change_pages.get(policy.id))


def _record_titles(site: Site, ids: list[str]) -> Inputs:
    evidence = site.manual.evidence
    return tuple((i, evidence[i].title if i in evidence else None) for i in ids)


def _file_stamp(path: Path) -> Any:
    return (path, stamp(path))
