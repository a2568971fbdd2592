"""Evaluate every checkpoint of a manual as of a date."""

from __future__ import annotations

import contextvars
import datetime as dt
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import BuildCache
from ..i18n import _
from ..loading.data import DataCache
from ..loading.gitlog import GitError, commits_by_file, run_git
from ..loading.loader import relpath
from ..loading.localcode import code_version, describe_raise
from ..loading.references import resolve_function
from ..memory import collector_paused
from ..model import Checkpoint, Kpi, Manual, Waiver
from ..progress import NO_PROGRESS, Progress
from ..results import (
    DEFAULT_FAIL_ON,
    CheckpointResult,
    EvidenceRef,
    Outcome,
    Results,
    WaiverRef,
    worst,
)
from .doccontrol import POLICY_REVIEW, document_results, fingerprint
from .kpis import KPI_MISS_ANALYSIS, kpi_documents
from .periods import month_ends_before
from .rules import DEFAULT_CHECK_TIMEOUT, Context, evaluate_rule
from .verified import Verified, verified


@dataclass
class GitInfo:
    """The last commit of each file, read from one `git log` run (None outside a checkout)."""

    head: str | None = None
    commits: dict[str, str] = field(default_factory=dict)
    shallow: bool = False  # a shallow clone: the history that says which commit last touched a file is missing

    @classmethod
    def read(cls, root: Path, cache: BuildCache | None = None) -> GitInfo:
        """With a cache, the log is read again only after a commit (HEAD moved)."""
        try:
            head, shallow = run_git(root, "rev-parse", "HEAD", "--is-shallow-repository").split()
            key = ("git", root, head)
            if cache is not None and key in cache.results:
                kept: GitInfo = cache.results[key]
                return kept
            # In a shallow clone every file seems last touched by the oldest commit fetched:
            # the commits of records are unknown, not that one.
            touched = commits_by_file(root, ["."]) if shallow != "true" else {}
        except (GitError, ValueError):
            return cls()
        info = cls(head, {path: commits[0] for path, commits in touched.items()}, shallow == "true")
        if cache is not None:
            cache.results[key] = info
        return info

    @classmethod
    def read_in_background(cls, root: Path) -> Future[GitInfo]:
        """`read` in a thread, started now: git runs in its own process (on another core
        while the caller loads the manual); `.result()` waits for it."""
        future: Future[GitInfo] = Future()

        def run() -> None:
            try:
                future.set_result(cls.read(root))
            except BaseException as exc:  # handed to whoever asks for the result
                future.set_exception(exc)

        # In this context: its warnings in the current language (a new thread starts with an empty one).
        threading.Thread(target=contextvars.copy_context().run, args=(run,), name="qms-git", daemon=True).start()
        return future

    @property
    def warning(self) -> str | None:
        if not self.shallow:
            return None
        return _(
            "this is a shallow git clone: the commits of evidence records are unknown (fetch the whole "
            "history, e.g. actions/checkout with fetch-depth: 0)"
        )


@collector_paused()
def evaluate(
    manual: Manual,
    as_of: dt.date,
    *,
    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON,
    strict: bool = False,
    git: GitInfo | None = None,
    trend_months: int = 0,
    with_kpis: bool = True,
    check_timeout: float = DEFAULT_CHECK_TIMEOUT,
    data: DataCache | None = None,
    cache: BuildCache | None = None,
    progress: Progress = NO_PROGRESS,
) -> Results:
    """The status of every checkpoint (and KPI) as of `as_of`.

    `data` lets several evaluations (the trend's month ends, `mkdocs serve` rebuilds)
    read each data file once."""
    git = git if git is not None else GitInfo.read(manual.root, cache)
    data = data if data is not None else DataCache()
    ctx = Context(manual, as_of, data=data, check_timeout=check_timeout, cache=cache)
    ordered = sorted(manual.checkpoints.values(), key=_order)
    inputs = {cp.id: _inputs(cp, ctx) for cp in ordered} if cache is not None else {}
    progress.start(_("Evaluating checkpoints"), len(ordered))
    checkpoints = []
    for cp in ordered:
        checkpoints.append(evaluate_checkpoint(cp, ctx, git, inputs.get(cp.id)))
        progress.advance()
    results = Results(as_of, checkpoints, commit=git.head, fail_on=fail_on, strict=strict)
    results.documents = document_results(manual, as_of)
    if with_kpis:
        progress.start(_("Computing KPIs"))
        results.kpis = _kpi_documents(ctx)
    if trend_months:
        progress.start(_("Counting the trend"))
        results.trend = compliance_trend(manual, as_of, trend_months, git, data, cache, inputs, ctx.verified)
    return results


def _kpi_documents(ctx: Context) -> list[dict[str, Any]]:
    """The KPIs' entries; between rebuilds, the kept ones while no KPI, source record, data
    file or miss analysis changed (compute functions, like rules, read only those)."""
    if ctx.cache is None:
        return kpi_documents(ctx)
    kpis = sorted(ctx.manual.kpis.values(), key=lambda k: k.id)
    key = ("kpis", ctx.as_of, tuple(_kpi_inputs(k, ctx) for k in kpis), ctx.shared_versions())
    if key not in ctx.cache.results:
        ctx.cache.results[key] = kpi_documents(ctx)
    kept: list[dict[str, Any]] = ctx.cache.results[key]
    return kept


