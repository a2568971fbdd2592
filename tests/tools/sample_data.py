"""Deterministic sample data for the quality manual's evidence (示例数据).

Generates the tabular data behind the sample evidence records: the service-desk
incident log, SLA statistics, satisfaction survey scores, project acceptances,
spare-parts movements, knowledge-base usage and the staff roster used for
training and appraisal lists. Everything comes from one seeded random.Random, so
running it twice gives byte-identical files.

Imported by gen_sample_evidence.py; nothing here writes files.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

SEED = 20250101
START = dt.date(2025, 1, 1)
CUTOFF = dt.datetime(2026, 11, 20, 23, 59, 59)  # the last moment the 2026 sample data covers
LAST_DAY = CUTOFF.date()


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    department: str
    customer: str
    start: dt.date  # the service starts (the project register, policy/projects/)
    contract: str
    rate: float  # incidents per working day
    sla_items: int  # SLA indicators assessed per month
    engineers: tuple[str, ...]
    summaries: tuple[str, ...]
    categories: tuple[str, ...]  # spare-part categories this project draws on


PROJECTS = (
    Project(
        "PRJ-TX-01",
        "调度数据网运维服务",
        "comms-dept",
        "示例客户甲（调度控制中心）",
        dt.date(2024, 7, 1),
        "TFDL-HT-2024-017",
        1.15,
        10,
        ("E-TX01", "E-TX02", "E-TX03"),
        (
            "调度数据网节点链路中断告警",
            "纵向加密装置隧道异常",
            "路由器端口 CRC 错误增多",
            "厂站接入网关无法访问",
            "数据网设备配置备份请求",
            "新增业务通道开通申请",
            "网管平台账号权限申请",
            "SDH 传输支路误码告警",
        ),
        ("光通信", "传输", "网络"),
    ),
    Project(
        "PRJ-TX-02",
        "会议电视系统运维服务",
        "comms-dept",
        "示例客户乙（信息通信分公司）",
        dt.date(2024, 3, 21),
        "TFDL-HT-2024-006",
        0.85,
        8,
        ("E-TX04", "E-TX05"),
        (
            "会议终端无法入会",
            "视频会议图像卡顿",
            "会议室麦克风无声",
            "MCU 会议预约请求",
            "会议录播文件导出请求",
            "终端摄像头无法控制",
            "重要会议保障申请",
            "会议终端固件升级咨询",
        ),
        ("会议电视",),
    ),
    Project(
        "PRJ-TX-03",
        "应急通信与传输设备运维服务",
        "comms-dept",
        "示例客户甲（调度控制中心）",
        dt.date(2023, 9, 20),
        "TFDL-HT-2023-021",
        0.55,
        8,
        ("E-TX06", "E-TX07"),
        (
            "卫星便携站链路测试异常",
            "应急通信车设备巡检请求",
            "传输设备板卡告警",
            "光缆纤芯衰耗偏大",
            "应急演练通信保障申请",
            "传输网管告警清理咨询",
        ),
        ("应急通信", "传输", "光通信"),
    ),
    Project(
        "PRJ-XX-01",
        "ERP 系统运维服务",
        "info-dept",
        "示例客户丙（物资公司）",
        dt.date(2024, 6, 17),
        "TFDL-HT-2024-012",
        1.35,
        12,
        ("E-XX01", "E-XX02", "E-XX03"),
        (
            "ERP 采购订单无法审批",
            "ERP 报表查询超时",
            "ERP 账号解锁与密码重置",
            "物料主数据维护申请",
            "财务月结作业失败",
            "ERP 接口数据未同步",
            "ERP 权限变更申请",
            "ERP 客户端安装咨询",
        ),
        ("服务器",),
    ),
    Project(
        "PRJ-XX-02",
        "数据中心基础环境运维服务",
        "info-dept",
        "示例客户乙（信息通信分公司）",
        dt.date(2025, 1, 1),
        "TFDL-HT-2024-033",
        0.9,
        12,
        ("E-XX04", "E-XX05", "E-XX06"),
        (
            "机房精密空调高温告警",
            "UPS 蓄电池巡检异常",
            "服务器硬盘故障告警",
            "机柜 PDU 供电异常",
            "虚拟机资源扩容申请",
            "机房出入登记咨询",
            "存储链路冗余告警",
            "备份作业失败",
        ),
        ("服务器", "动力环境", "网络"),
    ),
    Project(
        "PRJ-XX-03",
        "用电信息采集系统运维服务",
        "info-dept",
        "示例客户丁（营销服务中心）",
        dt.date(2024, 12, 6),
        "TFDL-HT-2024-030",
        1.05,
        10,
        ("E-XX07", "E-XX08"),
        (
            "采集成功率下降",
            "集中器离线",
            "采集主站任务执行失败",
            "终端档案同步请求",
            "抄表数据补采申请",
            "采集通信模块更换",
            "采集数据查询咨询",
        ),
        ("用采", "网络"),
    ),
)
PROJECT_BY_ID = {p.id: p for p in PROJECTS}
SERVICE_DESK = ("SD-01", "SD-02", "SD-03", "SD-04")

# priority: (share, mean hours, SLA hours)
PRIORITY = {"P1": (0.02, 2.2, 4), "P2": (0.10, 5.0, 8), "P3": (0.50, 11.0, 24), "P4": (0.38, 26.0, 72)}
CATEGORY = (("故障", 0.58), ("服务请求", 0.32), ("咨询", 0.10))
CHANNEL = (("电话", 0.55), ("运维平台", 0.30), ("邮件", 0.10), ("微信", 0.05))
SATISFACTION = ((100, 0.50), (95, 0.20), (90, 0.15), (85, 0.08), (80, 0.05), (70, 0.02))

# 2026 gaps planted on purpose (see the report in seed-mapping.md and the generator's docstring)
LATE_CALLBACKS_MONTH = (2026, 8)  # some call-backs more than 7 days after resolution
LATE_CALLBACKS = 6
SLA_MISS = ("PRJ-XX-02", (2026, 3))  # a month in which SLA indicators were missed


def fmt_dt(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S") if value else ""


def month_key(value: dt.date | dt.datetime) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def quarter_of(value: dt.date | dt.datetime) -> str:
    return f"{value.year}-Q{(value.month - 1) // 3 + 1}"


def half_of(value: dt.date | dt.datetime) -> str:
    return f"{value.year}-H{1 if value.month <= 6 else 2}"


def pick(rng: random.Random, weighted) -> object:
    roll, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if roll < acc:
            return value
    return weighted[-1][0]


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


# ---------------------------------------------------------------- incidents
def incidents(rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    counters: dict[int, int] = {}
    for day in days(START, LAST_DAY):
        weekend = day.weekday() >= 5
        for project in PROJECTS:
            lam = project.rate * (0.4 if weekend else 1.0)
            for _ in range(poisson(rng, lam)):
                rows.append(_incident(rng, day, project, weekend))
    rows.sort(key=lambda r: (r["opened_at"], r["project"]))
    for row in rows:
        year = row["opened_at"].year
        counters[year] = counters.get(year, 0) + 1
        row["ticket_id"] = f"INC-{year}-{counters[year]:05d}"
    _plant_sla_miss(rows)
    _plant_late_callbacks(rows)
    _plant_unscored_callbacks(rows)
    _apply_cutoff(rows)
    return rows


def _incident(rng: random.Random, day: dt.date, project: Project, weekend: bool) -> dict:
    hour = rng.randint(0, 23) if weekend or rng.random() < 0.12 else rng.randint(8, 17)
    opened = dt.datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59))
    category = pick(rng, CATEGORY)
    roll, acc, priority = rng.random(), 0.0, "P4"
    for name, (share, _, _) in PRIORITY.items():
        acc += share
        if roll < acc:
            priority = name
            break
    if category == "咨询" and priority in ("P1", "P2"):
        priority = "P4"
    fcr_chance = {"咨询": 0.92, "服务请求": 0.66, "故障": 0.46}[category]
    first_contact = priority in ("P3", "P4") and rng.random() < fcr_chance
    _, mean_hours, sla_hours = PRIORITY[priority]
    if first_contact:
        hours = rng.uniform(0.08, 0.75)
        assignee = rng.choice(SERVICE_DESK)
    else:
        hours = min(rng.expovariate(1 / mean_hours) + 0.3, sla_hours * 0.92)
        # March 2026: the data-centre cooling works made PRJ-XX-02 fixes slower (see KMA-2026-03-MTTR)
        if project.id == SLA_MISS[0] and (opened.year, opened.month) == SLA_MISS[1]:
            hours = min(hours * 2.4 + 2.0, sla_hours * 0.95)
        assignee = rng.choice(project.engineers)
    resolved = (opened + dt.timedelta(hours=hours)).replace(microsecond=0)  # as the export writes it
    kb = ""
    if rng.random() < (0.62 if first_contact else 0.36):
        kb = f"KB-{project.id[-5:-3]}{project.id[-2:]}{rng.randint(1, 60):02d}"
    callback = _callback_time(rng, resolved)
    return {
        "ticket_id": "",
        "project": project.id,
        "category": category,
        "priority": priority,
        "channel": pick(rng, CHANNEL),
        "summary": rng.choice(project.summaries),
        "opened_at": opened,
        "first_contact_resolved": first_contact,
        "assignee": assignee,
        "resolved_at": resolved,
        "status": "已解决",
        "sla_met": True,
        "kb_article": kb,
        "callback_at": callback,
        "callback_by": rng.choice(SERVICE_DESK),
        "callback_satisfaction": pick(rng, SATISFACTION),
    }


def _callback_time(rng: random.Random, resolved: dt.datetime) -> dt.datetime:
    """A call-back in working hours, 2 hours to 6 days after resolution (always within 7 days)."""
    delay = rng.choice((0, 1, 1, 1, 2, 2, 3, 4, 6))
    day = (resolved + dt.timedelta(days=delay)).date()
    when = dt.datetime(day.year, day.month, day.day, rng.randint(9, 17), rng.randint(0, 59))
    if when < resolved + dt.timedelta(hours=2):
        when = resolved + dt.timedelta(hours=2, minutes=rng.randint(0, 50))
    return when.replace(second=0)


def _plant_sla_miss(rows: list[dict]) -> None:
    """Two incidents of PRJ-XX-02 in March 2026 resolved after their SLA deadline."""
    project, (year, month) = SLA_MISS
    chosen = [
        r
        for r in rows
        if r["project"] == project
        and (r["opened_at"].year, r["opened_at"].month) == (year, month)
        and not r["first_contact_resolved"]
        and r["category"] == "故障"
    ][:2]
    for row, (priority, hours, summary) in zip(
        chosen, (("P1", 6.5, "机房精密空调高温告警"), ("P2", 11.0, "机柜 PDU 供电异常")), strict=True
    ):
        row.update(priority=priority, summary=summary, sla_met=False)
        row["resolved_at"] = row["opened_at"] + dt.timedelta(hours=hours)
        row["callback_at"] = row["resolved_at"] + dt.timedelta(days=1)


def _plant_late_callbacks(rows: list[dict]) -> None:
    """In August 2026 a few call-backs slipped past the one-week limit (service-desk staffing gap)."""
    year, month = LATE_CALLBACKS_MONTH
    chosen = [
        r
        for r in rows
        if (r["resolved_at"].year, r["resolved_at"].month) == (year, month) and r["resolved_at"].day >= 10
    ][::15][:LATE_CALLBACKS]
    for index, row in enumerate(chosen):
        row["callback_at"] = (row["resolved_at"] + dt.timedelta(days=8 + index % 4, hours=2)).replace(second=0)


def _plant_unscored_callbacks(rows: list[dict]) -> None:
    """In March 2025 two call-backs were recorded without the customer's score (NC-2025-02,
    found by the April 2025 internal audit)."""
    chosen = [r for r in rows if (r["resolved_at"].year, r["resolved_at"].month) == (2025, 3)][::97][:2]
    for row in chosen:
        row["callback_satisfaction"] = None


def _apply_cutoff(rows: list[dict]) -> None:
    for index, row in enumerate(rows):
        rows[index] = snapshot(row, CUTOFF)


def snapshot(row: dict, moment: dt.datetime) -> dict | None:
    """The ticket as the ITSM platform showed it at `moment` (None: not opened yet): a later
    resolution or call-back has not happened yet."""
    if row["opened_at"] > moment:
        return None
    if row["resolved_at"] is None or row["resolved_at"] > moment:
        return {
            **row,
            "resolved_at": None,
            "status": "处理中",
            "first_contact_resolved": None,
            "sla_met": None,
            "kb_article": "",
            "callback_at": None,
            "callback_by": "",
            "callback_satisfaction": None,
        }
    if row["callback_at"] is None or row["callback_at"] > moment:
        return {**row, "callback_at": None, "callback_by": "", "callback_satisfaction": None}
    return dict(row)


def settled(row: dict) -> bool:
    """Resolved and called back: later exports show nothing new of it."""
    return row["status"] == "已解决" and row["callback_at"] is not None


def export_moment(year: int, month: int) -> dt.datetime:
    """When a month's export is taken: the last second of the month, or the data's cutoff."""
    end = _month_end(year, month)
    return min(dt.datetime(end.year, end.month, end.day, 23, 59, 59), CUTOFF)


def export_moments() -> list[dt.datetime]:
    """The moments of the monthly exports, January 2025 to the data's cutoff."""
    months = [(y, m) for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (CUTOFF.year, CUTOFF.month)]
    return [export_moment(y, m) for y, m in months]


