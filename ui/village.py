"""Village scope: the household table and one household's card (masked personal data)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from analytics import fmt
from analytics.households import household_card, household_table
from analytics.labels import with_labels
from analytics.scope import Scope
from ui.auth import audit, current_user
from ui.cache import cached
from ui.context import connection
from ui.exports import may_list_households
from ui.text import plain

TABLE_COLUMNS = {
    "household_id": "户编号",
    "head_name": "户主",
    "head_id_number": "证件号码",
    "size": "人口",
    "attribute": "属性",
    "main_cause": "主要致贫原因",
    "status": "状态",
    "measures": "措施数",
    "helper_name": "帮扶责任人",
    "helper_unit": "帮扶单位",
}
EVENT_LABELS = {
    "identified": "识别",
    "new": "新识别/成员加入（含出生）",
    "exited": "脱贫",
    "returned": "返贫",
    "removed": "自然减少/成员减少",
}


def household_section(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """At village scope: the sortable household table, and a card for the household picked from it."""
    if scope.level != "village":
        st.caption("选择一个村（点击地图上的村点或在左侧筛选）可查看户表和户卡。")
        return
    if not may_list_households():
        return
    table = cached(household_table, scope)
    st.subheader(f"本村建档立卡户（{fmt.count(len(table))} 户，姓名、证件号、电话与出生日期已脱敏）")
    st.dataframe(table[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS), hide_index=True, width="stretch")
    if table.empty:
        return
    chosen = st.selectbox(
        "查看户卡",
        table["household_id"],
        format_func=lambda h: f"{h} {table.set_index('household_id').at[h, 'head_name']}",
        key="card_household",
    )
    unmasked = _unmask_control(chosen)
    card = (
        household_card(connection(), scope, chosen, unmasked=True)
        if unmasked
        else cached(household_card, scope, chosen)
    )
    facts = card["facts"]
    st.markdown(
        f"#### 户卡 {plain(facts['household_id'])}（{plain(facts['district_name'])} {plain(facts['town_name'])} "
        f"{plain(facts['village_name'])}）"
    )
    cols = st.columns(4)
    cols[0].metric("户主", facts["head_name"])
    cols[1].metric("家庭人口", fmt.count(facts["size"]))  # facts is a Series: .size would be its length
    cols[2].metric("贫困户属性", facts["attribute"])
    cols[3].metric("主要致贫原因", facts["main_cause"])
    st.caption(
        f"证件号码 {plain(facts['head_id_number'])} · 电话 {plain(facts['phone'] or '—')} · 识别 "
        f"{fmt.month(facts['identified_month'])} · "
        f"帮扶责任人 {plain(facts['helper_name'])}（{plain(facts['helper_unit'])}）"
    )
    left, right = st.columns(2)
    _card_table(left, "家庭成员", card["members"].drop(columns="person_id"), "无在册成员")
    _card_table(
        right,
        "状态记录",
        card["history"].assign(event_type=card["history"]["event_type"].map(EVENT_LABELS)),
        "无状态记录",
    )
    _card_table(st, "帮扶措施（按年）", card["measures"], "截至所选月份无帮扶措施记录")


def _card_table(where: Any, title: str, frame: pd.DataFrame, empty: str) -> None:
    """A household-card table as people read it: Chinese headers, months as 2016年03月, “—” for nothing."""
    where.markdown(f"**{title}**")
    if frame.empty:
        where.caption(empty)
        return
    shown = frame.copy()
    for column in [c for c in shown.columns if c.endswith("_month")]:
        shown[column] = shown[column].map(lambda v: fmt.month(None if pd.isna(v) else v))
    where.dataframe(
        shown.astype(object).where(shown.notna(), "—").rename(columns=with_labels(list(shown.columns))),
        hide_index=True,
        width="stretch",
    )


def _unmask_control(household_id: str) -> bool:
    """For users with ``pii``: show this household unmasked after stating a reason (audited; this view only)."""
    if not current_user().can("pii"):
        return False
    with st.expander("查看未脱敏信息（须说明理由，记入审计日志）"):
        reason = st.text_input("理由（如：核实身份证号以办理医疗救助）", key="unmask_reason", max_chars=200)
        if st.button("显示本户完整信息", disabled=len(reason.strip()) < 4, key="unmask_button"):
            audit("unmask", household=household_id, reason=reason.strip())
            st.session_state.unmasked = household_id
    return st.session_state.get("unmasked") == household_id
