"""数据概况: what the loaded roster holds in the chosen area, by the areas below it, at the chosen month."""

import duckdb
import streamlit as st

from analytics import fmt
from analytics.labels import LEVEL_LABELS, with_labels
from analytics.scope import CHILD_LEVEL, Scope, scope_label
from analytics.summary import district_summary, summary_area
from ui.cache import cached
from ui.page import start
from ui.text import plain


def _summarised(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[Scope, str, str]:
    """The area summarised, its name, and the level its table is broken down by."""
    home = summary_area(scope)
    return home, scope_label(con, home), LEVEL_LABELS[CHILD_LEVEL[home.level]]


def _by_areas_below(con: duckdb.DuckDBPyConnection, scope: Scope) -> str:
    """``平度市（分镇街）``."""
    _, area, below = _summarised(con, scope)
    return f"{area}（分{below}）"


con, info, scope = start("数据概况", _by_areas_below)
home, area, below = _summarised(con, scope)

table = cached(district_summary, scope)
total = table.set_index("area_code").loc[home.area_code]
cols = st.columns(5)
cols[0].metric("基期建档立卡户", fmt.count(total.baseline_households))
cols[1].metric("基期建档立卡人口", fmt.count(total.baseline_persons))
cols[2].metric(f"现存贫困户（{fmt.month(scope.as_of)}）", fmt.count(total.poor_households))
cols[3].metric("省定贫困村 / 市定经济薄弱村", f"{total.provincial_villages} / {total.municipal_villages}")
cols[4].metric("经济薄弱镇", fmt.count(total.weak_towns))

st.subheader(f"分{below}统计（范围：{plain(area)}；截至 {fmt.month(scope.as_of)}）")
shown = (
    table.drop(columns="area_code")
    .rename(columns={"area_name": below, **with_labels(list(table.columns))})
    .set_index(below)
)
st.table(shown.map(fmt.count))
st.caption(
    "基期为 2015 年 12 月末在册的建档立卡贫困户；现存贫困户按截至月末最后一次状态事件计算（见 docs/schema.md）。"
)