def _order(cp: Checkpoint) -> tuple[str, str]:
    return (cp.area, cp.id)


def evaluate_checkpoint(
    cp: Checkpoint, ctx: Context, git: GitInfo, inputs: tuple[Any, ...] | None = None
) -> CheckpointResult:
    """The checkpoint's result; between rebuilds, the kept one while nothing it reads changed.
    `inputs` (see `_inputs`) may come from a later date's context: they cover this one's."""
    if ctx.cache is None or cp.check is not None:  # a custom check may read anything
        return _evaluate_checkpoint(cp, ctx, git)
    key = ("checkpoint", cp.id, ctx.as_of, git.head, inputs if inputs is not None else _inputs(cp, ctx))
    if key not in ctx.cache.results:
        ctx.cache.results[key] = _evaluate_checkpoint(cp, ctx, git)
    return ctx.cache.results[key]


def _inputs(cp: Checkpoint, ctx: Context) -> tuple[Any, ...]:
    """The versions of every file a checkpoint's rules read (see checks.cache)."""
    manual = ctx.manual
    parts: list[Any] = [cp.source.version, ctx.shared_versions()]
    for rule in cp.requires:
        if rule.evidence:
            parts.append(ctx.versions_of_type(rule.evidence))
        if rule.nonconformities is not None or rule.raw.get("verdict"):  # NCs, and the records they were found in
            parts.append(
                tuple(
                    (
                        nc.source.version,
                        found.source.version if (found := manual.evidence.get(nc.found_in or "")) else 0,
                    )
                    for nc in manual.nonconformities.values()
                )
            )
        if isinstance(for_each := rule.raw.get("for_each"), dict):  # the records that each ask for one
            parts.append(ctx.versions_of_type(for_each["evidence"]))
        if rule.review is not None:
            parts.append(ctx.versions_of_type(POLICY_REVIEW))
        if rule.kpi and (kpi := manual.kpis.get(rule.kpi)) is not None:
            parts.append(_kpi_inputs(kpi, ctx))
    parts.append(tuple(r.source.version for r in ctx.satisfying(cp.id)))
    parts.append(tuple(w.source.version for w in ctx.waivers_of(cp.id)))
    return tuple(parts)


def _kpi_inputs(kpi: Kpi, ctx: Context) -> tuple[Any, ...]:
    """What a KPI's values read: the KPI, its source records and data, the miss analyses."""
    return (
        kpi.source.version,
        ctx.versions_of_type(kpi.source_type),
        ctx.versions_of_type(KPI_MISS_ANALYSIS),
        code_version(ctx.manual.root, kpi.compute),  # a function of the manual, edited during `mkdocs serve`
    )


def _evaluate_checkpoint(cp: Checkpoint, ctx: Context, git: GitInfo) -> CheckpointResult:
    outcome = _real_outcome(cp, ctx)
    warnings: list[str] = []
    waiver = _waiver_for(ctx.waivers_of(cp.id), ctx.as_of, warnings)
    status, real = outcome.status, None
    if waiver is not None and status != "pass":
        status, real = "waived", outcome.status
    failing = status in ("fail", "missing", "stale", "error")
    refs, known = ctx.refs, ctx.manual.evidence
    return CheckpointResult(
        id=cp.id,
        title=cp.title,
        clause=cp.clause,
        area=cp.area,
        owner=cp.owner,
        severity=cp.severity,
        status=status,
        reason=outcome.reason
        if real is None
        else _("waived ({status}: {reason})").format(status=real, reason=outcome.reason),
        path=cp.source.rel,
        line=cp.source.line_of(("id",)),
        periods=outcome.periods,
        evidence=tuple([refs.get(rid) or _evidence_ref(rid, ctx, git) for rid in outcome.records if rid in known]),
        remedy=cp.remedy if failing or status == "due-soon" else None,
        waiver=_waiver_ref(waiver) if waiver is not None else None,
        real_status=real,
        warnings=tuple(warnings),
        suspect=_suspect(cp, ctx),
        verified=_verified(cp, ctx),
    )


def _verified(cp: Checkpoint, ctx: Context) -> Verified:
    if cp.id not in ctx.verified:
        ctx.verified[cp.id] = verified(cp, ctx.manual)
    found: Verified = ctx.verified[cp.id]
    return found


def _suspect(cp: Checkpoint, ctx: Context) -> tuple[str, ...]:
    """Records that satisfy this checkpoint but were confirmed against other content."""
    records = ctx.satisfying(cp.id)
    if not records:
        return ()  # no need for the fingerprint (a digest of the checkpoint and its clause)
    stamp = fingerprint(cp, ctx.manual)
    return tuple(sorted(r.id for r in records if (r.data.get("confirmed") or {}).get(cp.id) != stamp))


