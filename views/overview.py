"""总览: where the scope stands against the plan, and who is behind."""

from html import escape

import streamlit as st

from analytics import fmt
from analytics.goals import goal_progress, goal_summary
from analytics.judgement import STATUSES
from analytics.kpi import headline, kpi_cards
from analytics.labels import LEVEL_LABELS
from analytics.league import SCORE_RULE, league_table
from analytics.monitoring.figures import case_figures
from analytics.monitoring.rules import flagged_by_area
from analytics.progress import progress_figures, remaining_curve
from analytics.reported import behind_with_reports
from analytics.scope import CHILD_LEVEL, scope_label
from ui import charts, tables
from ui.cache import cached, cached_reported
from ui.cases import case_frames
from ui.page import start
from ui.status import CARD_CSS, kpi_card

SHOWN_ROWS = 15

con, info, scope = start("总览")

figures = cached(progress_figures, scope)
if figures.baseline_households == 0 and figures.new_households == 0:
    st.info("所选范围内没有建档立卡户。请在左侧选择其他区市或镇街。")
    st.stop()
goals = cached_reported(goal_progress, scope)

cards = kpi_cards(figures, goals, scope.level == "city", scope.as_of)
child = CHILD_LEVEL[scope.level]
level_label = LEVEL_LABELS[child]
league = cached(league_table, scope)
st.html(
    CARD_CSS + f"<div class='overview-headline' style='font-size:1.25rem;font-weight:600'>"
    f"{escape(headline(cards, league, scope.as_of, scope_label(con, scope), level_label))}</div>"
)
for column, card in zip(st.columns(len(cards)), cards, strict=True):
    with column:
        st.html(kpi_card(card))

left, right = st.columns([3, 2])
with left:
    st.subheader("现存贫困人口与规划路径")
    st.plotly_chart(charts.remaining_curve_figure(cached(remaining_curve, scope)), config={"displaylogo": False})
    st.caption("基期 2015 年 12 月末；规划路径按 2016 年底全部脱贫的直线推算；现存含返贫和新识别人口。")
with right:
    st.subheader(f"{level_label}排名")
    ranked = tables.paged(
        league, "league_page", f"{fmt.count(len(league))} 个{level_label}，每页 {tables.TABLE_PAGE_ROWS} 个"
    )
    st.table(tables.league(ranked, level_label))
    st.caption(f"按综合得分排名（与调度会红黑榜同一口径）：{SCORE_RULE}")

st.subheader("倒排工期预警（红 / 黄）")
behind = cached_reported(behind_with_reports, scope, child)
if behind.empty:
    st.success("所选范围内没有滞后单位。")
else:
    st.table(tables.schedule(behind.head(SHOWN_ROWS)))
    if len(behind) > SHOWN_ROWS:
        with st.expander(f"其余 {len(behind) - SHOWN_ROWS} 条预警"):
            rest = behind.iloc[SHOWN_ROWS:]
            st.table(tables.schedule(tables.paged(rest, "behind_page", f"每页 {tables.TABLE_PAGE_ROWS} 条")))
st.caption("红：已过期未完成、近3月无进展或需月均完成 > 1.5 × 近3月月均；黄：需月均完成 > 近3月月均。")

st.subheader("防返贫监测")
flagged = cached(flagged_by_area, scope, "district")
frames = case_frames()
watch = case_figures(frames.cases, frames.measures, scope, frames.today)
for column, (label, value) in zip(
    st.columns(5),
    (
        ("红色预警户", fmt.count(int(flagged["red"].sum()))),
        ("黄色预警户", fmt.count(int((flagged["flagged"] - flagged["red"]).sum()))),
        ("监测帮扶户", fmt.count(watch.monitored)),
        ("逾期未审定案件", fmt.count(watch.overdue)),
        ("有帮扶措施", fmt.percent(watch.measure_share)),
    ),
    strict=True,
):
    column.metric(label, value)
st.caption(f"办理日期 {fmt.day(frames.today)}；预警名单、案件办理与回测见“监测预警”页。")

st.subheader(f"规划指标完成情况（全部 {len(goals)} 项）")
st.caption(goal_summary(goals))
chapter_column, owner_column, status_column = st.columns(3)
chapter = chapter_column.selectbox("章节", ["全部", *dict.fromkeys(goals["chapter"].str[:3])], key="goal_chapter")
owner = owner_column.selectbox("责任单位", ["全部", *sorted(set(goals["owner"]))], key="goal_owner")
statuses = status_column.multiselect("状态", STATUSES, key="goal_status", placeholder="全部")
shown = goals[
    (goals["chapter"].str.startswith(chapter) | (chapter == "全部"))
    & ((goals["owner"] == owner) | (owner == "全部"))
    & (goals["status"].isin(statuses) | (not statuses))
]
table, config = tables.goals(shown)
st.dataframe(table, column_config=config, hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 560))
