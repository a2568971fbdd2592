"""The site's per-version "changes" pages, built from a real git history."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import run_qms
from test_doccontrol import annual_revision
from test_site import fixture_copy, mkdocs_build, parse, write_config


def git(root: Path, *args: str) -> None:
    command = ["git", "-C", str(root), "-c", "user.name=质量组", "-c", "user.email=q@example.invalid", *args]
    subprocess.run(command, check=True, capture_output=True)


def test_each_version_links_to_its_clause_changes(tmp_path: Path) -> None:
    root = fixture_copy(tmp_path, "manual")
    config = write_config(root, "en", "      as_of: '2026-03-01'\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "V1.1")
    policy = root / "policy/QP-01.md"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("安排在每年 4 月进行。", "安排在每年 5 月进行。")
        + "\n#### 7.3.3 外审要求\n\n每年接受一次外部审核。\n",
        encoding="utf-8",
    )
    assert annual_revision(root, "内审改到 5 月").returncode == 0
    assert run_qms("--root", root, "approve", "QP-01", "--by", "张远明", "--date", "2026-02-03").returncode == 0
    assert run_qms("--root", root, "confirm", "IAR-2025").returncode == 0
    git(root, "commit", "-qam", "V1.2")

    site = tmp_path / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr[-3000:]

    page = parse(site / "QP-01/index.html")
    revisions = list(page.first("article").iter("table"))[-1]
    rows = {row[0].text(): row[-1] for row in (list(tr.iter("td")) for tr in revisions.iter("tr")) if row}
    assert [a.attrs.get("href") for a in rows["V1.2"].iter("a")] == ["../changes/QP-01/V1.2/"]
    # Git holds no text of the version before V1.1: no page to go to, and the row says why.
    assert not list(rows["V1.1"].iter("a"))
    note = rows["V1.1"].first("span", class_="qms-unavailable")
    assert "Git history holds no text of the previous version" in note.attrs["title"]
    assert not (site / "changes/QP-01/V1.1").exists()

    changes = site / "changes/QP-01/V1.2/index.html"
    html = changes.read_text(encoding="utf-8")
    assert "Reworded" in html and "7.3.1 内审要求" in html
    assert '<span class="qms-del">-内审要求每年度至少执行一次，安排在每年 4 月进行。</span>' in html
    assert '<span class="qms-add">+内审要求每年度至少执行一次，安排在每年 5 月进行。</span>' in html
    assert "Added" in html and "7.3.3 外审要求" in html
    assert "../../../QP-01/#clause-7.3.1" in html  # back to the clause on the policy page