def monthly_exports(rows: list[dict]) -> list[tuple[str, dt.datetime, list[dict]]]:
    """The monthly exports of the incident log: (month, moment, rows). Each holds the tickets
    opened that month, and those an earlier export showed unresolved or not yet called back
    (the same ticket_id: the newer row replaces the older), as they stood at the export."""
    exports, carried = [], []
    for moment in export_moments():
        year, month = moment.year, moment.month
        tickets = carried + [r for r in rows if (r["opened_at"].year, r["opened_at"].month) == (year, month)]
        shown = [s for r in tickets if (s := snapshot(r, moment)) is not None]
        exports.append((f"{year}-{month:02d}", moment, shown))
        carried = [r for r, s in zip(tickets, shown, strict=True) if not settled(s)]
    return exports


def as_of(rows: list[dict], moment: dt.datetime) -> list[dict]:
    """Every ticket as it stood at `moment` (what the exports up to then show)."""
    return [s for r in rows if (s := snapshot(r, moment)) is not None]


INCIDENT_COLUMNS = (
    "ticket_id",
    "project",
    "category",
    "priority",
    "channel",
    "summary",
    "opened_at",
    "first_contact_resolved",
    "assignee",
    "resolved_at",
    "status",
    "sla_met",
    "kb_article",
    "callback_at",
    "callback_by",
    "callback_satisfaction",
)


