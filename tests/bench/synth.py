"""Synthetic quality manuals of any size, for benchmarks.

    .venv/bin/python tests/bench/synth.py DIR --policies 200 --checkpoints 2000 --records 20000 --ticket-rows 1000000

writes a manual that passes `qms --root DIR validate`: a mkdocs.yml like the fixture
manual's, numbered policies, a handful of roles, evidence types (the incident log with the
repository's data columns, and four families of types with simple fields), two incident
KPIs, checkpoints spread over the policies' clauses, evidence records over 2025-2026 (some
with an attachment, each confirmed against the checkpoints it satisfies) and two incident
logs as CSV, the 2026 one with `ticket_rows` rows. The same seed gives the same manual,
byte for byte.

Like a real manual, a large one has many evidence types rather than a few huge ones: each
family comes in as many variants as keep about ten checkpoints per type (four types for
up to 80 checkpoints, 200 for 2,000). With only four types, every checkpoint of a
20,000-record manual would match thousands of records, which no real manual does.

Not collected by pytest; the benchmark is tests/bench/run.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from checks import load_manual  # noqa: E402
from checks.evaluating.doccontrol import fingerprint  # noqa: E402

FIRST_DAY, LAST_DAY = dt.date(2025, 1, 1), dt.date(2026, 11, 20)  # records stop before the bench's as-of date
RUN_OPS = "运维服务实施"  # the activity internal audits must cover

MKDOCS_YML = """\
site_name: 合成质量手册
docs_dir: policy
theme:
  name: material
  language: zh
  font: false
  features: [navigation.prune]
plugins:
  - search
  - qms
"""

# id, name, type, activities of its duties
ROLES = (
    ("quality-group", "质量管理组", "group", ["内部审核", "管理评审"]),
    ("ops-dept", "运维服务部", "department", [RUN_OPS, "服务报告"]),
    ("service-desk", "服务台", "group", ["事件受理", "客户回访"]),
    ("hr-dept", "人力资源部", "department", ["人员培训"]),
    ("tech-dept", "技术研发部", "department", ["技术支持"]),
    ("general-manager", "总经理", "position", ["管理评审", "资源保障"]),
)
ROLE_IDS = [r[0] for r in ROLES]
PEOPLE = ("张远明", "杨洁", "吴艳", "罗喜军", "刘婷", "王磊", "陈晨", "李娜")

INCIDENT_COLUMNS = (
    ("ticket_id", "string", True),
    ("project", "string", True),
    ("category", "string", True),
    ("priority", "string", True),
    ("channel", "string", False),
    ("summary", "string", False),
    ("opened_at", "datetime", True),
    ("first_contact_resolved", "boolean", True),
    ("assignee", "string", False),
    ("resolved_at", "datetime", False),
    ("status", "string", True),
    ("sla_met", "boolean", False),
    ("kb_article", "string", False),
    ("callback_at", "datetime", False),
    ("callback_by", "string", False),
    ("callback_satisfaction", "integer", False),
)

# Which column dates a row's events, as the repository's incident log declares it.
INCIDENT_DATING: dict[str, dict[str, Any]] = {
    "ticket_id": {"key": True},
    "opened_at": {"dates": "row"},
    "resolved_at": {"dates": ["status", "sla_met", "kb_article"]},
    "callback_at": {"dates": ["callback_by", "callback_satisfaction"]},
}

# Families of evidence types with simple fields: id -> (title, record id prefix, JSON Schema
# of the fields, the checkpoint rule asking for them).
FAMILIES: dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]] = {
    "internal-audit-report": (
        "内审报告",
        "IAR",
        {
            "type": "object",
            "properties": {
                "audited_departments": {"type": "array", "items": {"type": "string"}},
                "findings": {"type": "integer", "minimum": 0},
            },
            "required": ["audited_departments"],
        },
        {"due": "04-30", "where": {"audited_departments": {"includes": {"roles_with_activity": RUN_OPS}}}},
    ),
    "management-review-report": (
        "管理评审报告",
        "MRR",
        {
            "type": "object",
            "properties": {"participants": {"type": "array", "items": {"type": "string"}}},
            "required": ["participants"],
        },
        {"every": "P1Y"},
    ),
    "service-report": (
        "运维服务报告",
        "SR",
        {
            "type": "object",
            "properties": {"satisfaction": {"type": "number", "minimum": 0, "maximum": 100}},
            "required": ["project"],  # a base field of every record, resolved against the project register
        },
        {"every": "P6M", "where": {"satisfaction": {"min": 60}}},
    ),
    "training-record": (
        "培训记录",
        "TR",
        {
            "type": "object",
            "properties": {"course": {"type": "string"}, "attendees": {"type": "integer", "minimum": 0}},
            "required": ["course"],
        },
        {"every": "P1Y", "count": 2},
    ),
}
CHECKPOINTS_PER_TYPE = 10

INCIDENT_RULE = {
    "evidence": "incident-log",
    "every": "P1Y",
    "rows": {"where": {"status": "已解决"}, "within": {"from": "resolved_at", "to": "callback_at", "max": "P7D"}},
}
INCIDENT_CHECKPOINT = "cp-incident-callback"


@dataclass(frozen=True)
class SimpleType:
    id: str
    family: str  # a key of FAMILIES
    title: str


KPIS = (
    ("first-contact-resolution-rate", "服务台一次性解决率", "kpis:first_contact_resolution_rate", "%", "service-desk"),
    ("mean-resolution-time", "事件平均解决时间", "kpis:mean_resolution_time", "小时", "ops-dept"),
)


def make_manual(root: Path, *, policies: int, checkpoints: int, records: int, ticket_rows: int, seed: int = 1) -> None:
    """Write a valid manual of this size into `root` (created if need be)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    _write(root / "policy/index.md", "# 合成质量手册\n\n基准测试用的合成手册（自动生成）。\n")

    clauses = _policies(root, rng, policies)
    _roles(root, rng, clauses)
    _projects(root)
    types = simple_types(checkpoints)
    _evidence_types(root, types)
    _kpis(root, clauses[0])
    by_type = _checkpoints(root, rng, checkpoints, clauses, types)
    # Records confirm their checkpoints as `qms confirm` would, so none is suspect.
    manual = load_manual(root).manual
    stamps = {cp_id: fingerprint(cp, manual) for cp_id, cp in manual.checkpoints.items()}
    _records(root, rng, records, types, by_type, stamps)
    _incident_logs(root, seed, ticket_rows, stamps)


