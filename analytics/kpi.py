"""The overview's KPI cards: done against total, the plan's figure, the stage goal and its status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics.plan import HOUSEHOLD_STAGE_DEADLINE, PLACE_STAGE_DEADLINE
from analytics.progress import ProgressFigures


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    done: int
    total: int
    plan_total: int | None  # the plan's city-wide figure, shown at city scope
    deadline: dt.date
    status: str  # of the stage goal, from goal_progress
    stage: str  # the stage goal in words

    @property
    def share(self) -> float:
        return self.done / self.total if self.total else 0.0


def kpi_cards(figures: ProgressFigures, goals: pd.DataFrame, city: bool) -> list[Kpi]:
    """Five cards: persons, households, provincial villages, weak villages, weak towns (empty ones left out)."""
    status = goals.set_index("target_id")["status"]
    f = figures
    cards = [
        Kpi("persons", "脱贫人口", "人", f.persons_baseline_exited, f.persons_baseline_exited + f.persons_baseline_remaining,
            63_887 if city else None, HOUSEHOLD_STAGE_DEADLINE, status["exit_persons_2016"], "2016年底全部脱贫"),
        Kpi("households", "脱贫户", "户", f.households_baseline_exited, f.households_baseline_exited + f.households_baseline_remaining,
            28_535 if city else None, HOUSEHOLD_STAGE_DEADLINE, status["exit_households_2016"], "2016年底全部脱贫"),
        Kpi("provincial_villages", "省定贫困村摘帽", "个", f.provincial_villages_exited, f.provincial_villages_total,
            200 if city else None, PLACE_STAGE_DEADLINE, status["prov_poor_villages_exit_2017"],
            f"2016年底51个（{status['prov_poor_villages_exit_2016']}），2017年底全部" if city else "2017年底全部摘帽"),
        Kpi("weak_villages", "市定经济薄弱村摘帽", "个", f.weak_villages_exited, f.weak_villages_total,
            310 if city else None, PLACE_STAGE_DEADLINE, status["muni_weak_villages_exit_2017"],
            f"2016年底79个（{status['muni_weak_villages_exit_2016']}），2017年底全部" if city else "2017年底全部摘帽"),
        Kpi("weak_towns", "经济薄弱镇摘帽", "个", f.weak_towns_exited, f.weak_towns_total,
            10 if city else None, PLACE_STAGE_DEADLINE, status["weak_towns_exit_2017"], "2017年底全部摘帽"),
    ]
    return [card for card in cards if card.total > 0]
