"""Cross-reference validation of a loaded manual.

Like doorstop's validators, each check is a generator of issues, so one run
reports every problem at once.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..evaluating.doccontrol import check_documents
from ..evaluating.periods import duration_problem
from ..i18n import N_, _
from ..model import Checkpoint, Evidence, EvidenceType, FieldPath, Issue, Manual, ManualObject
from .clauses import parse_clauses
from .localcode import LocalCodeError, LocalReferenceError, check_signature, is_local, load_function
from .people import check_people
from .schema import check_type_fields
from .suggestions import did_you_mean, suggest_id

DATA_SUFFIXES = (".csv", ".xlsx")


# The modules a manual names in `compute:` and `check:` (`kpis:customer_satisfaction`).
BUILTIN_FUNCTIONS = {"kpis": "checks.evaluating.kpis", "custom": "checks.evaluating.custom"}


# What the engine passes: a KPI function gets these positionally, a check by name.
KPI_ARGUMENTS = ("frame", "period", "manual")
CHECK_ARGUMENTS = ("checkpoint", "evidence", "manual", "as_of")


def resolve_function(spec: str, root: Path | None = None) -> Callable[..., Any]:
    """Import `module:function`: a Python file of the manual under `root`
    (`checks/local_kpis.py:rate`, see localcode), a built-in module, one inside the
    checks package, or a full dotted path."""
    if is_local(spec):
        if root is None:
            raise ValueError(f"{spec} is a file of a manual: its root is needed to load it")
        return load_function(root, spec)
    module_name, _sep, func_name = spec.partition(":")
    if module_name in BUILTIN_FUNCTIONS:
        module_name = BUILTIN_FUNCTIONS[module_name]
    elif not module_name.startswith("checks.") and module_name != "checks":
        module_name = f"checks.{module_name}"
    module = importlib.import_module(module_name)
    func = getattr(module, func_name)
    if not callable(func):
        raise TypeError(f"{spec} is not callable")
    return func


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_inside(path: Path, folder: Path) -> bool:
    """Whether a resolved path lies in a (resolved) folder."""
    return path.is_relative_to(folder)


def check_manual(manual: Manual, digest: Callable[[Path], str] = sha256_of) -> Iterator[Issue]:
    yield from _evidence(manual, digest)
    for check in (
        _policies,
        _roles,
        _checkpoints,
        _kpis,
        _plans,
        _evidence_types,
        _nonconformities,
        _waivers,
        _projects,
        _stray_pages,
        check_documents,
        check_people,
    ):
        yield from check(manual)


# One whole sentence per kind of reference, for translators to word each as they need.
_UNKNOWN = {
    "role": N_("unknown role '{id}'{hint}"),
    "evidence type": N_("unknown evidence type '{id}'{hint}"),
    "checkpoint": N_("unknown checkpoint '{id}'{hint}"),
    "evidence record": N_("unknown evidence record '{id}'{hint}"),
    "plan": N_("unknown plan '{id}'{hint}"),
    "document": N_("unknown document '{id}'{hint}"),
    "project": N_("unknown project '{id}'{hint}"),
}


def _ref(
    manual: Manual, obj: ManualObject, field: FieldPath, value: str | None, kind: str, what: str
) -> Iterator[Issue]:
    if value is None or value in manual.collection(kind):
        return
    if value in manual.broken:  # the object exists but is invalid: reported there
        yield obj.source.held_back(field, value)
    else:
        message = _(_UNKNOWN[what]).format(id=value, hint=suggest_id(manual, kind, value))
        yield obj.source.issue(field, message)


def _clause(manual: Manual, obj: ManualObject, field: FieldPath, ref: str | None) -> Iterator[Issue]:
    if ref is None:
        return
    doc, _sep, number = ref.partition("#")
    policy = manual.policies.get(doc)
    if policy is None and doc in manual.broken:
        yield obj.source.held_back(field, doc)
    elif policy is None:
        hint = suggest_id(manual, "policy", doc)
        yield obj.source.issue(
            field, _("clause '{ref}': unknown document '{doc}'{hint}").format(ref=ref, doc=doc, hint=hint)
        )
    elif number not in policy.clauses:
        message = _("clause '{ref}': {doc} has no heading numbered {number}")
        yield obj.source.issue(field, message.format(ref=ref, doc=doc, number=number))


def _function(
    manual: Manual, obj: ManualObject, field: FieldPath, spec: str | None, arguments: tuple[str, ...], keywords: bool
) -> Iterator[Issue]:
    if spec is None:
        return
    try:
        func = resolve_function(spec, manual.root)
    except LocalCodeError as exc:  # at the line of the manual's Python file (once, however many name it)
        yield exc.issue
        return
    except LocalReferenceError as exc:
        yield obj.source.issue(field, str(exc))
        return
    except Exception as exc:  # an import error in a check module is the user's to fix
        reason = f"{type(exc).__name__}: {exc}"
        yield obj.source.issue(field, _("cannot load '{spec}': {reason}").format(spec=spec, reason=reason))
        return
    if is_local(spec) and (problem := check_signature(manual.root, func, arguments, keywords)) is not None:
        yield problem


def _policies(manual: Manual) -> Iterator[Issue]:
    for policy in manual.policies.values():
        yield from _ref(manual, policy, ("owner",), policy.owner, "role", "role")
        yield from _ref(manual, policy, ("approving_role",), policy.approving_role, "role", "role")
        yield from _ref(manual, policy, ("reviewing_role",), policy.reviewing_role, "role", "role")
        if policy.review is not None:
            yield from _duration(policy, ("review", "cycle"), policy.review.cycle, positive=True)
        _clauses, duplicates = parse_clauses(policy.source.body or "", policy.source.body_line)
        for line, number in duplicates:
            yield Issue(
                policy.source.rel,
                line,
                "body",
                _("section number {number} is used by two headings").format(number=number),
            )


def _roles(manual: Manual) -> Iterator[Issue]:
    for role in manual.roles.values():
        yield from _ref(manual, role, ("parent",), role.parent, "role", "role")
        for index, duty in enumerate(role.duties):
            yield from _clause(manual, role, ("duties", index, "clause"), duty.clause)
        seen, parent = {role.id}, role.parent
        while parent in manual.roles:
            if parent in seen:
                yield role.source.issue(
                    ("parent",), _("circular parent chain through '{parent}'").format(parent=parent)
                )
                break
            seen.add(parent)
            parent = manual.roles[parent].parent


def _activities(manual: Manual) -> set[str]:
    return {a for role in manual.roles.values() for duty in role.duties for a in duty.activities}


def _checkpoints(manual: Manual) -> Iterator[Issue]:
    activities = _activities(manual)
    for cp in manual.checkpoints.values():
        yield from _ref(manual, cp, ("owner",), cp.owner, "role", "role")
        yield from _clause(manual, cp, ("clause",), cp.clause)
        yield from _function(manual, cp, ("check",), cp.check, CHECK_ARGUMENTS, keywords=True)
        if not cp.requires and not cp.check:
            yield cp.source.issue(
                ("requires",),
                _("a checkpoint needs at least one rule in 'requires' or a 'check'; nothing is satisfied by default"),
            )
        for index, rule in enumerate(cp.requires):
            yield from _rule(manual, cp, index, rule.raw, activities)


def _rule(manual: Manual, cp: Checkpoint, index: int, rule: dict[str, Any], activities: set[str]) -> Iterator[Issue]:
    at: FieldPath = ("requires", index)
    etype = manual.evidence_types.get(rule.get("evidence", ""))
    if "evidence" in rule:
        yield from _ref(manual, cp, at + ("evidence",), rule["evidence"], "evidence-type", "evidence type")
    if "kpi" in rule:
        yield from _ref(manual, cp, at + ("kpi",), rule["kpi"], "kpi", "KPI")
    scope = rule.get("nonconformities") or {}
    if "evidence" in scope:
        yield from _ref(
            manual, cp, at + ("nonconformities", "evidence"), scope["evidence"], "evidence-type", "evidence type"
        )
    yield from _clause(manual, cp, at + ("nonconformities", "clause"), scope.get("clause"))
    yield from _duration(cp, at + ("every",), rule.get("every"), positive=True)
    yield from _duration(cp, at + ("warn",), rule.get("warn"), positive=False)
    yield from _duration(
        cp, at + ("rows", "within", "max"), ((rule.get("rows") or {}).get("within") or {}).get("max"), positive=False
    )
    due = rule.get("due")
    if isinstance(due, str) and "#" in due:
        plan_id, _sep, row_id = due.partition("#")
        plan = manual.plans.get(plan_id)
        if plan is None:
            yield from _ref(manual, cp, at + ("due",), plan_id, "plan", "plan")
        elif row_id not in (row_ids := [row.id for row in plan.schedule]):
            hint = did_you_mean(row_id, row_ids)
            message = _("plan '{plan}' has no schedule row '{row}'{hint}").format(plan=plan_id, row=row_id, hint=hint)
            yield cp.source.issue(at + ("due",), message)
    elif isinstance(due, str):
        month, _sep, day = due.partition("-")
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= _days_in(int(month))):
            yield cp.source.issue(at + ("due",), _("'{due}' is not a valid month-day").format(due=due))
    yield from _rule_scope(manual, cp, at, rule, etype, activities)
    if etype is None:
        return
    for key in ("where", "verdict"):
        yield from _conditions(cp, at + (key,), rule.get(key) or {}, etype, activities)
    rows = rule.get("rows")
    if rows:
        columns = {c.name for c in etype.data_columns}
        if not columns:
            yield cp.source.issue(
                at + ("rows",), _("evidence type '{type}' declares no data_columns").format(type=etype.id)
            )
        named = list((rows.get("where") or {}).keys()) + list(rows.get("nonempty", []))
        within = rows.get("within") or {}
        named += [within[k] for k in ("from", "to") if k in within]
        for name in named:
            if columns and name not in columns:
                message = _("evidence type '{type}' has no data column '{column}'").format(type=etype.id, column=name)
                yield cp.source.issue(at + ("rows",), message)


def _duration(obj: ManualObject, field: FieldPath, text: Any, *, positive: bool) -> Iterator[Issue]:
    problem = duration_problem(text, positive=positive) if isinstance(text, str) else None
    if problem:
        yield obj.source.issue(field, problem)


RECORD_FIELDS = frozenset({"title", "date", "period", "owner", "approved_by", "project"})


def _conditions(
    cp: Checkpoint, at: FieldPath, conditions: dict[str, Any], etype: EvidenceType, activities: set[str]
) -> Iterator[Issue]:
    """Conditions name fields of the type, and activities some role has."""
    fields = set(etype.fields.get("properties", {})) | RECORD_FIELDS
    for name, condition in conditions.items():
        if name not in fields:
            yield cp.source.issue(
                at + (name,), _("evidence type '{type}' has no field '{field}'").format(type=etype.id, field=name)
            )
        includes = condition.get("includes") if isinstance(condition, dict) else None
        if isinstance(includes, dict):
            wanted = includes["roles_with_activity"]
            for activity in [wanted] if isinstance(wanted, str) else wanted:
                if activity not in activities:
                    yield cp.source.issue(
                        at + (name, "includes", "roles_with_activity"),
                        _("no role has a duty with activity '{activity}'").format(activity=activity),
                    )


def _rule_scope(
    manual: Manual,
    cp: Checkpoint,
    at: FieldPath,
    rule: dict[str, Any],
    etype: EvidenceType | None,
    activities: set[str],
) -> Iterator[Issue]:
    """`review`, `from`, `for_each` and `within`: what they name exists, and they go together."""
    yield from _ref(manual, cp, at + ("review",), rule.get("review"), "policy", "document")
    due, opens = rule.get("due"), rule.get("from")
    if opens is not None:
        if not (isinstance(due, str) and "#" not in due):
            yield cp.source.issue(at + ("from",), _("'from' goes with a month-day 'due'"))
        elif not _month_day_ok(opens):
            yield cp.source.issue(at + ("from",), _("'{value}' is not a valid month-day").format(value=opens))
        elif opens > due:
            yield cp.source.issue(
                at + ("from",), _("the window opens {opens}, after it is due {due}").format(opens=opens, due=due)
            )
    for_each, within = rule.get("for_each"), rule.get("within")
    if for_each is None:
        if within is not None:
            yield cp.source.issue(at + ("within",), _("'within' goes with 'for_each'"))
        return
    if due is not None:
        yield cp.source.issue(
            at + ("due",), _("a 'for_each' rule is due 'every' period or 'within' a time, not by 'due'")
        )
    if isinstance(for_each, dict):
        source = manual.evidence_types.get(for_each["evidence"])
        yield from _ref(
            manual, cp, at + ("for_each", "evidence"), for_each["evidence"], "evidence-type", "evidence type"
        )
        if source is not None:
            yield from _conditions(cp, at + ("for_each", "where"), for_each.get("where") or {}, source, activities)
        if etype is not None and for_each["field"] not in set(etype.fields.get("properties", {})) | RECORD_FIELDS:
            yield cp.source.issue(
                at + ("for_each", "field"),
                _("evidence type '{type}' has no field '{field}'").format(type=etype.id, field=for_each["field"]),
            )
    if (isinstance(for_each, dict) or not rule.get("every")) and within is None:
        yield cp.source.issue(
            at + ("for_each",),
            _("say 'every' period (for each project active in it) or 'within' a time after each start"),
        )
    elif rule.get("every") and within is not None:
        yield cp.source.issue(at + ("within",), _("'within' and 'every' do not go together"))


def _month_day_ok(text: str) -> bool:
    month, _sep, day = text.partition("-")
    return 1 <= int(month) <= 12 and 1 <= int(day) <= _days_in(int(month))


def _days_in(month: int) -> int:
    return [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def _kpis(manual: Manual) -> Iterator[Issue]:
    for kpi in manual.kpis.values():
        yield from _ref(manual, kpi, ("owner",), kpi.owner, "role", "role")
        yield from _ref(manual, kpi, ("source",), kpi.source_type, "evidence-type", "evidence type")
        yield from _clause(manual, kpi, ("clause",), kpi.clause)
        yield from _function(manual, kpi, ("compute",), kpi.compute, KPI_ARGUMENTS, keywords=False)


def _plans(manual: Manual) -> Iterator[Issue]:
    for plan in manual.plans.values():
        yield from _ref(manual, plan, ("document",), plan.document, "policy", "document")
        seen: set[str] = set()
        for index, row in enumerate(plan.schedule):
            at: FieldPath = ("schedule", index)
            if row.id in seen:
                yield plan.source.issue(at + ("id",), _("duplicate schedule row id '{id}'").format(id=row.id))
            seen.add(row.id)
            yield from _ref(manual, plan, at + ("owner",), row.owner, "role", "role")
            yield from _ref(manual, plan, at + ("produces",), row.produces, "evidence-type", "evidence type")


def _evidence_types(manual: Manual) -> Iterator[Issue]:
    for etype in manual.evidence_types.values():
        yield from _ref(manual, etype, ("approving_role",), etype.approving_role, "role", "role")
        if "fields" in etype.data:
            problem = check_type_fields(etype.data["fields"])
            if problem:
                yield etype.source.issue(("fields",), problem)
        seen: set[str] = set()
        for index, column in enumerate(etype.data_columns):
            if column.name in seen:
                yield etype.source.issue(
                    ("data_columns", index, "name"), _("duplicate column '{column}'").format(column=column.name)
                )
            seen.add(column.name)
        yield from _dated_columns(etype)


def _dated_columns(etype: EvidenceType) -> Iterator[Issue]:
    """`dates` sits on a date column and names columns of the type; one row date, one key."""
    columns, names = etype.data_columns, {c.name for c in etype.data_columns}
    for field, chosen in (("dates", [c for c in columns if c.dates == "row"]), ("key", [c for c in columns if c.key])):
        for column in chosen[1:]:
            yield etype.source.issue(
                ("data_columns", columns.index(column), field),
                _("only one column may have {field}: {value} (already '{other}')").format(
                    field=field, value="row" if field == "dates" else "true", other=chosen[0].name
                ),
            )
    for index, column in enumerate(columns):
        at: FieldPath = ("data_columns", index, "dates")
        if column.dates is not None and column.type not in ("date", "datetime"):
            yield etype.source.issue(
                at,
                _("'{name}' dates events but is a {type} column, not a date or datetime").format(
                    name=column.name, type=column.type
                ),
            )
        for name in column.dates if isinstance(column.dates, tuple) else ():
            if name not in names:
                yield etype.source.issue(at, _("no data column '{name}' to date").format(name=name))


def _evidence(manual: Manual, digest: Callable[[Path], str]) -> Iterator[Issue]:
    folders = (manual.evidence_dir, manual.root.resolve())
    for record in manual.evidence.values():
        yield from _ref(manual, record, ("owner",), record.owner, "role", "role")
        yield from _ref(manual, record, ("project",), record.project, "project", "project")
        for index, cp_id in enumerate(record.satisfies):
            yield from _ref(manual, record, ("satisfies", index), cp_id, "checkpoint", "checkpoint")
        for cp_id in record.data.get("confirmed") or {}:
            if cp_id not in record.satisfies:
                yield record.source.issue(
                    ("confirmed", cp_id), _("confirms '{id}', which is not in satisfies").format(id=cp_id)
                )
        for index, att in enumerate(record.attachments):
            problems = list(_file(record, ("attachments", index, "path"), att.path, folders, att.resolved))
            yield from problems
            if not problems:
                actual = digest(att.resolved)
                if actual != att.sha256:
                    yield record.source.issue(
                        ("attachments", index, "sha256"),
                        _("digest mismatch for {path}: the file's sha256 is {digest}").format(
                            path=att.path, digest=actual
                        ),
                    )
        for index, (written, resolved) in enumerate(zip(record.data.get("data", []), record.data_files, strict=True)):
            yield from _file(record, ("data", index), written, folders, resolved)
            if Path(written).suffix.lower() not in DATA_SUFFIXES:
                yield record.source.issue(
                    ("data", index), _("data file must be .csv or .xlsx, not '{path}'").format(path=written)
                )
        etype = manual.evidence_types.get(record.type)
        if etype is not None and record.data.get("data") and not etype.data_columns:
            message = _("evidence type '{type}' declares no data_columns for data files").format(type=etype.id)
            yield record.source.issue(("data",), message)


def _file(
    record: Evidence, field: FieldPath, written: str, folders: tuple[Path, Path], resolved: Path
) -> Iterator[Issue]:
    """`folders`: the manual's evidence/ as records are reached (the root resolved, the rest
    as walked), and the manual's real root."""
    evidence_dir, real_root = folders
    if Path(written).is_absolute() or written.startswith("\\"):
        yield record.source.issue(
            field, _("'{path}' must be a path relative to the record, not absolute").format(path=written)
        )
        return
    unresolved = record.source.path.parent / written
    # Where the path leads as written (through a linked folder of records the loader followed)
    # must be in evidence/, and where it really is must be in the manual.
    lexical = Path(os.path.normpath(unresolved))
    if not is_inside(lexical, evidence_dir) or not is_inside(resolved, real_root):
        yield record.source.issue(field, _("'{path}' points outside evidence/").format(path=written))
    elif unresolved.is_symlink():
        yield record.source.issue(field, _("'{path}' is a symbolic link; commit the file itself").format(path=written))
    elif not resolved.is_file():
        yield record.source.issue(field, _("file '{path}' does not exist").format(path=written))


