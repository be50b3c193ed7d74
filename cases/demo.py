"""A synthetic history of monitoring cases for the synthetic roster, written through the workflow itself.

Every month from ``FIRST_MONTH`` the township staff take up a few of the month's red-flagged households (opened in
the following month, 4-24 days in); each case then moves step by step — visit after 1-4 days, 5-7 days of village
publicity, township review the next day, the district decision 1-5 days later, measures 2-10 days after it, risk
elimination once its conditions hold — with a stall of 12-30 days at one step for one case in five. 15 % are
found without risk at the visit, 10 % not taken in by the district. Steps that would fall after the demo's working
day are not taken, so the latest cases are still open and some are overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from cases.service import act
from cases.store import CaseStore
from cases.workflow import DISTRICT_ACTIONS, OBJECT_TYPES, STABLE_MONTHS, Household, Staff, Step
from storage.months import add_months

FIRST_MONTH = dt.date(2016, 9, 1)
CASES_PER_MONTH = 20
NOT_AT_RISK = 0.15
NOT_TAKEN_IN = 0.10
STALLED = 0.20
DEMO_MEASURES = ("ma_low_income", "ss_dibao", "ss_temporary", "pwj_post", "industry_income_project")

Flag = tuple[str, str, str, bool]  # household_id, town_code, reasons, near_poor (a 边缘户)
SUDDEN = 0.2  # share of the households taken in as 突发严重困难户 rather than by their standing
Facts = Callable[[str, dt.date], Household]


class _Day:
    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


def _steps(rng: np.random.Generator, opened: dt.date, near_poor: bool) -> list[tuple[dt.date, Step]]:
    """One case's steps after ``open``, each with its day; taken in as 边缘易致贫户 (a 边缘户) or 脱贫不稳定户 (an
    exited household), or as 突发严重困难户."""
    stall = [0] * 4
    if rng.random() < STALLED:
        stall[int(rng.integers(0, 4))] = int(rng.integers(12, 31))
    day = opened + dt.timedelta(days=int(rng.integers(1, 5)) + stall[0])
    at_risk = rng.random() >= NOT_AT_RISK
    finding = "入户核实：家庭收支受冲击，存在返贫风险" if at_risk else "入户核实：收入稳定，无风险"
    steps = [(day, Step("verify", finding=finding, eligible=at_risk))]
    if not at_risk:
        return steps
    start = day + dt.timedelta(days=1)
    end = start + dt.timedelta(days=int(rng.integers(5, 8)))
    day = end + dt.timedelta(days=1 + stall[1])
    steps += [(day, Step("publicise", start=start, end=end))]
    day += dt.timedelta(days=1 + stall[2])
    steps += [(day, Step("town_review"))]
    day += dt.timedelta(days=int(rng.integers(1, 6)) + stall[3])
    taken_in = rng.random() >= NOT_TAKEN_IN
    kind = OBJECT_TYPES[2] if rng.random() < SUDDEN else OBJECT_TYPES[1] if near_poor else OBJECT_TYPES[0]
    steps += [(day, Step("decide", eligible=taken_in, object_type=kind if taken_in else ""))]
    if taken_in:
        day += dt.timedelta(days=int(rng.integers(2, 11)))
        count = int(rng.integers(1, 3))
        steps += [(day, Step("assign", measures=tuple(rng.choice(DEMO_MEASURES, count, replace=False))))]
        for months in range(STABLE_MONTHS, STABLE_MONTHS + 2):  # eliminated the first month its conditions hold
            steps += [(add_months(day.replace(day=1), months + 1), Step("eliminate", secured=True))]
    return steps


def write_demo_cases(
    store: CaseStore,
    flags: dict[dt.date, list[Flag]],
    facts: Facts,
    staff_of_town: Callable[[str], tuple[Staff, Staff]],
    today: dt.date,
    seed: int = 2017,
) -> int:
    """Write the synthetic case history up to ``today`` (the working day the store then keeps) through
    ``cases.service.act``; returns the number of steps written. ``flags`` are the red-flagged households per month,
    ``facts`` what the conditions of 风险消除 read for a household at a day, ``staff_of_town`` the township monitor
    and the district reviewer of a town. A step the workflow refuses (an elimination whose conditions do not hold
    yet) is not taken."""
    rng = np.random.default_rng(seed)
    clock = _Day(today)
    store.clock = clock
    taken: set[str] = set()
    events: list[tuple[dt.date, int, Flag, Step]] = []
    for month, flagged in sorted(flags.items()):
        fresh = [f for f in flagged if f[0] not in taken]
        chosen = sorted(int(i) for i in rng.choice(len(fresh), size=min(CASES_PER_MONTH, len(fresh)), replace=False))
        for i in chosen:
            taken.add(fresh[i][0])
            opened = add_months(month, 1) + dt.timedelta(days=int(rng.integers(4, 25)))
            steps = [(opened, Step("open")), *_steps(rng, opened, fresh[i][3])]
            events += [(day, order, fresh[i], step) for order, (day, step) in enumerate(steps)]
    written = 0
    with store.held():
        for day, _, (household_id, town, reasons, _), step in sorted(events, key=lambda e: (e[0], e[2][0], e[1])):
            if day > today:
                continue
            clock.day = day
            monitor, reviewer = staff_of_town(town)
            staff = reviewer if step.action in DISTRICT_ACTIONS else monitor
            household = facts(household_id, day) if step.action == "eliminate" else Household(household_id, town)
            written += not act(store, staff, step, household, reasons).refused
        store.set_clock(today)
    return written
