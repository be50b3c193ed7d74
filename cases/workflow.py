"""The 防返贫 monitoring case: 线索 → 入户核实 → 村评议公示 (≥ 5 days) → 镇审核 → 区市审定 → 纳入监测 → 风险消除,
with the refusals that keep its order, its required fields and its conditions.

Who acts (``refusal`` says why not, None when allowed):

* township staff (role ``monitor`` of the household's town, or of its district) open a case from a flag, record
  the visit (核实结论), the village publicity (start and end dates, at least ``PUBLICITY_DAYS`` days, ended by
  today), the township review, and assign assistance measures to a monitored household;
* a district reviewer (``reviewer`` of the household's district) decides (纳入监测 with the object type, or not),
  and eliminates the risk (风险消除) — only when every condition holds: at least ``STABLE_MONTHS`` months under
  monitoring, at least one measure, last year's income above the monitoring line and no warning for
  ``STABLE_MONTHS`` months, 三保障 and safe drinking water confirmed, and a member of working age able to work
  (a household without one is never eliminated: it stays under assistance).

A case is due ``DECISION_DAYS`` days after it was opened (clue to decision); an undecided case past that day is
overdue (shown in orange). There is no quota: any number of households may be under monitoring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DECISION_DAYS = 15
PUBLICITY_DAYS = 5
STABLE_MONTHS = 6
OBJECT_TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
STATE_LABELS = {
    "verifying": "待入户核实",
    "publicising": "村评议公示",
    "town_review": "待镇审核",
    "deciding": "待区市审定",
    "monitored": "监测帮扶中",
    "eliminated": "风险已消除",
    "rejected": "不纳入监测",
}
ACTION_LABELS = {
    "open": "立案核实",
    "verify": "入户核实",
    "publicise": "村评议公示",
    "town_review": "镇审核",
    "decide": "区市审定",
    "assign": "落实帮扶措施",
    "eliminate": "风险消除",
}
OPEN_STATES = ("verifying", "publicising", "town_review", "deciding")  # before the decision: the time limit runs
CLOSED_STATES = ("eliminated", "rejected")
FROM_STATE = {
    "verify": "verifying",
    "publicise": "publicising",
    "town_review": "town_review",
    "decide": "deciding",
    "assign": "monitored",
    "eliminate": "monitored",
}
DISTRICT_ACTIONS = ("decide", "eliminate")


@dataclass(frozen=True)
class Staff:
    """Who acts: account name, role and area (``city``, a district or a town code)."""

    name: str
    role: str
    area: str


@dataclass(frozen=True)
class Step:
    """What an actor asks for, with the fields the step needs (dates as days)."""

    action: str
    finding: str = ""  # 核实结论
    eligible: bool = True  # the visit found the household at risk / the reviewer agrees / 纳入
    start: dt.date | None = None  # 公示 from
    end: dt.date | None = None  # 公示 to
    object_type: str = ""
    measures: tuple[str, ...] = ()
    secured: bool = False  # 三保障 and safe drinking water confirmed by the reviewer


@dataclass(frozen=True)
class Household:
    """What the conditions of 风险消除 read from the roster, the clues and the case."""

    household_id: str
    town_code: str
    monitored_from: dt.date | None = None
    measures: int = 0
    income_above_line: bool = False  # last year's per-capita income at or above the monitoring line
    months_without_warning: int = 0
    has_working_age_labour: bool = False


def whole_months(first: dt.date, last: dt.date) -> int:
    """Whole months from ``first`` to ``last``."""
    return (last.year - first.year) * 12 + last.month - first.month - (last.day < first.day)


def next_state(step: Step, state: str | None) -> str:
    """The state a (permitted) step leads to."""
    if step.action == "open":
        return "verifying"
    if step.action == "assign":
        return "monitored"
    if step.action == "eliminate":
        return "eliminated"
    if not step.eligible:
        return "rejected"
    return {"verify": "publicising", "publicise": "town_review", "town_review": "deciding", "decide": "monitored"}[
        step.action
    ]


def refusal(step: Step, state: str | None, staff: Staff, household: Household, today: dt.date) -> str | None:
    """Why ``staff`` may not take ``step`` on the case of ``household`` (in ``state``; None: no case yet)."""
    if step.action not in ACTION_LABELS:
        return f"未知的办理步骤：{step.action}"
    label = ACTION_LABELS[step.action]
    if step.action in DISTRICT_ACTIONS:
        if staff.role != "reviewer" or len(staff.area) != 6 or not household.town_code.startswith(staff.area):
            return f"“{label}”由农户所在区市的审核员办理"
    elif staff.role != "monitor" or staff.area == "city" or not household.town_code.startswith(staff.area):
        return f"“{label}”由农户所在镇（区市）的监测人员办理"
    if step.action == "open":
        return "该户已有未办结的监测案件" if state is not None and state not in CLOSED_STATES else None
    if state is None:
        return "该户还没有监测案件，请先立案核实"
    if state != FROM_STATE[step.action]:
        return f"案件当前为“{STATE_LABELS[state]}”，不能办理“{label}”"
    return _missing_fields(step, today) or (_risk_remains(household, today) if step.action == "eliminate" else None)


def _missing_fields(step: Step, today: dt.date) -> str | None:
    if step.action == "verify" and len(step.finding.strip()) < 4:
        return "请填写核实结论（至少 4 个字）"
    if step.action == "publicise":
        if step.start is None or step.end is None:
            return "请填写公示开始和结束日期"
        if (step.end - step.start).days < PUBLICITY_DAYS:
            return f"公示期不少于 {PUBLICITY_DAYS} 天（{step.start:%m月%d日}至{step.end:%m月%d日}不足）"
        if step.end > today:
            return f"公示到 {step.end:%Y年%m月%d日} 才结束，结束后才能提交"
    if step.action == "decide" and step.eligible and step.object_type not in OBJECT_TYPES:
        return "纳入监测须选择监测对象类型"
    if step.action == "assign" and not step.measures:
        return "请至少选择一项帮扶措施"
    if step.action == "eliminate" and not step.secured:
        return "须确认义务教育、基本医疗、住房安全和饮水安全均有保障"
    return None


def _risk_remains(household: Household, today: dt.date) -> str | None:
    """Which condition of 风险消除 fails first, in words; None when all hold."""
    if not household.has_working_age_labour:
        return "家中无劳动年龄内有劳动能力的成员：不得标注风险消除，继续落实帮扶"
    if household.measures < 1:
        return "尚未落实任何帮扶措施"
    months = whole_months(household.monitored_from, today) if household.monitored_from else 0
    if months < STABLE_MONTHS:
        return f"纳入监测仅 {months} 个月，须满 {STABLE_MONTHS} 个月"
    if not household.income_above_line:
        return "上年人均纯收入未稳定高于监测线"
    if household.months_without_warning < STABLE_MONTHS:
        return f"近 {STABLE_MONTHS} 个月内仍有预警（已连续 {household.months_without_warning} 个月无预警）"
    return None


def overdue(state: str, deadline: dt.date, today: dt.date) -> bool:
    """An undecided case past its decision day (橙色预警)."""
    return state in OPEN_STATES and today > deadline
