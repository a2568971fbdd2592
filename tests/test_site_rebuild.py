"""`mkdocs serve` rebuilds: the plugin keeps pages between builds (site_plugins.memo), and
after every kind of edit the rebuilt site must be the site a build from scratch makes."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import REPO
from test_site import mkdocs_build

AS_OF = "2025-12-31"
AUDIT_PLAN = "evidence/2025/internal-audit/IAP-2025-04.md"  # the record of cp-internal-audit-plan
CONFIG = (
    "site_name: Rebuild\n"
    "docs_dir: policy\n"
    "theme: {name: material, language: en, font: false, features: [navigation.prune]}\n"
    "plugins:\n"
    "  - qms:\n"
    f"      as_of: '{AS_OF}'\n"
)


def files_of(site: Path) -> dict[str, bytes]:
    found = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    found.pop("sitemap.xml.gz", None)  # gzip stamps the time it was written
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def add_record(root: Path) -> None:
    source = root / AUDIT_PLAN
    text = source.read_text(encoding="utf-8").replace("IAP-2025-04", "IAP-2025-11", 1)
    text = re.sub(r"\nattachments:\n(?:[- ] .*\n)+", "\n", text)
    (source.parent / "IAP-2025-11.md").write_text(text.replace("date: 2025-04-02", "date: 2025-11-03"), "utf-8")


def edit_data(root: Path) -> None:
    """A changed cell of an incident log, and its new digest in the record that lists it."""
    data = root / "evidence/2025/incidents/IL-2025-01.csv"
    before = hashlib.sha256(data.read_bytes()).hexdigest()
    edit(data, ",SD-03,95\n", ",SD-03,10\n")
    edit(data.with_suffix(".md"), before, hashlib.sha256(data.read_bytes()).hexdigest())


# Applied one after the other; (name, edit, the most pages the rebuild may make again, and
# convert from Markdown again, or None).
EDITS: list[tuple[str, Callable[[Path], None], int | None]] = [
    ("a record's text", lambda r: append(r / AUDIT_PLAN, "\n附注。\n"), 1),
    (
        "a record's title",
        lambda r: edit(r / AUDIT_PLAN, "内审计划", "内审安排"),
        None,
    ),
    ("a new record", add_record, None),
    (
        "a record deleted (a checkpoint goes missing)",
        lambda r: (r / AUDIT_PLAN).unlink(),
        None,
    ),
    ("a data file row (a KPI changes)", edit_data, None),
    ("a role's name", lambda r: edit(r / "policy/roles/comms-dept.yaml", "name: 通信部", "name: 通信运维部"), None),
    ("a policy's text", lambda r: edit(r / "policy/XDYJ-04-09.md", "质量", "品质"), None),
]


Rebuild = Callable[[], tuple[int, int]]


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Rebuild]:
    """A copy of the repository's manual and a `rebuild()` that builds it as `mkdocs serve`
    does: a configuration loaded afresh each time, the same plugin object kept."""
    root = tmp_path_factory.mktemp("serve") / "manual"
    for folder in ("policy", "evidence"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")

    def rebuild() -> tuple[int, int]:
        """The pages the build made, and the generated pages it converted from Markdown."""
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "served"))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        memo = config.plugins["qms"].memo
        return memo.made, memo.converted

    made, converted = rebuild()
    assert made >= converted > 100  # the first build makes and converts every generated page
    assert rebuild() == (0, 0)  # nothing changed: every page and its HTML is kept
    return root, rebuild


@pytest.mark.parametrize(("name", "change", "most"), EDITS, ids=[e[0] for e in EDITS])
def test_a_rebuild_after_an_edit_is_a_build_from_scratch(
    serve: tuple[Path, Rebuild], tmp_path: Path, name: str, change: Callable[[Path], None], most: int | None
) -> None:
    root, rebuild = serve
    change(root)
    made, converted = rebuild()
    cold = mkdocs_build(root / "mkdocs.yml", tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr[-3000:]
    served, fresh = files_of(root / "served"), files_of(tmp_path / "cold")
    assert sorted(served) == sorted(fresh)
    differ = [path for path in fresh if served[path] != fresh[path]]
    assert not differ, f"after {name}, the rebuild differs from a fresh build in {differ[:10]}"
    if most is not None:
        assert made <= most, f"after {name}, {made} pages were made again"
        assert converted <= most, f"after {name}, {converted} pages were converted from Markdown again"
