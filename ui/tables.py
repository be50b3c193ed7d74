"""Tables as shown on pages: Chinese headers, Chinese number formats, status colours."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from analytics import fmt

STATUS_COLOURS = {
    "达标": "#d9f0d3", "进度正常": "#e0ecf4", "滞后": "#f4a6a6", "数据不足": "#eeeeee",
    "红": "#f4a6a6", "黄": "#fde9a9", "绿": "#d9f0d3", "已完成": "#d9f0d3",
}


def _coloured(frame: pd.DataFrame, column: str) -> Styler:
    return frame.style.map(lambda v: f"background-color: {STATUS_COLOURS.get(v, 'transparent')}", subset=[column])


def league(table: pd.DataFrame, level_label: str) -> pd.DataFrame:
    return pd.DataFrame({
        "排名": table["rank"],
        level_label: table["area_name"],
        "脱贫率（户）": table["exit_rate"].map(fmt.percent),
        "进度/应有进度": table["pace_ratio"].map(lambda v: fmt.number(v, 2)),
        "措施覆盖率": table["measures_coverage"].map(fmt.percent),
        "每千户返贫": table["returns_per_1000"].map(lambda v: fmt.number(v, 1)),
        "现存贫困户": table["remaining_households"].map(fmt.count),
        "现存贫困人口": table["remaining_persons"].map(fmt.count),
    }).set_index("排名")


def schedule(rows: pd.DataFrame) -> Styler:
    shown = pd.DataFrame({
        "区域": rows["area_name"],
        "目标": rows["label"],
        "截止": rows["deadline"].map(lambda d: f"{d:%Y-%m-%d}"),
        "剩余": rows["remaining"].map(fmt.count),
        "剩余月数": rows["months_left"].map(lambda m: str(m) if m > 0 else "已过期"),
        "需月均完成": rows["required_pace"].map(lambda v: fmt.number(v, 1)),
        "近3月月均": rows["actual_pace"].map(lambda v: fmt.number(v, 1)),
        "按现速度完成于": rows["projected_month"].map(lambda m: fmt.month(m) if m is not None and m == m else "无法完成"),
        "预警": rows["rag"],
    })
    return _coloured(shown.reset_index(drop=True), "预警").hide(axis="index")


def goals(rows: pd.DataFrame) -> Styler:
    shown = pd.DataFrame({
        "指标": rows["indicator"],
        "期限": rows["deadline"].map(lambda d: f"{d:%Y-%m-%d}"),
        "判定月份": rows["judged_at"].map(fmt.month),
        "当前值": rows["value"].map(fmt.number),
        "目标值": rows["target"].map(fmt.number),
        "单位": rows["unit"].fillna(""),
        "状态": rows["status"],
        "说明": rows["note"].fillna(""),
    })
    return _coloured(shown.reset_index(drop=True), "状态").hide(axis="index")


def unmeasurable(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"指标": rows["indicator"], "章节": rows["chapter"], "期限": rows["deadline"].map(lambda d: f"{d:%Y-%m-%d}"), "原因": rows["note"]}).reset_index(drop=True)