def incident_csv_row(row: dict) -> dict:
    out = dict(row)
    out["opened_at"] = fmt_dt(row["opened_at"])
    out["resolved_at"] = fmt_dt(row["resolved_at"])
    out["callback_at"] = fmt_dt(row["callback_at"])
    return out


# ---------------------------------------------------------------- SLA statistics
SLA_COLUMNS = (
    "month",
    "project",
    "project_name",
    "department",
    "sla_items",
    "sla_items_met",
    "sla_rate",
    "incidents_total",
    "incidents_sla_met",
)


def sla_statistics(incident_rows: list[dict], moment: dt.datetime = CUTOFF) -> list[dict]:
    """Each project's SLA statistics of each month that ended by `moment` (and by October 2026),
    from the tickets as they stood then."""
    out = []
    seen = as_of(incident_rows, moment)
    months = sorted({month_key(r["opened_at"]) for r in seen})
    for month in months:
        if month > "2026-10" or _month_end(int(month[:4]), int(month[5:])) > moment.date():
            continue
        for project in PROJECTS:
            mine = [r for r in seen if r["project"] == project.id and month_key(r["opened_at"]) == month]
            met_incidents = sum(1 for r in mine if r["sla_met"] is True)
            missed = any(r["sla_met"] is False for r in mine)
            items = project.sla_items
            items_met = items - 1 if missed else items
            out.append(
                {
                    "month": month,
                    "project": project.id,
                    "project_name": project.name,
                    "department": project.department,
                    "sla_items": items,
                    "sla_items_met": items_met,
                    "sla_rate": round(items_met / items * 100, 2),
                    "incidents_total": len(mine),
                    "incidents_sla_met": met_incidents,
                }
            )
    return out


