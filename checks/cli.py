"""The `qms` command.

Exit codes: 0 all good, 1 findings that fail CI, 2 the manual is invalid or the
command was misused. Bad content never produces a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import functools
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .argparse_i18n import route_argparse_messages
from .authoring.fsio import replace
from .evaluating.evaluate import GitInfo, evaluate
from .evaluating.periods import MAX_TREND_MONTHS, check_as_of
from .i18n import LANGUAGES, _, choose_language, current_language, ngettext, use_language
from .loading.data import DataCache, DataLimits
from .loading.loader import part_of_manual, relpath
from .loading.manual import LoadedManual, find_root, load_manual
from .loading.schema import evidence_schema, schema_names, schema_text
from .loading.suggestions import suggest_id
from .memory import collector_paused
from .progress import NO_PROGRESS, Progress
from .results import DEFAULT_FAIL_ON, STATUS_NAMES, STATUSES, document_json, to_document

if TYPE_CHECKING:
    from .evaluating.duedates import DueItem
    from .model import Manual

# Commands that load a whole manual pause the collector until they end (checks.memory).
# Each command imports what only it needs: `qms check` on a large manual is timed against
# a bare parse (tests/bench), and the other commands' modules cost a tenth of a second.

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2


class UsageError(Exception):
    """A misused command: reported on stderr with exit code 2."""


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{text}' is not a date (use YYYY-MM-DD)").format(text=text)) from None
    problem = check_as_of(day)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return day


def _months(text: str) -> int:
    if not text.isdigit() or int(text) > MAX_TREND_MONTHS:
        message = _("'{text}' is not a number of months from 0 to {most}")
        raise argparse.ArgumentTypeError(message.format(text=text, most=MAX_TREND_MONTHS))
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= 86_400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(_("'{text}' is not a number of seconds from 0 to 86400").format(text=text))
    return value


def _statuses(text: str) -> tuple[str, ...]:
    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in chosen if s not in STATUSES]
    if unknown:
        message = _("unknown status '{status}' (choose from {choices})")
        raise argparse.ArgumentTypeError(message.format(status=unknown[0], choices=", ".join(STATUSES)))
    return chosen


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("'{text}' is not a whole number of at least 1").format(text=text))
    return value


def _limits(args: argparse.Namespace) -> DataLimits:
    return DataLimits(args.max_workbook_mb, args.max_workbook_rows, args.max_csv_mb)


def _warn_header_only(data: DataCache) -> None:
    for rel in sorted(set(data.header_only.values())):
        print(_("warning: {file}: the file has a header but no rows").format(file=rel), file=sys.stderr)


def _as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=None, help=_("evaluation date, YYYY-MM-DD (default: today)"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qms", description=_("Quality manual as code: validate, check, publish."))
    parser.add_argument(
        "--root", type=Path, default=None, help=_("the manual's folder (default: found from the current folder)")
    )
    # Own dests: `qms revise --version V1.3` stores its value under `version`.
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help=_("language of the messages (default: theme.language in mkdocs.yml, else the locale, else en)"),
    )
    parser.add_argument("--version", dest="show_version", action="store_true", help=_("print the version and exit"))
    parser.add_argument(
        "--verbose",
        dest="verbose_version",
        action="store_true",
        help=_("with --version: also the versions of the libraries it runs on"),
    )
    limits = DataLimits()
    for flag, metavar, default, what in (
        ("--max-workbook-mb", "MB", limits.max_workbook_mb, _("refuse a workbook larger than this uncompressed")),
        ("--max-workbook-rows", "ROWS", limits.max_workbook_rows, _("refuse a workbook's sheet with more rows")),
        ("--max-csv-mb", "MB", limits.max_csv_mb, _("refuse a larger CSV file")),
    ):
        helptext = _("{what} (default: {default})").format(what=what, default=default)
        parser.add_argument(flag, type=_count, default=default, metavar=metavar, help=helptext)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser("validate", help=_("check schemas, ids, references, clauses and attachment digests"))
    validate.add_argument("--strict", action="store_true", help=_("warnings are problems too (exit 2)"))

    check = sub.add_parser("check", help=_("the status of every checkpoint as of a date"))
    _as_of(check)
    check.add_argument(
        "--format",
        choices=["text", "json", "junit", "github"],
        default="text",
        help=_("default: text"),
    )
    check.add_argument("--output", type=Path, help=_("write the report to this file instead of standard output"))
    check.add_argument(
        "--fail-on",
        type=_statuses,
        default=DEFAULT_FAIL_ON,
        help=_("comma-separated statuses that fail (default: {statuses})").format(statuses=",".join(DEFAULT_FAIL_ON)),
    )
    check.add_argument(
        "--trend", type=_months, default=0, metavar="MONTHS", help=_("add counts at each of the last N month ends")
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help=_("suspect evidence (not re-confirmed) fails too, and warnings are problems"),
    )
    check.add_argument(
        "--all", action="store_true", dest="show_all", help=_("text: list passing checkpoints too (default: a count)")
    )
    check.add_argument(
        "--check-timeout", type=_seconds, default=30.0, metavar="SECONDS", help=_("limit for each custom check")
    )

    kpi = sub.add_parser("kpi", help=_("KPI values per period, with targets and verdicts"))
    _as_of(kpi)
    kpi.add_argument("--format", choices=["text", "json", "csv"], default="text")
    kpi.add_argument("--output", type=Path)

    new = sub.add_parser(
        "new", help=_("a new evidence record, nonconformity or waiver from its template (never overwrites)")
    )
    new.add_argument("type", help=_("evidence type id, or 'nonconformity' or 'waiver'"))
    new.add_argument("--id", required=True, dest="record_id")
    new.add_argument("--title", required=True)
    new.add_argument("--owner", help=_("role id (records and nonconformities)"))
    new.add_argument("--date", type=_date, default=None, help=_("default: today (a waiver's: when it is granted)"))
    new.add_argument("--period", default=None, help=_("e.g. 2025, 2025-H1, 2025-Q3, 2025-04"))
    new.add_argument("--satisfies", action="append", default=None, help=_("checkpoint id (repeatable)"))
    new.add_argument("--due", type=_date, default=None, help=_("nonconformity: when its action is due"))
    new.add_argument("--found-in", default=None, help=_("nonconformity: the record it was found in"))
    new.add_argument("--clause", default=None, help=_("nonconformity: DOC-ID#section, e.g. TFDL-ITSS-08-01#7.3.1"))
    new.add_argument("--checkpoint", default=None, help=_("waiver: the checkpoint it waives"))
    new.add_argument("--approved-by", default=None, help=_("waiver: who approved it"))
    new.add_argument("--expires", type=_date, default=None, help=_("waiver: its last day"))
    new.add_argument(
        "--output", type=Path, default=None, help=_("default: beside the manual's newest file of the same kind or type")
    )

    rev = sub.add_parser("revise", help=_("start a new version of a controlled document (adds the revision row)"))
    rev.add_argument("doc", help=_("policy id or doc_no"))
    rev.add_argument("--version", required=True)
    rev.add_argument("--author", required=True)
    rev.add_argument("--change", required=True, help=_("what changed (更改记录)"))
    rev.add_argument("--date", type=_date, default=None, help=_("default: today"))

    app = sub.add_parser("approve", help=_("approve the pending revision of a controlled document"))
    app.add_argument("doc", help=_("policy id or doc_no"))
    app.add_argument("--by", required=True, help=_("the approver's name"))
    app.add_argument("--reviewed-by", default=None, help=_("also record the reviewer (审核)"))
    app.add_argument("--date", type=_date, default=None, help=_("default: today"))

    con = sub.add_parser("confirm", help=_("re-confirm evidence records against their checkpoints (clears suspect)"))
    con.add_argument("records", nargs="*", help=_("evidence record ids"))
    con.add_argument("--all", action="store_true", help=_("every record that satisfies a checkpoint"))
    con.add_argument("--checkpoint", action="append", default=None, help=_("only this checkpoint (repeatable)"))

    diff = sub.add_parser("diff", help=_("controlled documents whose normative text changed since a git revision"))
    diff.add_argument("--base", required=True, help=_("git revision to compare with, e.g. origin/main"))
    diff.add_argument("--output", type=Path, help=_("write the Markdown summary to this file too"))
    _as_of(diff)  # whose membership the pending approvals list

    pack = sub.add_parser("pack", help=_("an audit pack: printable manual, results, evidence and a manifest"))
    pack.add_argument("--period", help=_("2025, 2025-H1, 2025-Q3 or 2025-04"))
    pack.add_argument("--output", type=Path, help=_("a new folder, or FILE.zip"))
    pack.add_argument("--as-of", type=_date, default=None, help=_("evaluation date (default: the period's end)"))
    pack.add_argument("--verify", type=Path, metavar="PACK", help=_("check a pack's files against its manifest"))
    pack.add_argument(
        "--trusted-html",
        action="store_true",
        help=_("keep raw HTML of policy bodies as written (a trusted repository)"),
    )
    pack.add_argument(
        "--sign", type=Path, metavar="KEYFILE", help=_("sign the manifest with this SSH key, as git signs commits")
    )
    pack.add_argument(
        "--repo",
        type=Path,
        help=_("with --verify: also check the copied files against the pack's commit in this repository"),
    )
    pack.add_argument(
        "--allowed-signers",
        type=Path,
        metavar="FILE",
        help=_(
            "with --verify: whose SSH keys to trust; the pack must then be signed "
            "(default: git config gpg.ssh.allowedSignersFile)"
        ),
    )
    pack.add_argument(
        "--signer", metavar="IDENTITY", help=_("with --verify: who must have signed (default: anyone the file lists)")
    )

    export = sub.add_parser("export", help=_("controlled documents as PDF or Word files, for the auditor"))
    export.add_argument("doc", nargs="?", help=_("policy id or doc_no"))
    export.add_argument("--all", action="store_true", help=_("every document in force on the as-of date"))
    export.add_argument("--format", choices=["pdf", "docx"], default=None, help=_("default: from --output, else pdf"))
    export.add_argument(
        "--output", type=Path, default=None, help=_("the file (with --all: a folder); default: DOC-VERSION.FORMAT here")
    )
    _as_of(export)

    template = sub.add_parser("template", help=_("an Excel workbook for entering the data of an evidence type"))
    template.add_argument("type", help=_("evidence type id (one with data_columns)"))
    template.add_argument("--output", type=Path, required=True, help=_("the new workbook, FILE.xlsx"))

    todo = sub.add_parser("todo", help=_("what is overdue and what is due soon, grouped by owner"))
    _as_of(todo)
    todo.add_argument("--owner", action="append", default=None, help=_("only this owner role (repeatable)"))
    todo.add_argument(
        "--within", type=int, default=30, metavar="DAYS", help=_("due within this many days (default 30)")
    )
    todo.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    todo.add_argument("--output", type=Path, help=_("write the list to this file instead of standard output"))
    registers = sub.add_parser("list", help=_("a register in the terminal: nonconformities, waivers or what is due"))
    registers.add_argument("register", choices=["nc", "waivers", "due"])
    _as_of(registers)
    registers.add_argument("--owner", action="append", default=None, help=_("only this owner role (repeatable)"))
    registers.add_argument(
        "--within",
        type=int,
        default=None,
        metavar="DAYS",
        help=_("only what is open and due (a waiver: expires) within this many days, or overdue (due: default 30)"),
    )
    registers.add_argument("--format", choices=["text", "json"], default="text")
    registers.add_argument("--output", type=Path, help=_("write the list to this file instead of standard output"))
    owners = sub.add_parser("codeowners", help=_("write CODEOWNERS from the roles: who must review each manual file"))
    _as_of(owners)  # whose membership counts
    owners.add_argument("--gitlab", action="store_true", help=_("the GitLab form: sections, .gitlab/CODEOWNERS"))
    owners.add_argument("--check", action="store_true", help=_("write nothing; exit 1 when the file is not current"))

    schema = sub.add_parser("schema", help=_("print the JSON Schema of a kind, for editors"))
    schema.add_argument("kind", nargs="?", choices=schema_names())
    schema.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help=_("write every kind's schema into DIR as KIND.schema.json, for an editor's YAML extension"),
    )
    schema.add_argument(
        "--type", dest="evidence_type", help=_("with 'evidence': the schema of records of this evidence type")
    )

    init = sub.add_parser("init", help=_("scaffold a new, valid, minimal manual in an empty folder"))
    init.add_argument("dir", type=Path)
    # Also the language of the messages, like the global option.
    init.add_argument("--language", default=None, choices=LANGUAGES, help=_("theme language of the site (default: zh)"))
    init.add_argument("--date", type=_date, default=None, help=_("effective date of the first policy (default: today)"))
    init.add_argument("--site-name", default="质量手册")
    for command in sub.choices.values():  # `qms check --language en` as well as `qms --language en check`
        if command is not init:
            command.add_argument("--language", choices=LANGUAGES, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _escape_what_the_console_cannot_show()
    route_argparse_messages()
    with use_language(_language(sys.argv[1:] if argv is None else argv)):
        return _main(argv)


def _language(argv: Sequence[str]) -> str:
    """--language, else the manual's theme.language, else the locale: read before the parser is
    built, so that --help and argparse's errors speak it too."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--language", default=None)
    early.add_argument("--root", type=Path, default=None)
    known, _rest = early.parse_known_args(argv)
    root = known.root if known.root is not None else find_root(Path.cwd())
    return choose_language(known.language, root)


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.show_version:
        print(_version_text(args.verbose_version))
        return EXIT_OK
    if args.command is None:
        parser.error(_("a command is required"))
    try:
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(_("qms {command}: {message}").format(command=args.command, message=exc), file=sys.stderr)
        return EXIT_INVALID
    except InvalidManual:
        message = _("qms {command}: the manual is invalid; fix the problems above (see `qms validate`)")
        print(message.format(command=args.command), file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # a folder that cannot be read or a file that cannot be written
        where = f"{exc.filename}: " if exc.filename else ""
        message = _("qms {command}: {message}").format(command=args.command, message=f"{where}{exc.strerror or exc}")
        print(message, file=sys.stderr)
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


def _escape_what_the_console_cannot_show() -> None:
    """A console that cannot encode Chinese (PYTHONIOENCODING=ascii, a cp1252 Windows console)
    still gets every line, with what it cannot show written as \\u escapes, and the right exit
    code, instead of a traceback at the first Chinese character."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            reconfigure(errors="backslashreplace")


def _root(args: argparse.Namespace) -> Path:
    root = args.root if args.root is not None else find_root(Path.cwd())
    if not (root / "policy").is_dir():
        raise UsageError(_("{path}: no policy/ folder here; run inside a manual or pass --root").format(path=root))
    return root


@collector_paused(settle=True)
def cmd_validate(args: argparse.Namespace) -> int:
    loaded = load_manual(_root(args))
    for issue in loaded.issues:
        print(issue)
    problems = loaded.issues if args.strict else loaded.errors
    if problems:
        count = len(problems)
        print(ngettext("{count} problem found", "{count} problems found", count).format(count=count), file=sys.stderr)
        _held_back(loaded)
        return EXIT_INVALID
    m = loaded.manual
    summary = _(
        "manual is valid: {policies} policies, {roles} roles, {checkpoints} checkpoints, {kpis} KPIs, "
        "{types} evidence types, {records} evidence records, {ncs} nonconformities, {waivers} waivers, "
        "{projects} projects"
    )
    counts = {"policies": len(m.policies), "roles": len(m.roles), "checkpoints": len(m.checkpoints)}
    counts |= {"kpis": len(m.kpis), "types": len(m.evidence_types), "records": len(m.evidence)}
    counts |= {"ncs": len(m.nonconformities), "waivers": len(m.waivers), "projects": len(m.projects)}
    print(summary.format(**counts), file=sys.stderr)
    return EXIT_OK


def _valid_manual(
    args: argparse.Namespace, root: Path | None = None, data: DataCache | None = None, progress: Progress = NO_PROGRESS
) -> LoadedManual:
    loaded = load_manual(root or _root(args), data=data, progress=progress)
    for issue in loaded.issues:
        print(issue, file=sys.stderr)
    _held_back(loaded)
    if not loaded.valid or (getattr(args, "strict", False) and loaded.issues):  # --strict: warnings too
        raise InvalidManual()
    return loaded


def _held_back(loaded: LoadedManual) -> None:
    if loaded.held_back:
        print(loaded.held_back_summary(), file=sys.stderr)


def _progress() -> AbstractContextManager[Progress]:
    """rich's progress display on a terminal (for large manuals), else nothing."""
    if not sys.stderr.isatty():  # CI, pipes: not even rich is imported
        return nullcontext(NO_PROGRESS)
    from .outputs.terminal import progress_display

    return progress_display()


class InvalidManual(Exception):
    """The manual has errors; they were printed already."""


def _emit(text: str | bytes, output: Path | None) -> None:
    """Print a report, or write it to `output` (checked by `_refuse_manual_file` before the
    command's work); bytes are UTF-8 already (JSON)."""
    if output is None:
        _print(text)
    elif output.is_dir():
        raise UsageError(_("{path} is a folder; give a file name").format(path=output))
    elif output.exists() and not output.is_file():  # /dev/null, a pipe: write, never replace
        with output.open("wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    else:
        replace(output.resolve(), text)


def _refuse_manual_file(output: Path | None, root: Path) -> None:
    """A report never lands on a file of the manual: it would replace a source."""
    if output is not None and part_of_manual(output, root):
        shown = relpath(Path(os.path.realpath(output)), Path(os.path.realpath(root)))
        raise UsageError(_("{path} is part of the manual; write the report elsewhere").format(path=shown))


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
    _refuse_manual_file(args.output, root)
    git = GitInfo.read_in_background(root)  # the commits of the evidence, read while the manual loads
    data = DataCache(limits=_limits(args))  # and the data files too
    with _progress() as progress:
        manual = _valid_manual(args, root, data, progress).manual
        as_of = args.as_of or dt.date.today()
        commits = git.result()
        if commits.warning:
            print(_("warning: {message}").format(message=commits.warning), file=sys.stderr)
        results = evaluate(
            manual,
            as_of,
            fail_on=args.fail_on,
            strict=args.strict,
            git=commits,
            trend_months=args.trend,
            check_timeout=args.check_timeout,
            data=data,
            progress=progress,
        )
    _warn_header_only(data)
    doc = to_document(results, f"quality-manual {__version__}")
    text: str | bytes
    if args.format == "json":
        text = document_json(doc)
    else:
        from .outputs import report  # with rich, for the text table: not needed for JSON
        from .outputs.terminal import text_style

        if args.format == "junit":
            text = report.junit_report(doc)
        elif args.format == "github":
            text = report.github_report(doc)
        else:
            style = text_style(args.output)
            text = report.text_report(doc, width=style.width, color=style.color, show_all=args.show_all)
    _emit(text, args.output)
    return EXIT_OK if results.ok else EXIT_FINDINGS


@collector_paused(settle=True)
def cmd_kpi(args: argparse.Namespace) -> int:
    root = _root(args)
    _refuse_manual_file(args.output, root)
    data = DataCache(limits=_limits(args))
    with _progress() as progress:
        manual = _valid_manual(args, root, data, progress).manual
        as_of = args.as_of or dt.date.today()
        results = evaluate(manual, as_of, git=GitInfo(), data=data, progress=progress)  # KPIs do not show commits
    _warn_header_only(data)
    from .outputs.report import kpi_csv_report, kpi_text_report
    from .outputs.terminal import text_style

    text: str | bytes
    if args.format == "json":
        text = document_json({"as_of": as_of.isoformat(), "language": current_language(), "kpis": results.kpis})
    elif args.format == "csv":
        text = kpi_csv_report(results.kpis)
    else:
        style = text_style(args.output)
        text = kpi_text_report(results.kpis, as_of.isoformat(), width=style.width, color=style.color)
    _emit(text, args.output)
    broken = any(k["error"] for k in results.kpis)
    return EXIT_FINDINGS if broken else EXIT_OK


def _writes_manual(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A command that changes the manual holds its lock from before it reads the manual
    until it has written (see checks.authoring.lock): two at once never decide from the
    same old text."""

    @functools.wraps(command)
    def locked(args: argparse.Namespace) -> int:
        from .authoring.lock import ManualBusy, manual_lock

        try:
            with manual_lock(_root(args)):
                return command(args)
        except ManualBusy as exc:
            raise UsageError(str(exc)) from None

    return locked


_NEEDS = {  # what each kind `qms new` makes must be given
    "nonconformity": ("owner", "due"),
    "waiver": ("checkpoint", "approved_by", "expires"),
    "evidence": ("owner",),
}


@_writes_manual
def cmd_new(args: argparse.Namespace) -> int:
    from .authoring.newrecord import NewRecordError, new_nonconformity, new_record, new_waiver

    kind = args.type if args.type in _NEEDS else "evidence"
    missing = [name for name in _NEEDS[kind] if getattr(args, name) is None]
    if missing:
        options = ", ".join("--" + name.replace("_", "-") for name in missing)
        raise UsageError(_("{type} needs {options}").format(type=args.type, options=options))
    manual = load_manual(_root(args)).manual
    date = args.date or dt.date.today()
    path = args.output.resolve() if args.output else None
    try:
        if kind == "nonconformity":
            made = new_nonconformity(
                manual,
                nc_id=args.record_id,
                title=args.title,
                owner=args.owner,
                due=args.due,
                date=date,
                found_in=args.found_in,
                clause=args.clause,
                path=path,
            )
        elif kind == "waiver":
            made = new_waiver(
                manual,
                waiver_id=args.record_id,
                title=args.title,
                checkpoint=args.checkpoint,
                approved_by=args.approved_by,
                expires=args.expires,
                date=date,
                path=path,
            )
        else:
            made = new_record(
                manual,
                args.type,
                record_id=args.record_id,
                title=args.title,
                owner=args.owner,
                date=date,
                period=args.period,
                satisfies=args.satisfies,
                path=path,
            )
    except NewRecordError as exc:
        raise UsageError(str(exc)) from None
    print(made.path.relative_to(manual.root) if made.path.is_relative_to(manual.root) else made.path)
    if made.to_fill:
        print(_("fill in: {fields}; then run `qms validate`").format(fields=", ".join(made.to_fill)), file=sys.stderr)
    return EXIT_OK


@_writes_manual
def cmd_revise(args: argparse.Namespace) -> int:
    from .authoring.docedit import EditError
    from .authoring.revise import revise

    manual = load_manual(_root(args)).manual
    date = args.date or dt.date.today()
    try:
        policy = revise(manual, args.doc, version=args.version, author=args.author, change=args.change, date=date)
    except EditError as exc:
        raise UsageError(str(exc)) from None
    done = _("{file}: {old} -> {new}, awaiting approval (qms approve {doc} --by NAME)")
    print(done.format(file=policy.source.rel, old=policy.version, new=args.version, doc=policy.id))
    return EXIT_OK


@_writes_manual
def cmd_approve(args: argparse.Namespace) -> int:
    from .authoring.docedit import EditError
    from .authoring.revise import approve

    manual = load_manual(_root(args)).manual
    date = args.date or dt.date.today()
    try:
        policy = approve(manual, args.doc, by=args.by, date=date, reviewed_by=args.reviewed_by)
    except EditError as exc:
        raise UsageError(str(exc)) from None
    done = _("{file}: {version} approved by {name} on {date}")
    print(done.format(file=policy.source.rel, version=policy.revisions[-1].version, name=args.by, date=date))
    if policy.approving_role is None:
        note = _("warning: {doc} names no approving_role: the approver '{name}' was not checked against anyone")
        print(note.format(doc=policy.id, name=args.by), file=sys.stderr)
    if args.reviewed_by and policy.reviewing_role is None:
        note = _("warning: {doc} names no reviewing_role: the reviewer '{name}' was not checked against anyone")
        print(note.format(doc=policy.id, name=args.reviewed_by), file=sys.stderr)
    return EXIT_OK


@_writes_manual
def cmd_confirm(args: argparse.Namespace) -> int:
    from .authoring.docedit import EditError
    from .authoring.revise import confirm

    manual = _valid_manual(args).manual
    if args.all == bool(args.records):
        raise UsageError(_("name the records to confirm, or pass --all"))
    for cp_id in args.checkpoint or []:
        if cp_id not in manual.checkpoints:
            close = difflib.get_close_matches(cp_id, list(manual.checkpoints), n=1)
            hint = _(" (did you mean '{close}'?)").format(close=close[0]) if close else ""
            raise UsageError(_("unknown checkpoint '{id}'{hint}").format(id=cp_id, hint=hint))
    wanted = set(args.checkpoint or [])
    if args.all:  # every record that satisfies a checkpoint, or one of those given
        records = [r for r in manual.evidence.values() if r.satisfies]
        ids = sorted(r.id for r in records if not wanted or wanted & set(r.satisfies))
    else:
        ids = args.records
    unknown = [i for i in ids if i not in manual.evidence]
    if unknown:
        raise UsageError(_("unknown evidence record '{id}'").format(id=unknown[0]))
    total = 0
    for record_id in ids:
        record = manual.evidence[record_id]
        chosen = [c for c in record.satisfies if c in wanted] if args.all and wanted else args.checkpoint
        try:
            stamped = confirm(manual, record, chosen)
        except EditError as exc:
            raise UsageError(str(exc)) from None
        if stamped:
            total += 1
            print(
                _("{file}: confirmed for {checkpoints}").format(file=record.source.rel, checkpoints=", ".join(stamped))
            )
    print(ngettext("{count} record updated", "{count} records updated", total).format(count=total), file=sys.stderr)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from .authoring.changes import document_changes, markdown_summary, removed_objects
    from .authoring.gate import review_changes
    from .loading.gitlog import GitError
    from .model import KINDS

    root = _root(args)
    _refuse_manual_file(args.output, root)
    loaded = load_manual(root)  # the branch's: who approves, what depends on the clauses
    manual = loaded.manual
    if not loaded.valid:  # removals often leave references behind: still report what changed
        for issue in loaded.issues:
            print(issue, file=sys.stderr)
        print(_("qms diff: the manual is invalid (see above); what changed is listed all the same"), file=sys.stderr)
    current = {i for kind in KINDS for i in manual.collection(kind)} | manual.broken
    try:
        changes = document_changes(root, args.base)
        removals = removed_objects(root, args.base, current, manual.policies)
    except GitError as exc:
        raise UsageError(str(exc)) from None
    # The branch's manual says who approves and what depends on the changed clauses.
    gate = review_changes(changes, manual, args.as_of or dt.date.today())
    summary = markdown_summary(changes, args.base, removals) + (gate.markdown() if changes else "")
    sys.stdout.write(summary)
    if args.output:
        _emit(summary, args.output)
    unrecorded = any(r.recorded is None for r in removals)
    if not loaded.valid:
        return EXIT_INVALID
    return EXIT_FINDINGS if any(c.problems for c in changes) or gate.pending or unrecorded else EXIT_OK


@collector_paused(settle=True)
def cmd_pack(args: argparse.Namespace) -> int:
    from .outputs.pack import PackError, build_pack

    if args.verify is not None:
        if args.period or args.output or args.sign:
            raise UsageError(_("--verify takes only the pack to check, --repo, --allowed-signers and --signer"))
        return _verify_pack(args)
    if not args.period or not args.output:
        raise UsageError(_("give --period and --output (or --verify PACK)"))
    if args.repo or args.allowed_signers or args.signer:
        raise UsageError(_("--repo, --allowed-signers and --signer only go with --verify"))
    with _progress() as progress:
        manual = _valid_manual(args, progress=progress).manual
        try:
            summary = build_pack(
                manual,
                args.period,
                args.output,
                as_of=args.as_of,
                generator=f"quality-manual {__version__}",
                progress=progress,
                trusted_html=args.trusted_html,
                data=DataCache(limits=_limits(args)),
                sign_with=args.sign,
            )
        except PackError as exc:
            raise UsageError(str(exc)) from None
    for skipped in summary.skipped:
        print(_("warning: not packed: {what}").format(what=skipped), file=sys.stderr)
    if summary.commit is None:
        print(_("warning: the manual is not in a git checkout: the pack cannot be traced to a commit"), file=sys.stderr)
    for name in summary.uncommitted:
        warning = _("warning: {name}: packed with uncommitted changes: commit {commit} does not hold it")
        print(warning.format(name=name, commit=summary.commit), file=sys.stderr)
    counts = _(", ").join(
        _("{count} {status}").format(count=n, status=_(STATUS_NAMES.get(status, status)))
        for status, n in summary.by_status.items()
        if n
    )
    done = _("{pack}: {files} files, {records} evidence records, as of {date} ({counts})")
    print(
        done.format(pack=summary.path, files=summary.files, records=summary.records, date=summary.as_of, counts=counts)
    )
    if summary.signed:
        print(_("{pack}: signed with {key}").format(pack=summary.path, key=args.sign))
    return EXIT_OK


def _verify_pack(args: argparse.Namespace) -> int:
    """`qms pack --verify`: problems (exit 1), else what was established; notes either way."""
    from .outputs.pack import PackError, check_pack, signers_from

    try:
        signers = signers_from(args.allowed_signers, args.signer, args.repo or Path.cwd())
        check = check_pack(args.verify, repo=args.repo, signers=signers)
    except PackError as exc:
        raise UsageError(str(exc)) from None
    lines = list(check.problems)
    if not check.problems:
        lines.append(_("every file matches the manifest"))
        if check.traced is not None:
            traced = ngettext(
                "{count} copied file matches commit {commit}",
                "{count} copied files match commit {commit}",
                check.traced,
            )
            lines.append(traced.format(count=check.traced, commit=check.commit))
        if check.signer:
            lines.append(_("signed by {signer}").format(signer=check.signer))
    for line in lines + check.notes:
        print(f"{args.verify}: {line}")
    return EXIT_FINDINGS if check.problems else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .outputs.export import ExportError, effective_documents, export, file_name, find_document

    if args.all == bool(args.doc):
        raise UsageError(_("name one document, or pass --all"))
    manual = _valid_manual(args).manual
    as_of = args.as_of or dt.date.today()
    suffix = args.output.suffix.lower().lstrip(".") if args.output and not args.all else ""
    fmt = args.format or (suffix if suffix in ("pdf", "docx") else "pdf")
    try:
        policies = effective_documents(manual, as_of) if args.all else [find_document(manual, args.doc)]
        if not policies:
            raise UsageError(_("no document is in force on {date}").format(date=as_of))
        target = args.output or (Path.cwd() if args.all else Path(file_name(policies[0], fmt)))
        if not args.all and target.is_dir():
            target = target / file_name(policies[0], fmt)
        if args.all and target.exists() and not target.is_dir():
            raise UsageError(_("{path} is not a folder; --all writes one file per document").format(path=target))
        written = export(manual, policies, fmt, as_of, target.absolute(), folder=args.all)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    for item in written:
        print(item.path)
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from .authoring.workbook import TemplateError, write_template

    manual = _valid_manual(args).manual
    try:
        path = write_template(manual, args.type, args.output.absolute())
    except TemplateError as exc:
        raise UsageError(str(exc)) from None
    print(path)
    return EXIT_OK


@collector_paused(settle=True)
def _owed(args: argparse.Namespace, within: int) -> tuple[Manual, dt.date, list[DueItem]]:
    """What is overdue or due within `within` days, for `qms todo` and `qms list due`."""
    from .evaluating.duedates import due_items

    if within < 0:
        raise UsageError(_("--within takes a number of days, 0 or more"))
    data = DataCache()
    manual = _valid_manual(args, data=data).manual
    _check_owners(manual, args.owner)
    as_of = args.as_of or dt.date.today()
    results = evaluate(manual, as_of, git=GitInfo(), data=data)
    doc = to_document(results, f"quality-manual {__version__}")
    horizon = as_of + dt.timedelta(days=within)
    owed = [
        i
        for i in due_items(manual, doc)
        if (i.overdue or i.due <= horizon) and (not args.owner or i.owner in args.owner)
    ]
    return manual, as_of, owed


def _check_owners(manual: Manual, owners: list[str] | None) -> None:
    unknown = [o for o in owners or [] if o not in manual.roles]
    if unknown:
        raise UsageError(_("unknown role '{role}'").format(role=unknown[0]) + suggest_id(manual, "role", unknown[0]))


def cmd_todo(args: argparse.Namespace) -> int:
    from .outputs.todo import todo_json, todo_markdown, todo_text

    _refuse_manual_file(args.output, _root(args))
    manual, as_of, items = _owed(args, args.within)
    text: str | bytes
    if args.format == "json":
        text = todo_json(manual, items, as_of, args.within)
    elif args.format == "markdown":
        text = todo_markdown(manual, items, as_of, args.within)
    else:
        text = todo_text(manual, items, as_of, args.within)
    _emit(text, args.output)
    return EXIT_OK  # a list to send, not a verdict: `qms check` is the one that fails CI


def cmd_list(args: argparse.Namespace) -> int:
    from .evaluating.registers import nonconformity_register, waiver_register
    from .outputs.registers import due_table, nc_table, register_json, waiver_table
    from .outputs.terminal import text_style

    _refuse_manual_file(args.output, _root(args))
    entries: list[Any]
    if args.register == "due":
        manual, as_of, entries = _owed(args, 30 if args.within is None else args.within)
    else:
        if args.within is not None and args.within < 0:
            raise UsageError(_("--within takes a number of days, 0 or more"))
        manual = _valid_manual(args).manual
        _check_owners(manual, args.owner)
        as_of = args.as_of or dt.date.today()
        horizon = as_of + dt.timedelta(days=args.within or 0)
        if args.register == "nc":
            entries = [
                e
                for e in nonconformity_register(manual, as_of)
                if (not args.owner or e.owner in args.owner)
                and (args.within is None or (e.state == "open" and e.due is not None and e.due <= horizon))
            ]
        else:
            entries = [
                e
                for e in waiver_register(manual, as_of)
                if (not args.owner or e.owner in args.owner)
                and (args.within is None or (e.state == "active" and e.expires is not None and e.expires <= horizon))
            ]
    if args.format == "json":
        _emit(register_json(args.register, as_of, entries), args.output)
        return EXIT_OK
    style = text_style(args.output)
    tables: dict[str, Callable[[Any, dt.date, int, bool], str]] = {
        "nc": nc_table,
        "waivers": waiver_table,
        "due": due_table,
    }
    _emit(tables[args.register](entries, as_of, style.width, style.color), args.output)
    return EXIT_OK


def cmd_codeowners(args: argparse.Namespace) -> int:
    from .loading.gitlog import GitError, checkout_top
    from .loading.people import role_label
    from .outputs.codeowners import BlockError, current_block, differences, location, merged, ownership, read

    root = _root(args)
    manual = _valid_manual(args, root).manual
    try:
        top, prefix = checkout_top(root)
    except GitError:  # not in git (yet): the manual's folder will be the repository
        top, prefix = root, ""
    owned = ownership(manual, args.as_of or dt.date.today(), prefix)
    block = owned.block(gitlab=args.gitlab)
    path = location(top, gitlab=args.gitlab)
    name = path.relative_to(top).as_posix()
    for role, files in owned.unowned:
        note = ngettext(
            "warning: nobody in {role} has a login or e-mail: {count} file without a reviewer",
            "warning: nobody in {role} has a login or e-mail: {count} files without a reviewer",
            len(files),
        )
        print(note.format(role=role_label(role), count=len(files)), file=sys.stderr)
    try:
        existing = read(path)
        had_block = bool(existing) and current_block(existing or "", name) is not None
        if args.check:
            problems = differences(existing, block, name)
            print("\n".join(problems) or _("{file} is up to date").format(file=name), file=sys.stderr)
            return EXIT_FINDINGS if problems else EXIT_OK
        text = merged(existing, block, name)
    except BlockError as exc:
        raise UsageError(str(exc)) from None
    if text == existing:
        print(_("{file} is up to date").format(file=name), file=sys.stderr)
        return EXIT_OK
    path.parent.mkdir(parents=True, exist_ok=True)
    replace(path, text)
    if not existing:
        done = _("wrote {file}")
    elif not had_block:
        done = _("{file}: kept its own {count} lines and added the generated block after them")
    else:
        done = _("{file}: updated the generated block")
    print(done.format(file=name, count=len(existing.splitlines()) if existing else 0), file=sys.stderr)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.write is not None:
        return _write_schemas(args)
    if args.kind is None:
        raise UsageError(_("name a kind, or give --write DIR"))
    if args.evidence_type is None:
        sys.stdout.write(schema_text(args.kind))
        return EXIT_OK
    if args.kind != "evidence":
        raise UsageError(_("--type only applies to the 'evidence' schema"))
    loaded = load_manual(_root(args))
    etype = loaded.manual.evidence_types.get(args.evidence_type)
    if etype is None:
        raise UsageError(_("unknown evidence type '{type}'").format(type=args.evidence_type))
    print(json.dumps(evidence_schema(etype.id, etype.fields), ensure_ascii=False, indent=2))
    return EXIT_OK


def _write_schemas(args: argparse.Namespace) -> int:
    from .authoring.editors import SchemaFolderError, write_schemas

    if args.kind is not None or args.evidence_type is not None:
        raise UsageError(_("--write writes every kind's schema; give no kind or --type with it"))
    if part_of_manual(args.write / "kind.schema.json", _root(args)):
        raise UsageError(_("{path} is part of the manual; write the schemas elsewhere").format(path=args.write))
    try:
        written = write_schemas(args.write)
    except SchemaFolderError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{args.write}: {exc.strerror}") from None
    print(_("wrote {count} schemas into {path}").format(count=len(written), path=args.write))
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from .authoring.scaffold import TargetNotEmpty, init_manual

    date = args.date or dt.date.today()
    try:
        written = init_manual(args.dir, date=date, language=args.language or "zh", site_name=args.site_name)
    except TargetNotEmpty:
        raise UsageError(_("{path} is not empty; choose a new or empty folder").format(path=args.dir)) from None
    except OSError as exc:
        raise UsageError(f"{args.dir}: {exc.strerror}") from None
    print(_("created a manual in {path} ({count} files)").format(path=args.dir, count=len(written)))
    print(_("next: cd {path} && qms validate && mkdocs build --strict").format(path=args.dir))
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
    "export": cmd_export,
    "template": cmd_template,
    "todo": cmd_todo,
    "codeowners": cmd_codeowners,
    "schema": cmd_schema,
    "list": cmd_list,
    "init": cmd_init,
}


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