def simple_types(checkpoints: int) -> list[SimpleType]:
    """The evidence types with simple fields: each family in as many variants as keep about
    CHECKPOINTS_PER_TYPE checkpoints per type, the families interleaved."""
    variants = max(1, checkpoints // (CHECKPOINTS_PER_TYPE * len(FAMILIES)))
    return [
        SimpleType(f"{family}-{v:02d}", family, f"{FAMILIES[family][0]}（{v}）")
        for v in range(1, variants + 1)
        for family in FAMILIES
    ]


# --- policy/ -----------------------------------------------------------------------------


def _policies(root: Path, rng: random.Random, count: int) -> list[tuple[str, list[str]]]:
    """Write the policies; return each one's id and clause numbers."""
    clauses = []
    for n in range(1, count + 1):
        policy_id = f"QP-{n:03d}"
        requirements = [f"4.{k}" for k in range(1, rng.randint(2, 5) + 1)]
        numbers = ["1", "2", "3", "3.1", "3.2", "4", *requirements, "5"]
        front = {
            "id": policy_id,
            "kind": "policy",
            "title": f"质量管理制度 {n}",
            "doc_no": policy_id,
            "version": "V1.1",
            "status": "effective",
            "owner": rng.choice(ROLE_IDS),
            "effective": dt.date(2024, 1, 10),
            "review": {"cycle": "P1Y", "last": dt.date(2026, rng.randint(1, 9), rng.randint(1, 28))},
            "revisions": [
                _revision("V1.0", dt.date(2023, 12, 1), "首次发布"),
                _revision("V1.1", dt.date(2024, 1, 2), "年度修订"),
            ],
        }
        body = [
            "## 1 目的\n\n为确保运维服务质量，规范相关管理活动，特制订本制度。",
            "## 2 适用范围\n\n本制度适用于公司各部门及运维服务项目。",
            "## 3 职责",
            "### 3.1 质量管理组\n\n负责组织本制度的实施、检查与持续改进。",
            "### 3.2 各部门\n\n按本制度要求开展工作，按时提交记录。",
            "## 4 管理要求",
            *(f"### {k} 要求 {k}\n\n{_sentence(rng)}" for k in requirements),
            "## 5 附则\n\n本制度由质量管理组负责解释，自发布之日起执行。",
        ]
        _write_markdown(root / f"policy/{policy_id}.md", front, "\n\n".join(body))
        clauses.append((policy_id, numbers))
    return clauses


def _revision(version: str, day: dt.date, change: str) -> dict[str, Any]:
    return {
        "version": version,
        "author": "杨洁",
        "date": day,
        "reviewed_by": "吴艳",
        "reviewed": day + dt.timedelta(days=5),
        "approved_by": "张远明",
        "approved": day + dt.timedelta(days=8),
        "change": change,
    }


def _sentence(rng: random.Random) -> str:
    what = rng.choice(("内审", "管理评审", "服务报告", "人员培训", "事件回访", "满意度调查"))
    when = rng.choice(("每年至少一次", "每半年一次", "每季度", "每月"))
    return f"{what}应{when}按计划执行，形成记录并经审批后归档，作为体系运行的证据。"


def _roles(root: Path, rng: random.Random, clauses: list[tuple[str, list[str]]]) -> None:
    for role_id, name, kind, activities in ROLES:
        duties = []
        for activity in activities:
            policy_id, numbers = rng.choice(clauses)
            clause = rng.choice([n for n in numbers if "." in n])
            text = f"负责{activity}，按制度要求执行并保存记录。"
            duties.append({"text": text, "clause": f"{policy_id}#{clause}", "raci": "R", "activities": [activity]})
        role = {"id": role_id, "kind": "role", "name": name, "type": kind, "members": rng.sample(PEOPLE, 2)}
        if role_id != "general-manager":
            role["parent"] = "general-manager"
        _write_yaml(root / f"policy/roles/{role_id}.yaml", {**role, "duties": duties})


PROJECTS = 40  # the project register: service reports and tickets name PRJ-00 .. PRJ-39


def _projects(root: Path) -> None:
    for k in range(PROJECTS):
        project = {
            "id": f"PRJ-{k:02d}",
            "kind": "project",
            "name": f"合成项目 {k:02d}",
            "department": "ops-dept",
            "customer": f"客户 {k % 7}",
            "contract": f"HT-{k:04d}",
            "start": dt.date(2024, 1 + k % 12, 1),
            "status": "active",
        }
        _write_yaml(root / f"policy/projects/PRJ-{k:02d}.yaml", project)


def _evidence_types(root: Path, types: list[SimpleType]) -> None:
    for t in types:
        etype = {"id": t.id, "kind": "evidence-type", "title": t.title, "fields": FAMILIES[t.family][2]}
        _write_yaml(root / f"policy/evidence-types/{t.id}.yaml", etype)
    incident_log = {
        "id": "incident-log",
        "kind": "evidence-type",
        "title": "事件记录（服务台工单导出）",
        "fields": {
            "type": "object",
            "properties": {
                "source_system": {"type": "string"},
                "exported_on": {"type": "string", "format": "date"},
                "tickets": {"type": "integer", "minimum": 0},
            },
            "required": ["source_system", "tickets"],
        },
        "data_columns": [
            {"name": n, "type": t, "required": r, **INCIDENT_DATING.get(n, {})} for n, t, r in INCIDENT_COLUMNS
        ],
    }
    _write_yaml(root / "policy/evidence-types/incident-log.yaml", incident_log)


def _kpis(root: Path, clauses: tuple[str, list[str]]) -> None:
    policy_id, numbers = clauses
    for kpi_id, title, compute, unit, owner in KPIS:
        kpi = {
            "id": kpi_id,
            "kind": "kpi",
            "title": title,
            "formula": title,
            "source": "incident-log",
            "compute": compute,
            "target": None,
            "unit": unit,
            "period": "month",
            "owner": owner,
            "clause": f"{policy_id}#{numbers[-2]}",
        }
        _write_yaml(root / f"policy/kpis/{kpi_id}.yaml", kpi)


def _checkpoints(
    root: Path, rng: random.Random, count: int, clauses: list[tuple[str, list[str]]], types: list[SimpleType]
) -> dict[str, list[str]]:
    """Write the checkpoints; return the checkpoint ids by the evidence type they ask for."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for n in range(count):
        policy_id, numbers = rng.choice(clauses)
        clause = rng.choice([k for k in numbers if k.startswith("4.")])
        if n == 0:
            cp_id, type_id, rule, title = INCIDENT_CHECKPOINT, "incident-log", INCIDENT_RULE, "事件回访"
        else:
            t = types[(n - 1) % len(types)]
            cp_id, type_id, title = f"cp-{n:05d}", t.id, t.title
            rule = {"evidence": t.id, **FAMILIES[t.family][3]}
        checkpoint = {
            "id": cp_id,
            "kind": "checkpoint",
            "title": f"{title}按期完成（{policy_id} {clause}）",
            "clause": f"{policy_id}#{clause}",
            "area": rng.choice(("system", "resources", "technology", "process", "people")),
            "owner": rng.choice(ROLE_IDS),
            "severity": rng.choice(("major", "minor")),
            "requires": [rule],
            "remedy": f"补充{title}并经审批后归档。",
        }
        _write_yaml(root / f"policy/checkpoints/{cp_id}.yaml", checkpoint)
        by_type[type_id].append(cp_id)
    return by_type


# --- evidence/ -----------------------------------------------------------------------------


def _records(
    root: Path,
    rng: random.Random,
    count: int,
    types: list[SimpleType],
    by_type: dict[str, list[str]],
    stamps: dict[str, str],
) -> None:
    span = (LAST_DAY - FIRST_DAY).days
    for n in range(1, count + 1):
        t = types[n % len(types)]
        type_id, title, prefix = t.id, t.title, FAMILIES[t.family][1]
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1))
        record_id = f"{prefix}-{n:05d}"
        front: dict[str, Any] = {
            "id": record_id,
            "kind": "evidence",
            "title": f"{day.year} 年{title} {n}",
            "type": type_id,
            "date": day,
        }
        if rng.random() < 0.5:
            front["period"] = str(day.year) if t.family != "service-report" else f"{day.year}-{day.month:02d}"
        front |= {"owner": rng.choice(ROLE_IDS), "approved_by": rng.choice(PEOPLE)}
        satisfies = rng.sample(by_type[type_id], min(2, len(by_type[type_id]))) if rng.random() < 0.6 else []
        if satisfies:
            front["satisfies"] = satisfies
        front |= _fields(rng, t.family)
        folder = root / f"evidence/{day.year}/{type_id}"
        if rng.random() < 0.2:
            attachment = f"{record_id}.txt"
            content = f"{title} {record_id}（合成数据）\n".encode()
            _write(folder / attachment, content)
            front["attachments"] = [{"path": attachment, "sha256": hashlib.sha256(content).hexdigest()}]
        front["extra"] = {"synthetic": True}
        if satisfies:
            front["confirmed"] = {cp_id: stamps[cp_id] for cp_id in satisfies}
        _write_markdown(folder / f"{record_id}.md", front, f"{title}摘要：{_sentence(rng)}")


def _fields(rng: random.Random, family: str) -> dict[str, Any]:
    if family == "internal-audit-report":
        audited = rng.sample(ROLE_IDS, 3)
        if "ops-dept" not in audited and rng.random() < 0.9:
            audited[0] = "ops-dept"
        return {"audited_departments": audited, "findings": rng.randint(0, 6)}
    if family == "management-review-report":
        return {"participants": rng.sample(PEOPLE, 4)}
    if family == "service-report":
        return {"project": f"PRJ-{rng.randrange(PROJECTS):02d}", "satisfaction": rng.randint(50, 100)}
    return {"course": rng.choice(("ITSS 基础", "事件管理", "信息安全", "服务台规范")), "attendees": rng.randint(5, 40)}


def _incident_logs(root: Path, seed: int, ticket_rows: int, stamps: dict[str, str]) -> None:
    """A small 2025 log and the big 2026 one, each a record with a CSV data file."""
    small = max(ticket_rows // 100, 10)
    for year, rows, last in ((2025, small, dt.date(2025, 12, 20)), (2026, ticket_rows, dt.date(2026, 11, 10))):
        record_id = f"IL-{year}"
        folder = root / f"evidence/{year}/incident-log"
        folder.mkdir(parents=True, exist_ok=True)
        write_ticket_csv(folder / f"{record_id}.csv", rows, dt.date(year, 1, 1), last, seed + year)
        front = {
            "id": record_id,
            "kind": "evidence",
            "title": f"{year} 年事件记录",
            "type": "incident-log",
            "date": last,
            "period": str(year),
            "owner": "service-desk",
            "approved_by": "刘婷",
            "satisfies": [INCIDENT_CHECKPOINT],
            "source_system": "ITSM 工单平台",
            "exported_on": last,
            "tickets": rows,
            "data": [f"{record_id}.csv"],
            "extra": {"synthetic": True},
            "confirmed": {INCIDENT_CHECKPOINT: stamps[INCIDENT_CHECKPOINT]},
        }
        _write_markdown(folder / f"{record_id}.md", front, f"服务台工单平台导出 {year} 年事件记录，共 {rows} 件。")


def write_ticket_csv(path: Path, rows: int, first: dt.date, last: dt.date, seed: int) -> None:
    """`rows` tickets opened between two dates; every resolved one called back within 7 days."""
    gen = np.random.default_rng(seed)
    seconds = int((dt.datetime.combine(last, dt.time()) - dt.datetime.combine(first, dt.time())).total_seconds())
    opened = pd.Timestamp(first) + pd.to_timedelta(np.sort(gen.integers(0, seconds, rows)), unit="s")
    resolved = gen.random(rows) < 0.97
    resolved_at = (opened + pd.to_timedelta(gen.integers(5, 4000, rows), unit="min")).where(resolved)
    callback_at = resolved_at + pd.to_timedelta(gen.integers(600, 6 * 24 * 60, rows), unit="min")

    def pick(choices: list[str], p: list[float] | None = None) -> np.ndarray:
        return np.asarray(choices, dtype=object)[gen.choice(len(choices), rows, p=p)]

    frame = pd.DataFrame(
        {
            "ticket_id": [f"INC-{first.year}-{i:07d}" for i in range(1, rows + 1)],
            "project": pick([f"PRJ-{k:02d}" for k in range(PROJECTS)]),
            "category": pick(["故障", "服务请求", "咨询"]),
            "priority": pick(["P1", "P2", "P3", "P4"], [0.05, 0.15, 0.4, 0.4]),
            "channel": pick(["电话", "运维平台", "邮件", "微信"]),
            "summary": pick(["网络中断", "账号解锁", "打印机故障", "邮件无法发送", "数据备份请求", "系统缓慢"]),
            "opened_at": opened,
            "first_contact_resolved": pick(["true", "false"], [0.55, 0.45]),
            "assignee": pick([f"E-{k:03d}" for k in range(60)]),
            "resolved_at": resolved_at,
            "status": np.where(resolved, "已解决", "处理中"),
            "sla_met": np.where(resolved, pick(["true", "false"], [0.96, 0.04]), ""),
            "kb_article": np.where(gen.random(rows) < 0.5, pick([f"KB-{k:04d}" for k in range(500)]), ""),
            "callback_at": callback_at,
            "callback_by": np.where(resolved, pick([f"SD-{k:02d}" for k in range(1, 9)]), ""),
            "callback_satisfaction": pd.Series(gen.integers(60, 101, rows), dtype="Int64").where(resolved),
        }
    )
    assert list(frame.columns) == [name for name, _, _ in INCIDENT_COLUMNS]
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S", na_rep="")


# --- writing -------------------------------------------------------------------------------------


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1000)


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _write_yaml(path: Path, data: dict[str, Any]) -> None:
    _write(path, _dump(data))


def _write_markdown(path: Path, front: dict[str, Any], body: str) -> None:
    _write(path, f"---\n{_dump(front)}---\n\n{body}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic quality manual (valid for `qms validate`).")
    parser.add_argument("dir", type=Path)
    parser.add_argument("--policies", type=int, default=20)
    parser.add_argument("--checkpoints", type=int, default=100)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--ticket-rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_manual(
        args.dir,
        policies=args.policies,
        checkpoints=args.checkpoints,
        records=args.records,
        ticket_rows=args.ticket_rows,
        seed=args.seed,
    )


if __name__ == "__main__":
    main()
