"""Tables as people read them, built once for the pages and the briefing (slides, deck, workbook): Chinese
headers over typed values, which every place shows through ``fmt.column`` (shares as percentages, counts
under the small-count rule, other numbers with one decimal, dates as 2017年9月30日)."""

from __future__ import annotations

import pandas as pd

from analytics import fmt
from storage.values import missing

# Back-scheduling targets that count households or persons (their remaining counts follow the small-count rule).
PERSON_TARGETS = ("households", "persons")


def league_rows(table: pd.DataFrame, area_header: str, with_stock: bool = True) -> pd.DataFrame:
    """The ranking (``analytics.league``) by composite score; ``with_stock`` adds the remaining poor."""
    rows = pd.DataFrame(
        {
            "名次": table["rank"].astype("int64"),
            area_header: table["area_name"],
            "综合得分": table["score"].astype(float),
            "脱贫率（户）": table["exit_rate"].astype(float),
            "进度/应有进度": table["pace_ratio"].astype(float),
            "措施覆盖率": table["measures_coverage"].astype(float),
            "每千户返贫": table["returns_per_1000"].astype(float),
        }
    )
    if with_stock:
        rows["现存贫困户"] = table["remaining_households"].astype("int64")
        rows["现存贫困人口"] = table["remaining_persons"].astype("int64")
    return rows.reset_index(drop=True)


def schedule_rows(rows: pd.DataFrame, area_header: str) -> pd.DataFrame:
    """Back-scheduling rows (``analytics.schedule``): what is left, by when, at which pace, with the warning."""
    return pd.DataFrame(
        {
            area_header: rows["area_name"],
            "目标": rows["label"],
            "截止": rows["deadline"],
            "剩余": [
                fmt.count(r) if t in PERSON_TARGETS else fmt.number(r)
                for r, t in zip(rows["remaining"], rows["target"], strict=True)
            ],
            "剩余月数": rows["months_left"].map(fmt.months_left),
            "需月均完成": rows["required_pace"].astype(float),
            "近3月月均": rows["actual_pace"].astype(float),
            "按现速度完成于": rows["projected_month"].map(lambda m: "无法完成" if missing(m) else fmt.month(m)),
            "预警": rows["rag"],
        }
    ).reset_index(drop=True)


def goal_rows(goals: pd.DataFrame) -> pd.DataFrame:
    """Every plan target (``analytics.goals.goal_progress``) as people read it: chapter, owner, where the value
    comes from, value against target, status and why."""
    return pd.DataFrame(
        {
            "章节": goals["chapter"],
            "指标": goals["indicator"],
            "责任单位": goals["owner"],
            "数据来源": goals["source"],
            "期限": goals["deadline"].map(fmt.day),
            "当前值": goals["value"].map(fmt.number),
            "目标值": goals["target"].map(fmt.number),
            "单位": goals["unit"].fillna(""),
            "状态": goals["status"],
            "判定依据": goals["basis"].fillna(""),
            "说明": goals["note"].fillna(""),
        }
    ).reset_index(drop=True)
