"""总览: where the scope stands against the plan, and who is behind."""

import streamlit as st

from analytics import fmt
from analytics.goals import goal_progress
from analytics.kpi import kpi_cards
from analytics.league import league_table
from analytics.progress import progress_figures, remaining_curve
from analytics.schedule import behind_schedule
from analytics.scope import CHILD_LEVEL, scope_label
from ui import charts, tables
from ui.cache import cached
from ui.context import current_scope, open_dataset, page_header
from ui.filters import show_url_notices

SHOWN_ROWS = 15

con, info = open_dataset()
scope = current_scope()
page_header("总览", info, scope_label(con, scope), scope)
show_url_notices()

figures = cached(progress_figures, scope)
if figures.households_baseline == 0 and figures.households_new == 0:
    st.info("所选范围内没有建档立卡户。请在左侧选择其他区市或镇街。")
    st.stop()
goals = cached(goal_progress, scope)

cards = kpi_cards(figures, goals, scope.level == "city")
# "62,123 / 63,434人" fits a fifth of the page only below the default 2.25rem.
st.html("<style>[data-testid='stMetricValue'] {font-size: 1.6rem;}</style>")
for column, card in zip(st.columns(len(cards)), cards):
    with column:
        st.metric(card.label, f"{fmt.count(card.done)} / {fmt.count(card.total)}{card.unit}")
        st.progress(min(card.share, 1.0), text=f"完成 {fmt.percent(card.share)}")
        plan = f"规划 {fmt.count(card.plan_total)}{card.unit} · " if card.plan_total else ""
        st.caption(f"{plan}阶段目标：{card.stage} · **{card.status}**")

left, right = st.columns([3, 2])
with left:
    st.subheader("现存贫困人口与规划路径")
    st.plotly_chart(charts.remaining_curve_figure(cached(remaining_curve, scope)), config={"displaylogo": False})
    st.caption("基期 2015 年 12 月末；规划路径按 2016 年底全部脱贫的直线推算；现存含返贫和新识别人口。")
with right:
    child = CHILD_LEVEL[scope.level]
    level_label = {"district": "区市", "town": "镇街", "village": "村"}[child]
    st.subheader(f"{level_label}排名")
    st.table(tables.league(cached(league_table, scope), level_label))
    st.caption("按户脱贫率排序；进度/应有进度 = 近3月月均完成 ÷ 截止前需月均完成（未到期目标中最低者）；每千户返贫按基期户数计。")

st.subheader("倒排工期预警（红 / 黄）")
behind = cached(behind_schedule, scope, child)
if behind.empty:
    st.success("所选范围内没有滞后单位。")
else:
    st.table(tables.schedule(behind.head(SHOWN_ROWS)))
    if len(behind) > SHOWN_ROWS:
        with st.expander(f"其余 {len(behind) - SHOWN_ROWS} 条预警"):
            st.table(tables.schedule(behind.iloc[SHOWN_ROWS:]))
st.caption("红：已过期未完成、近3月无进展或需月均完成 > 1.5 × 近3月月均；黄：需月均完成 > 近3月月均。")

st.subheader("规划指标完成情况")
measurable = goals[goals["measurable"]]
st.table(tables.goals(measurable))
with st.expander(f"名册无法测度的规划指标（{(~goals['measurable']).sum()} 项）"):
    st.dataframe(tables.unmeasurable(goals[~goals["measurable"]]), hide_index=True)
