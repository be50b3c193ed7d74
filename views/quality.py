"""数据质量: checks that guard against 数字脱贫 (plan chapter 14 §1), with drill-down lists and downloads."""

from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import fmt
from analytics.compliance import noncompliant_records, record_rules
from analytics.goals import goal_progress
from analytics.labels import with_labels
from analytics.quality import (
    CHECKS,
    COMPLETENESS_FIELDS,
    completeness,
    district_quality_scores,
    exit_income_heaping,
    quality_summary,
)
from analytics.snapshots import identity_between_snapshots, quality_trend
from ui import charts
from ui.cache import cached, cached_over_files
from ui.choices import pick
from ui.context import dataset_choices
from ui.exports import csv_download, may_list_households
from ui.page import start

TREND_SNAPSHOTS = 12  # the latest snapshots shown in the trend (each one is a full set of checks)

con, info, scope = start("数据质量")

summary = cached(quality_summary, scope)
st.table(pd.DataFrame({"检查项": summary["label"], "数量": summary["count"].map(fmt.count)}).set_index("检查项"))

left, right = st.columns([3, 2])
with left:
    chosen = st.selectbox(
        "查看明细",
        list(CHECKS),
        format_func=lambda k: f"{CHECKS[k][0]}：{fmt.count(summary.set_index('check').at[k, 'count'])}",
        key="quality_check",
    )
    if may_list_households():
        records = cached(CHECKS[chosen][1], scope)
        shown = records.rename(columns=with_labels(list(records.columns)))
        st.dataframe(shown, hide_index=True, width="stretch", height=360)
        csv_download(
            "下载明细（CSV，已脱敏）",
            shown,
            f"数据质量_{chosen}_{scope.area_code}_{scope.as_of:%Y-%m}.csv",
            "quality_download",
        )
with right:
    st.markdown("**分区市质量得分**（每千个在册户中每有 1 户存在户级问题扣 1 分）")
    scores = cached(district_quality_scores, scope)
    st.table(
        pd.DataFrame(
            {
                "区市": scores["area_name"],
                "在册户": scores["active_households"].map(fmt.count),
                "问题户": scores["failing_households"].map(fmt.count),
                "得分": scores["score"].map(fmt.fixed),
            }
        ).set_index("区市")
    )
    st.markdown("**脱贫当年人均纯收入分布（相对扶贫标准）**")
    heaping = cached(exit_income_heaping, scope)
    if heaping.empty:
        st.info("范围内没有脱贫户的脱贫当年收入数据（名册未附收入表）。")
    else:
        st.plotly_chart(
            charts.histogram_bar(
                heaping.assign(band=(heaping["band_start"] * 100).round()),
                "band",
                "households",
                "收入 / 扶贫标准（%，每 5% 一档）",
                "户",
                dtick=20,
            ),
            config={"displaylogo": False},
            key="heaping",
        )
    st.caption("若大量户集中在刚过扶贫标准的区间（100%–105%），可能存在“数字脱贫”。")

st.subheader("字段完整率（在册户，按下一级区域）")
filled = cached(completeness, scope)
rates = filled.set_index("area_name")[list(COMPLETENESS_FIELDS)].rename(columns=COMPLETENESS_FIELDS).rename_axis("区域")
st.dataframe(rates.map(fmt.percent).assign(在册户=filled["households"].map(fmt.count).to_numpy()), width="stretch")

st.subheader("快照间趋势与存量—流量核对")
snapshots = [Path(p) for p in dataset_choices()[1:]][-TREND_SNAPSHOTS:]
if len(snapshots) < 2:
    st.caption(
        "导入两个及以上名册快照后，这里显示各检查项在快照间的变化，以及“上一快照期末 + 新识别 + 返贫 + 自然增加 − "
        "脱贫 − 自然减少 = 本快照期末”的核对。"
    )
else:
    trend = cached_over_files(quality_trend, snapshots, scope)
    st.plotly_chart(
        charts.trend_lines(trend, "as_of", "count", "label", "条"), config={"displaylogo": False}, key="quality_trend"
    )
    identity = cached_over_files(identity_between_snapshots, snapshots, scope)
    persons = identity[identity["unit"] == "persons"].drop(columns="unit")
    shown = persons.rename(columns=with_labels(list(persons.columns)))
    numbers = [c for c in shown.columns if c not in ("上一快照", "本快照")]
    st.dataframe(
        shown.style.format("{:,}", subset=numbers).map(
            lambda v: "background-color: #fddbc7" if v else "", subset=["差额"]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        f"最近 {len(snapshots)} 个快照；人口口径；差额不为 0 "
        f"说明后一快照改写了前一快照已报告的月份（如更正导出或补录的状态变动），请核实。"
    )

st.subheader("政策标准核对（逐条措施记录）")
rules = record_rules()
goals = cached(goal_progress, scope).set_index("target_id")
rule_target = pick(st, "标准", {t: goals.at[t, "indicator"] for t in rules}, "quality_rule")
breaking, records = cached(noncompliant_records, scope, rule_target)
row = goals.loc[rule_target]
st.caption(
    f"{fmt.number(row['value'])} / {fmt.number(row['target'])} {row['unit']}符合标准；不符合 {breaking:,} 条"
    f"（截至 {fmt.month(scope.as_of)}，{row['note'] or '按记录逐条核对'}）。"
)
if breaking and may_list_households():
    st.dataframe(records.rename(columns=with_labels(list(records.columns))), hide_index=True, width="stretch")
    if breaking > len(records):
        st.caption(f"此处显示前 {len(records)} 条（按村、户排序）。")
elif not breaking:
    st.success("所选范围内的记录全部符合标准。")