def _nonconformities(manual: Manual) -> Iterator[Issue]:
    for nc in manual.nonconformities.values():
        yield from _ref(manual, nc, ("found_in",), nc.found_in, "evidence", "evidence record")
        yield from _ref(manual, nc, ("owner",), nc.owner, "role", "role")
        yield from _clause(manual, nc, ("clause",), nc.clause)


def _waivers(manual: Manual) -> Iterator[Issue]:
    for waiver in manual.waivers.values():
        yield from _ref(manual, waiver, ("checkpoint",), waiver.checkpoint, "checkpoint", "checkpoint")
        if waiver.granted and waiver.expires and waiver.expires <= waiver.granted:
            yield waiver.source.issue(("expires",), _("a waiver must expire after it is granted"))


def _projects(manual: Manual) -> Iterator[Issue]:
    for project in manual.projects.values():
        yield from _ref(manual, project, ("department",), project.department, "role", "role")
        if project.start and project.end and project.end < project.start:
            yield project.source.issue(
                ("end",),
                _("the project ends {end}, before it starts {start}").format(end=project.end, start=project.start),
            )


def _stray_pages(manual: Manual) -> Iterator[Issue]:
    attached = {att.resolved for record in manual.evidence.values() for att in record.attachments}
    evidence_dir = manual.evidence_dir.resolve()
    for page in manual.pages:
        resolved = page.path.resolve()
        if is_inside(resolved, evidence_dir) and resolved not in attached:
            yield page.issue(
                (), _("Markdown under evidence/ must be a record with front matter, or an attachment of one")
            )
