"""The overview's KPI cards and its one-sentence headline.

A card shows done against total, the plan's figure, and progress against the stage goal that is due at the
as-of month (at city scope before 2017 the villages' first batch, 51 and 79; otherwise all of them), with that
goal's status and its basis from ``goal_progress``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import fmt
from analytics.judgement import BEHIND, NO_DATA
from analytics.plan import HOUSEHOLD_STAGE_DEADLINE, PLACE_STAGE_DEADLINE
from analytics.progress import ProgressFigures

FIRST_BATCH_DEADLINE = dt.date(2016, 12, 31)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    done: int
    total: int
    plan_total: int | None  # the plan's city-wide figure, shown at city scope
    stage: str  # the stage goal due, in words
    stage_total: int  # what the stage goal due asks for
    status: str  # of the stage goal due, from goal_progress
    basis: str  # why that status

    @property
    def share(self) -> float:
        """Share of all that is to be done."""
        return self.done / self.total if self.total else 0.0

    def figure(self, value: int) -> str:
        """A figure of this card: persons and households under the small-count rule, places never."""
        return fmt.count(value) if self.unit in fmt.COUNT_UNITS else fmt.whole(value)

    @property
    def stage_share(self) -> float:
        """Progress against the stage goal that is due (at most 1)."""
        return min(self.done / self.stage_total, 1.0) if self.stage_total else 0.0


def _plan_total(goals: pd.DataFrame, target_id: str) -> int:
    return int(goals.loc[target_id, "plan_value"])


def kpi_cards(figures: ProgressFigures, goals: pd.DataFrame, city: bool, as_of: dt.date) -> list[Kpi]:
    """Five cards: persons, households, provincial villages, weak villages, weak towns (empty ones left out)."""
    g = goals.set_index("target_id")
    f = figures
    first_batch = city and as_of <= FIRST_BATCH_DEADLINE

    def card(
        key: str,
        label: str,
        unit: str,
        done: int,
        total: int,
        plan_id: str,
        stage_id: str,
        stage: str,
        stage_total: int,
    ) -> Kpi:
        return Kpi(
            key,
            label,
            unit,
            done,
            total,
            _plan_total(g, plan_id) if city else None,
            stage,
            stage_total,
            g.loc[stage_id, "status"],
            g.loc[stage_id, "basis"],
        )

    households_due = f"{HOUSEHOLD_STAGE_DEADLINE.year}年底全部脱贫"
    places_due = f"{PLACE_STAGE_DEADLINE.year}年底全部摘帽"
    persons_total = f.baseline_exited_persons + f.baseline_remaining_persons
    households_total = f.baseline_exited_households + f.baseline_remaining_households
    cards = [
        card(
            "persons",
            "脱贫人口",
            "人",
            f.baseline_exited_persons,
            persons_total,
            "exit_persons_total",
            "exit_persons_2016",
            households_due,
            persons_total,
        ),
        card(
            "households",
            "脱贫户",
            "户",
            f.baseline_exited_households,
            households_total,
            "exit_households_total",
            "exit_households_2016",
            households_due,
            households_total,
        ),
    ]
    for key, label, done, total, plan_id, stem in (
        (
            "provincial_villages",
            "省定贫困村摘帽",
            f.provincial_villages_exited,
            f.provincial_villages_total,
            "prov_poor_villages_exit_total",
            "prov_poor_villages_exit",
        ),
        (
            "weak_villages",
            "市定经济薄弱村摘帽",
            f.weak_villages_exited,
            f.weak_villages_total,
            "muni_weak_villages_exit_total",
            "muni_weak_villages_exit",
        ),
    ):
        if first_batch:
            batch = _plan_total(g, f"{stem}_2016")
            cards.append(
                card(
                    key,
                    label,
                    "个",
                    done,
                    total,
                    plan_id,
                    f"{stem}_2016",
                    f"{FIRST_BATCH_DEADLINE.year}年底第一批{batch}个",
                    batch,
                )
            )
        else:
            cards.append(card(key, label, "个", done, total, plan_id, f"{stem}_2017", places_due, total))
    cards.append(
        card(
            "weak_towns",
            "经济薄弱镇摘帽",
            "个",
            f.weak_towns_exited,
            f.weak_towns_total,
            "weak_towns_exit_total",
            "weak_towns_exit_2017",
            places_due,
            f.weak_towns_total,
        )
    )
    return [c for c in cards if c.total > 0]


def headline(cards: list[Kpi], league: pd.DataFrame, as_of: dt.date, scope_name: str, child_label: str) -> str:
    """Where the scope stands in one sentence: how many core targets are behind, and the weakest area below."""
    behind = [c.label for c in cards if c.status == BEHIND]
    unknown = sum(c.status == NO_DATA for c in cards)
    sentence = f"截至{fmt.month(as_of)}，{scope_name}{len(cards)}项核心目标中"
    sentence += f"{len(behind)}项滞后（{'、'.join(behind)}）" if behind else "没有滞后"
    sentence += f"、{unknown}项数据不足" if unknown else ""
    if len(league) > 1:
        worst = league.iloc[-1]
        sentence += (
            f"；综合得分最低的{child_label}是{worst['area_name']}（{fmt.fixed(worst['score'])}分，"
            f"现存贫困人口{fmt.count(worst['remaining_persons'])}人）"
        )
    return sentence + "。"
