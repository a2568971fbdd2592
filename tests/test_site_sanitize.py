"""Raw HTML in the Markdown bodies of records, policies and pages: sanitized on the site
(scripts, event handlers, javascript: URLs and iframes go; tables, images, links and
Markdown stay), and run in a real browser only when the repository is declared trusted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from test_browser import CHROMIUM_ARGS, chromium_path

from test_site import Built, content, edit, fixture_copy, mkdocs_build, parse, write_config

HOSTILE = """
<script>window.__qms_pwned = (window.__qms_pwned || 0) + 1; document.title = "pwned";</script>

<img src="missing.png" onerror="window.__qms_pwned = 'img'">

<a href="javascript:window.__qms_pwned='link'" onclick="window.__qms_pwned='click'">一个链接</a>
[Markdown 链接](javascript:window.__qms_pwned='md')

<iframe src="https://example.org/"></iframe>
<style>body { display: none }</style>
<svg><script>window.__qms_pwned = 'svg'</script><a href="javascript:1"><text>s</text></a></svg>

一段文字
{: onmouseover="window.__qms_pwned='attr'" }

<table class="raw"><thead><tr><th>项目</th><th>结果</th></tr></thead>
<tbody><tr><td>内审</td><td><b>通过</b></td></tr></tbody></table>

<img src="photo.png" alt="现场照片"> <a href="https://example.org/std">国家标准</a>

| 列一 | 列二 |
|:---|---:|
| **粗体** | `代码` |

<details><summary>展开</summary>细节</details>

<div class="qms-record" onclick="window.__qms_pwned='div'">一行的块</div>

```text

<table><tr><td>代码中的表格</td></tr></table>

```
"""
PAGES = ("evidence/2025/internal-audit-report", "QP-01", "notes")


def hostile_site(tmp: Path, sanitize: bool) -> Built:
    root = fixture_copy(tmp, "manual")
    edit(root / "evidence/2025/audit/IAR-2025.md", "内审报告摘要。", "内审报告摘要。\n" + HOSTILE)
    sentence = "为确保运维服务质量，特制订本制度。"
    edit(root / "policy/QP-01.md", sentence, f"{sentence}\n{HOSTILE}")
    title = "<script>window.__qms_pwned = 'title'</script> 说明"  # shown in every page's navigation
    (root / "policy/notes.md").write_text(f'---\ntitle: "{title}"\n---\n\n# 说明\n' + HOSTILE, encoding="utf-8")
    options = "      as_of: '2025-12-31'\n" + ("" if sanitize else "      sanitize_html: false\n")
    config = write_config(root, "en", options, top="markdown_extensions: [attr_list, tables, toc, admonition]\n")
    return Built(root, tmp / "site", mkdocs_build(config, tmp / "site"), "en")


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return hostile_site(tmp_path_factory.mktemp("sanitized"), sanitize=True)


@pytest.fixture(scope="module")
def trusted(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return hostile_site(tmp_path_factory.mktemp("trusted"), sanitize=False)


@pytest.mark.parametrize("rel", PAGES)
def test_scripts_handlers_javascript_urls_and_iframes_go(sanitized: Built, rel: str) -> None:
    body = content(parse(sanitized.page(rel)))
    html = sanitized.page(rel).read_text(encoding="utf-8")
    article = html[html.index('<article class="md-content__inner md-typeset">') :]
    article = article[: article.index("</article>")]
    assert "__qms_pwned" not in article
    assert "javascript:" not in article
    assert not re.search(r"<(iframe|style|script)\b", article)
    assert not re.search(r"\son[a-z]+=", article)
    assert not list(body.iter("iframe")) and not list(body.iter("script"))


@pytest.mark.parametrize("rel", PAGES)
def test_tables_images_links_and_markdown_stay(sanitized: Built, rel: str) -> None:
    body = content(parse(sanitized.page(rel)))
    raw = body.first("table", class_="raw")
    assert [c.text() for c in raw.iter("td")] == ["内审", "通过"] and raw.first("b").text() == "通过"
    assert body.first("img", alt="现场照片").attrs["src"] == "photo.png"
    assert body.first("a", href="https://example.org/std").text() == "国家标准"
    assert any(a.text() == "一个链接" and "href" not in a.attrs for a in body.iter("a"))  # the words stay
    markdown = next(t for t in body.iter("table") if "列一" in t.text())
    assert [c.text() for c in markdown.iter("td")] == ["粗体", "代码"]
    assert markdown.first("strong").text() == "粗体" and markdown.first("code").text() == "代码"
    assert [th.attrs.get("style", "").replace(" ", "").rstrip(";") for th in markdown.iter("th")] == [
        "text-align:left",
        "text-align:right",
    ]
    assert body.first("details").first("summary").text() == "展开"


@pytest.mark.parametrize("rel", PAGES)
def test_one_line_html_blocks_written_by_hand_are_sanitized_and_code_stays_code(sanitized: Built, rel: str) -> None:
    """On a generated page (a record's text), the plugin sets aside its own one-line HTML
    blocks from Markdown (site_plugins.rawhtml), never those of the text written by hand."""
    body = content(parse(sanitized.page(rel)))
    block = next(d for d in body.iter("div") if d.text() == "一行的块")
    assert "onclick" not in block.attrs
    code = next(c for c in body.iter("code") if "代码中的表格" in c.text())
    assert "<table><tr><td>代码中的表格</td></tr></table>" in code.text()


def test_no_page_carries_a_script_from_the_manual(sanitized: Built) -> None:
    for path in sanitized.html_files():
        assert not re.search(r"<script>window\.__qms_pwned", path.read_text(encoding="utf-8")), path


def test_the_plugin_markup_around_a_record_stays(sanitized: Built) -> None:
    body = content(parse(sanitized.page("evidence/2025/internal-audit-report")))
    assert body.first("a", class_="qms-file").attrs.get("download") == "report.txt"
    assert list(body.iter("span", class_="qms-badge"))
    policy = content(parse(sanitized.page("QP-01")))
    assert list(policy.iter("span", class_="qms-badge"))  # clause badges are added after sanitizing


def _pwned(page_file: Path) -> object:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(re.compile(r"^https?://"), lambda route: route.abort())  # nothing leaves the machine
            page.goto(page_file.as_uri())
            page.wait_for_timeout(300)  # let a failed image fire its handler
            pwned = page.evaluate("window.__qms_pwned === undefined ? null : window.__qms_pwned")
            if pwned is not None:
                return pwned
            # Then click the links a script could hide behind (by script: a style may hide the page).
            page.evaluate(
                "for (const a of document.querySelectorAll('article a'))"
                " if (['一个链接', 'Markdown 链接'].includes(a.textContent.trim())) a.click()"
            )
            page.wait_for_timeout(100)
            return page.evaluate("window.__qms_pwned === undefined ? null : window.__qms_pwned")
        finally:
            browser.close()


def test_a_script_in_a_record_runs_only_when_the_repository_is_trusted(sanitized: Built, trusted: Built) -> None:
    assert _pwned(trusted.page("evidence/2025/internal-audit-report")) is not None  # what happened before
    assert _pwned(sanitized.page("evidence/2025/internal-audit-report")) is None
    assert _pwned(sanitized.page("QP-01")) is None
