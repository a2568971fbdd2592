"""Results kept between rebuilds (mkdocs serve) are exactly what a fresh evaluation gives."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from checks import load_manual
from checks.cache import BuildCache
from checks.evaluating.evaluate import GitInfo, evaluate
from checks.results import to_document
from conftest import REPO
from test_check import AUDIT, incident_log

AS_OF = dt.date(2025, 12, 31)


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5  # a new mtime even on coarse file systems
    os.utime(path, (later, later))


def statuses(root: Path, cache: BuildCache) -> dict[str, str]:
    loaded = load_manual(root, cache=cache)
    assert loaded.valid, [str(i) for i in loaded.errors]
    return {r.id: r.status for r in evaluate(loaded.manual, AS_OF, cache=cache, trend_months=3).checkpoints}


def test_unchanged_files_are_not_parsed_again(minimal: Path) -> None:
    cache = BuildCache()
    first = load_manual(minimal, cache=cache).manual
    second = load_manual(minimal, cache=cache).manual
    assert second.evidence["IAR-2025"].data is first.evidence["IAR-2025"].data
    record = minimal / AUDIT
    touch(record, record.read_text(encoding="utf-8").replace("内审报告摘要。", "内审报告摘要（修订）。"))
    third = load_manual(minimal, cache=cache).manual
    assert third.evidence["IAR-2025"].source.version > first.evidence["IAR-2025"].source.version
    assert third.policies["QP-01"].data is first.policies["QP-01"].data


def test_a_changed_record_or_data_file_changes_the_kept_results(minimal: Path) -> None:
    cache = BuildCache()
    (minimal / "policy/waivers/w-2026.yaml").unlink()
    incident_log(minimal, "ticket_id,status,resolved_at,callback_at\nINC-1,已解决,2025-03-01 10:00,2025-03-03 09:00\n")
    assert statuses(minimal, cache) == {"cp-audit": "pass", "cp-callback": "pass"}
    record = minimal / AUDIT
    original = record.read_text(encoding="utf-8")
    touch(record, original.replace("date: 2025-04-20", "date: 2025-05-20"))
    assert statuses(minimal, cache)["cp-audit"] == "missing"
    touch(record, original)
    assert statuses(minimal, cache)["cp-audit"] == "pass"
    log = minimal / "evidence/2025/incidents/incidents.csv"
    touch(log, log.read_text(encoding="utf-8").replace("2025-03-03 09:00", "2025-03-20 09:00"))
    assert statuses(minimal, cache)["cp-callback"] == "fail"  # only the data file changed


def test_kept_results_equal_a_fresh_evaluation_on_the_repository() -> None:
    git = GitInfo.read(REPO)
    fresh = to_document(evaluate(load_manual(REPO).manual, dt.date(2026, 11, 21), git=git, trend_months=12), "t")
    cache = BuildCache()
    for _ in range(2):  # the second run answers from the cache
        manual = load_manual(REPO, cache=cache).manual
        kept = to_document(evaluate(manual, dt.date(2026, 11, 21), git=git, trend_months=12, cache=cache), "t")
        assert kept == fresh