# ---------------------------------------------------------------- satisfaction surveys
SURVEY_ITEMS = ("服务响应及时性", "问题解决质量", "服务人员态度", "沟通与服务报告", "整体满意度")
SURVEY_ROUNDS = {  # round -> (survey days, conducted in working days of that month)
    "2025-03": (dt.date(2025, 3, 10), dt.date(2025, 3, 19)),
    "2025-06": (dt.date(2025, 6, 9), dt.date(2025, 6, 18)),
    "2025-09": (dt.date(2025, 9, 8), dt.date(2025, 9, 17)),
    "2026-03": (dt.date(2026, 3, 9), dt.date(2026, 3, 18)),
    "2026-09": (dt.date(2026, 9, 7), dt.date(2026, 9, 16)),
}
SURVEY_COLUMNS = (
    "survey_id",
    "respondent_id",
    "customer",
    "project",
    "contact_role",
    "item",
    "score",
    "surveyed_on",
    "method",
)
CONTACT_ROLES = ("分管领导", "业务部门主任", "系统管理员")
SCORES = ((100, 0.45), (98, 0.16), (96, 0.13), (95, 0.09), (92, 0.07), (90, 0.06), (85, 0.03), (80, 0.01))


def survey(rng: random.Random, round_: str) -> list[dict]:
    start, end = SURVEY_ROUNDS[round_]
    working = [d for d in days(start, end) if d.weekday() < 5]
    rows, n = [], 0
    for project in PROJECTS:
        for contact in CONTACT_ROLES:
            n += 1
            surveyed = rng.choice(working)
            method = "问卷填写" if contact == "系统管理员" else "电话回访"
            for item in SURVEY_ITEMS:
                rows.append(
                    {
                        "survey_id": f"SSR-{round_}",
                        "respondent_id": f"R{round_[2:4]}{round_[5:]}-{n:02d}",
                        "customer": project.customer,
                        "project": project.id,
                        "contact_role": contact,
                        "item": item,
                        "score": pick(rng, SCORES),
                        "surveyed_on": surveyed.isoformat(),
                        "method": method,
                    }
                )
    return rows


