"""What a checkpoint's result verified: the conditions its rules evaluate, or that only the
existence of a record was checked and its content is for the auditor to judge.

Worked out from the checkpoint's rules as written; the same for every date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import _
from ..model import Checkpoint, Manual, Rule


@dataclass(frozen=True)
class Verified:
    level: str  # conditions: every rule reads content; existence: none does; partial: some do
    conditions: tuple[str, ...]  # what the rules verify in the records' content and data
    existence: tuple[str, ...]  # records whose existence alone is checked


def verified(cp: Checkpoint, manual: Manual) -> Verified:
    conditions: list[str] = []
    existence: list[str] = []
    reading = []  # per rule: whether it reads more than a record's existence
    for rule in cp.requires:
        found = rule_conditions(rule, manual)
        reading.append(bool(found))
        conditions += found
        if not found:
            existence.append(
                _("a {type} record exists {when}; its content is for the auditor to judge").format(
                    type=_type(rule.evidence or "", manual), when=_when(rule)
                )
            )
    if cp.check:
        reading.append(True)
        conditions.append(_check_words(cp.check))
    level = "conditions" if all(reading) else "existence" if not any(reading) else "partial"
    return Verified(level, tuple(conditions), tuple(existence))


def rule_conditions(rule: Rule, manual: Manual) -> list[str]:
    """The conditions one rule evaluates beyond a record's existence (empty: none)."""
    raw = rule.raw
    if rule.nonconformities is not None:
        scope = rule.nonconformities
        where = (
            _("records of type {type}").format(type=_type(scope["evidence"], manual))
            if scope.get("evidence")
            else _("any record")
        )
        text = _("every nonconformity found in {found} is closed and verified by its due date").format(found=where)
        return [text + (_(" (clause {clause})").format(clause=scope["clause"]) if scope.get("clause") else "")]
    if rule.kpi is not None:
        kpi = manual.kpis.get(rule.kpi)
        target = kpi.target if kpi is not None and kpi.target else _("no target")
        return [
            _("KPI {kpi} meets its target ({target}) in its last complete period, or the miss is analysed").format(
                kpi=rule.kpi, target=target
            )
        ]
    if rule.review is not None:
        return [_("document {doc} is reviewed within its review cycle").format(doc=rule.review)]
    what = _type(rule.evidence or "", manual)
    found = []
    for_each = raw.get("for_each")
    if for_each == "project" and rule.every:
        found.append(_("a {type} record for each project active in each period").format(type=what))
    elif for_each == "project":
        found.append(
            _("a {type} record for each project, within {within} of its start").format(type=what, within=raw["within"])
        )
    elif isinstance(for_each, dict):
        asking = _type(for_each["evidence"], manual) + _where_words(for_each.get("where") or {})
        found.append(
            _("for each {asking} record, a {type} record that names it in {field}, within {within}").format(
                asking=asking, type=what, field=for_each["field"], within=raw["within"]
            )
        )
    if raw.get("where"):
        found.append(_("{type}: {conditions}").format(type=what, conditions=_conditions(raw["where"])))
    if raw.get("verdict"):
        found.append(
            _(
                "{type}: {conditions}, or the nonconformities found in the record are closed and verified on time"
            ).format(type=what, conditions=_conditions(raw["verdict"]))
        )
    if raw.get("rows"):
        found.append(_("{type}, every row: {rows}").format(type=what, rows=_rows(raw["rows"])))
    return found


def _type(type_id: str, manual: Manual) -> str:
    etype = manual.evidence_types.get(type_id)
    return _("{title} ({id})").format(title=etype.title, id=type_id) if etype else type_id


def _when(rule: Rule) -> str:
    due = rule.due
    if due and "#" in due:
        return _("in each month plan row {row} schedules").format(row=due)
    if due:
        opens = rule.raw.get("from")
        if opens:
            return _("each year between {opens} and {due}").format(opens=opens, due=due)
        return _("each year by {due}").format(due=due)
    if rule.every:
        return _("every {every}").format(every=rule.every)
    return _("at some time")


def _where_words(where: dict[str, Any]) -> str:
    return _(" where {conditions}").format(conditions=_conditions(where)) if where else ""


def _conditions(where: dict[str, Any]) -> str:
    parts = []
    for name, condition in where.items():
        ops = condition if isinstance(condition, dict) else {"equals": condition}
        parts += [_condition(name, op, expected) for op, expected in ops.items()]
    return _(" and ").join(parts)


def _condition(name: str, op: str, expected: Any) -> str:
    if op == "equals":
        return _("{field} is {value}").format(field=name, value=_show(expected))
    if op == "in":
        return _("{field} is one of {values}").format(field=name, values=_show(expected))
    if op == "min":
        return _("{field} is at least {value}").format(field=name, value=expected)
    if op == "max":
        return _("{field} is at most {value}").format(field=name, value=expected)
    if op == "nonempty":
        return (_("{field} is filled in") if expected else _("{field} is empty")).format(field=name)
    if op == "includes" and isinstance(expected, dict):
        activities = expected["roles_with_activity"]
        scope = _("every role with a duty in {activities}").format(activities=_show(activities))
        if expected.get("role_types"):
            scope += _(" of type {types}").format(types=_show(expected["role_types"]))
        return _("{field} includes {scope}").format(field=name, scope=scope)
    if op == "includes":
        return _("{field} includes {values}").format(field=name, values=_show(expected))
    return f"{name} {op} {_show(expected)}"


def _rows(rows: dict[str, Any]) -> str:
    parts = []
    within = rows.get("within")
    if within:
        parts.append(_("{to} within {max} of {start}").format(to=within["to"], max=within["max"], start=within["from"]))
    for name in rows.get("nonempty", []):
        parts.append(_("{field} is filled in").format(field=name))
    text = _(" and ").join(parts)
    return (
        _("{text} (rows where {scope})").format(text=text, scope=_conditions(rows["where"]))
        if rows.get("where")
        else text
    )


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "true" if value is True else "false" if value is False else str(value)


def _check_words(spec: str) -> str:
    from ..loading.references import resolve_function  # imports the check's module

    try:
        doc = (resolve_function(spec).__doc__ or "").strip().splitlines()
    except Exception:  # validation reports an unloadable check
        doc = []
    summary = doc[0].rstrip(".") if doc else ""
    return (_("custom check {check}: {summary}") if summary else _("custom check {check}")).format(
        check=spec, summary=summary
    )
