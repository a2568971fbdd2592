"""The `qms` command.

Exit codes: 0 all good, 1 findings that fail CI, 2 the manual is invalid or the
command was misused. Bad content never produces a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .authoring.fsio import replace
from .evaluating.evaluate import GitInfo, evaluate
from .i18n import _
from .loading.data import DataCache
from .loading.manual import LoadedManual, find_root, load_manual
from .loading.schema import evidence_schema, schema_names, schema_text
from .memory import collector_paused
from .results import DEFAULT_FAIL_ON, STATUSES, document_json, to_document

# Commands that load a whole manual pause the collector until they end (checks.memory).
# Each command imports what only it needs: `qms check` on a large manual is timed against
# a bare parse (tests/bench), and the other commands' modules cost a tenth of a second.

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2


class UsageError(Exception):
    """A misused command: reported on stderr with exit code 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (use YYYY-MM-DD)") from None


def _statuses(text: str) -> tuple[str, ...]:
    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in chosen if s not in STATUSES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown status {unknown[0]!r} (choose from {', '.join(STATUSES)})")
    return chosen


def _as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=None, help="evaluation date, YYYY-MM-DD (default: today)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qms", description="Quality manual as code: validate, check, publish.")
    parser.add_argument(
        "--root", type=Path, default=None, help="the manual's folder (default: found from the current folder)"
    )
    # Its own dest: `qms revise --version V1.2` sets `version`, which must not print ours.
    parser.add_argument("--version", dest="show_version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--verbose", action="store_true", help="with --version: also the versions of the libraries it runs on"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("validate", help="check schemas, ids, references, clauses and attachment digests")

    check = sub.add_parser("check", help="the status of every checkpoint as of a date")
    _as_of(check)
    check.add_argument(
        "--format",
        choices=["text", "json", "junit", "github"],
        default="text",
        help="default: text",
    )
    check.add_argument("--output", type=Path, help="write the report to this file instead of standard output")
    check.add_argument(
        "--fail-on",
        type=_statuses,
        default=DEFAULT_FAIL_ON,
        help=f"comma-separated statuses that fail (default: {','.join(DEFAULT_FAIL_ON)})",
    )
    check.add_argument(
        "--trend", type=int, default=0, metavar="MONTHS", help="add counts at each of the last N month ends"
    )
    check.add_argument("--strict", action="store_true", help="suspect evidence (not re-confirmed) fails too")
    check.add_argument(
        "--check-timeout", type=float, default=30.0, metavar="SECONDS", help="limit for each custom check"
    )

    kpi = sub.add_parser("kpi", help="KPI values per period, with targets and verdicts")
    _as_of(kpi)
    kpi.add_argument("--format", choices=["text", "json", "csv"], default="text")
    kpi.add_argument("--output", type=Path)

    new = sub.add_parser("new", help="a new evidence record from its type's template (never overwrites)")
    new.add_argument("type", help="evidence type id")
    new.add_argument("--id", required=True, dest="record_id")
    new.add_argument("--title", required=True)
    new.add_argument("--owner", required=True, help="role id")
    new.add_argument("--date", type=_date, default=None, help="default: today")
    new.add_argument("--period", default=None, help="e.g. 2025, 2025-H1, 2025-Q3, 2025-04")
    new.add_argument("--satisfies", action="append", default=None, help="checkpoint id (repeatable)")
    new.add_argument("--output", type=Path, default=None, help="default: evidence/YEAR/TYPE/ID.md")

    rev = sub.add_parser("revise", help="start a new version of a controlled document (adds the revision row)")
    rev.add_argument("doc", help="policy id or doc_no")
    rev.add_argument("--version", required=True)
    rev.add_argument("--author", required=True)
    rev.add_argument("--change", required=True, help="what changed (更改记录)")
    rev.add_argument("--date", type=_date, default=None, help="default: today")

    app = sub.add_parser("approve", help="approve the pending revision of a controlled document")
    app.add_argument("doc", help="policy id or doc_no")
    app.add_argument("--by", required=True, help="the approver's name")
    app.add_argument("--reviewed-by", default=None, help="also record the reviewer (审核)")
    app.add_argument("--date", type=_date, default=None, help="default: today")

    con = sub.add_parser("confirm", help="re-confirm evidence records against their checkpoints (clears suspect)")
    con.add_argument("records", nargs="*", help="evidence record ids")
    con.add_argument("--all", action="store_true", help="every record that satisfies a checkpoint")
    con.add_argument("--checkpoint", action="append", default=None, help="only this checkpoint (repeatable)")

    diff = sub.add_parser("diff", help="controlled documents whose normative text changed since a git revision")
    diff.add_argument("--base", required=True, help="git revision to compare with, e.g. origin/main")
    diff.add_argument("--output", type=Path, help="write the Markdown summary to this file too")

    pack = sub.add_parser("pack", help="an audit pack: printable manual, results, evidence and a manifest")
    pack.add_argument("--period", help="2025, 2025-H1, 2025-Q3 or 2025-04")
    pack.add_argument("--output", type=Path, help="a new folder, or FILE.zip")
    pack.add_argument("--as-of", type=_date, default=None, help="evaluation date (default: the period's end)")
    pack.add_argument("--verify", type=Path, metavar="PACK", help="check a pack's files against its manifest")

    schema = sub.add_parser("schema", help="print the JSON Schema of a kind, for editors")
    schema.add_argument("kind", choices=schema_names())
    schema.add_argument(
        "--type", dest="evidence_type", help="with 'evidence': the schema of records of this evidence type"
    )

    init = sub.add_parser("init", help="scaffold a new, valid, minimal manual in an empty folder")
    init.add_argument("dir", type=Path)
    init.add_argument("--language", default="zh", choices=["zh", "en"], help="theme language of the site")
    init.add_argument("--date", type=_date, default=None, help="effective date of the first policy (default: today)")
    init.add_argument("--site-name", default="质量手册")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.show_version:
        print(_version_text(args.verbose))
        return EXIT_OK
    if args.command is None:
        parser.error(_("a command is required"))
    try:
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"qms {args.command}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except InvalidManual:
        print(
            f"qms {args.command}: the manual is invalid; fix the problems above (see `qms validate`)", file=sys.stderr
        )
        return EXIT_INVALID
    except OSError as exc:  # a folder that cannot be read or a file that cannot be written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"qms {args.command}: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID


# What a bug report needs besides our own version: the libraries whose releases change behaviour.
_REPORTED_LIBRARIES = ("mkdocs", "mkdocs-material", "pandas", "pyyaml", "jsonschema", "pyarrow", "openpyxl")


def _version_text(verbose: bool) -> str:
    lines = [f"qms (quality-manual) {__version__}"]
    if verbose:
        import platform
        from importlib.metadata import PackageNotFoundError, version

        lines.append(f"python {platform.python_version()} ({sys.platform})")
        for name in _REPORTED_LIBRARIES:
            try:
                lines.append(f"{name} {version(name)}")
            except PackageNotFoundError:
                lines.append(_("{name} not installed").format(name=name))
    return "\n".join(lines)


def _root(args: argparse.Namespace) -> Path:
    root = args.root if args.root is not None else find_root(Path.cwd())
    if not (root / "policy").is_dir():
        raise UsageError(f"{root}: no policy/ folder here; run inside a manual or pass --root")
    return root


@collector_paused(settle=True)
def cmd_validate(args: argparse.Namespace) -> int:
    loaded = load_manual(_root(args))
    for issue in loaded.issues:
        print(issue)
    if not loaded.valid:
        count = len(loaded.errors)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return EXIT_INVALID
    m = loaded.manual
    print(
        f"manual is valid: {len(m.policies)} policies, {len(m.roles)} roles, {len(m.checkpoints)} checkpoints, "
        f"{len(m.kpis)} KPIs, {len(m.evidence_types)} evidence types, {len(m.evidence)} evidence records, "
        f"{len(m.nonconformities)} nonconformities, {len(m.waivers)} waivers, {len(m.projects)} projects",
        file=sys.stderr,
    )
    return EXIT_OK


def _valid_manual(args: argparse.Namespace, root: Path | None = None, data: DataCache | None = None) -> LoadedManual:
    loaded = load_manual(root or _root(args), data=data)
    for issue in loaded.issues:
        print(issue, file=sys.stderr)
    if not loaded.valid:
        raise InvalidManual()
    return loaded


class InvalidManual(Exception):
    """The manual has errors; they were printed already."""


def _emit(text: str | bytes, output: Path | None) -> None:
    """Print a report, or write it to `output`; bytes are UTF-8 already (JSON)."""
    if output is None:
        _print(text)
    elif output.is_dir():
        raise UsageError(f"{output} is a folder; give a file name")
    elif output.exists() and not output.is_file():  # /dev/null, a pipe: write, never replace
        with output.open("wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    else:
        replace(output.resolve(), text)


def _print(text: str | bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if isinstance(text, str) or buffer is None:  # text keeps the terminal's encoding
        sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    sys.stdout.flush()  # what was printed before goes first
    buffer.write(text)
    buffer.flush()


@collector_paused(settle=True)
def cmd_check(args: argparse.Namespace) -> int:
    root = _root(args)
    git = GitInfo.read_in_background(root)  # the commits of the evidence, read while the manual loads
    data = DataCache()  # and the data files too
    manual = _valid_manual(args, root, data).manual
    as_of = args.as_of or dt.date.today()
    results = evaluate(
        manual,
        as_of,
        fail_on=args.fail_on,
        strict=args.strict,
        git=git.result(),
        trend_months=args.trend,
        check_timeout=args.check_timeout,
        data=data,
    )
    doc = to_document(results, f"quality-manual {__version__}")
    text: str | bytes
    if args.format == "json":
        text = document_json(doc)
    else:
        from .outputs import report  # with rich, for the text table: not needed for JSON

        if args.format == "junit":
            text = report.junit_report(doc)
        elif args.format == "github":
            text = report.github_report(doc)
        else:
            text = report.text_report(doc)
    _emit(text, args.output)
    return EXIT_OK if results.ok else EXIT_FINDINGS


@collector_paused(settle=True)
def cmd_kpi(args: argparse.Namespace) -> int:
    data = DataCache()
    manual = _valid_manual(args, data=data).manual
    as_of = args.as_of or dt.date.today()
    results = evaluate(manual, as_of, git=GitInfo(), data=data)  # KPIs do not show commits
    from .outputs.report import kpi_csv_report, kpi_text_report

    text: str | bytes
    if args.format == "json":
        text = document_json({"as_of": as_of.isoformat(), "kpis": results.kpis})
    elif args.format == "csv":
        text = kpi_csv_report(results.kpis)
    else:
        text = kpi_text_report(results.kpis, as_of.isoformat())
    _emit(text, args.output)
    broken = any(k["error"] for k in results.kpis)
    return EXIT_FINDINGS if broken else EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .authoring.newrecord import NewRecordError, new_record

    manual = load_manual(_root(args)).manual
    try:
        made = new_record(
            manual,
            args.type,
            record_id=args.record_id,
            title=args.title,
            owner=args.owner,
            date=args.date or dt.date.today(),
            period=args.period,
            satisfies=args.satisfies,
            path=args.output.resolve() if args.output else None,
        )
    except NewRecordError as exc:
        raise UsageError(str(exc)) from None
    print(made.path.relative_to(manual.root) if made.path.is_relative_to(manual.root) else made.path)
    if made.to_fill:
        print(f"fill in: {', '.join(made.to_fill)}; then run `qms validate`", file=sys.stderr)
    return EXIT_OK


def cmd_revise(args: argparse.Namespace) -> int:
    from .authoring.docedit import EditError
    from .authoring.revise import revise

    manual = load_manual(_root(args)).manual
    date = args.date or dt.date.today()
    try:
        policy = revise(manual, args.doc, version=args.version, author=args.author, change=args.change, date=date)
    except EditError as exc:
        raise UsageError(str(exc)) from None
    pending = f"awaiting approval (qms approve {policy.id} --by NAME)"
    print(f"{policy.source.rel}: {policy.version} -> {args.version}, {pending}")
    return EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    from .authoring.docedit import EditError
    from .authoring.revise import approve

    manual = load_manual(_root(args)).manual
    date = args.date or dt.date.today()
    try:
        policy = approve(manual, args.doc, by=args.by, date=date, reviewed_by=args.reviewed_by)
    except EditError as exc:
        raise UsageError(str(exc)) from None
    print(f"{policy.source.rel}: {policy.revisions[-1].version} approved by {args.by} on {date}")
    return EXIT_OK


def cmd_confirm(args: argparse.Namespace) -> int:
    from .authoring.docedit import EditError
    from .authoring.revise import confirm

    manual = _valid_manual(args).manual
    if args.all == bool(args.records):
        raise UsageError("name the records to confirm, or pass --all")
    ids = sorted(r.id for r in manual.evidence.values() if r.satisfies) if args.all else args.records
    unknown = [i for i in ids if i not in manual.evidence]
    if unknown:
        raise UsageError(f"unknown evidence record '{unknown[0]}'")
    total = 0
    for record_id in ids:
        record = manual.evidence[record_id]
        try:
            stamped = confirm(manual, record, args.checkpoint if not args.all else None)
        except EditError as exc:
            raise UsageError(str(exc)) from None
        if stamped:
            total += 1
            print(f"{record.source.rel}: confirmed for {', '.join(stamped)}")
    print(f"{total} record(s) updated", file=sys.stderr)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from .authoring.changes import document_changes, markdown_summary
    from .loading.gitlog import GitError

    root = _root(args)
    try:
        changes = document_changes(root, args.base)
    except GitError as exc:
        raise UsageError(str(exc)) from None
    summary = markdown_summary(changes, args.base)
    sys.stdout.write(summary)
    if args.output:
        _emit(summary, args.output)
    return EXIT_FINDINGS if any(c.problems for c in changes) else EXIT_OK


@collector_paused(settle=True)
def cmd_pack(args: argparse.Namespace) -> int:
    from .outputs.pack import PackError, build_pack, verify_pack

    if args.verify is not None:
        if args.period or args.output:
            raise UsageError("--verify takes only the pack to check")
        problems = verify_pack(args.verify)
        for problem in problems:
            print(f"{args.verify}: {problem}")
        if problems:
            return EXIT_FINDINGS
        print(f"{args.verify}: every file matches the manifest")
        return EXIT_OK
    if not args.period or not args.output:
        raise UsageError("give --period and --output (or --verify PACK)")
    manual = _valid_manual(args).manual
    try:
        summary = build_pack(
            manual, args.period, args.output, as_of=args.as_of, generator=f"quality-manual {__version__}"
        )
    except PackError as exc:
        raise UsageError(str(exc)) from None
    for skipped in summary.skipped:
        print(f"warning: not packed: {skipped}", file=sys.stderr)
    counts = ", ".join(f"{n} {status}" for status, n in summary.by_status.items() if n)
    print(
        f"{summary.path}: {summary.files} files, {summary.records} evidence records, as of {summary.as_of} ({counts})"
    )
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.evidence_type is None:
        sys.stdout.write(schema_text(args.kind))
        return EXIT_OK
    if args.kind != "evidence":
        raise UsageError("--type only applies to the 'evidence' schema")
    loaded = load_manual(_root(args))
    etype = loaded.manual.evidence_types.get(args.evidence_type)
    if etype is None:
        raise UsageError(f"unknown evidence type '{args.evidence_type}'")
    print(json.dumps(evidence_schema(etype.id, etype.fields), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from .authoring.scaffold import TargetNotEmpty, init_manual

    date = args.date or dt.date.today()
    try:
        written = init_manual(args.dir, date=date, language=args.language, site_name=args.site_name)
    except TargetNotEmpty:
        raise UsageError(f"{args.dir} is not empty; choose a new or empty folder") from None
    except OSError as exc:
        raise UsageError(f"{args.dir}: {exc.strerror}") from None
    print(f"created a manual in {args.dir} ({len(written)} files)")
    print(f"next: cd {args.dir} && qms validate && mkdocs build --strict")
    return EXIT_OK


_COMMANDS = {
    "validate": cmd_validate,
    "check": cmd_check,
    "kpi": cmd_kpi,
    "new": cmd_new,
    "revise": cmd_revise,
    "approve": cmd_approve,
    "confirm": cmd_confirm,
    "diff": cmd_diff,
    "pack": cmd_pack,
    "schema": cmd_schema,
    "init": cmd_init,
}


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
