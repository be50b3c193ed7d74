"""数据质量: checks that guard against 数字脱贫 (plan chapter 14 §1), with drill-down lists and downloads."""

import pandas as pd
import streamlit as st

from analytics import fmt
from analytics.labels import with_labels
from analytics.quality import (
    CHECKS,
    district_quality_scores,
    exit_income_heaping,
    quality_summary,
)
from analytics.scope import scope_label
from ui import charts
from ui.cache import cached
from ui.context import current_scope, open_dataset, page_header
from ui.filters import show_url_notices

con, info = open_dataset()
scope = current_scope()
page_header("数据质量", info, scope_label(con, scope), scope)
show_url_notices()

summary = cached(quality_summary, scope)
st.table(pd.DataFrame({"检查项": summary["label"], "数量": summary["count"].map(fmt.count)}).set_index("检查项"))

left, right = st.columns([3, 2])
with left:
    chosen = st.selectbox("查看明细", list(CHECKS), format_func=lambda k: f"{CHECKS[k][0]}：{fmt.count(summary.set_index('check').at[k, 'count'])}", key="quality_check")
    records = cached(CHECKS[chosen][1], scope)
    shown = records.rename(columns=with_labels(list(records.columns)))
    st.dataframe(shown, hide_index=True, width="stretch", height=360)
    st.download_button("下载明细（CSV，已脱敏）", shown.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"数据质量_{chosen}_{scope.area_code}_{scope.as_of:%Y-%m}.csv", key="quality_download")
with right:
    st.markdown("**分区市质量得分**（每千个在册户中每有 1 户存在户级问题扣 1 分）")
    scores = cached(district_quality_scores, scope)
    st.table(pd.DataFrame({"区市": scores["area_name"], "在册户": scores["active_households"].map(fmt.count),
                           "问题户": scores["failing_households"].map(fmt.count), "得分": scores["score"].map(lambda v: fmt.number(v, 1))}).set_index("区市"))
    st.markdown("**脱贫当年人均纯收入分布（相对扶贫标准）**")
    heaping = cached(exit_income_heaping, scope)
    st.plotly_chart(charts.histogram_bar(heaping.assign(band=(heaping["band_start"] * 100).round()), "band", "households",
                                         "收入 / 扶贫标准（%，每 5% 一档）", "户", dtick=20), config={"displaylogo": False}, key="heaping")
    st.caption("若大量户集中在刚过扶贫标准的区间（100%–105%），可能存在“数字脱贫”。")