def _real_outcome(cp: Checkpoint, ctx: Context) -> Outcome:
    outcomes = []
    for rule in cp.requires:
        try:
            outcomes.append(evaluate_rule(rule, cp, ctx))
        except Exception as exc:  # a broken rule must not stop the other checkpoints
            outcomes.append(
                Outcome("error", _("rule failed: {problem}").format(problem=f"{type(exc).__name__}: {exc}"))
            )
    if cp.check:
        outcomes.append(run_custom_check(cp, ctx))
    status = worst([o.status for o in outcomes])
    chosen = next(o for o in outcomes if o.status == status)
    periods = tuple(p for o in outcomes for p in o.periods)
    records = tuple(dict.fromkeys([r for o in outcomes for r in o.records]))
    return Outcome(status, chosen.reason, periods, records)


def run_custom_check(cp: Checkpoint, ctx: Context) -> Outcome:
    """Call `check: module:function` with the checkpoint, its evidence and the manual."""
    assert cp.check is not None
    evidence = list(ctx.satisfying(cp.id))
    for rule in cp.requires:
        if rule.evidence:
            evidence += [r for r in ctx.records_of(rule.evidence) if r not in evidence]
    try:
        func = resolve_function(cp.check, ctx.manual.root)
        arguments = {"checkpoint": cp, "evidence": evidence, "manual": ctx.manual, "as_of": ctx.as_of}
        returned: Any = _with_timeout(func, arguments, ctx.check_timeout)
    except CheckTimeout:
        message = _("check {check} of {checkpoint} did not finish within {seconds} s")
        return Outcome("error", message.format(check=cp.check, checkpoint=cp.id, seconds=f"{ctx.check_timeout:g}"))
    except Exception as exc:
        message = _("check {check} of {checkpoint} raised {problem}")
        problem = describe_raise(exc, ctx.manual.root, cp.check)
        return Outcome("error", message.format(check=cp.check, checkpoint=cp.id, problem=problem))
    if not isinstance(returned, Outcome):
        shown = repr(returned)[:80]
        message = _("check {check} of {checkpoint} returned {value}, not an Outcome")
        return Outcome("error", message.format(check=cp.check, checkpoint=cp.id, value=shown))
    return returned


class CheckTimeout(Exception):
    pass


def _with_timeout(func: Any, arguments: dict[str, Any], timeout: float) -> Any:
    """Run a custom check in a worker thread and stop waiting after `timeout` seconds.

    Python cannot kill a thread: a check that hangs is left running (as a daemon
    thread, so it cannot keep the process alive) while the evaluation goes on.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = func(**arguments)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=contextvars.copy_context().run, args=(run,), name="qms-check", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise CheckTimeout()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _waiver_for(waivers: list[Waiver], as_of: dt.date, warnings: list[str]) -> Waiver | None:
    valid = None
    for waiver in waivers:
        if waiver.granted is None or waiver.granted > as_of:
            continue
        if waiver.expires is not None and as_of >= waiver.expires:
            message = _("waiver {waiver} expired on {date}; the real status applies")
            warnings.append(message.format(waiver=waiver.id, date=waiver.expires))
            continue
        valid = valid or waiver
    return valid


def _waiver_ref(waiver: Waiver) -> WaiverRef:
    return WaiverRef(waiver.id, waiver.reason, waiver.approved_by, waiver.granted, waiver.expires, waiver.source.rel)


def _evidence_ref(record_id: str, ctx: Context, git: GitInfo) -> EvidenceRef:
    """The reference to one record, made once per evaluation however many results use it
    (the caller looks in `ctx.refs` first)."""
    manual = ctx.manual
    record = manual.evidence[record_id]
    files = [(relpath(a.resolved, manual.root), a.sha256) for a in record.attachments]
    ref = ctx.refs[record_id] = EvidenceRef(
        id=record.id,
        path=record.source.rel,
        date=record.date,
        type=record.type,
        commit=git.commits.get(record.source.rel),
        attachments=tuple(files),
    )
    return ref


def compliance_trend(
    manual: Manual,
    as_of: dt.date,
    months: int,
    git: GitInfo,
    data: DataCache | None = None,
    cache: BuildCache | None = None,
    inputs: dict[str, tuple[Any, ...]] | None = None,
    verified: dict[str, Verified] | None = None,
) -> list[dict[str, Any]]:
    """Counts by status at each month end of the last `months` months, then at `as_of`
    (checkpoints only: documents and KPIs have no place in these counts).

    `inputs` are the checkpoints' inputs as of `as_of`: what an earlier day reads is a
    part of them (records dated up to that day), so they key every day's results."""
    inputs = inputs or {}
    points = []
    data = data if data is not None else DataCache()
    checkpoints = sorted(manual.checkpoints.values(), key=_order)
    for day in [*month_ends_before(as_of, months), as_of]:
        ctx = Context(manual, day, data=data, cache=cache, verified=verified if verified is not None else {})
        results = Results(day, [evaluate_checkpoint(cp, ctx, git, inputs.get(cp.id)) for cp in checkpoints])
        points.append({"date": day.isoformat(), "by_status": results.counts()})
    return points
