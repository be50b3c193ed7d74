"""Deliberate data-quality faults, each recorded in ``dataset_fault`` so checks can be tested."""

from __future__ import annotations

import numpy as np
import pandas as pd

from roster.synth import config


def _count(kind: str, scale: float) -> int:
    return max(1, round(config.FAULTS[kind] * scale))


def _wrong_check_char(id_number: str) -> str:
    options = "0123456789X".replace(id_number[-1], "")
    return id_number[:-1] + options[sum(map(ord, id_number)) % len(options)]


def inject(
    persons: pd.DataFrame, income: pd.DataFrame, exit_years: pd.DataFrame, scale: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Alter ``persons`` and ``income`` in place and return the fault records.

    ``persons`` has person_id, household_id and pos; ``income`` and ``exit_years`` have household_id and year.
    """
    records = []
    n_bad, n_dup = _count("invalid_id_check_digit", scale), _count("person_in_two_households", scale)
    members = np.flatnonzero(persons["pos"].to_numpy() > 0)
    picked = rng.choice(members, size=n_bad + 2 * n_dup, replace=False)
    for row in picked[:n_bad]:
        persons.iat[row, persons.columns.get_loc("id_number")] = _wrong_check_char(
            persons.iat[row, persons.columns.get_loc("id_number")]
        )
        records.append(
            (
                "invalid_id_check_digit",
                "person",
                persons["person_id"].iat[row],
                f"身份证号校验码错误：{persons['id_number'].iat[row]}",
            )
        )
    for original, copy in picked[n_bad:].reshape(-1, 2):
        for column in ("name", "id_number", "sex", "birth_date"):
            persons.iat[copy, persons.columns.get_loc(column)] = persons[column].iat[original]
        records.append(
            (
                "person_in_two_households",
                "person",
                persons["person_id"].iat[copy],
                f"与{persons['household_id'].iat[original]}户成员{persons['person_id'].iat[original]}为同一人（身份证号相同）",
            )
        )
    candidates = income.reset_index().merge(exit_years, on=["household_id", "year"])["index"].to_numpy()
    for row in rng.choice(
        candidates, size=min(len(candidates), _count("exit_income_below_line", scale)), replace=False
    ):
        low = round(config.POVERTY_LINE_YUAN * 0.8, 2)
        income.at[row, "per_capita_income_yuan"] = low
        records.append(
            (
                "exit_income_below_line",
                "income",
                income.at[row, "household_id"],
                f"{income.at[row, 'year']}年脱贫，但人均纯收入{low:.0f}元低于扶贫标准{config.POVERTY_LINE_YUAN}元",
            )
        )
    faults = pd.DataFrame(records, columns=["fault_type", "table_name", "record_id", "detail"])
    faults.insert(0, "fault_id", np.arange(1, len(faults) + 1))
    return faults
