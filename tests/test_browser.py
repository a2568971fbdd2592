"""Auditor and reviewer journeys in a real headless Chromium (Debian's), driven by Playwright.

The site is this repository's manual built as of 2025-12-31 and served on 127.0.0.1.
Screenshots go to test-artifacts/ (override with QMS_ARTIFACTS).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from conftest import REPO
from test_site import mkdocs_build

AS_OF = "2025-12-31"
ARTIFACTS = Path(os.environ.get("QMS_ARTIFACTS", REPO / "test-artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    result = mkdocs_build(REPO / "mkdocs.yml", out, env={"QMS_AS_OF": AS_OF})
    assert result.returncode == 0, result.stderr[-3000:]
    return out


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page whose requests to any host but the local server are blocked and recorded."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    foreign: list[str] = []
    local = urlparse(base_url).netloc

    def guard(route: Route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("http", "https") and url.netloc != local:
            foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.foreign_requests = foreign  # type: ignore[attr-defined]
    yield tab
    context.close()


def test_auditor_follows_a_clause_badge_to_the_evidence_file(page: Page, base_url: str, site: Path) -> None:
    page.goto(base_url)
    page.locator("article a", has_text="运维服务质量管理制度").first.click()
    expect(page).to_have_url(f"{base_url}TFDL-ITSS-08-01/")
    badge = page.locator('[id="clause-7.3.1"] a.qms-badge-link')
    expect(badge).to_contain_text("通过")
    badge.click()
    expect(page).to_have_url(f"{base_url}checkpoints/cp-internal-audit-coverage/")
    expect(page.locator("h1")).to_contain_text("内审")
    page.locator("article table a", has_text="IAR-2025-04").first.click()
    # The records of a type and year share a page; the link lands on the record's section.
    expect(page).to_have_url(f"{base_url}evidence/2025/internal-audit-report/#IAR-2025-04")
    expect(page.locator("h1")).to_contain_text("内审报告")
    record = page.locator('[id="IAR-2025-04"]')
    expect(record).to_contain_text("2025 年 4 月运维服务内审报告")
    expect(record).to_be_in_viewport()
    link = page.locator('[id="IAR-2025-04"] ~ section.qms-record').first.locator("a.qms-file").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    saved = Path(download.path())
    original = REPO / urlparse(urljoin(page.url, link.get_attribute("href") or "")).path.strip("/")
    assert original.name == download.suggested_filename and original.is_relative_to(REPO / "evidence/2025")
    assert saved.read_bytes() == original.read_bytes()
    assert page.foreign_requests == []  # type: ignore[attr-defined]


def test_reviewer_finds_the_policy_by_a_chinese_word(page: Page, base_url: str) -> None:
    page.goto(base_url)
    for word in ("内审", "满意度"):
        page.locator("label.md-search__icon, .md-search__input").first.click()
        search = page.locator("input.md-search__input")
        search.fill(word)
        results = page.locator(".md-search-result__item > a")
        expect(results.first).to_be_visible(timeout=15000)
        hrefs = results.evaluate_all("links => links.map(a => a.href)")
        # Among the first page of results, not somewhere down the list.
        assert any("/TFDL-ITSS-08-01/" in h for h in hrefs), (word, hrefs)
        page.keyboard.press("Escape")


def test_dashboard_counts_equal_status_json_and_badges_carry_text(page: Page, base_url: str, site: Path) -> None:
    status = json.loads((site / "status.json").read_text(encoding="utf-8"))
    page.goto(base_url)
    tiles = page.locator(".qms-tile[data-status]")
    shown = {t.get_attribute("data-status"): int(t.locator(".qms-tile-number").inner_text()) for t in tiles.all()}
    expected = {s: n for s, n in status["summary"]["by_status"].items() if n}
    assert shown == expected
    for url in (base_url, f"{base_url}checkpoints/", f"{base_url}TFDL-ITSS-08-01/"):
        page.goto(url)
        badges = page.locator(".qms-badge")
        assert badges.count() > 0
        for text in badges.all_inner_texts():
            words = text.replace("\u00a0", " ").split()
            assert len(words) >= 2 and any(ch.isalpha() for ch in "".join(words[1:])), text
    assert page.foreign_requests == []  # type: ignore[attr-defined]


def test_pages_make_no_request_to_another_host(page: Page, base_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("", "TFDL-ITSS-08-01/", "kpis/", "raci/", "checkpoints/cp-incident-callback/", "evidence/"):
        page.goto(base_url + path, wait_until="networkidle")
    assert page.foreign_requests == []  # type: ignore[attr-defined]
    assert requested and all(r.startswith(base_url) or r.startswith("data:") for r in requested), [
        r for r in requested if not r.startswith(base_url)
    ]


def test_screenshots_are_saved(page: Page, base_url: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in (("home", ""), ("checkpoint", "checkpoints/cp-internal-audit-yearly/")):
        page.goto(base_url + path, wait_until="networkidle")
        target = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000


def test_owner_downloads_the_calendar_and_its_events_are_the_results_due_dates(
    page: Page, base_url: str, site: Path
) -> None:
    from icalendar import Calendar

    from conftest import run_qms
    from test_calendar import event_key, expected_events

    page.goto(base_url)
    link = page.locator("a", has_text="订阅到期日历")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "calendar.ics"
    feed = Calendar.from_ical(Path(download.path()).read_bytes())
    assert str(feed["X-WR-CALNAME"]) == "运维服务质量手册"
    keys = {event_key(e) for e in feed.walk("VEVENT")}
    results = json.loads(run_qms("--root", REPO, "check", "--as-of", AS_OF, "--format", "json").stdout)
    assert keys == expected_events(results, REPO) and keys
    # each owner's feed holds that owner's events, and together they are the whole feed
    owned = set()
    for role_feed in sorted((site / "calendar").glob("*.ics")):
        for event in Calendar.from_ical(role_feed.read_bytes()).walk("VEVENT"):
            assert str(event["X-QMS-OWNER"]) == role_feed.stem
            owned.add(event_key(event))
    assert owned == keys
    assert page.foreign_requests == []  # type: ignore[attr-defined]
