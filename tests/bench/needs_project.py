"""The same manual as a sphinx-needs project: the benchmark's yardstick for the site build.

    .venv/bin/python tests/bench/needs_project.py MANUAL_ROOT OUT_DIR

Each policy becomes a reStructuredText document with its clauses as sections, each
checkpoint a `checkpoint` need in the document of its clause, and each evidence record a
`record` need linking the checkpoints it satisfies, spread over the documents: the same
objects, text and links the MkDocs site shows, in a project as `sphinx-quickstart` sets
it up (Sphinx's default theme and sidebars, one process). OUT_DIR/light/conf.py is the
same configuration with a sidebar that does not hold the whole table of contents
(`sphinx-build -c OUT_DIR/light`): Sphinx's default sidebar renders it for every
document, which is most of the build of 200 documents. Needs `pip install -e '.[bench]'`.

Not named sphinx_needs.py: run.py imports from this folder, and a module of that name
here took the place of the extension, so that Sphinx built the documents without their
needs (a warning that -q hid).

Not collected by pytest; the benchmark is tests/bench/run.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from checks import load_manual  # noqa: E402

CONF = '''\
project = "合成质量手册"
extensions = ["sphinx_needs"]
language = "zh_CN"
needs_types = [
    dict(directive="checkpoint", title="检查点", prefix="CP_", color="#BFD8D2", style="node"),
    dict(directive="record", title="证据记录", prefix="EV_", color="#FEDCD2", style="node"),
]
needs_id_regex = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
'''
LIGHT = 'html_sidebars = {"**": ["localtoc.html", "relations.html", "searchbox.html"]}\n'
NEED_ID = re.compile(r'\sid="([^"]+)"')  # each need rendered is an element with its id
UNDERLINES = "#=-~^\""  # title, then heading levels 1.. (## -> "=")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


def make_project(root: Path, out: Path) -> int:
    """Write the sphinx-needs project of the manual at `root` into `out`; return its needs."""
    manual = load_manual(root).manual
    out.mkdir(parents=True, exist_ok=True)
    (out / "conf.py").write_text(CONF, encoding="utf-8")
    (out / "light").mkdir(exist_ok=True)
    (out / "light/conf.py").write_text(CONF + LIGHT, encoding="utf-8")
    documents: dict[str, list[str]] = {}
    for policy in sorted(manual.policies.values(), key=lambda p: p.id):
        documents[policy.id] = [*_heading(policy.title, 0), *_rst_body(policy.source.body or "")]
    for cp in sorted(manual.checkpoints.values(), key=lambda c: c.id):
        documents[cp.clause.partition("#")[0]] += _need("checkpoint", cp.id, cp.title, (), cp.remedy or cp.title)
    names = sorted(documents)
    records = sorted(manual.evidence.values(), key=lambda r: r.id)
    for n, record in enumerate(records):
        text = (record.source.body or record.title).strip().replace("\n", " ")
        documents[names[n % len(names)]] += _need("record", record.id, record.title, record.satisfies, text)
    for name, lines in documents.items():
        (out / f"{name}.rst").write_text("\n".join(lines) + "\n", encoding="utf-8")
    toctree = [".. toctree::", "   :maxdepth: 1", "", *(f"   {name}" for name in names)]
    (out / "index.rst").write_text("\n".join([*_heading(manual_title(root), 0), *toctree]) + "\n", encoding="utf-8")
    ids = sorted([*manual.checkpoints, *(r.id for r in records)])
    (out / "needs.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")  # run.py checks the build shows them
    return len(ids)


def manual_title(root: Path) -> str:
    found = re.search(r"^site_name:\s*(.+)$", (root / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return found.group(1).strip() if found else root.name


def _heading(title: str, level: int) -> list[str]:
    # Sphinx measures the underline in display columns: a CJK character takes two.
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in title)
    return ["", title, UNDERLINES[level] * max(width, 4), ""]


def _rst_body(markdown: str) -> list[str]:
    """Markdown headings become sections; the rest is prose, as the seeds' policies are."""
    lines: list[str] = []
    for line in markdown.splitlines():
        found = _HEADING.match(line)
        if found:
            lines += _heading(re.sub(r"\s*\{[^}]*\}$", "", found.group(2)), min(len(found.group(1)) - 1, 5))
        else:
            lines.append(line)
    return lines


def _need(kind: str, need_id: str, title: str, links: tuple[str, ...], text: str) -> list[str]:
    lines = ["", f".. {kind}:: {title}", f"   :id: {need_id}"]
    if links:
        lines.append(f"   :links: {', '.join(links)}")
    return [*lines, "", f"   {text}", ""]


if __name__ == "__main__":
    needs = make_project(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{needs} needs written to {sys.argv[2]}", file=sys.stderr)