def satisfaction_of(rows: list[dict]) -> tuple[float, dict[str, float]]:
    items: dict[str, list[int]] = {}
    for row in rows:
        items.setdefault(row["item"], []).append(row["score"])
    per_item = {k: sum(v) / len(v) for k, v in items.items()}
    return sum(per_item.values()) / len(per_item), per_item


# ---------------------------------------------------------------- project acceptance
ACCEPTANCE_COLUMNS = (
    "acceptance_no",
    "project",
    "project_name",
    "customer",
    "department",
    "applied_on",
    "passed",
    "accepted_on",
    "remarks",
)
ACCEPTANCES = {
    2025: (
        ("ACC-2025-01", "PRJ-TX-02", dt.date(2025, 3, 10), dt.date(2025, 3, 20), "2024 年度服务期验收"),
        ("ACC-2025-02", "PRJ-XX-01", dt.date(2025, 6, 5), dt.date(2025, 6, 16), "2024—2025 服务期验收"),
        ("ACC-2025-03", "PRJ-TX-03", dt.date(2025, 9, 8), dt.date(2025, 9, 19), "一期服务合同到期验收"),
        ("ACC-2025-04", "PRJ-XX-03", dt.date(2025, 11, 24), dt.date(2025, 12, 5), "2025 年度服务期验收"),
    ),
    2026: (
        ("ACC-2026-01", "PRJ-TX-01", dt.date(2026, 6, 8), dt.date(2026, 6, 18), "2024—2026 服务合同到期验收"),
        ("ACC-2026-02", "PRJ-XX-02", dt.date(2026, 9, 7), dt.date(2026, 9, 17), "2025—2026 服务期验收"),
    ),
}


