"""图三 脱贫人口动态管理图: exits, returns, new registrations and natural decrease over time."""

import streamlit as st

from analytics import fmt
from analytics.classify import METHODS, methods_for
from analytics.dynamics import status_transitions, stock_flow_table
from analytics.exits import (
    FLOW_LABELS,
    attribute_changes,
    place_exit_timeline,
    returned_households,
    stage_goals,
    stage_goals_text,
)
from analytics.labels import with_labels
from analytics.places import scope_places
from geo.maps import flow_map
from storage.months import BASELINE, add_months, first_of_month, month_label, months_between, parse_month
from ui import charts, tables
from ui.cache import cached
from ui.choices import map_level, pick
from ui.exports import may_list_households
from ui.maps import legend, show_map
from ui.page import start
from ui.village import household_section

UNITS = {"households": "户", "persons": "人"}
PLACE_LABELS = {"provincial_villages": "省定贫困村", "weak_villages": "市定经济薄弱村", "weak_towns": "经济薄弱镇"}
RETURN_COLUMNS = {
    "household_id": "户编号",
    "town_name": "镇街",
    "village_name": "村",
    "head_name": "户主",
    "size": "人口",
    "main_cause": "主要致贫原因",
    "returned_month": "返贫月份",
    "status": "目前状态",
}

con, info, scope = start("图三 脱贫人口动态管理图", crumbs=True)

months = months_between(add_months(BASELINE, 1), scope.as_of)
labels = [month_label(m) for m in months]
controls = st.columns([1, 1, 3, 1, 1])
level = map_level(controls[0], scope, "dyn_level")
flow = pick(controls[1], "流量", FLOW_LABELS, "dyn_flow", index=2)
period = controls[2].select_slider(
    "时段",
    options=labels,
    value=(labels[0], labels[-1]),
    key="dyn_period",
    format_func=lambda m: fmt.month(parse_month(m)),
)
method = pick(controls[3], "分级方法", {m: METHODS[m] for m in methods_for(flow)}, "dyn_method")
classes_wanted = controls[4].number_input("分级数", 3, 7, 5, key="dyn_k")
first, last = (first_of_month(p) for p in period)


@st.fragment(run_every=1.5 if st.session_state.get("dyn_play") else None)
def stepping_map() -> None:
    """The map of one month's flow; 播放 steps through the months without moving the camera."""
    step_cols = st.columns([1, 1, 1, 6])
    if step_cols[0].button("◀ 上月", key="dyn_prev"):
        st.session_state.dyn_step = max(0, st.session_state.get("dyn_step", len(labels) - 1) - 1)
    step_cols[1].toggle("播放", key="dyn_play")
    if step_cols[2].button("下月 ▶", key="dyn_next"):
        st.session_state.dyn_step = min(len(labels) - 1, st.session_state.get("dyn_step", len(labels) - 1) + 1)
    if st.session_state.get("dyn_play"):
        st.session_state.dyn_step = (st.session_state.get("dyn_step", -1) + 1) % len(labels)
    step = st.session_state.get("dyn_step")
    month_first, month_last = (months[step], months[step]) if step is not None else (first, last)
    step_cols[3].markdown(
        f"**地图时段：{fmt.month(month_first)}"
        + ("" if month_first == month_last else f" 至 {fmt.month(month_last)}")
        + "**"
    )
    spec, classes = cached(
        flow_map, scope, level, flow, month_first, month_last, method, int(classes_wanted), fmt.suppressing()
    )
    show_map(spec, "map_dynamics")
    legend(classes, f"{FLOW_LABELS[flow]}（户）", charts.legend_formatter(flow))


left, right = st.columns([3, 2])
with left:
    stepping_map()
    if st.button("地图显示整个时段", key="dyn_whole"):
        st.session_state.pop("dyn_step", None)
        st.session_state.dyn_play = False
        st.rerun()
