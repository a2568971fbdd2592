"""A checkpoint's rules in words, from the `requires` mappings as written."""

from __future__ import annotations

from typing import Any

from checks.evaluating.periods import calendar_unit, parse_duration

from .context import Site
from .markup import code, show, text


def duration_words(value: str, site: Site) -> str:
    try:
        d = parse_duration(value)
    except ValueError:
        return text(value)
    labels, parts = site.labels, []
    if d.years:
        parts.append(labels.format("unit.years", n=d.years))
    if d.months:
        parts.append(labels.format("unit.months", n=d.months))
    if d.days:
        parts.append(labels.format("unit.days", n=d.days))
    return text(" ".join(parts) or value)


def every_words(value: str, site: Site) -> str:
    try:
        months = calendar_unit(parse_duration(value))
    except ValueError:
        return text(value)
    if months is not None:
        return site.labels[f"every.{months}"]
    return site.labels.format("every.rolling", d=duration_words(value, site))


def condition_words(where: dict[str, Any], site: Site) -> str:
    labels, parts = site.labels, []
    for name, condition in where.items():
        ops = condition if isinstance(condition, dict) else {"equals": condition}
        for op, expected in ops.items():
            field = code(name)
            if op == "includes" and isinstance(expected, dict) and "roles_with_activity" in expected:
                activities = expected["roles_with_activity"]
                v = text("、".join(activities) if isinstance(activities, list) else activities)
                if expected.get("role_types"):
                    types = text(" / ".join(labels[f"role_type.{t}"] for t in expected["role_types"]))
                    parts.append(labels.format("cond.roles_types", f=field, v=v, types=types))
                else:
                    parts.append(labels.format("cond.roles", f=field, v=v))
            elif op == "nonempty":
                parts.append(labels.format("cond.nonempty" if expected else "cond.empty", f=field))
            elif f"cond.{op}" in labels.words:
                parts.append(labels.format(f"cond.{op}", f=field, v=text(show(expected))))
            else:
                parts.append(f"{field} {text(op)} {text(show(expected))}")
    return labels["cond.and"].join(parts)


def _plan_row(ref: str, site: Site, from_uri: str) -> str:
    plan_id, _, row_id = ref.partition("#")
    plan = site.manual.plans.get(plan_id)
    row = next((r for r in plan.schedule if r.id == row_id), None) if plan else None
    label = text(f"{plan_id} — {row.activity}" if row else ref)
    return site.link(from_uri, label, site.plan_row_target(plan_id, row_id) if row else None)


def evidence_rule_words(raw: dict[str, Any], site: Site, from_uri: str) -> str:
    labels, zh = site.labels, site.labels.code == "zh"
    kind = site.type_link(from_uri, raw["evidence"])
    count = labels.format("rule.count", n=int(raw.get("count", 1)), type=kind)
    every = every_words(str(raw["every"]), site) if raw.get("every") else ""
    for_each = raw.get("for_each")
    if for_each == "project" and raw.get("every"):
        count = labels["rule.each_project"] + count
    if for_each == "project" and not raw.get("every"):
        parts = [labels.format("rule.each_project_within", type=kind, d=duration_words(raw["within"], site))]
    elif isinstance(for_each, dict):
        shown = condition_words(for_each["where"], site) if for_each.get("where") else ""
        parts = [
            labels.format(
                "rule.each_record",
                type=kind,
                d=duration_words(raw["within"], site),
                source=site.type_link(from_uri, for_each["evidence"]),
                where=(f"（{shown}）" if zh else f" ({shown})") if shown else "",
                field=code(for_each["field"]),
            )
        ]
    else:
        parts = [f"{every}{count}" if zh else " ".join(p for p in (count, every) if p)]
    due = raw.get("due")
    if isinstance(due, str) and "#" in due:
        parts.append(labels.format("rule.plan", row=_plan_row(due, site, from_uri)))
    elif due and raw.get("from"):
        parts.append(labels.format("rule.window", opens=text(raw["from"]), d=text(due)))
    elif due:
        parts.append(labels.format("rule.due", d=text(due)))
    if raw.get("where"):
        parts.append(labels.format("rule.where", conds=condition_words(raw["where"], site)))
    if raw.get("verdict"):
        parts.append(labels.format("rule.verdict", conds=condition_words(raw["verdict"], site)))
    sentence = ("，" if zh else ", ").join(parts)
    if raw.get("rows"):
        sentence += ("；" if zh else "; ") + rows_words(raw["rows"], site)
    return sentence


def rows_words(rows: dict[str, Any], site: Site) -> str:
    labels, conds = site.labels, []
    within = rows.get("within")
    if within:
        conds.append(
            labels.format(
                "rule.within", to=code(within["to"]), frm=code(within["from"]), max=duration_words(within["max"], site)
            )
        )
    if rows.get("nonempty"):
        conds.append(labels.format("rule.filled", cols=", ".join(code(c) for c in rows["nonempty"])))
    scope = labels.format("rule.rows_scope", conds=condition_words(rows["where"], site)) if rows.get("where") else ""
    return labels.format("rule.rows", scope=scope, conds=labels["cond.and"].join(conds))


def rule_words(raw: dict[str, Any], site: Site, from_uri: str) -> str:
    """One rule as a sentence of Markdown (values escaped, names linked)."""
    labels = site.labels
    if raw.get("evidence"):
        sentence = evidence_rule_words(raw, site, from_uri)
    elif isinstance(raw.get("nonconformities"), dict):
        scope = raw["nonconformities"]
        clause = labels.format("rule.nc_clause", clause=text(scope["clause"])) if scope.get("clause") else ""
        if scope.get("evidence"):
            sentence = labels.format("rule.nc", type=site.type_link(from_uri, scope["evidence"]), clause=clause)
        else:
            sentence = labels.format("rule.nc_all", clause=clause)
    elif raw.get("kpi"):
        sentence = labels.format("rule.kpi", kpi=site.kpi_link(from_uri, raw["kpi"]))
    elif raw.get("review"):
        doc = raw["review"]
        sentence = labels.format("rule.review", doc=site.link(from_uri, text(doc), site.target("policy", doc)))
    else:
        sentence = labels["rule.none"]
    sentence = sentence[:1].upper() + sentence[1:] if labels.code == "en" else sentence
    return sentence + labels["sentence_end"]


def check_words(func: str, site: Site) -> str:
    return site.labels.format("rule.check", func=code(func)) + site.labels["sentence_end"]
