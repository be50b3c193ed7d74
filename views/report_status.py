"""报送情况: which units have reported each period, on time or late, which have not or were returned — by unit and
by district — and what falls due in the next 7 days."""

import streamlit as st

from analytics.classify import METHODS, methods_for
from analytics.completeness import (
    LATE,
    MISSING,
    NOT_DUE,
    ON_TIME,
    REMINDER_DAYS,
    RETURNED,
    due_soon,
    expected_units,
    not_reported,
    rates,
)
from analytics.map_values import mappable_targets, reported_metric
from geo.maps import reported_map
from ui import charts
from ui.cache import cached_reported
from ui.choices import pick
from ui.maps import legend, show_map
from ui.page import start
from ui.reports import catalogue, report_frames
from ui.tables import as_read

con, info, scope = start("报送情况")
cat, frames = catalogue(), report_frames()
today = frames.today
st.caption(
    f"报送日期：{today.year}年{today.month}月{today.day}日 · 各期截止：月报次月10日、季报季后15日、年报次年1月31日。"
)
kind = st.radio(
    "报送周期",
    ["全部", "月", "季", "年"],
    horizontal=True,
    key="status_kind",
    format_func=lambda k: {"全部": "全部", "月": "月报", "季": "季报", "年": "年报"}[k],
)
units = expected_units(cat, frames, scope, None if kind == "全部" else kind)
due = units[units["timeliness"] != NOT_DUE]
counts = due["timeliness"].value_counts()
for column, (label, key) in zip(
    st.columns(5),
    (("应报", None), ("按时报送", ON_TIME), ("迟报", LATE), ("逾期未报", MISSING), ("已退回", RETURNED)),
    strict=True,
):
    column.metric(label, f"{len(due) if key is None else int(counts.get(key, 0)):,}")

st.subheader("通报：最近一期未按时报送")
flagged = not_reported(units)
if flagged.empty:
    st.success("最近一期各单位均已按时报送。")
else:
    st.table(
        as_read(
            flagged[["dataset", "area_name", "period_label", "due", "timeliness", "state_label"]].rename(
                columns={
                    "dataset": "数据集",
                    "area_name": "区域",
                    "period_label": "期别",
                    "due": "截止日期",
                    "timeliness": "报送情况",
                    "state_label": "当前状态",
                }
            )
        )
    )

st.subheader(f"{REMINDER_DAYS} 日内到期")
soon = due_soon(units, today)
if soon.empty:
    st.caption(f"{REMINDER_DAYS} 日内没有到期的报送。")
else:
    st.table(
        as_read(
            soon[["dataset", "area_name", "period_label", "due", "state_label"]].rename(
                columns={
                    "dataset": "数据集",
                    "area_name": "区域",
                    "period_label": "期别",
                    "due": "截止日期",
                    "state_label": "当前状态",
                }
            )
        )
    )

left, right = st.columns(2)
for column, by, header in ((left, "owner", "责任单位"), (right, "area_name", "区域")):
    with column:
        st.subheader(f"按{header}")
        table = rates(units, by).rename(
            columns={by: header, "expected": "应报", "reporting_rate": "报送率", "timely_rate": "及时率"}
        )
        st.table(as_read(table))

st.subheader("分区域报送值地图")
targets = mappable_targets(cat)
map_controls = st.columns([3, 2, 1])
target_id = pick(map_controls[0], "指标", targets, "status_map_target")
metric = reported_metric(cat.targets[target_id])
method = pick(map_controls[1], "分级方法", {m: METHODS[m] for m in methods_for(metric)}, "status_map_method")
classes_wanted = int(map_controls[2].number_input("分级数", 3, 5, 3, key="status_map_k"))
spec, classes = cached_reported(reported_map, scope, target_id, method, classes_wanted)
left, right = st.columns([3, 2])
with left:
    show_map(spec, "map_reported")
with right:
    legend(classes, targets[target_id], charts.legend_formatter(metric))
    st.caption("各区市（镇级指标为各经济薄弱镇）最近一期全部审定的报送值；未审定的区域显示为无数据。")
