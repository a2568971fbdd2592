#!/usr/bin/env python3
# ruff: noqa: E501  (long Chinese sample texts are kept on one line)
"""Generate the sample evidence of the quality manual (示例数据).

Writes evidence/2025/** and evidence/2026/**: evidence records (Markdown with
front matter), their attachments (.txt) and data files (.csv, one .xlsx),
and the nonconformities found in the sample audits. Deterministic: a fixed
random seed, fixed timestamps inside the .xlsx, sorted output, so a re-run
gives byte-identical files and the same sha256 digests.

Run from anywhere:  python tests/tools/gen_sample_evidence.py

The story the data tells:
  * 2025 is fully compliant as of 2025-12-31 (every checkpoint and every KPI
    with a target).  The policy puts the internal audit in April, the 2025
    plan (XDYJ-04-09) in November: both audits are present.
  * 2026 (data up to 2026-11-20) has honest gaps as of 2026-11-21:
      - NC-2026-02 (from the April 2026 audit) is open past its due date;
      - no quality analysis meeting was held in H1 2026;
      - six incident call-backs in August 2026 came 8-11 days after resolution,
        and the Q3 2026 service-desk inspection records that as not compliant;
      - PRJ-XX-02 missed SLA indicators in March 2026, so the 2026 SLA
        achievement rate is below its 100 % target, with no kpi-miss-analysis;
      - the Q3 2026 spare-parts inspection is missing, covered by a waiver.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import shutil
import sys
import zipfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_data as sd

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT / "evidence"
YEARS = ("2025", "2026")
D = dt.date

SAMPLE_NOTE = "> 示例数据：本记录及其附件、数据文件是为演示本质量手册而生成的样例，不是真实的公司记录。"

# people (sample names; the first five appear in the seeds' document-control tables)
GM = "张远明"  # 总经理
MREP = "罗喜军"  # 管理者代表
QG = "吴艳"  # 质量管理组负责人 / 质量效能部经理
QS = "杨洁"  # 质量管理专员
AUDITOR = "李皓朴"  # 内审员
PLAN_APPROVER = "孙玥"  # approved XDYJ-04-09
TX_MGR = "周涛"  # 通信部经理
XX_MGR = "陈敏"  # 信息部经理
CS_LEAD = "刘婷"  # 客服中心主管
SD_SPEC = "李娜"  # 服务台专员
STORE = "黄伟"  # 物资管理组
RND = "赵磊"  # 研发部经理
HR = "何静"  # 人力资源部
OPS = "马骏"  # 运维管理部经理
MGMT = "王磊"  # 综合管理部

AUDITED = [
    "comms-dept",
    "info-dept",
    "customer-service",
    "om-staff",
    "materials-group",
    "ops-dept",
    "service-desk",
    "project-manager",
    "rnd-dept",
    "hr-dept",
    "mgmt-dept",
]
ASPECTS = ["PDCA", "人员", "资源", "技术", "过程"]
REVIEW_PARTICIPANTS = [
    "general-manager",
    "management-rep",
    "comms-dept",
    "info-dept",
    "quality-group",
    "mgmt-dept",
    "rnd-dept",
    "materials-group",
    "general-office",
    "marketing-dept",
]
REVIEW_INPUTS = [
    "年度能力管理计划的实施情况汇报",
    "各项指标的完成情况",
    "客户满意度调查汇报",
    "通信部、信息部的工作汇报",
    "运维服务内审报告",
    "客户投诉报告",
    "持续改进情况",
]
PROCESSES = [
    ("service-report", "服务报告", "服务报告计划与提交记录"),
    ("incident", "事件管理", "《事件管理程序》"),
    ("problem", "问题管理", "《问题管理程序》"),
    ("configuration", "配置管理", "《配置管理程序》"),
    ("change", "变更管理", "《变更管理程序》"),
    ("release", "发布管理", "《发布管理程序》"),
    ("infosec", "信息安全管理", "《信息安全管理程序》"),
]

# The one process check with a nonconforming result in the sample (its NC is closed and verified on time).
NONCONFORMING_CHECK = ("2025-H2", "change")

ROLE_NAMES = {
    "general-manager": "总经理",
    "management-rep": "管理者代表",
    "mgmt-dept": "综合管理部",
    "quality-group": "综合管理部质量管理组",
    "materials-group": "物资管理组（库房）",
    "comms-dept": "通信部",
    "info-dept": "信息部",
    "customer-service": "客服中心组",
    "om-staff": "运维服务人员",
    "marketing-dept": "营销部",
    "general-office": "总经办",
    "rnd-dept": "研发部",
    "ops-dept": "运维管理部",
    "service-desk": "服务台",
    "hr-dept": "人力资源部",
    "project-manager": "项目经理",
}


def named(role_ids) -> list[str]:
    """Role ids as '通信部（comms-dept）' for the plain-text attachments."""
    return [f"{ROLE_NAMES.get(r, r)}（{r}）" for r in role_ids]


# checkpoints each evidence type satisfies (records add plan-row checkpoints themselves)
SATISFIES = {
    "strategy-review": ["cp-strategy-review"],
    "capability-management-plan": ["cp-capability-plan", "cp-quality-targets"],
    "quality-plan-review": ["cp-quality-plan-reviewed", "cp-quality-plan-content"],
    "indicator-system": ["cp-indicator-system"],
    "improvement-plan": ["cp-improvement-plan", "cp-improvement-review"],
    "rnd-plan-review": ["cp-rnd-plan-review"],
    "rnd-plan-progress": ["cp-rnd-plan-progress"],
    "knowledge-sharing": ["cp-knowledge-sharing"],
    "tool-review": ["cp-tool-review"],
    "service-desk-inspection": ["cp-service-desk-compliance"],
    "spare-parts-inspection": ["cp-spare-parts-availability"],
    "knowledge-base-review": ["cp-knowledge-base-use"],
    "knowledge-base-usage": ["cp-knowledge-base-use", "cp-indicator-collection"],
    "incident-log": ["cp-incident-callback", "cp-indicator-collection"],
    "spare-parts-movements": ["cp-indicator-collection"],
    "sla-statistics": ["cp-sla-statistics", "cp-kpi-sla-achievement"],
    "project-acceptance": ["cp-kpi-project-acceptance"],
    "satisfaction-survey-plan": [],
    "satisfaction-survey-result": [
        "cp-satisfaction-improvement",
        "cp-survey-roles",
        "cp-company-survey-yearly",
        "cp-kpi-customer-satisfaction",
    ],
    "satisfaction-survey-report": ["cp-satisfaction-improvement", "cp-survey-roles", "cp-survey-feedback"],
    "project-satisfaction-survey": ["cp-project-satisfaction", "cp-project-satisfaction-report"],
    "service-report": ["cp-service-report"],
    "indicator-statistics-report": ["cp-indicator-statistics"],
    "quality-analysis-meeting": ["cp-quality-analysis-meeting"],
    "process-audit-record": [],
    "training-record": ["cp-training"],
    "staffing-review": ["cp-staffing-backup"],
    "appraisal-indicator-review": ["cp-appraisal-smart"],
    "performance-appraisal": ["cp-appraisal-coverage"],
    "communication-review": ["cp-communication"],
    "internal-audit-plan": ["cp-internal-audit-plan"],
    "internal-audit-checklist": ["cp-internal-audit-records"],
    "internal-audit-record": ["cp-internal-audit-records"],
    "internal-audit-nc-report": ["cp-internal-audit-nc", "cp-nc-tracking"],
    "internal-audit-report": [
        "cp-audit-review-yearly",
        "cp-internal-audit-yearly",
        "cp-internal-audit-coverage",
        "cp-kpi-internal-audit-coverage",
    ],
    "management-review-plan": ["cp-management-review-yearly"],
    "management-review-report": [
        "cp-audit-review-yearly",
        "cp-management-review-yearly",
        "cp-management-review-participants",
        "cp-management-review-inputs",
    ],
    "quality-management-report": ["cp-quality-annual-report"],
    "objectives-review": ["cp-objectives-review"],
    "policy-review-record": ["cp-policy-annual-review"],
    "complaint-analysis": ["cp-complaint-handling"],
    "complaint-report": ["cp-complaint-handling"],
    "department-summary-report": ["cp-department-summary"],
    "project-quality-plan": ["cp-project-quality-plan"],
    "service-level-agreement": [],
    "kpi-miss-analysis": [],
}


# ---------------------------------------------------------------- output helpers
class _Dumper(yaml.SafeDumper):
    pass


def _repr_list(dumper, value):
    flow = (
        bool(value)
        and all(isinstance(v, (str, int, float, bool)) for v in value)
        and sum(len(str(v)) + 2 for v in value) < 90
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(list, _repr_list)
_Dumper.ignore_aliases = lambda self, data: True  # no &id001 anchors for repeated dates


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, columns, rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_xlsx(path: Path, columns, rows, sheet: str) -> None:
    """An .xlsx written with openpyxl, made byte-reproducible (fixed document and zip timestamps)."""
    from openpyxl import Workbook

    fixed = dt.datetime(2026, 1, 5, 9, 0, 0)
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(columns))
    for row in rows:
        ws.append([row.get(c) if row.get(c) != "" else None for c in columns])
    for cell in ws["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    book.properties.creator = "gen_sample_evidence.py"
    book.properties.created = fixed
    book.properties.modified = fixed
    raw = io.BytesIO()
    book.save(raw)
    raw.seek(0)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' with the clock on save
                data = _fix_core(data, fixed)
            clean = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 5, 9, 0, 0))
            clean.compress_type = zipfile.ZIP_DEFLATED
            clean.external_attr = 0o600 << 16
            dst.writestr(clean, data)


def _fix_core(data: bytes, fixed: dt.datetime) -> bytes:
    import re

    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", data)


def render_txt(title: str, rid: str, date: dt.date, summary: str, sections) -> str:
    lines = [
        title,
        f"编号：{rid}    日期：{date.isoformat()}",
        "（示例数据：样例记录，不是真实的公司记录）",
        "",
        summary,
        "",
    ]
    for heading, body in sections or ():
        lines.append(f"【{heading}】")
        for item in body:
            lines.append(f"  {item}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


COUNTS: dict[str, int] = {}


def record(
    folder: str,
    rid: str,
    type_: str,
    title: str,
    date: dt.date,
    owner: str,
    approved_by: str,
    fields: dict,
    summary: str,
    *,
    period: str | None = None,
    satisfies=(),
    sections=None,
    data=None,
    attach: bool = True,
) -> Path:
    """Write one evidence record; `data` is a list of (file name, columns, rows[, sheet]) tables."""
    target = EVIDENCE / folder
    target.mkdir(parents=True, exist_ok=True)
    attachments, data_paths = [], []
    for table in data or ():
        name, columns, rows = table[:3]
        path = target / name
        if name.endswith(".xlsx"):
            write_xlsx(path, columns, rows, table[3] if len(table) > 3 else "data")
        else:
            write_csv(path, columns, rows)
        data_paths.append(name)
        attachments.append({"path": name, "sha256": sha256(path)})
    if attach:
        path = target / f"{rid}.txt"
        path.write_text(render_txt(title, rid, date, summary, sections), encoding="utf-8")
        attachments.insert(0, {"path": path.name, "sha256": sha256(path)})
    front: dict = {"id": rid, "kind": "evidence", "title": title, "type": type_, "date": date}
    if period:
        front["period"] = period
    front["owner"] = owner
    front["approved_by"] = approved_by
    cps = list(dict.fromkeys([*SATISFIES[type_], *satisfies]))
    if cps:
        front["satisfies"] = cps
    front.update(fields)
    if attachments:
        front["attachments"] = attachments
    if data_paths:
        front["data"] = data_paths
    front["extra"] = {"sample": True}
    body = f"{SAMPLE_NOTE}\n\n{summary}\n"
    (target / f"{rid}.md").write_text(f"---\n{dump_yaml(front)}---\n\n{body}", encoding="utf-8")
    COUNTS[type_] = COUNTS.get(type_, 0) + 1
    return target / f"{rid}.md"


def nonconformity(
    year: int,
    nid: str,
    title: str,
    found_in: str,
    clause: str,
    description: str,
    root_cause: str,
    action: str,
    owner: str,
    due: dt.date,
    status: str,
    closed=None,
    verified=None,
    verified_by=None,
    note: str | None = None,
) -> None:
    target = EVIDENCE / str(year) / "nonconformities"
    target.mkdir(parents=True, exist_ok=True)
    front: dict = {
        "id": nid,
        "kind": "nonconformity",
        "title": title,
        "found_in": found_in,
        "clause": clause,
        "description": description,
        "root_cause": root_cause,
        "action": action,
        "owner": owner,
        "due": due,
        "status": status,
    }
    if closed:
        front["closed"] = closed
    if verified:
        front["verified"] = verified
    if verified_by:
        front["verified_by"] = verified_by
    front["extra"] = {"sample": True}
    state = {"open": "整改中（未关闭）", "closed": "已关闭，待验证", "verified": "已关闭并验证"}[status]
    body = f"{SAMPLE_NOTE}\n\n**状态**：{state}。\n\n{description}\n\n**原因分析**：{root_cause}\n\n**纠正和预防措施**：{action}\n"
    if note:
        body += f"\n{note}\n"
    (target / f"{nid}.md").write_text(f"---\n{dump_yaml(front)}---\n\n{body}", encoding="utf-8")
    COUNTS["nonconformity"] = COUNTS.get("nonconformity", 0) + 1


# ---------------------------------------------------------------- computed summaries
def _pct(num: float, den: float) -> float:
    return round(num / den * 100, 2) if den else 0.0


def incident_stats(rows: list[dict]) -> dict:
    resolved = [r for r in rows if r["status"] == "已解决"]
    hours = [(r["resolved_at"] - r["opened_at"]).total_seconds() / 3600 for r in resolved]
    return {
        "total": len(rows),
        "resolved": len(resolved),
        "fcr": _pct(sum(1 for r in rows if r["first_contact_resolved"]), len(rows)),
        "mttr": round(sum(hours) / len(hours), 2) if hours else 0.0,
        "kb": _pct(sum(1 for r in resolved if r["kb_article"]), len(resolved)),
        "sla_met": _pct(sum(1 for r in resolved if r["sla_met"]), len(resolved)),
        "callback_sat": round(
            sum(r["callback_satisfaction"] for r in resolved if r["callback_satisfaction"] is not None)
            / max(1, sum(1 for r in resolved if r["callback_satisfaction"] is not None)),
            1,
        ),
        "late_callbacks": sum(
            1 for r in resolved if r["callback_at"] and r["callback_at"] - r["resolved_at"] > dt.timedelta(days=7)
        ),
    }


def sla_kpi(rows: list[dict]) -> tuple[float, dict[str, float]]:
    per: dict[str, list[int]] = {}
    for r in rows:
        acc = per.setdefault(r["project"], [0, 0])
        acc[0] += r["sla_items_met"]
        acc[1] += r["sla_items"]
    rates = {p: v[0] / v[1] * 100 for p, v in per.items()}
    return round(sum(rates.values()) / len(rates), 2), {p: round(v, 2) for p, v in rates.items()}


def in_half(value, half: str) -> bool:
    return sd.half_of(value) == half


# ---------------------------------------------------------------- the story, year by year
def planning(year: int) -> None:
    y = str(year)
    f = f"{y}/planning"
    record(
        f,
        f"CMP-{y}",
        "capability-management-plan",
        f"{y} 年度运维服务能力管理计划",
        D(year, 1, 8 + (year == 2026)),
        "general-manager",
        GM,
        {
            "plan_year": year,
            "planned_aspects": ["人员", "资源", "技术", "过程"],
            "approved_by_gm": True,
            "quality_targets": ["SLA 达成率 100%", "客户满意度 ≥ 96 分", "内审覆盖率 100%", "项目验收合格率 100%"],
        },
        f"{y} 年度《运维服务能力管理计划》从人员、资源、技术、过程四个方面进行规划，并按制度第 4 章制定了当年的具体质量指标，经总经理审批发布。",
        period=y,
        sections=[
            ("人员", ["关键岗位互备、年度培训计划、绩效考核"]),
            ("资源", ["运维工具、服务台、知识库、备件库"]),
            ("技术", ["研发需求与规划、技术交流"]),
            ("过程", ["服务报告、事件、问题、配置、变更、发布、信息安全管理"]),
        ],
    )
    record(
        f,
        f"STR-{y}",
        "strategy-review",
        f"{y} 年度运维业务方针策略与目标评审",
        D(year, 1, 20 - (year == 2026)),
        "general-manager",
        GM,
        {
            "reviewed_items": [
                "方针策略",
                "目标",
                "服务目录",
                "管控目标",
                "能力计划",
                "实施计划",
                "组织结构",
                "管理制度",
            ],
            "chaired_by": "general-manager",
            "participants": [
                "management-rep",
                "quality-group",
                "comms-dept",
                "info-dept",
                "marketing-dept",
                "rnd-dept",
            ],
            "conclusions": [
                "运维业务方针策略和质量方针继续有效",
                "服务目录新增“数据中心基础环境托管”服务项",
                "管控目标沿用第 10 章 KPI，能力计划和实施计划与年度计划一致",
            ],
        },
        f"总经理主持 {y} 年度方针策略与目标评审，评审了方针策略、目标、服务目录、管控目标、能力计划、实施计划以及组织结构和管理制度。",
        period=y,
    )
    plan_text = (
        "XDYJ-04-09 V1.0《运维服务质量管理计划》"
        if year == 2025
        else "2026 年度运维服务质量管理计划（XDYJ-04-09 修订稿，示例）"
    )
    record(
        f,
        f"QPR-{y}",
        "quality-plan-review",
        f"{y} 年度运维服务质量管理计划评审",
        D(year, 1, 10 + 2 * (year == 2026)),
        "quality-group",
        PLAN_APPROVER if year == 2025 else GM,
        {
            "plan_document": "XDYJ-04-09",
            "plan_year": year,
            "reviewed_on": D(year, 1, 10 + 2 * (year == 2026)),
            "reviewers": [QG, QS, MREP],
            "approved": True,
            "covers": [
                "质量管理日常工作",
                "运维指标收集分析",
                "客户满意度调查",
                "内部审核",
                "管理评审",
                "质量培训",
                "项目质量计划",
                "项目审计与检查",
            ],
        },
        f"质量管理组评审了{plan_text}，计划包括质量管理日常工作、运维指标收集分析、客户满意度调查、内审、管理评审、培训、项目质量计划和项目审计与检查，评审通过后批准发布。",
        period=y,
    )
    record(
        f,
        f"IND-SYS-{y}",
        "indicator-system",
        f"{y} 年度运维服务指标体系",
        D(year, 1, 15 + (year == 2026)),
        "quality-group",
        GM,
        {
            "year": year,
            "indicators": [
                {
                    "name": "SLA 达成率",
                    "formula": "Σ运维服务项目 SLA 达成率 / 运维服务项目数 × 100%",
                    "target": ">= 100",
                    "period": "年度",
                },
                {
                    "name": "客户满意度",
                    "formula": "Σ各调查项满意度 / 调查项数 × 100%",
                    "target": ">= 96",
                    "period": "年度",
                },
                {
                    "name": "内审覆盖率",
                    "formula": "内审受审核部门 / 体系覆盖部门",
                    "target": ">= 100",
                    "period": "年度",
                },
                {
                    "name": "项目验收合格率",
                    "formula": "验收通过项目数量 / 申请验收项目数量 × 100%",
                    "target": ">= 100",
                    "period": "年度",
                },
                {
                    "name": "服务台一次性解决率",
                    "formula": "首次接触即解决的事件数 / 受理事件数 × 100%",
                    "target": None,
                    "period": "月度",
                },
                {
                    "name": "事件平均解决时间",
                    "formula": "Σ(解决时间 − 受理时间) / 已解决事件数",
                    "target": None,
                    "period": "月度",
                },
                {"name": "备件库库存周转率", "formula": "出库金额 / 平均库存金额", "target": None, "period": "季度"},
                {
                    "name": "知识库利用率",
                    "formula": "引用知识库的已解决事件数 / 已解决事件数 × 100%",
                    "target": None,
                    "period": "月度",
                },
            ],
            "departments": [
                "comms-dept",
                "info-dept",
                "customer-service",
                "service-desk",
                "ops-dept",
                "materials-group",
            ],
            "approved_by_gm": True,
        },
        f"{y} 年度指标体系沿用制度第 10 章的四项考核指标，并纳入计划 XDYJ-04-09 4.2 的四项监控指标（无目标值，仅监控），经总经理审批。",
        period=y,
    )
    based = (
        ["MR-2024 管理评审决议", "IA-2024 内审不符合项", "2024 年客户满意度调查"]
        if year == 2025
        else ["MRR-2025", "IAR-2025-04", "IAR-2025-11", "SSA-2025-09"]
    )
    actions = [
        {
            "action": "服务台回访排班增加周末值班，确保一周内回访",
            "owner": "customer-service",
            "due": D(year, 3, 31),
            "status": "已完成",
        },
        {"action": "数据中心动环监控告警接入工单平台", "owner": "rnd-dept", "due": D(year, 6, 30), "status": "已完成"},
        {"action": "知识库条目季度清理和复核", "owner": "service-desk", "due": D(year, 9, 30), "status": "已完成"},
        {
            "action": "关键岗位互备带岗培训",
            "owner": "hr-dept",
            "due": D(year, 11, 30),
            "status": "已完成" if year == 2025 else "进行中",
        },
    ]
    record(
        f,
        f"IMP-{y}",
        "improvement-plan",
        f"{y} 年度服务改进计划",
        D(year, 1, 23),
        "quality-group",
        GM,
        {
            "year": year,
            "based_on": based,
            "problems_reviewed": [
                "部分事件回访集中在工作日，周末解决的事件回访偏晚",
                "动环告警依赖人工巡检发现",
                "知识库条目存在过期内容",
                "关键岗位互备不足",
            ],
            "actions": actions,
            "approved": True,
        },
        f"质量管理组汇总上一年度管理评审、内审和满意度调查提出的问题，评估并批准了 {len(actions)} 项整改措施，编制 {y} 年度改进计划，按月跟踪落实状态。",
        period=y,
    )
    record(
        f,
        f"RND-REV-{y}",
        "rnd-plan-review",
        f"{y} 年度研发需求与研发计划评审",
        D(year, 1, 22 - (year == 2026)),
        "rnd-dept",
        GM,
        {
            "plan_name": f"{y} 年度运维工具研发计划",
            "requirements": ["工单平台回访提醒", "动环告警接入工单", "知识库检索优化", "备件库扫码出入库"],
            "reviewers": [RND, OPS, QG],
            "reviewed": True,
            "conclusions": ["需求来源于改进计划和服务台反馈，优先级合理", "计划分两个半年里程碑实施"],
        },
        f"研发部提交 {y} 年度研发需求和研发计划，运维管理部和质量组参加评审并通过。",
        period=y,
    )
    record(
        f,
        f"AIR-{y}",
        "appraisal-indicator-review",
        f"{y} 年度人员考核指标 SMART 评审",
        D(year, 1, 28 - (year == 2026)),
        "hr-dept",
        MGMT,
        {
            "positions_reviewed": 17,
            "indicators_reviewed": 68,
            "smart_compliant": True,
            "findings": ["“服务质量良好”等 3 项定性指标改为可衡量指标（回访满意度 ≥ 95 分、SLA 达成率 100%）"],
        },
        "人力资源部会同各部门评审了 17 个岗位的 68 项考核指标，修订了 3 项不符合 SMART 原则的指标。",
        period=y,
    )


def audits(year: int, month: int, ncs: list[str], owner: str) -> None:
    y = str(year)
    aid = f"IA-{y}-{month:02d}"
    f = f"{y}/internal-audit"
    plan_row = year == 2025 and month == 11
    when = "4 月（制度 7.3.1 的年度内审）" if month == 4 else "11 月（计划 XDYJ-04-09 4.4 安排的内审）"
    if month == 4:
        d_plan, d_check, d_rec, d_nc, d_rep, start, end = (
            D(year, 4, 2),
            D(year, 4, 9),
            D(year, 4, 17),
            D(year, 4, 21),
            D(year, 4, 24),
            D(year, 4, 13),
            D(year, 4, 17),
        )
        if year == 2025:
            start, end = D(2025, 4, 14), D(2025, 4, 18)
    else:
        d_plan, d_check, d_rec, d_nc, d_rep, start, end = (
            D(year, 11, 3),
            D(year, 11, 7),
            D(year, 11, 14),
            D(year, 11, 18),
            D(year, 11, 20),
            D(year, 11, 10),
            D(year, 11, 14),
        )
    auditors = [QG, QS, AUDITOR]
    record(
        f,
        f"IAP-{y}-{month:02d}",
        "internal-audit-plan",
        f"{y} 年 {month} 月内审计划",
        d_plan,
        owner,
        GM,
        {
            "audit_id": aid,
            "planned_start": start,
            "planned_end": end,
            "planned_departments": AUDITED,
            "aspects": ASPECTS,
            "auditors": auditors,
            "approved_by_gm": True,
            "gm_approved_on": d_plan,
        },
        f"{y} 年 {when}的内审计划：受审核部门覆盖运维服务的全部实施部门和支持部门，审核内容为 PDCA、人员、资源、技术和过程，经总经理批准。",
        period=y,
        satisfies=["cp-plan-audit-plan"] if plan_row else (),
        sections=[
            ("受审核部门", named(AUDITED)),
            ("审核内容", ASPECTS),
            ("日程", [f"{start} 至 {end}"]),
            ("审核组", auditors),
        ],
    )
    record(
        f,
        f"IAC-{y}-{month:02d}",
        "internal-audit-checklist",
        f"{y} 年 {month} 月内审检查表",
        d_check,
        owner,
        QG,
        {
            "audit_id": aid,
            "departments": AUDITED,
            "clauses": [
                "TFDL-ITSS-08-01#7.1",
                "TFDL-ITSS-08-01#7.2",
                "TFDL-ITSS-08-01#7.3.1",
                "TFDL-ITSS-08-01#8",
                "TFDL-ITSS-08-01#8.1",
                "TFDL-ITSS-08-01#8.2",
                "TFDL-ITSS-08-01#8.3",
                "TFDL-ITSS-08-01#8.4",
                "XDYJ-04-09#4.3",
            ],
            "items": 86 if month == 4 else 72,
        },
        "按受审核部门和条款编制的内审检查表，覆盖资源、技术、过程、人员检查点和项目质量管理要求。",
        period=y,
        satisfies=["cp-plan-audit-checklist"] if plan_row else (),
        sections=[
            (
                "检查项示例",
                [
                    "服务台：抽查 20 张工单的受理、分派、回访记录",
                    "备件库：抽盘 5 种备件账实是否相符",
                    "通信部/信息部：半年度质量报告是否报送质量组",
                    "研发部：研发计划评审与实施记录",
                ],
            )
        ],
    )
    record(
        f,
        f"IARC-{y}-{month:02d}",
        "internal-audit-record",
        f"{y} 年 {month} 月内审审核记录",
        d_rec,
        owner,
        QG,
        {
            "audit_id": aid,
            "auditors": auditors,
            "departments": AUDITED,
            "records": 64 if month == 4 else 51,
            "findings": len(ncs) + 3,
        },
        f"内审员逐部门记录的审核过程、抽查样本和发现，共 {64 if month == 4 else 51} 条记录，发现 {len(ncs)} 项不符合和 3 项观察项。",
        period=y,
    )
    record(
        f,
        f"IANC-{y}-{month:02d}",
        "internal-audit-nc-report",
        f"{y} 年 {month} 月内审不符合报告",
        d_nc,
        owner,
        QG,
        {"audit_id": aid, "nonconformities": ncs, "rectification_due": d_nc + dt.timedelta(days=40)},
        f"本次内审开具 {len(ncs)} 项不符合项：{'、'.join(ncs)}，每项的整改跟踪见不符合项登记。",
        period=y,
        satisfies=["cp-plan-audit-analysis"] if plan_row else (),
    )
    record(
        f,
        f"IAR-{y}-{month:02d}",
        "internal-audit-report",
        f"{y} 年 {month} 月运维服务内审报告",
        d_rep,
        owner,
        GM,
        {
            "audit_id": aid,
            "audit_start": start,
            "audit_end": end,
            "audited_departments": AUDITED,
            "aspects": ASPECTS,
            "auditors": auditors,
            "nonconformities": ncs,
            "conclusion": "运维服务管理体系运行基本有效，覆盖全部受审核部门；开具的不符合项须在期限内整改并由质量组验证。",
            "approved_by_gm": True,
        },
        f"{y} 年 {when}的内审报告：审核了全部 {len(AUDITED)} 个部门/岗位（含职责为“运维服务实施”的全部部门），覆盖 PDCA、人员、资源、技术和过程，开具不符合项 {len(ncs)} 项。",
        period=y,
        satisfies=["cp-plan-audit-analysis"] if plan_row else (),
        sections=[("审核范围", named(AUDITED)), ("审核内容", ASPECTS), ("不符合项", ncs)],
    )


def management_review(year: int) -> None:
    y = str(year)
    f = f"{y}/management-review"
    record(
        f,
        f"MRP-{y}",
        "management-review-plan",
        f"{y} 年度管理评审计划",
        D(year, 11, 10 if year == 2025 else 16),
        "management-rep",
        GM,
        {
            "review_id": f"MR-{y}",
            "planned_on": D(year, 11, 25 if year == 2025 else 26),
            "organized_by": "management-rep",
            "participants": REVIEW_PARTICIPANTS,
            "inputs": REVIEW_INPUTS,
        },
        f"{y} 年度管理评审计划：由管理者代表组织，参加人员和评审输入按制度 7.3.2 (2)(3) 确定，各部门在评审前一周提交材料。",
        period=y,
        satisfies=["cp-plan-review-plan"] if year == 2025 else (),
    )
    if year != 2025:
        return
    record(
        f,
        "MRR-2025",
        "management-review-report",
        "2025 年度管理评审报告",
        D(2025, 11, 26),
        "management-rep",
        GM,
        {
            "review_id": "MR-2025",
            "held_on": D(2025, 11, 25),
            "organized_by": "management-rep",
            "participants": REVIEW_PARTICIPANTS,
            "inputs": REVIEW_INPUTS,
            "decisions": [
                "运维服务管理体系适宜、充分、有效",
                "2026 年继续执行现行质量方针和四项考核指标",
                "会议电视运维岗位互备不足，开具问题 NC-2025-04 由人力资源部跟踪",
                "2026 年内审仍安排在 4 月",
            ],
            "nonconformities": ["NC-2025-04"],
        },
        "2025 年度管理评审由管理者代表组织，总经理及制度 7.3.2 (2) 所列各部门负责人参加，评审了 7.3.2 (3) 所列全部输入，形成 4 项决议，发现的问题 NC-2025-04 纳入跟踪。",
        period="2025",
        satisfies=["cp-plan-review-analysis"],
        sections=[("参加人员", named(REVIEW_PARTICIPANTS)), ("评审输入", REVIEW_INPUTS)],
    )


SURVEY_PLAN_DAY = {
    "2025-03": D(2025, 3, 3),
    "2025-06": D(2025, 6, 3),
    "2025-09": D(2025, 9, 1),
    "2026-03": D(2026, 3, 2),
    "2026-09": D(2026, 9, 1),
}


def surveys(year: int, rng: random.Random, rounds: list[str], results: dict) -> None:
    for rnd in rounds:
        y, m = rnd.split("-")
        f = f"{y}/satisfaction"
        plan_row = y == "2025"
        rows = sd.survey(rng, rnd)
        results[rnd] = rows
        overall, per_item = sd.satisfaction_of(rows)
        month = int(m)
        start, end = sd.SURVEY_ROUNDS[rnd]
        record(
            f,
            f"SSP-{rnd}",
            "satisfaction-survey-plan",
            f"{y} 年 {month} 月客户满意度调查计划",
            SURVEY_PLAN_DAY[rnd],
            "service-desk-specialist",
            CS_LEAD,
            {
                "survey_round": rnd,
                "target_projects": [p.id for p in sd.PROJECTS],
                "methods": ["电话回访", "问卷填写"],
                "items": list(sd.SURVEY_ITEMS),
                "planned_start": start,
                "planned_end": end,
            },
            f"{y} 年 {month} 月公司级客户满意度调查计划：覆盖 {len(sd.PROJECTS)} 个运维服务项目的客户关键人员，采用电话回访和问卷填写两种形式。",
            period=rnd,
            satisfies=["cp-plan-survey-plan"] if plan_row else (),
        )
        record(
            f,
            f"SSR-{rnd}",
            "satisfaction-survey-result",
            f"{y} 年 {month} 月客户满意度调查结果",
            end + dt.timedelta(days=1),
            "service-desk-specialist",
            CS_LEAD,
            {
                "survey_round": rnd,
                "conducted_by": "customer-service",
                "methods": ["电话回访", "问卷填写"],
                "respondents": len(rows) // len(sd.SURVEY_ITEMS),
            },
            f"服务台（客服中心组）完成 {len(rows) // len(sd.SURVEY_ITEMS)} 位客户关键人员的调查，形成客户满意度调查表（{len(rows)} 行逐项打分）。本轮满意度 {overall:.2f} 分。",
            period=rnd,
            satisfies=["cp-plan-survey"] if plan_row else (),
            data=[(f"SSR-{rnd}.csv", sd.SURVEY_COLUMNS, rows)],
            attach=False,
        )
        low = min(per_item, key=per_item.get)
        record(
            f,
            f"SSA-{rnd}",
            "satisfaction-survey-report",
            f"{y} 年 {month} 月客户满意度调查报告",
            end + dt.timedelta(days=8),
            "service-desk-specialist",
            QG,
            {
                "survey_round": rnd,
                "result_record": f"SSR-{rnd}",
                "analysed_by": ["service-desk-specialist", "quality-group"],
                "overall_score": round(overall, 2),
                "item_scores": [{"item": k, "score": round(v, 2)} for k, v in per_item.items()],
                "findings": [f"得分最低的调查项为“{low}”（{per_item[low]:.2f} 分）"],
                "improvement_actions": [
                    f"针对“{low}”制定改进措施并在下次质量分析会上通报",
                    "对打分低于 90 分的客户进行专项回访",
                ],
                "feedback_to": ["comms-dept", "info-dept", "customer-service"],
            },
            f"服务台专员与质量组对本轮调查结果进行分析：客户满意度 {overall:.2f} 分（Σ各调查项满意度 / 调查项数），最低项“{low}”，改进措施已反馈通信部、信息部和客服中心组。",
            period=rnd,
            satisfies=["cp-plan-survey-analysis"] if plan_row else (),
            sections=[("各调查项平均得分", [f"{k}：{v:.2f}" for k, v in per_item.items()])],
        )


def project_register() -> None:
    """The project register (policy/projects/): the sample projects, one file each."""
    target = ROOT / "policy" / "projects"
    target.mkdir(parents=True, exist_ok=True)
    for p in sd.PROJECTS:
        front = {
            "id": p.id,
            "kind": "project",
            "name": p.name,
            "department": p.department,
            "customer": p.customer,
            "contract": p.contract,
            "start": p.start,
            "status": "active",
            "description": f"示例数据：{p.name}，{'通信部' if p.department == 'comms-dept' else '信息部'}负责实施。",
            "extra": {"sample": True},
        }
        (target / f"{p.id}.yaml").write_text(dump_yaml(front), encoding="utf-8")


def project_quality_plan(p: sd.Project, rid: str, day: dt.date, renewal: bool) -> None:
    manager = TX_MGR if p.department == "comms-dept" else XX_MGR
    record(
        f"{day.year}/projects",
        rid,
        "project-quality-plan",
        f"{p.name}项目质量管理计划" + ("（新服务期）" if renewal else ""),
        day,
        "quality-specialist",
        manager,
        {
            "project": p.id,
            "project_name": p.name,
            "project_manager": f"{p.id} 项目经理",
            "quality_objectives": ["SLA 达成率 100%", "事件回访率 100%，一周内完成", "项目验收后满意度 ≥ 96 分"],
            "responsibilities": "项目经理负责过程控制和服务报告；质量管理专员负责过程审计；服务台负责回访。",
            "reviews": ["每半年过程质量检查", "每半年服务报告", "服务期末验收"],
        },
        f"{p.name}{'新一期服务' if renewal else '项目'}启动后，质量管理专员与项目经理协同制定项目《质量管理计划》，明确质量目标、职责、资源和评审安排。",
        period=str(day.year),
    )


def acceptance_and_projects(year: int) -> None:
    y = str(year)
    f = f"{y}/projects"
    for p in sd.PROJECTS:  # projects that start in the year get their quality plan in their first month
        if p.start.year == year:
            project_quality_plan(p, f"PQP-{p.id}", p.start + dt.timedelta(days=9), renewal=False)
    for index, row in enumerate(sd.acceptance_rows(year), 1):
        p = sd.PROJECT_BY_ID[row["project"]]
        manager = TX_MGR if p.department == "comms-dept" else XX_MGR
        accepted = row["accepted_on"]
        record(
            f,
            row["acceptance_no"],
            "project-acceptance",
            f"{p.name}验收（{row['remarks']}）",
            accepted,
            "quality-group",
            QG,
            {
                "project": p.id,
                "applied_on": row["applied_on"],
                "passed": row["passed"],
                "service_period": row["remarks"],
            },
            f"{p.name}（{p.id}）{row['applied_on']} 申请验收，{accepted} 通过验收（{row['remarks']}）。",
            period=y,
        )
        surveyed = accepted + dt.timedelta(days=7)
        score = [97.5, 98.0, 96.5, 97.0, 98.5, 96.0][(index + year) % 6]
        record(
            f,
            f"PSS-{y}-{index:02d}",
            "project-satisfaction-survey",
            f"{p.name}项目验收后满意度调查",
            surveyed,
            "customer-service",
            manager,
            {
                "project": p.id,
                "acceptance": row["acceptance_no"],
                "surveyed_on": surveyed,
                "respondents": ["分管领导", "业务部门主任", "系统管理员"],
                "average_score": score,
                "report_submitted_to": p.department,
            },
            f"{p.name}（{p.id}）于 {accepted} 通过验收（{row['acceptance_no']}），{surveyed} 对客户关键人员进行项目级满意度调查，平均 {score} 分，满意度报告已提交{'通信部' if p.department == 'comms-dept' else '信息部'}负责人。",
            period=y,
        )
        project_quality_plan(p, f"PQP-{y}-{index:02d}", accepted + dt.timedelta(days=5), renewal=True)
        signed = accepted + dt.timedelta(days=1)
        record(
            f,
            f"SLA-AGR-{p.id}-{y}",
            "service-level-agreement",
            f"{p.name}服务级别协议（续签）",
            signed,
            "customer-manager",
            GM,
            {
                "project": p.id,
                "customer": p.customer,
                "signed_on": signed,
                "valid_from": signed,
                "valid_to": D(signed.year + 1, signed.month, min(signed.day, 28)) - dt.timedelta(days=1),
                "sla_items": [
                    {"item": "P1 事件解决时限", "target": "4 小时"},
                    {"item": "P2 事件解决时限", "target": "8 小时"},
                    {"item": "P3 事件解决时限", "target": "24 小时"},
                    {"item": "P4 事件解决时限", "target": "72 小时"},
                    {"item": "服务报告", "target": "每半年提交客户"},
                ],
            },
            f"验收通过后续签 {p.name}服务级别协议，营销经理/客户经理牵头，运维服务人员协助确定 SLA 指标。",
            period=y,
        )


def seen_at(incidents: list[dict], day: dt.date) -> list[dict]:
    """The tickets as the incident-log records dated up to `day` show them: each ticket as it
    stood at the last monthly export on or before that day (tickets opened since are in none)."""
    moments = [m for m in sd.export_moments() if m.date() <= day]
    return sd.as_of(incidents, moments[-1]) if moments else []


def incident_summary(title: str, opened: list[dict], carried: int, shown: list[dict]) -> str:
    st = incident_stats(opened)
    late = incident_stats(shown)["late_callbacks"]
    text = f"服务台工单平台导出{title}：当月受理 {st['total']} 件"
    if carried:
        text += f"（另带出此前导出时尚未解决或尚未回访的 {carried} 件）"
    text += (
        f"，导出时已解决 {st['resolved']} 件；一次性解决率 {st['fcr']}%，平均解决时间 {st['mttr']} 小时，"
        f"知识库利用 {st['kb']}%，回访满意度平均 {st['callback_sat']} 分"
    )
    return text + (f"；{late} 件回访超过 7 天。" if late else "；已回访的事件均在 7 天内回访。")


def data_records(
    year: int,
    exports: list[tuple[str, dt.datetime, list[dict]]],
    kb_rows: list[dict],
    spare_rows: list[dict],
    incidents,
) -> None:
    y = str(year)
    for month, moment, shown in exports:
        if not month.startswith(y):
            continue
        day = moment.date()
        opened = [r for r in shown if sd.month_key(r["opened_at"]) == month]
        partial = moment == sd.CUTOFF
        title = f"{y} 年 {int(month[5:])} 月事件记录" + (f"（截至 {day.month} 月 {day.day} 日）" if partial else "")
        record(
            f"{y}/incidents",
            f"IL-{month}",
            "incident-log",
            title,
            day,
            "service-desk",
            CS_LEAD,
            {"source_system": "ITSM 工单平台", "exported_on": day, "tickets": len(shown)},
            incident_summary(title, opened, len(shown) - len(opened), shown),
            period=month,
            data=[(f"IL-{month}.csv", sd.INCIDENT_COLUMNS, [sd.incident_csv_row(r) for r in shown])],
            attach=False,
        )
    for q in (1, 2, 3, 4):
        period = f"{y}-Q{q}"
        if (year, q * 3 - 2) > (sd.CUTOFF.year, sd.CUTOFF.month):
            continue
        partial = year == 2026 and q == 4
        end = D(2026, 11, 10) if partial else sd._month_end(year, q * 3)  # monthly statistics up to October 2026
        tail = "（10 月）" if partial else ""
        kb = [r for r in kb_rows if f"{r['month'][:4]}-Q{(int(r['month'][5:]) - 1) // 3 + 1}" == period]
        used = sum(r["incidents_using_kb"] for r in kb)
        resolved = sum(r["resolved_incidents"] for r in kb)
        record(
            f"{y}/knowledge-base",
            f"KBU-{period}",
            "knowledge-base-usage",
            f"{y} 年第 {q} 季度知识库使用统计{tail}",
            end,
            "service-desk",
            CS_LEAD,
            {"compiled_by": "service-desk"},
            f"本季度解决事件 {resolved} 件，其中引用或新建知识条目 {used} 件，知识库利用率 {_pct(used, resolved)}%。",
            period=period,
            data=[(f"KBU-{period}.csv", sd.KB_COLUMNS, kb)],
            attach=False,
        )
        sp = [r for r in spare_rows if sd.quarter_of(r["date"]) == period]
        name = f"SPM-{period}.xlsx" if period == "2025-Q4" else f"SPM-{period}.csv"
        table = (name, sd.SPARE_COLUMNS, sp, "出入库明细") if name.endswith(".xlsx") else (name, sd.SPARE_COLUMNS, sp)
        record(
            f"{y}/spare-parts",
            f"SPM-{period}",
            "spare-parts-movements",
            f"{y} 年第 {q} 季度备品备件出入库记录{tail}",
            end,
            "materials-group",
            STORE,
            {"warehouse": "公司备品备件库", "compiled_by": "materials-group"},
            f"本季度出库 {sum(1 for r in sp if r['movement'] == '出库')} 笔、入库 {sum(1 for r in sp if r['movement'] == '入库')} 笔，"
            f"库存周转率 {sd.turnover(sp):.2f} 次。"
            + ("（本季度数据以 Excel 台账提交。）" if name.endswith(".xlsx") else ""),
            period=period,
            data=[table],
            attach=False,
        )
    for h in ("H1", "H2"):
        period = f"{y}-{h}"
        partial = year == 2026 and h == "H2"
        date = D(2026, 11, 10) if partial else (D(year, 6, 30) if h == "H1" else D(year, 12, 31))
        moment = dt.datetime(date.year, date.month, date.day, 23, 59, 59)
        rows = [
            r
            for r in sd.sla_statistics(incidents, moment)
            if in_half(D(int(r["month"][:4]), int(r["month"][5:]), 1), period)
        ]
        if not rows:
            continue
        rate, per = sla_kpi(rows)
        missed = [p for p, v in per.items() if v < 100]
        title = f"{y} 年{'上' if h == 'H1' else '下'}半年 SLA 达成情况统计" + ("（7—10 月）" if partial else "")
        record(
            f"{y}/sla",
            f"SLA-{period}",
            "sla-statistics",
            title,
            date,
            "service-desk",
            CS_LEAD,
            {"compiled_by": "service-desk", "projects": len(per)},
            f"{title}：{len(per)} 个项目按月统计 SLA 指标达成情况，项目平均 SLA 达成率 {rate}%"
            + (f"；未全部达成的项目：{'、'.join(missed)}。" if missed else "，全部达成。"),
            period=period,
            data=[(f"SLA-{period}.csv", sd.SLA_COLUMNS, rows)],
            attach=False,
        )


def half_year_reports(
    year: int,
    half: str,
    incidents: list[dict],
    sla_rows: list[dict],
    surveys_: dict,
    kb_rows: list[dict],
    with_meeting: bool,
) -> None:
    y = str(year)
    period = f"{y}-{half}"
    end = D(year, 6, 30) if half == "H1" else D(year, 12, 31)
    h_rows = [r for r in sla_rows if sd.half_of(D(int(r["month"][:4]), int(r["month"][5:]), 1)) == period]
    h_inc = [r for r in seen_at(incidents, end) if sd.half_of(r["opened_at"]) == period]  # as the reports see them
    h_survey = [r for k, v in surveys_.items() if sd.half_of(D(int(k[:4]), int(k[5:]), 1)) == period for r in v]
    label = "上半年" if half == "H1" else "下半年"
    # service reports: one per project
    for p in sd.PROJECTS:
        rows = [r for r in h_rows if r["project"] == p.id]
        items, met = sum(r["sla_items"] for r in rows), sum(r["sla_items_met"] for r in rows)
        inc = [r for r in h_inc if r["project"] == p.id]
        rate = _pct(met, items)
        record(
            f"{y}/service-reports",
            f"SR-{period}-{p.id}",
            "service-report",
            f"{p.name}{y} 年{label}服务报告",
            end,
            "om-staff",
            TX_MGR if p.department == "comms-dept" else XX_MGR,
            {
                "project": p.id,
                "project_name": p.name,
                "department": p.department,
                "sla_items": items,
                "sla_items_met": met,
                "sla_rate": rate,
                "incidents": len(inc),
                "submitted_to": ["客户", "部门经理"],
                "submitted_on": end,
            },
            f"{p.name}{y} 年{label}服务报告：受理事件 {len(inc)} 件，SLA 指标 {met}/{items} 项次达成，达成率 {rate}%；已提交客户和部门经理。",
            period=period,
        )
    # half-yearly indicator statistics per department
    for dept, name, mgr in (("comms-dept", "通信部", TX_MGR), ("info-dept", "信息部", XX_MGR)):
        projects = [p.id for p in sd.PROJECTS if p.department == dept]
        d_sla = [r for r in h_rows if r["department"] == dept]
        sla_rate, per = sla_kpi(d_sla)
        st = incident_stats([r for r in h_inc if r["project"] in projects])
        sat, _ = sd.satisfaction_of([r for r in h_survey if r["project"] in projects]) if h_survey else (None, {})
        missed = [p for p, v in per.items() if v < 100]
        indicators = [
            {"kpi": "sla-achievement-rate", "value": sla_rate, "target": ">= 100", "met": sla_rate >= 100},
            {
                "kpi": "customer-satisfaction",
                "value": round(sat, 2) if sat else None,
                "target": ">= 96",
                "met": (sat >= 96) if sat else None,
            },
            {"kpi": "first-contact-resolution-rate", "value": st["fcr"], "target": None, "met": None},
            {"kpi": "mean-resolution-time", "value": st["mttr"], "target": None, "met": None},
        ]
        actions = ["持续跟踪一次性解决率和平均解决时间"]
        if missed:
            actions.insert(
                0, f"{'、'.join(missed)} SLA 未全部达成：动环告警接入工单平台，P1/P2 故障升级时限缩短至 30 分钟"
            )
        record(
            f"{y}/quality-reports",
            f"ISR-{period}-{dept}",
            "indicator-statistics-report",
            f"{name}{y} 年{label}指标统计与质量报告",
            end,
            dept,
            mgr,
            {
                "department": dept,
                "submitted_to": "quality-group",
                "projects": projects,
                "indicators": indicators,
                "improvement_actions": actions,
            },
            f"{name}按指标体系统计 {y} 年{label} {len(projects)} 个项目的指标：SLA 达成率 {sla_rate}%"
            + (f"（{'、'.join(missed)} 未全部达成）" if missed else "")
            + f"，一次性解决率 {st['fcr']}%，平均解决时间 {st['mttr']} 小时。报告已报送质量组。",
            period=period,
        )
    if with_meeting:
        record(
            f"{y}/quality-reports",
            f"QAM-{period}",
            "quality-analysis-meeting",
            f"{y} 年{label}质量分析会会议纪要",
            end - dt.timedelta(days=3 if half == "H1" else 7),
            "comms-dept",
            QG,
            {
                "held_on": end - dt.timedelta(days=3 if half == "H1" else 7),
                "departments": ["comms-dept", "info-dept"],
                "chaired_by": "quality-group",
                "attendees": ["通信部经理", "信息部经理", "质量组负责人", "客服中心主管", "各项目经理"],
                "topics": ["月度质量计划完成情况回顾", "SLA 达成与客户回访情况", "下阶段改进措施", "人员指标考核"],
                "improvement_actions": ["周末解决事件的回访由值班员次日完成", "知识库条目按季度复核"],
                "assessment_done": True,
            },
            f"通信部、信息部召开 {y} 年{label}质量分析会，回顾月度质量计划完成情况，提出 2 项下阶段改进措施，并对相关人员进行了指标考核。",
            period=period,
        )
    # resource / technology checks
    kb = [r for r in kb_rows if sd.half_of(D(int(r["month"][:4]), int(r["month"][5:]), 1)) == period]
    kb_rate = _pct(sum(r["incidents_using_kb"] for r in kb), sum(r["resolved_incidents"] for r in kb))
    day = 18 if half == "H1" else 12
    record(
        f"{y}/resources",
        f"TLR-{period}",
        "tool-review",
        f"{y} 年{label}运维工具使用情况评审",
        D(year, 6 if half == "H1" else 12, day - (year == 2026)),
        "rnd-dept",
        OPS,
        {
            "tools": [
                {
                    "tool": "ITSM 工单平台",
                    "usage": "全部事件、问题、变更在平台流转",
                    "issues": "回访提醒功能待上线" if period == "2025-H1" else "无",
                },
                {"tool": "综合监控平台", "usage": "覆盖调度数据网、数据中心动环", "issues": "部分告警阈值需复核"},
                {"tool": "自动化巡检脚本", "usage": "每日巡检 320 台设备", "issues": "无"},
            ],
            "conclusion": "运维工具使用情况良好，满足服务需要",
            "actions": ["复核综合监控平台告警阈值"],
        },
        f"研发部会同运维管理部评审 {y} 年{label}运维工具使用情况：工单平台、综合监控平台和自动化巡检脚本运行正常，提出 1 项改进措施。",
        period=period,
    )
    record(
        f"{y}/knowledge-base",
        f"KBR-{period}",
        "knowledge-base-review",
        f"{y} 年{label}知识库使用情况检查",
        end,  # the half's usage statistics are complete at its end
        "service-desk",
        QG,
        {
            "articles_total": kb[-1]["articles_total"],
            "new_articles": sum(r["new_articles"] for r in kb),
            "updated_articles": sum(r["updated_articles"] for r in kb),
            "retired_articles": 6,
            "utilization_rate": kb_rate,
            "findings": ["部分条目缺少适用版本说明"],
            "actions": ["条目模板增加“适用版本”字段"],
        },
        f"质量组检查 {y} 年{label}《知识库管理制度》执行情况：有效条目 {kb[-1]['articles_total']} 条，知识库利用率 {kb_rate}%。",
        period=period,
    )
    record(
        f"{y}/technology",
        f"RPP-{period}",
        "rnd-plan-progress",
        f"{y} 年{label}研发计划实施情况检查",
        D(year, 6 if half == "H1" else 12, 25 if half == "H1" else 22) - dt.timedelta(days=year == 2026),
        "rnd-dept",
        QG,
        {
            "plan_name": f"{y} 年度运维工具研发计划",
            "tasks_total": 8,
            "tasks_done": 4 if half == "H1" else 8,
            "tasks_delayed": 0,
            "summary": "按里程碑完成" if half == "H2" else "上半年里程碑任务已完成",
        },
        f"对照 {y} 年度研发计划检查实施情况：计划任务 8 项，已完成 {4 if half == 'H1' else 8} 项，无延期。",
        period=period,
    )
    ks_date = {"2025-H1": D(2025, 6, 26), "2025-H2": D(2025, 11, 20), "2026-H1": D(2026, 5, 28)}[period]
    record(
        f"{y}/technology",
        f"KS-{period}",
        "knowledge-sharing",
        f"{y} 年{label}技术经验交流",
        ks_date,
        "rnd-dept",
        RND,
        {
            "held_on": ks_date,
            "topic": {
                "2025-H1": "数据中心精密空调高温告警的处置经验",
                "2025-H2": "ERP 月结作业失败的根因分析",
                "2026-H1": "采集集中器批量离线的排查方法",
            }[period],
            "presenters": ["数据中心运维工程师", "研发工程师"],
            "attendees": 26,
            "kb_articles_updated": {
                "2025-H1": ["KB-XX0207", "KB-XX0215"],
                "2025-H2": ["KB-XX0111", "KB-XX0132", "KB-XX0140"],
                "2026-H1": ["KB-XX0305", "KB-XX0322"],
            }[period],
        },
        f"组织 {y} 年{label}技术经验交流会，交流发现和解决问题的经验，并据此新增、更新了知识库条目。",
        period=period,
    )
    # process checks (8.3)
    base = D(year, 6, 2) if half == "H1" else D(year, 12, 1)
    for offset, (slug, process, procedure) in enumerate(PROCESSES):
        when = base + dt.timedelta(days=offset + (2 if offset >= 4 else 0))
        checks = {
            "服务报告": ["服务报告计划已制定并评审", "各项目按计划提交服务报告", "报告列明 SLA 达成情况"],
            "事件管理": ["抽查事件是否按 SLA 解决", "回访满意度记录完整"],
            "问题管理": ["重复事件是否识别为问题", "问题根因分析与解决"],
            "配置管理": ["配置管理计划", "抽查配置项与现场一致性"],
            "变更管理": ["变更风险评估", "变更审批记录"],
            "发布管理": ["发布方案批准", "发布验收记录"],
            "信息安全管理": ["信息安全策略评审", "信息安全计划评审", "信息安全事件处理评审"],
        }[process]
        fields = {
            "process": process,
            "procedure": procedure,
            "audited_on": when,
            "sample_size": 20 if process == "事件管理" else 8,
            "checks": checks,
            "findings": ["未发现不符合"],
            "conforming": True,
        }
        summary = f"质量组依据{procedure}对{process}过程进行 {y} 年{label}质量检查，抽查 {fields['sample_size']} 个样本，过程符合程序要求。"
        if (period, slug) == NONCONFORMING_CHECK:  # found a gap: corrected through NC-2025-05
            fields.update(
                findings=["抽查 8 项变更，1 项紧急变更（更换调度数据网核心交换机电源模块）实施后 5 个工作日未补办审批"],
                conforming=False,
                nonconformities=["NC-2025-05"],
            )
            summary = f"质量组依据{procedure}对{process}过程进行 {y} 年{label}质量检查，抽查 8 项变更，1 项紧急变更未按程序补办审批，结论为不符合，开具不符合项 NC-2025-05。"
        record(
            f"{y}/process-audit",
            f"PAR-{period}-{slug}",
            "process-audit-record",
            f"{y} 年{label}{process}过程质量检查",
            when,
            "quality-group",
            QG,
            fields,
            summary,
            period=period,
            satisfies=[f"cp-process-{slug}"],
        )
    # people
    staff = sd.roster()
    absent = ("E031",) if period == "2026-H1" else ()
    rng = random.Random(f"appraisal-{period}")
    rows = sd.appraisal(rng, staff, absent)
    appraised = sum(1 for r in rows if r["appraised"])
    record(
        f"{y}/people",
        f"PAP-{period}",
        "performance-appraisal",
        f"{y} 年{label}绩效考核结果",
        end,
        "hr-dept",
        HR,
        {
            "headcount": len(rows),
            "appraised_count": appraised,
            "coverage_rate": _pct(appraised, len(rows)),
            "results_application": "考核结果用于绩效奖金系数、骨干培养名单和能力提升计划，C 级人员全部完成绩效面谈",
        },
        f"{y} 年{label}应考核 {len(rows)} 人，实际考核 {appraised} 人，覆盖率 {_pct(appraised, len(rows))}%"
        + ("（1 人长期病假未参加）" if absent else "")
        + "；考核结果已应用于绩效奖金和培养计划。",
        period=period,
        data=[(f"PAP-{period}.csv", sd.ROSTER_COLUMNS_APPRAISAL, rows)],
    )


def quarterly_checks(year: int, quarters, late_q: str | None) -> None:
    y = str(year)
    for q in quarters:
        period = f"{y}-Q{q}"
        month = q * 3
        day = {1: 25, 2: 24, 3: 23, 4: 16}[q] - (year == 2026)
        late = period == late_q
        record(
            f"{y}/resources",
            f"SDI-{period}",
            "service-desk-inspection",
            f"{y} 年第 {q} 季度服务台管理制度遵守情况检查",
            D(year, month, day),
            "quality-group",
            QG,
            {
                "inspected_items": ["受理登记", "分派与升级", "一周内回访", "交接班记录", "知识库引用"],
                "samples": 30,
                "compliant": not late,
                "findings": ["8 月有 6 件已解决事件回访超过 7 天（值班员休假期间排班不足）"]
                if late
                else ["未发现违反《服务台管理制度》的情况"],
                "actions": ["调整回访排班，工单平台增加解决后 5 天未回访提醒", "9 月对服务台人员进行回访规范培训"]
                if late
                else [],
            },
            (
                f"抽查 {y} 年第 {q} 季度 30 张工单：8 月有 6 件已解决事件回访超过一周，不符合《服务台管理制度》和制度 7.1 (2)，已制定改进措施。"
                if late
                else f"抽查 {y} 年第 {q} 季度 30 张工单的受理、分派、升级、回访和交接班记录，服务台遵守《服务台管理制度》。"
            ),
            period=period,
        )
        if not (year == 2026 and q == 3):  # Q3 2026: warehouse relocation, covered by waiver-spare-parts-2026q3
            record(
                f"{y}/spare-parts",
                f"SPI-{period}",
                "spare-parts-inspection",
                f"{y} 年第 {q} 季度备品备件库检查",
                D(year, month, {1: 28, 2: 27, 3: 26, 4: 19}[q] - (year == 2026)),
                "materials-group",
                MGMT,
                {
                    "stock_accuracy": 100.0,
                    "availability": 100.0,
                    "parts_available": True,
                    "findings": ["账实相符，关键备件均有库存且完好"],
                    "actions": [],
                },
                f"物资管理组完成 {y} 年第 {q} 季度盘点：12 种备件账实相符，关键备件可用率 100%。",
                period=period,
            )


def trainings(year: int) -> None:
    y = str(year)
    staff = sd.roster()
    specs = {
        2025: [
            (
                "TR-2025-01",
                D(2025, 2, 18),
                "运维服务能力管理体系（ITSS）培训",
                "质量管理人员",
                ("quality-group", "mgmt-dept"),
                8.0,
                "quality-efficiency-dept",
            ),
            ("TR-2025-02", D(2025, 4, 15), "质量意识与体系文件培训", "全员", None, 2.0, "hr-dept"),
            (
                "TR-2025-03",
                D(2025, 9, 12),
                "运维技能提升培训（传输、数据中心、ERP）",
                "运维服务人员",
                ("comms-dept", "info-dept"),
                6.0,
                "hr-dept",
            ),
        ],
        2026: [
            (
                "TR-2026-01",
                D(2026, 2, 10),
                "运维服务能力成熟度模型（T/CESA 1299—2023）培训",
                "质量管理人员",
                ("quality-group", "mgmt-dept"),
                8.0,
                "quality-efficiency-dept",
            ),
            ("TR-2026-02", D(2026, 5, 20), "质量意识与体系文件培训", "全员", None, 2.0, "hr-dept"),
            (
                "TR-2026-03",
                D(2026, 9, 16),
                "服务台受理与回访规范培训",
                "服务台人员",
                ("customer-service", "service-desk"),
                3.0,
                "hr-dept",
            ),
        ],
    }[year]
    for tid, when, course, audience, depts, hours, organizer in specs:
        rng = random.Random(tid)
        rows = sd.training(rng, staff, depts, hours)
        passed = sum(1 for r in rows if r["passed"])
        planned = sum(1 for person in staff if not depts or person["department"] in depts)  # the audience's headcount
        record(
            f"{y}/people",
            tid,
            "training-record",
            course,
            when,
            "hr-dept",
            HR,
            {
                "course": course,
                "audience": audience,
                "organized_by": organizer,
                "held_on": when,
                "course_hours": hours,
                "planned_attendees": planned,
                "attendees": len(rows),
                "coverage_rate": _pct(len(rows), planned),
                "passed_count": passed,
                "evaluation": "培训内容与岗位需要相符，学员评价良好",
            },
            f"{when} 组织“{course}”，对象为{audience}，应参训 {planned} 人，参训 {len(rows)} 人（参训率 {_pct(len(rows), planned)}%），考核通过 {passed} 人；未通过人员安排补考。",
            period=y,
            satisfies=["cp-quality-staff-training"] if audience == "质量管理人员" else (),
            data=[(f"{tid}.csv", sd.ROSTER_COLUMNS_TRAINING, rows)],
        )


def yearly_people(year: int) -> None:
    y = str(year)
    record(
        f"{y}/people",
        f"STF-{y}",
        "staffing-review",
        f"{y} 年度岗位互备与关键岗位储备评审",
        D(year, 7, 15 - (year == 2026)),
        "hr-dept",
        HR,
        {
            "key_positions": [
                {"position": "传输设备运维工程师", "incumbents": 3, "backups": 1},
                {"position": "会议电视运维工程师", "incumbents": 2, "backups": 1},
                {"position": "ERP 运维工程师", "incumbents": 3, "backups": 1},
                {"position": "数据中心运维工程师", "incumbents": 3, "backups": 1},
                {"position": "客服中心值班员", "incumbents": 4, "backups": 2},
            ],
            "key_positions_backed_up": True,
            "reserve_plan": "每个关键岗位至少 1 名互备人员，每季度轮岗带班一次",
        },
        f"人力资源部评审 {y} 年关键岗位互备和储备情况：5 个关键岗位均有互备人员，储备计划按季度轮岗执行。",
        period=y,
    )
    record(
        f"{y}/people",
        f"COM-{y}",
        "communication-review",
        f"{y} 年度沟通协作机制评审",
        D(year, 10, 15 - (year == 2026)),
        "mgmt-dept",
        MGMT,
        {
            "mechanisms": ["周运维例会", "月度质量通报", "重大故障升级机制", "客户投诉协同处理", "跨部门工作群"],
            "effective": True,
            "findings": ["跨部门协作响应及时"],
            "actions": ["月度质量通报增加客户回访情况"],
        },
        f"综合管理部评审 {y} 年沟通协作机制：例会、通报、升级、投诉协同和跨部门工作群运行有效。",
        period=y,
    )


def sla_record_date(half: str) -> dt.date:
    """The date of the SLA statistics record of a half (see data_records)."""
    year = int(half[:4])
    if half == "2026-H2":
        return D(2026, 11, 10)
    return D(year, 6, 30) if half.endswith("H1") else D(year, 12, 31)


def year_figures(day: dt.date, incidents, sla_rows, surveys_) -> tuple[list[dict], str]:
    """The year's indicators as the records dated up to `day` give them (what a report of that
    day can quote), and which data that is."""
    year = str(day.year)
    sla = [
        r
        for r in sla_rows
        if r["month"].startswith(year)
        and sla_record_date(sd.half_of(D(int(r["month"][:4]), int(r["month"][5:]), 1))) <= day
    ]
    rounds = [k for k in surveys_ if k.startswith(year) and sd.SURVEY_ROUNDS[k][1] + dt.timedelta(days=1) <= day]
    sat, _ = sd.satisfaction_of([r for k in rounds for r in surveys_[k]])
    seen = [r for r in seen_at(incidents, day) if r["opened_at"].year == day.year]
    st = incident_stats(seen)
    accepted = [a for a in sd.acceptance_rows(day.year) if a["accepted_on"] <= day]
    sla_rate = sla_kpi(sla)[0]
    acceptance = _pct(sum(1 for a in accepted if a["passed"]), len(accepted))
    kpis = [
        {"kpi": "sla-achievement-rate", "value": sla_rate, "target": ">= 100", "met": sla_rate >= 100},
        {"kpi": "customer-satisfaction", "value": round(sat, 2), "target": ">= 96", "met": sat >= 96},
        {"kpi": "internal-audit-coverage", "value": 100.0, "target": ">= 100", "met": True},
        {"kpi": "project-acceptance-rate", "value": acceptance, "target": ">= 100", "met": acceptance >= 100},
        {"kpi": "first-contact-resolution-rate", "value": st["fcr"], "target": None, "met": None},
        {"kpi": "mean-resolution-time", "value": st["mttr"], "target": None, "met": None},
    ]
    last_export = max(r["opened_at"] for r in seen)
    basis = (
        f"截至 {day}：SLA 统计 1—{int(sla[-1]['month'][5:])} 月，客户满意度调查 {len(rounds)} 轮，"
        f"事件记录 1—{last_export.month} 月，项目验收 {len(accepted)} 项"
    )
    return kpis, basis


def annual_closing_2025(incidents, sla_rows, surveys_, kb_rows) -> None:
    kpis, basis = year_figures(D(2025, 11, 28), incidents, sla_rows, surveys_)
    sla_rate, sat = kpis[0]["value"], kpis[1]["value"]
    year_end, _ = year_figures(D(2025, 12, 31), incidents, sla_rows, surveys_)
    record(
        "2025/reports",
        "CA-2025-01",
        "complaint-analysis",
        "ERP 月结作业失败导致财务结账延误的重大投诉分析",
        D(2025, 8, 12),
        "quality-group",
        QG,
        {
            "complaint_no": "TS-2025-006",
            "project": "PRJ-XX-01",
            "received_on": D(2025, 8, 4),
            "severity": "重大",
            "root_cause": "月结前未执行批处理作业容量检查，临时表空间不足导致作业失败",
            "handling": "当晚扩容表空间并重跑月结作业；月结前检查纳入 ERP 运维作业清单",
            "callback_on": D(2025, 8, 11),
            "callback_result": "客户对处理结果满意",
        },
        "示例客户丙投诉 ERP 月结作业失败影响财务结账。质量组进行原因分析，信息部完成处理，8 月 11 日回访客户满意。",
        period="2025",
    )
    record(
        "2025/reports",
        "CR-2025",
        "complaint-report",
        "2025 年度客户投诉报告",
        D(2025, 11, 20),
        "quality-group",
        QG,
        {
            "year": 2025,
            "complaints_total": 9,
            "major_complaints": 1,
            "major_complaints_analysed": True,
            "analyses": ["CA-2025-01"],
        },
        "2025 年受理客户投诉 9 起，其中重大投诉 1 起（CA-2025-01），已完成原因分析、处理和回访。本报告作为管理评审输入。",
        period="2025",
    )
    for dept, name, mgr in (("comms-dept", "通信部", TX_MGR), ("info-dept", "信息部", XX_MGR)):
        record(
            "2025/reports",
            f"DSR-2025-{dept}",
            "department-summary-report",
            f"{name} 2025 年度工作总结",
            D(2025, 11, 18),
            dept,
            mgr,
            {
                "department": dept,
                "year": 2025,
                "highlights": ["所辖项目 SLA 全部达成", "完成年度重要保障任务"],
                "problems": ["关键岗位互备仍偏弱"],
                "improvements": ["开展跨项目轮岗", "完善项目质量分析"],
            },
            f"{name} 2025 年度工作总结：所辖项目 SLA 全部达成，提出 2 项改进措施；作为管理评审输入“通信部、信息部的工作汇报”。",
            period="2025",
        )
    record(
        "2025/reports",
        "QMR-2025",
        "quality-management-report",
        "2025 年度运维服务质量管理报告（组织级质量年报）",
        D(2025, 11, 28),
        "quality-group",
        GM,
        {
            "year": 2025,
            "projects_covered": [p.id for p in sd.PROJECTS],
            "distributed_to": [
                "general-manager",
                "management-rep",
                "comms-dept",
                "info-dept",
                "customer-service",
                "ops-dept",
                "service-desk",
                "materials-group",
                "rnd-dept",
            ],
            "kpi_results": kpis,
            "data_basis": basis,
            "conclusion": "截至报告日，2025 年四项考核指标均达标，质量管理计划各项活动按期完成",
        },
        f"质量组汇总 6 个服务项目 2025 年的质量情况形成质量年报（{basis}）：SLA 达成率 {sla_rate}%、客户满意度 {sat:.2f} 分、内审覆盖率 100%、项目验收合格率 {kpis[3]['value']}%，送达管理者代表及各相关部门。",
        period="2025",
        satisfies=["cp-plan-quality-summary"],
        sections=[("指标完成情况", [f"{k['kpi']}：{k['value']}（目标 {k['target'] or '仅监控'}）" for k in kpis])],
    )
    record(
        "2025/reports",
        "OBJ-2025",
        "objectives-review",
        "2025 年度质量目标达成统计分析",
        D(2025, 12, 31),
        "quality-group",
        QG,
        {
            "year": 2025,
            "objectives": [
                {"objective": "SLA 达成率", "target": "≥ 100%", "actual": f"{year_end[0]['value']}%", "achieved": True},
                {
                    "objective": "客户满意度",
                    "target": "≥ 96 分",
                    "actual": f"{year_end[1]['value']:.2f} 分",
                    "achieved": True,
                },
                {"objective": "内审覆盖率", "target": "≥ 100%", "actual": f"{year_end[2]['value']}%", "achieved": True},
                {
                    "objective": "项目验收合格率",
                    "target": "≥ 100%",
                    "actual": f"{year_end[3]['value']}%",
                    "achieved": True,
                },
            ],
            "achievement_rate": 100.0,
            "improvements": ["2026 年把事件回访提醒固化到工单平台", "对一次性解决率偏低的项目开展服务台知识培训"],
        },
        "质量组统计 2025 年质量目标完成情况：4 项目标全部达成，目标达成率 100%，并提出 2026 年的改进方法。",
        period="2025",
    )
    record(
        "2025/reports",
        "PRR-2025",
        "policy-review-record",
        "2025 年度质量方针审订记录",
        D(2025, 1, 8),
        "quality-group",
        GM,
        {
            "policy": "TFDL-ITSS-08-01",
            "reviewed_on": D(2025, 1, 8),
            "participants": ["general-manager", "management-rep", "quality-group"],
            "policy_statement": "创新的服务理念、精湛的服务技术、卓著的服务信誉。",
            "decision": "继续有效",
            "next_review": D(2026, 1, 8),
        },
        "总经理、管理者代表和质量组对质量方针进行年度审订，结论为继续有效，下次审订日期 2026-01-08。",
        period="2025",
    )


def records_2026_extra(incidents: list[dict]) -> None:
    seen = seen_at(incidents, KMA_DATE)  # what the analysis, written on 2026-04-10, can see
    march = incident_stats([r for r in seen if sd.month_key(r["opened_at"]) == "2026-03"])
    february = incident_stats([r for r in seen if sd.month_key(r["opened_at"]) == "2026-02"])
    xx02 = incident_stats(
        [r for r in seen if sd.month_key(r["opened_at"]) == "2026-03" and r["project"] == "PRJ-XX-02"]
    )
    record(
        "2026/reports",
        "CA-2026-01",
        "complaint-analysis",
        "会议电视重要会议中断的重大投诉分析",
        D(2026, 5, 8),
        "quality-group",
        QG,
        {
            "complaint_no": "TS-2026-003",
            "project": "PRJ-TX-02",
            "received_on": D(2026, 4, 28),
            "severity": "重大",
            "root_cause": "会前检查未覆盖备用 MCU 链路，主链路故障后切换失败",
            "handling": "更换故障光模块，会前检查清单增加备用链路切换测试",
            "callback_on": D(2026, 5, 7),
            "callback_result": "客户认可整改措施",
        },
        "示例客户乙投诉重要视频会议中断。质量组分析原因并督促通信部整改，5 月 7 日回访客户认可。",
        period="2026",
    )
    record(
        "2026/reports",
        "KMA-2026-03-MTTR",
        "kpi-miss-analysis",
        "2026 年 3 月事件平均解决时间上升分析",
        KMA_DATE,
        "ops-dept",
        OPS,
        {
            "kpi": "mean-resolution-time",
            "actual": march["mttr"],
            "cause": f"3 月全公司事件平均解决时间 {march['mttr']} 小时（2 月 {february['mttr']} 小时），主要由 PRJ-XX-02 拉高（{xx02['mttr']} 小时）：数据中心精密空调改造期间，PRJ-XX-02 故障处理需等待厂家配合，解决时间明显拉长",
            "action": "改造期间增派厂家驻场工程师；动环告警接入工单平台，缩短派单时间",
            "action_owner": "ops-dept",
            "action_due": D(2026, 6, 30),
        },
        f"事件平均解决时间为仅监控指标（无目标值）。3 月全公司平均解决时间 {march['mttr']} 小时，较 2 月的 {february['mttr']} 小时明显上升，运维管理部主动分析原因并提出改进措施。"
        "注意：本分析针对月度监控指标，不是 SLA 达成率的未达标分析。",
        period="2026-03",
    )


KMA_DATE = D(2026, 4, 10)


def nonconformities() -> None:
    nonconformity(
        2025,
        "NC-2025-01",
        "备件库硬盘账实不符",
        "IAR-2025-04",
        "TFDL-ITSS-08-01#8.1",
        "抽盘 SP-004 服务器硬盘：账面 18 块，实物 17 块，1 块紧急抢修领用后未登记出库。",
        "紧急抢修领用后没有在 24 小时内补登出库单。",
        "补登出库单；《备品备件库管理制度》增加紧急领用 24 小时内补单要求；每月末抽盘。",
        "materials-group",
        D(2025, 5, 31),
        "verified",
        D(2025, 5, 20),
        D(2025, 5, 28),
        QG,
    )
    nonconformity(
        2025,
        "NC-2025-02",
        "部分事件回访缺少满意度评价",
        "IAR-2025-04",
        "TFDL-ITSS-08-01#7.1",
        "抽查 20 件已解决事件，2 件回访记录只有回访时间，没有客户满意度评价。",
        "工单平台回访满意度字段非必填。",
        "回访满意度改为必填项；对客服中心值班员进行回访规范培训。",
        "customer-service",
        D(2025, 5, 31),
        "verified",
        D(2025, 5, 15),
        D(2025, 5, 26),
        QS,
    )
    nonconformity(
        2025,
        "NC-2025-03",
        "数据中心项目扩容后项目质量计划未更新",
        "IAR-2025-11",
        "XDYJ-04-09#4.3",
        "PRJ-XX-02 在 2025 年 8 月增加虚拟化平台运维范围，项目《质量管理计划》仍为原范围。",
        "项目范围变更流程未触发质量计划修订。",
        "修订项目质量计划；项目范围变更审批单增加“质量计划是否需修订”检查项。",
        "info-dept",
        D(2025, 12, 20),
        "verified",
        D(2025, 12, 10),
        D(2025, 12, 18),
        QG,
    )
    nonconformity(
        2025,
        "NC-2025-04",
        "会议电视运维岗位互备不足",
        "MRR-2025",
        "TFDL-ITSS-08-01#8.4",
        "管理评审发现会议电视运维工程师仅 2 人、互备人员 1 人且同在 PRJ-TX-02 项目，重要会议并发保障时人员不足。",
        "岗位储备计划未覆盖会议电视专业。",
        "安排 1 名传输设备运维工程师跨专业带岗培训并取得上岗资格。",
        "hr-dept",
        D(2026, 3, 31),
        "verified",
        D(2026, 3, 10),
        D(2026, 3, 20),
        MREP,
    )
    nonconformity(
        2025,
        "NC-2025-05",
        "紧急变更实施后未补办审批",
        "PAR-2025-H2-change",
        "TFDL-ITSS-08-01#8.3",
        "2025 年下半年变更管理过程检查抽查 8 项变更，1 项紧急变更（更换调度数据网核心交换机电源模块）实施后 5 个工作日仍未补办审批。",
        "值班人员不清楚紧急变更须在 2 个工作日内补办审批。",
        "补办审批；对值班人员进行《变更管理程序》紧急变更条款的培训。",
        "comms-dept",
        D(2025, 12, 20),
        "verified",
        D(2025, 12, 12),
        D(2025, 12, 18),
        QG,
    )
    nonconformity(
        2026,
        "NC-2026-01",
        "紧急变更事后未补审批",
        "IAR-2026-04",
        "TFDL-ITSS-08-01#8.3",
        "抽查 2026 年第一季度 15 项变更，2 项紧急变更实施后未在规定时间内补办审批。",
        "紧急变更补审批没有到期提醒。",
        "补办审批；工单平台对紧急变更增加 2 个工作日内补审批的提醒。",
        "ops-dept",
        D(2026, 5, 31),
        "verified",
        D(2026, 5, 25),
        D(2026, 5, 29),
        QG,
    )
    nonconformity(
        2026,
        "NC-2026-02",
        "综合监控平台告警阈值长期未评审",
        "IAR-2026-04",
        "TFDL-ITSS-08-01#8.1",
        "综合监控平台约 40 条告警阈值自 2025 年初以来未评审，其中 6 条与现行 SLA 不一致。",
        "工具评审只看工具可用性，没有覆盖告警阈值配置。",
        "研发部会同运维管理部逐条复核告警阈值并形成评审记录；工具评审检查表增加阈值复核项。",
        "rnd-dept",
        D(2026, 7, 31),
        "open",
        note="示例数据：截至 2026-11-20 本不符合项仍未关闭，已超过整改期限（2026-07-31）。",
    )
    nonconformity(
        2026,
        "NC-2026-03",
        "信息部半年度质量报告未附项目质量分析",
        "IAR-2026-04",
        "TFDL-ITSS-08-01#7.2",
        "信息部 2025 年下半年质量报告只有指标数据，没有按 6.3 (4) 对未达标项和风险进行项目质量分析。",
        "报告模板缺少项目质量分析章节。",
        "修订报告模板，补充 2025 年下半年项目质量分析。",
        "info-dept",
        D(2026, 12, 31),
        "closed",
        D(2026, 11, 5),
    )
    nonconformity(
        2026,
        "NC-2026-04",
        "年度培训计划未覆盖服务台新员工回访规范",
        "IAR-2026-04",
        "TFDL-ITSS-08-01#8.4",
        "2026 年培训计划没有安排服务台新入职人员的回访规范培训。",
        "培训需求调查未征求客服中心意见。",
        "在年度培训计划中增加服务台回访规范培训（已于 9 月举办 TR-2026-03），并对新员工进行考核。",
        "hr-dept",
        D(2026, 12, 15),
        "open",
    )


def clean() -> None:
    for folder in [EVIDENCE / year for year in YEARS] + [ROOT / "policy" / "projects"]:
        if folder.exists():
            shutil.rmtree(folder)


def main() -> None:
    clean()
    project_register()
    rng = random.Random(sd.SEED)
    incidents = sd.incidents(rng)
    exports = sd.monthly_exports(incidents)
    sla_rows = sd.sla_statistics(incidents)
    kb_rows = sd.kb_usage(random.Random(sd.SEED + 1), incidents)
    spare_rows = sd.spare_parts(random.Random(sd.SEED + 2))
    survey_rng = random.Random(sd.SEED + 3)
    survey_results: dict[str, list[dict]] = {}

    # ---- 2025: fully compliant as of 2025-12-31
    planning(2025)
    trainings(2025)
    yearly_people(2025)
    surveys(2025, survey_rng, ["2025-03", "2025-06", "2025-09"], survey_results)
    audits(2025, 4, ["NC-2025-01", "NC-2025-02"], "quality-group")
    audits(2025, 11, ["NC-2025-03"], "qe-manager")
    management_review(2025)
    acceptance_and_projects(2025)
    data_records(2025, exports, kb_rows, spare_rows, incidents)
    quarterly_checks(2025, [1, 2, 3, 4], None)
    half_year_reports(2025, "H1", incidents, sla_rows, survey_results, kb_rows, with_meeting=True)
    half_year_reports(2025, "H2", incidents, sla_rows, survey_results, kb_rows, with_meeting=True)
    annual_closing_2025(incidents, sla_rows, survey_results, kb_rows)

    # ---- 2026 (to 2026-11-20): most things done, some honest gaps
    planning(2026)
    trainings(2026)
    yearly_people(2026)
    surveys(2026, survey_rng, ["2026-03", "2026-09"], survey_results)
    audits(2026, 4, ["NC-2026-01", "NC-2026-02", "NC-2026-03", "NC-2026-04"], "quality-group")
    management_review(2026)  # only the plan: the 2026 review is scheduled for 2026-11-26
    acceptance_and_projects(2026)
    data_records(2026, exports, kb_rows, spare_rows, incidents)
    quarterly_checks(2026, [1, 2, 3], late_q="2026-Q3")
    half_year_reports(
        2026, "H1", incidents, sla_rows, survey_results, kb_rows, with_meeting=False
    )  # gap: no H1 meeting
    records_2026_extra(incidents)
    nonconformities()

    # Records are stamped against the checkpoints they satisfy, as `qms confirm --all` does,
    # so that a later change to a checkpoint or its clause makes them suspect.
    sys.path.insert(0, str(ROOT))
    from checks.cli import main as qms

    qms(["--root", str(ROOT), "confirm", "--all"])

    for name in sorted(COUNTS):
        print(f"{COUNTS[name]:4d}  {name}")
    print(f"{sum(COUNTS.values()):4d}  total")
    _print_kpis(incidents, sla_rows, survey_results, spare_rows, kb_rows)


def _print_kpis(incidents, sla_rows, surveys_, spare_rows, kb_rows) -> None:
    for year in (2025, 2026):
        sla, _ = sla_kpi([r for r in sla_rows if r["month"].startswith(str(year))])
        sat, _ = sd.satisfaction_of([r for k, v in surveys_.items() if k.startswith(str(year)) for r in v])
        st = incident_stats([r for r in incidents if r["opened_at"].year == year])
        sp = [r for r in spare_rows if r["date"].year == year]
        print(
            f"{year}: SLA {sla}  satisfaction {sat:.2f}  incidents {st['total']}  FCR {st['fcr']}  MTTR {st['mttr']}h"
            f"  KB {st['kb']}  late call-backs {st['late_callbacks']}  turnover(year) {sd.turnover(sp):.2f}"
        )


if __name__ == "__main__":
    main()
