"""Fixed facts of the plan (青政发〔2017〕24号) that analytics rely on. Its figures and deadlines are read from
the plan's catalogue (``data/reference/plan_targets.csv``, the source of ``plan_target``), never retyped."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd

from geo.boundaries import REFERENCE_DIR
from roster.schema import project_flags


@cache
def _targets() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "plan_targets.csv", dtype={"deadline": str}).set_index("id")


def plan_figure(target_id: str) -> float:
    """The plan's figure for a target (28535 households, 51 villages …)."""
    return float(_targets().at[target_id, "target_value"])


def plan_deadline(target_id: str) -> dt.date:
    """The plan's deadline for a target that has one."""
    return dt.date.fromisoformat(str(_targets().at[target_id, "deadline"]))


# Targets without a deadline of their own are judged at the end of the plan period (2016–2020).
DEFAULT_DEADLINE = dt.date(2020, 12, 31)
HOUSEHOLD_STAGE_DEADLINE = plan_deadline("exit_households_2016")  # all registered households and persons exit
PLACE_STAGE_DEADLINE = plan_deadline("prov_poor_villages_exit_2017")  # all villages and weak towns exit
# The plan's first batch of villages to exit (by end-2016), per series of the exit timeline.
FIRST_BATCH = {
    "provincial_villages": ("prov_poor_villages_exit_2016", "provincial_poor"),
    "weak_villages": ("muni_weak_villages_exit_2016", "municipal_weak"),
}
# The plan's 八项工程 of a poor (weak) village, as flags of ``village_indicator`` (due end-2018).
VILLAGE_EIGHT_PROJECTS = project_flags("village_indicator")
TOWN_SIX_PROJECTS = project_flags("town_indicator")  # of a weak town (due end-2018)


def all_projects_done(alias: str, columns: tuple[str, ...] = VILLAGE_EIGHT_PROJECTS) -> str:
    """SQL: every project flag of the row ``alias`` is true."""
    return " AND ".join(f"{alias}.{c}" for c in columns)


# The plan's chapter headings (plan.txt), for grouping targets by chapter.
CHAPTER_TITLES = {
    "第一章": "面临形势",
    "第二章": "总体要求",
    "第三章": "产业发展脱贫",
    "第四章": "科技扶贫",
    "第五章": "就业创业脱贫",
    "第六章": "教育扶贫",
    "第七章": "健康医疗保障",
    "第八章": "完善基础设施",
    "第九章": "生态保护",
    "第十章": "金融助推脱贫",
    "第十一章": "兜底保障",
    "第十二章": "社会帮扶",
    "第十三章": "城镇困难居民精准帮扶",
    "第十四章": "创新工作机制",
    "第十五章": "保障措施",
}


def chapter_of(section: str) -> str:
    """``第十一章第一节`` → ``第十一章 兜底保障``."""
    chapter = section[: section.index("章") + 1]
    return f"{chapter} {CHAPTER_TITLES[chapter]}"