def acceptance_rows(year: int) -> list[dict]:
    out = []
    for no, project_id, applied, accepted, remarks in ACCEPTANCES[year]:
        p = PROJECT_BY_ID[project_id]
        out.append(
            {
                "acceptance_no": no,
                "project": p.id,
                "project_name": p.name,
                "customer": p.customer,
                "department": p.department,
                "applied_on": applied,
                "passed": True,
                "accepted_on": accepted,
                "remarks": remarks,
            }
        )
    return out


# ---------------------------------------------------------------- spare parts
SPARE_COLUMNS = (
    "date",
    "doc_no",
    "part_no",
    "part_name",
    "category",
    "movement",
    "quantity",
    "unit_cost",
    "amount",
    "project",
    "remarks",
)
PARTS = (  # part_no, name, category, unit cost, target stock, monthly outbound rate
    ("SP-001", "光模块 SFP-10G-LR", "光通信", 850.0, 30, 3.0),
    ("SP-002", "SDH 光接口板", "传输", 12000.0, 4, 0.3),
    ("SP-003", "交换机电源模块", "网络", 1800.0, 10, 1.0),
    ("SP-004", "服务器硬盘 1.2TB SAS", "服务器", 1500.0, 20, 2.5),
    ("SP-005", "服务器内存 32GB", "服务器", 1100.0, 12, 1.0),
    ("SP-006", "UPS 蓄电池 12V100Ah", "动力环境", 1300.0, 40, 3.5),
    ("SP-007", "精密空调压缩机接触器", "动力环境", 650.0, 8, 0.6),
    ("SP-008", "会议终端摄像头", "会议电视", 6800.0, 4, 0.3),
    ("SP-009", "会议终端麦克风", "会议电视", 900.0, 10, 1.0),
    ("SP-010", "卫星便携站功放模块", "应急通信", 15000.0, 2, 0.1),
    ("SP-011", "采集集中器通信模块", "用采", 420.0, 60, 8.0),
    ("SP-012", "路由器业务板卡", "网络", 9800.0, 3, 0.25),
)


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def spare_parts(rng: random.Random) -> list[dict]:
    """Movements and month-end balances, January 2025 to October 2026."""
    stock = {p[0]: p[4] for p in PARTS}
    rows: list[dict] = []
    months = [(y, m) for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10)]
    for year, month in months:
        end = _month_end(year, month)
        month_rows: list[dict] = []
        for part_no, name, category, cost, target, rate in PARTS:
            # replenish at the start of the month when below 60 % of the target level
            if stock[part_no] < math.ceil(target * 0.6):
                qty = target - stock[part_no]
                day = dt.date(year, month, rng.randint(2, 8))
                month_rows.append(_spare(day, "", part_no, name, category, "入库", qty, cost, "", "按库存下限补库"))
                stock[part_no] += qty
            for _ in range(poisson(rng, rate)):
                if stock[part_no] <= 0:
                    break
                qty = 1 if cost > 1000 else rng.randint(1, 3)
                qty = min(qty, stock[part_no])
                projects = [p.id for p in PROJECTS if category in p.categories] or [PROJECTS[0].id]
                day = dt.date(year, month, rng.randint(9, end.day))
                month_rows.append(
                    _spare(day, "", part_no, name, category, "出库", qty, cost, rng.choice(projects), "故障更换")
                )
                stock[part_no] -= qty
        month_rows.sort(key=lambda r: (r["date"], r["movement"], r["part_no"]))
        numbers = {"入库": 0, "出库": 0}
        for row in month_rows:  # document numbers follow the order of business dates
            numbers[row["movement"]] += 1
            prefix = "RK" if row["movement"] == "入库" else "CK"
            row["doc_no"] = f"{prefix}-{year}{month:02d}-{numbers[row['movement']]:02d}"
        rows.extend(month_rows)
        for part_no, name, category, cost, _target, _rate in PARTS:
            rows.append(_spare(end, "", part_no, name, category, "结存", stock[part_no], cost, "", "月末结存"))
    return rows


def _spare(day, doc, part_no, name, category, movement, qty, cost, project, remarks) -> dict:
    return {
        "date": day,
        "doc_no": doc,
        "part_no": part_no,
        "part_name": name,
        "category": category,
        "movement": movement,
        "quantity": qty,
        "unit_cost": cost,
        "amount": round(qty * cost, 2),
        "project": project,
        "remarks": remarks,
    }


