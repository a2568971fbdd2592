"""Chinese end to end: the language comes from --language, else the manual's theme.language,
else the locale; a zh manual gets Chinese messages, and --language en gives English back."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks.i18n import choose_language, use_language
from conftest import FIXTURES, REPO, run_qms
from test_corpus import CORPUS, lay_out
from tools.english_text import english_runs

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def broken_zh(tmp_path: Path) -> Path:
    """The fixture manual in Chinese with four kinds of mistakes: a misspelt key, a date that
    does not exist, an unknown role, and YAML that does not parse."""
    root = tmp_path / "manual"
    shutil.copytree(FIXTURES / "minimal", root)
    _edit(root / "mkdocs.yml", "language: en", "language: zh")
    _edit(root / "policy/checkpoints/cp-audit.yaml", "severity: major", "severty: major")
    _edit(root / "evidence/2025/review/MR-2025.md", "date: 2025-01-15", "date: 2025-13-40")
    _edit(root / "evidence/2025/audit/IAR-2025.md", "owner: quality-group", "owner: qualty-group")
    (root / "policy/roles/broken.yaml").write_text("id: broken-role\nkind: role\nname: [坏的\n", encoding="utf-8")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validate_speaks_chinese_on_a_zh_manual(broken_zh: Path) -> None:
    result = run_qms("--root", broken_zh, "validate", language=None)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert "policy/checkpoints/cp-audit.yaml:7: severty: 未知的字段 'severty'（您是否指 'severity'？）" in lines
    assert 'evidence/2025/review/MR-2025.md:6: date: "2025-13-40" 不是有效的日期（请使用 YYYY-MM-DD）' in lines
    assert "evidence/2025/audit/IAR-2025.md:8: owner: 未知的角色 'qualty-group'（您是否指 'quality-group'？）" in lines
    yaml_error = "policy/roles/broken.yaml:4: -: YAML 格式错误：找不到预期的 ',' 或 ']'"
    assert any(line.startswith(yaml_error) for line in lines)
    assert "发现 4 个问题" in result.stderr
    for line in lines + result.stderr.splitlines():
        assert CHINESE.search(line), line
        assert english_runs(line) == [], line


def test_language_en_gives_english_on_a_zh_manual(broken_zh: Path) -> None:
    result = run_qms("--root", broken_zh, "validate", language="en")
    assert result.returncode == 2
    assert "policy/checkpoints/cp-audit.yaml:7: severty: unknown field 'severty' (did you mean 'severity'?)" in (
        result.stdout.splitlines()
    )
    assert "evidence/2025/audit/IAR-2025.md:8: owner: unknown role 'qualty-group' (did you mean 'quality-group'?)" in (
        result.stdout.splitlines()
    )
    assert "4 problems found" in result.stderr
    assert not CHINESE.search(result.stdout.replace("坏的", ""))


def test_argparse_and_help_follow_the_language(broken_zh: Path) -> None:
    wrong = run_qms("--root", broken_zh, "check", "--as-of", "2025-13-01", language=None)
    assert wrong.returncode == 2
    assert "qms check：错误：参数 --as-of：'2025-13-01' 不是日期（请使用 YYYY-MM-DD）" in wrong.stderr
    helped = run_qms("--root", broken_zh, "check", "--help", language=None)
    assert helped.stdout.startswith("用法：qms check")
    assert "显示此帮助信息并退出" in helped.stdout
    english = run_qms("--root", broken_zh, "check", "--help", language="en")
    assert english.stdout.startswith("usage: qms check") and "show this help message and exit" in english.stdout
    after = run_qms("--root", broken_zh, "check", "--as-of", "2025-13-01", "--language", "en", language=None)
    assert "qms check: error: argument --as-of: '2025-13-01' is not a date (use YYYY-MM-DD)" in after.stderr


def test_check_on_this_manual_gives_chinese_reasons() -> None:
    result = run_qms("--root", REPO, "check", "--as-of", "2025-12-31", "--all", language=None)
    assert result.returncode == 0, result.stderr
    assert "截至 2025-12-31 的质量手册检查" in result.stdout
    assert "共 70 个检查点：通过 69、即将到期 1。结论：通过" in result.stdout
    assert "TFDL-ITSS-08-01：应于 2026-01-08 前复审（上次 2025-01-08）" in result.stdout
    assert english_runs(result.stdout) == []
    document = json.loads(
        run_qms("--root", REPO, "check", "--as-of", "2025-12-31", "--format", "json", language=None).stdout
    )
    assert document["language"] == "zh"
    reasons = [r["reason"] for r in document["checkpoints"]]
    reasons += [p["reason"] for r in document["checkpoints"] for p in r.get("periods", []) if p.get("reason")]
    assert all(CHINESE.search(reason) for reason in reasons), [r for r in reasons if not CHINESE.search(r)]
    english = json.loads(
        run_qms("--root", REPO, "check", "--as-of", "2025-12-31", "--format", "json", language="en").stdout
    )
    assert english["language"] == "en"
    assert {r["reason"] for r in english["checkpoints"]}.isdisjoint(r["reason"] for r in document["checkpoints"])


def test_the_language_comes_from_the_option_then_the_manual_then_the_locale(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ntheme:\n  name: material\n  language: zh\nmarkdown_extensions:\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    assert choose_language("en", tmp_path, {"LANG": "zh_CN.UTF-8"}) == "en"
    assert choose_language(None, tmp_path, {"LANG": "en_US.UTF-8"}) == "zh"  # tags mkdocs reads do not get in the way
    assert choose_language(None, tmp_path / "elsewhere", {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert choose_language(None, None, {"LANGUAGE": "zh_TW:en", "LANG": "en_US.UTF-8"}) == "zh"
    assert choose_language(None, None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"  # LC_ALL decides
    assert choose_language(None, None, {"LANG": "C.UTF-8"}) == "en"
    assert choose_language(None, None, {}) == "en"


def test_a_manual_without_theme_language_follows_the_locale(minimal: Path) -> None:
    _edit(minimal / "mkdocs.yml", "language: en", "features: [navigation.prune]")
    (minimal / "policy/roles/broken.yaml").write_text("id: x\nkind: role\nname: [a\n", encoding="utf-8")
    for lang, expected in (("zh_CN.UTF-8", "YAML 格式错误"), ("en_US.UTF-8", "invalid YAML")):
        env = {**os.environ, "LANG": lang}
        result = subprocess.run(
            [sys.executable, "-m", "checks.cli", "--root", str(minimal), "validate"],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert expected in result.stdout, (lang, result.stdout)


def test_messages_outside_a_language_block_are_english() -> None:
    from checks.i18n import _

    with use_language("zh"):
        assert _("must not be empty") == "不得为空"
        with use_language("en"):
            assert _("must not be empty") == "must not be empty"
    assert _("must not be empty") == "must not be empty"


def test_messages_made_in_worker_threads_are_in_the_language_too(tmp_path: Path) -> None:
    """Data files are read in a worker thread while the manual loads, custom checks run in one:
    a new thread starts without the caller's language, so they are given it."""
    root = tmp_path / "manual"
    lay_out(CORPUS / "56-csv-required-value-empty", root)
    result = run_qms("--root", root, "check", "--as-of", "2025-12-31", "--format", "json", language="zh")
    reasons = {r["id"]: r["reason"] for r in json.loads(result.stdout)["checkpoints"]}
    assert reasons["cp-data"] == "evidence/2025/tickets/t.csv:3: ticket_id: 必填值为空"
