"""What a printable page shows and where each object sits in it.

The pack's manual.html and a single exported document are both printable pages: they
differ only in what they include, so links lead to a row of the page, a file packed
beside it, or (neither) stay plain text.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ...evaluating.periods import Period
from ...i18n import _
from ...model import Evidence, Manual, Nonconformity
from .markup import anchor, e, link


@dataclass
class Context:
    manual: Manual
    doc: dict[str, Any]  # the results document; its checkpoints badge the clause headings
    records: list[Evidence] = field(default_factory=list)  # evidence shown in the page
    nonconformities: list[Nonconformity] = field(default_factory=list)
    packed: frozenset[str] = frozenset()  # files beside the page, by path relative to the root
    used_by: dict[str, list[str]] = field(default_factory=dict)  # record id -> checkpoint ids
    anchors: dict[str, str] = field(default_factory=dict)  # object id -> element id in the page
    files: dict[str, str] = field(default_factory=dict)  # source rel path -> element id
    trusted_html: bool = False  # raw HTML in policy bodies is kept as written

    @classmethod
    def make(
        cls,
        manual: Manual,
        doc: dict[str, Any],
        *,
        records: list[Evidence] | None = None,
        nonconformities: list[Nonconformity] | None = None,
        packed: frozenset[str] = frozenset(),
        used_by: dict[str, list[str]] | None = None,
        trusted_html: bool = False,
    ) -> Context:
        ctx = cls(manual, doc, records or [], nonconformities or [], packed, used_by or {}, trusted_html=trusted_html)
        for policy in manual.policies.values():
            ctx.anchors[policy.id] = anchor("doc", policy.id)
            ctx.files[policy.source.rel] = anchor("doc", policy.id)
        for result in doc["checkpoints"]:
            ctx.anchors[result["id"]] = anchor("cp", result["id"])
            ctx.files[result["source"]["path"]] = anchor("cp", result["id"])
        for kpi in doc["kpis"]:
            ctx.anchors[kpi["id"]] = anchor("kpi", kpi["id"])
            ctx.files[kpi["path"]] = anchor("kpi", kpi["id"])
        for record in ctx.records:
            ctx.anchors[record.id] = anchor("ev", record.id)
            ctx.files[record.source.rel] = anchor("ev", record.id)
        for nc in ctx.nonconformities:
            ctx.anchors[nc.id] = anchor("nc", nc.id)
            ctx.files[nc.source.rel] = anchor("nc", nc.id)
        return ctx

    def object_link(self, object_id: str, text: str | None = None) -> str:
        shown = e(text or object_id)
        target = self.anchors.get(object_id)
        return link(target, shown) if target else shown

    def clause_link(self, ref: str) -> str:
        doc_id, _, number = ref.partition("#")
        if self.manual.clause(ref) is not None:
            return link(f"clause-{doc_id}-{number}", e(ref))
        return e(ref)

    def role(self, role_id: str | None) -> str:
        role = self.manual.roles.get(role_id or "")
        return e(f"{role.name} ({role_id})" if role and role.name and role.name != role_id else role_id)

    def doc_status(self, policy_id: str) -> str | None:
        return next((d["status"] for d in self.doc["documents"] if d["id"] == policy_id), None)


def inside(path: Path, root: Path) -> str | None:
    """`path` relative to `root` (posix), or None when it lies outside."""
    try:
        return Path(os.path.normpath(path)).relative_to(root).as_posix()
    except ValueError:
        return None


def kpi_values(kpi: dict[str, Any], window: Period) -> list[dict[str, Any]]:
    """The KPI's values whose period overlaps the window."""
    start, end = window.start.isoformat(), window.end.isoformat()
    return [v for v in kpi.get("values") or [] if v["start"] <= end and v["end"] >= start]


def manual_name(manual: Manual) -> str:
    """The manual's name: the first heading of policy/index.md, else its policies' organisations."""
    for page in manual.pages:
        if page.rel == "policy/index.md" and page.body:
            for line in page.body.splitlines():
                if line.startswith("# "):
                    return line[2:].strip().rstrip("#").strip()
    names = organisations(manual)
    return names[0] if names else _("Quality manual")


def organisations(manual: Manual) -> list[str]:
    found = [p.data.get("organization") for p in sorted(manual.policies.values(), key=lambda p: p.id)]
    return list(dict.fromkeys(str(o) for o in found if o))


def language(manual: Manual) -> str:
    text = " ".join(p.title for p in manual.policies.values()) + manual_name(manual)
    return "zh-CN" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def stylesheet(name: str = "print.css") -> str:
    return resources.files("checks").joinpath("templates", "pack", name).read_text("utf-8")
