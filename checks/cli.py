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

from .manual import find_root, load_manual
from .scaffold import TargetNotEmpty, init_manual
from .schema import evidence_schema, schema_names, schema_text

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2


class UsageError(Exception):
    """A misused command: reported on stderr with exit code 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (use YYYY-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qms", description="Quality manual as code: validate, check, publish.")
    parser.add_argument(
        "--root", type=Path, default=None, help="the manual's folder (default: found from the current folder)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("validate", help="check schemas, ids, references, clauses and attachment digests")

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
    try:
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"qms {args.command}: {exc}", file=sys.stderr)
        return EXIT_INVALID


def _root(args: argparse.Namespace) -> Path:
    root = args.root if args.root is not None else find_root(Path.cwd())
    if not (root / "policy").is_dir():
        raise UsageError(f"{root}: no policy/ folder here; run inside a manual or pass --root")
    return root


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
        f"{len(m.nonconformities)} nonconformities, {len(m.waivers)} waivers",
        file=sys.stderr,
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


_COMMANDS = {"validate": cmd_validate, "schema": cmd_schema, "init": cmd_init}


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