def turnover(rows: list[dict]) -> float:
    outbound = sum(r["amount"] for r in rows if r["movement"] == "出库")
    balances: dict[str, float] = {}
    for r in rows:
        if r["movement"] == "结存":
            balances[month_key(r["date"])] = balances.get(month_key(r["date"]), 0.0) + r["amount"]
    return outbound / (sum(balances.values()) / len(balances))


# ---------------------------------------------------------------- knowledge base usage
KB_COLUMNS = (
    "month",
    "resolved_incidents",
    "incidents_using_kb",
    "new_articles",
    "updated_articles",
    "article_views",
    "articles_total",
)


def kb_usage(rng: random.Random, incident_rows: list[dict]) -> list[dict]:
    out, total = [], 420
    months = sorted({month_key(r["resolved_at"]) for r in incident_rows if r["resolved_at"]})
    for month in months:
        if month > "2026-10":  # November 2026 is not over on the sample data's last day
            continue
        resolved = [r for r in incident_rows if r["resolved_at"] and month_key(r["resolved_at"]) == month]
        using = sum(1 for r in resolved if r["kb_article"])
        new, updated, retired = rng.randint(4, 12), rng.randint(3, 10), rng.randint(0, 4)
        total += new - retired
        out.append(
            {
                "month": month,
                "resolved_incidents": len(resolved),
                "incidents_using_kb": using,
                "new_articles": new,
                "updated_articles": updated,
                "article_views": using * rng.randint(3, 5) + rng.randint(40, 120),
                "articles_total": total,
            }
        )
    return out


# ---------------------------------------------------------------- staff roster
ROSTER_SPEC = (  # department, position, count
    ("comms-dept", "通信部经理", 1),
    ("comms-dept", "传输设备运维工程师", 3),
    ("comms-dept", "会议电视运维工程师", 2),
    ("comms-dept", "应急通信运维工程师", 2),
    ("info-dept", "信息部经理", 1),
    ("info-dept", "ERP 运维工程师", 3),
    ("info-dept", "数据中心运维工程师", 3),
    ("info-dept", "用采运维工程师", 2),
    ("info-dept", "基础环境运维工程师", 2),
    ("customer-service", "客服中心主管", 1),
    ("customer-service", "客服中心值班员", 4),
    ("rnd-dept", "研发工程师", 4),
    ("materials-group", "库管员", 2),
    ("quality-group", "质量管理专员", 2),
    ("mgmt-dept", "综合管理员", 2),
    ("ops-dept", "运维管理部经理", 1),
    ("service-desk", "服务台专员", 3),
)
ROSTER_COLUMNS_APPRAISAL = ("employee_id", "department", "position", "appraised", "score", "grade", "application")
ROSTER_COLUMNS_TRAINING = ("employee_id", "department", "position", "hours", "exam_score", "passed")


def roster() -> list[dict]:
    out, n = [], 0
    for department, position, count in ROSTER_SPEC:
        for _ in range(count):
            n += 1
            out.append({"employee_id": f"E{n:03d}", "department": department, "position": position})
    return out


def appraisal(rng: random.Random, staff: list[dict], absent: tuple[str, ...] = ()) -> list[dict]:
    out = []
    for person in staff:
        if person["employee_id"] in absent:
            out.append(
                {**person, "appraised": False, "score": None, "grade": "", "application": "长期病假，本期不参加考核"}
            )
            continue
        score = round(rng.uniform(72, 98), 1)
        grade = "A" if score >= 90 else "B" if score >= 80 else "C"
        application = {
            "A": "绩效奖金系数 1.2，列入骨干培养名单",
            "B": "绩效奖金系数 1.0",
            "C": "绩效面谈，制定能力提升计划",
        }[grade]
        out.append({**person, "appraised": True, "score": score, "grade": grade, "application": application})
    return out


def training(rng: random.Random, staff: list[dict], departments: tuple[str, ...] | None, hours: float) -> list[dict]:
    out = []
    for person in staff:
        if departments and person["department"] not in departments:
            continue
        score = rng.randint(76, 99)
        out.append({**person, "hours": hours, "exam_score": score, "passed": score >= 80})
    return out
