"""The approval workflow of a reporting unit: 填报 → 提交 → 审核 (区市) → 审定 (市), with return for correction.

Who may do what (``refusal`` gives the reason in Chinese, None when allowed):

* a reporter (``reporter``) of the data set's unit, for the unit's own area (the city, or its district), saves
  and submits while the unit is being filled in or was returned, once the period has ended;
* a district reviewer (``reviewer`` of a district) reviews (审核) or returns a submitted district unit;
* the city reviewer (``reviewer`` of the city) approves (审定) a reviewed district unit or a submitted city
  unit (the city's own rows have no district step), and may return either;
* an approved unit is locked: nothing changes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reporting.registry import CITY_CODE

STATE_LABELS = {
    None: "未填报",
    "draft": "填报中",
    "submitted": "已提交待审核",
    "reviewed": "已审核待审定",
    "approved": "已审定",
    "returned": "已退回",
}
ACTION_LABELS = {"save": "保存", "submit": "提交", "review": "审核通过", "approve": "审定", "return": "退回"}
EDITABLE = (None, "draft", "returned")
LOCKED = "approved"


@dataclass(frozen=True)
class Actor:
    """Who acts: account name, role, the unit (data-set owner) of a reporter, and the area (``city`` or a
    district or town code)."""

    name: str
    role: str
    unit: str
    area: str

    @property
    def area_code(self) -> str:
        return CITY_CODE if self.area == "city" else self.area


def next_state(action: str, state: str | None) -> str:
    return {"save": "draft", "submit": "submitted", "review": "reviewed", "approve": "approved", "return": "returned"}[
        action
    ]


def refusal(
    action: str, state: str | None, actor: Actor, owner: str, area: str, period_end: dt.date, today: dt.date
) -> str | None:
    """Why ``actor`` may not take ``action`` on the unit of ``owner``'s data set for ``area`` (in ``state``)."""
    if state == LOCKED:
        return "本期数据已审定并锁定，不能再修改或退回"
    if action in ("save", "submit"):
        if actor.role != "reporter" or actor.unit != owner:
            return "只有本数据集责任单位的填报员可以填报和提交"
        if actor.area_code != area:
            return "只能填报本账号所属区域的数据"
        if period_end >= today:
            return f"本期到 {period_end:%Y年%m月%d日} 才结束，结束后才能填报"
        if state not in EDITABLE:
            return f"当前状态为“{STATE_LABELS[state]}”，不能{ACTION_LABELS[action]}"
        return None
    if actor.role != "reviewer":
        return "只有审核员可以审核、审定或退回"
    city_reviewer = actor.area_code == CITY_CODE
    if action == "review":
        if area == CITY_CODE:
            return "全市数据没有区市审核环节，由市级直接审定"
        if actor.area_code != area:
            return "只能审核本区市的数据"
        return None if state == "submitted" else f"当前状态为“{STATE_LABELS[state]}”，只有已提交的数据可以审核"
    if action == "approve":
        if not city_reviewer:
            return "审定须由市级审核员进行"
        ready = "submitted" if area == CITY_CODE else "reviewed"
        return (
            None
            if state == ready
            else f"当前状态为“{STATE_LABELS[state]}”，须先{'提交' if ready == 'submitted' else '经区市审核'}"
        )
    if action == "return":
        if state == "submitted" and (actor.area_code == area or (city_reviewer and area == CITY_CODE)):
            return None
        if state == "reviewed" and city_reviewer:
            return None
        if state not in ("submitted", "reviewed"):
            return f"当前状态为“{STATE_LABELS[state]}”，没有待审的数据可退回"
        return "只能退回本级待审的数据"
    raise ValueError(action)
