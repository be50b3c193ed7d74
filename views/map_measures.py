"""图二 扶贫措施到户到人图: which measures reached which households, and where the gaps are."""

import streamlit as st

from analytics import fmt
from analytics.classify import METHODS, methods_for
from analytics.coverage import (
    MEASURE_GROUPS,
    cause_mapping,
    funds_by_category,
    gap_counts,
    gap_list,
    helper_load,
    measures_per_household,
)
from analytics.labels import LEVEL_LABELS
from analytics.scope import CHILD_LEVEL
from geo.maps import coverage_map
from ui import charts, tables
from ui.cache import cached
from ui.choices import map_level, pick
from ui.exports import may_list_households
from ui.maps import legend, show_map
from ui.page import start
from ui.village import household_section

GAP_COLUMNS = {
    "household_id": "户编号",
    "town_name": "镇街",
    "village_name": "村",
    "head_name": "户主",
    "size": "人口",
    "attribute": "属性",
    "main_cause": "主要致贫原因",
    "gap": "缺口",
    "helper_name": "帮扶责任人",
    "helper_unit": "帮扶单位",
}

con, info, scope = start("图二 扶贫措施到户到人图", crumbs=True)

controls = st.columns([1, 2, 2, 1])
level = map_level(controls[0], scope, "cov_level")
group = pick(controls[1], "措施类别", {g: label for g, (label, *_) in MEASURE_GROUPS.items()}, "cov_group")
method = pick(controls[2], "分级方法", {m: METHODS[m] for m in methods_for("coverage")}, "cov_method")
classes_wanted = controls[3].number_input("分级数", 3, 7, 5, key="cov_k")

spec, classes = cached(coverage_map, scope, level, group, method, int(classes_wanted), fmt.suppressing())
left, right = st.columns([3, 2])
with left:
    show_map(spec, "map_measures")
with right:
    legend(
        classes, f"{MEASURE_GROUPS[group][0]}覆盖率（在册户中已有该类措施的比例）", charts.legend_formatter("coverage")
    )
    helpers = cached(helper_load, scope)
    cols = st.columns(3)
    cols[0].metric("帮扶责任人覆盖", fmt.percent(helpers["coverage"]))
    cols[1].metric("帮扶责任人", fmt.count(helpers["helpers"]))
    cols[2].metric("每人联系户数", fmt.number(helpers["mean_load"], 1))
    st.caption(
        f"在册户 {fmt.count(helpers['households'])}，有帮扶责任人 {fmt.count(helpers['with_helper'])}；"
        f"一名责任人最多联系 {helpers['max_load']} 户。"
    )
    st.markdown("**每户措施数**")
    st.plotly_chart(
        charts.histogram_bar(cached(measures_per_household, scope), "measures", "households", "措施种数", "户"),
        config={"displaylogo": False},
        key="measures_hist",
    )

st.subheader("缺口清单")
counts = cached(gap_counts, scope)
st.caption(
    f"无任何措施 {fmt.count(counts['无任何帮扶措施'])} 户；致贫原因无对应措施 "
    f"{fmt.count(counts['致贫原因无对应措施'])} 户（姓名已脱敏）。"
)
with st.expander("致贫原因与应有措施的对应关系"):
    st.table(cause_mapping(con))
if may_list_households():  # the list itself only for those who may see it
    shown_gaps = cached(gap_list, scope)[list(GAP_COLUMNS)].rename(columns=GAP_COLUMNS)
    st.dataframe(
        shown_gaps, hide_index=True, width="stretch", height=320, column_config=tables.number_columns(shown_gaps)
    )

st.subheader(f"资金投入（元，2016年1月至{fmt.month(scope.as_of)}）")
funds = cached(funds_by_category, scope, CHILD_LEVEL[scope.level])
pivot = funds.pivot_table(index="area_name", columns="category_zh", values="yuan", aggfunc="sum", fill_value=0)
level_label = LEVEL_LABELS[CHILD_LEVEL[scope.level]]
st.dataframe(pivot.apply(fmt.large_column).rename_axis(index=level_label, columns="措施类别"), width="stretch")

household_section(con, scope)