with right:
    unit = st.radio("单位", list(UNITS), format_func=UNITS.get, horizontal=True, key="dyn_unit")
    st.markdown(f"**存量流量恒等式（{UNITS[unit]}）：期初 + 新识别 + 返贫 + 自然增加 − 脱贫 − 自然减少 = 期末**")
    everything = cached(stock_flow_table, scope, None)
    in_period = everything[(everything["month"].dt.date >= first) & (everything["month"].dt.date <= last)]
    table = in_period[in_period["unit"] == unit]
    shown = table.assign(month=table["month"].map(fmt.month))
    shown = shown.rename(
        columns={
            "month": "月份",
            "opening": "期初",
            "new": "新识别",
            "returned": "返贫",
            "born": "自然增加",
            "exited": "脱贫",
            "removed": "自然减少",
            "closing": "期末",
            "difference": "差额",
        }
    )
    breaks = int((shown["差额"] != 0).sum())
    (st.error if breaks else st.success)(
        f"{'有 ' + str(breaks) + ' 个月恒等式不成立（差额≠0 已标红）' if breaks else '所选时段每个月恒等式均成立'}"
    )
    st.dataframe(
        tables.counts(
            shown[["月份", "期初", "新识别", "返贫", "自然增加", "脱贫", "自然减少", "期末", "差额"]]
        ).style.map(lambda v: "background-color: #f4a6a6" if v != "0" else "", subset=["差额"]),
        hide_index=True,
        height=300,
    )

st.subheader("月度流量")
household_flows = in_period[in_period["unit"] == "households"]
st.plotly_chart(charts.stacked_flows(household_flows, FLOW_LABELS), config={"displaylogo": False}, key="flows_chart")
st.caption("自然增加（出生）只计人口：成员在出生一年内加入贫困户即为出生，不计新识别人口。")

left, right = st.columns(2)
with left:
    st.subheader("状态转移")
    pair = st.columns(2)
    month_a = pair[0].selectbox(
        "起始月份",
        [month_label(BASELINE)] + labels,
        index=0,
        key="dyn_from",
        format_func=lambda m: fmt.month(parse_month(m)),
    )
    month_b = pair[1].selectbox(
        "结束月份", labels, index=len(labels) - 1, key="dyn_to", format_func=lambda m: fmt.month(parse_month(m))
    )
    transitions = cached(status_transitions, scope, first_of_month(month_a), first_of_month(month_b))
    label_a, label_b = (fmt.month(parse_month(m)) for m in (month_a, month_b))
    st.plotly_chart(
        charts.transition_sankey(transitions, label_a, label_b), config={"displaylogo": False}, key="sankey"
    )
    with st.expander("转移矩阵（户）"):
        matrix = transitions.pivot_table(index="from_status", columns="to_status", values="households", fill_value=0)
        st.dataframe(
            tables.counts(matrix.rename_axis(index=f"{label_a}状态", columns=f"{label_b}状态")), width="stretch"
        )
with right:
    st.subheader("村、镇摘帽进度与阶段目标")
    timeline = cached(place_exit_timeline, scope)
    goals = stage_goals(scope, cached(scope_places, scope))
    st.plotly_chart(charts.exit_timeline(timeline, goals, PLACE_LABELS), config={"displaylogo": False}, key="timeline")
    st.caption(stage_goals_text(scope, cached(scope_places, scope)))

st.subheader("返贫户名单")
returns = cached(returned_households, scope)
st.caption(f"截至 {fmt.month(scope.as_of)} 共 {fmt.count(len(returns))} 户（姓名已脱敏）。")
if may_list_households():
    shown_returns = returns[list(RETURN_COLUMNS)].rename(columns=RETURN_COLUMNS)
    st.dataframe(
        shown_returns, hide_index=True, width="stretch", height=280, column_config=tables.number_columns(shown_returns)
    )
    changes = cached(attribute_changes, scope)
    with st.expander(f"属性、致贫原因变更（快照比对得出）：{fmt.count(len(changes))} 条"):
        st.caption(
            "导入的月度名册与上一快照相比，贫困户属性或主要致贫原因发生变化的户（姓名已脱敏）。示例数据不含此类变更。"
        )
        shown_changes = changes.rename(columns=with_labels(list(changes.columns)))
        st.dataframe(
            shown_changes, hide_index=True, width="stretch", column_config=tables.number_columns(shown_changes)
        )

household_section(con, scope)
