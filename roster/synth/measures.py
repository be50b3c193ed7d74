"""Assistance measures per household and person, one row per measure and calendar year.

Amounts follow the plan's standards (公益岗位 >= 500 元/月, education grants 1800/2000/2000/3000
元/年, household PV >= 3000 元/年, 富民农户贷 <= 5 万元); measures go on after exit (政策不变、措施不减).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roster.synth import config

LABOURERS = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")


@dataclass
class Grants:
    """Measures of one code as parallel arrays: a row per (beneficiary, period)."""

    code: str
    funding: str
    hh: np.ndarray
    person: np.ndarray  # -1 for household measures
    start: np.ndarray
    end: np.ndarray
    monthly: np.ndarray  # 元 per month; for one-off grants start == end and this is the whole amount


def by_calendar_year(g: Grants) -> pd.DataFrame:
    """Split each grant period into calendar-year rows with the amount paid in that year."""
    keep = g.end >= g.start
    hh, person, start, end, monthly = (a[keep] for a in (g.hh, g.person, g.start, g.end, g.monthly))
    first_year, last_year = start // 12, end // 12
    repeats = (last_year - first_year + 1).astype(np.int64)
    row = np.repeat(np.arange(len(start)), repeats)
    year = first_year[row] + (np.arange(len(row)) - np.repeat(np.cumsum(repeats) - repeats, repeats))
    row_start = np.maximum(start[row], year * 12)
    row_end = np.minimum(end[row], year * 12 + 11)
    rows = len(row)
    return pd.DataFrame(
        {
            "hh": hh[row].astype(np.int32),
            "person": person[row].astype(np.int32),
            "measure_code": pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), [g.code]),
            "start_m": row_start.astype(np.int16),
            "end_m": row_end.astype(np.int16),
            "amount_yuan": np.round(monthly[row] * (row_end - row_start + 1), 2),
            "funding_source": pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), [g.funding]),
        }
    )


class MeasurePlanner:
    """Draws every measure family for one roster; ``hh_end``/``person_end`` bound what may be paid."""

    def __init__(
        self,
        households: pd.DataFrame,
        persons: pd.DataFrame,
        hh_end: np.ndarray,
        person_end: np.ndarray,
        rng: np.random.Generator,
    ):
        self.h, self.p, self.rng = households, persons, rng
        self.hh_end, self.person_end = hh_end, person_end
        self.hh_start = np.maximum(households["identified_m"].to_numpy(), 0)
        excluded = rng.random(len(households)) < config.NO_MEASURE_SHARE
        self.served = ~excluded
        self.p_hh = persons["hh"].to_numpy()

    # --- helpers -------------------------------------------------------------------------------
    def _households(self, mask: np.ndarray, coverage: float = 1.0) -> np.ndarray:
        return np.flatnonzero(mask & self.served & (self.rng.random(len(mask)) < coverage))

    def _persons(self, mask: np.ndarray, coverage: float = 1.0) -> np.ndarray:
        return np.flatnonzero(mask & self.served[self.p_hh] & (self.rng.random(len(mask)) < coverage))

    def _for_households(
        self,
        code: str,
        funding: str,
        idx: np.ndarray,
        monthly: np.ndarray,
        start: np.ndarray | None = None,
        duration: int | None = None,
    ) -> Grants:
        start = self.hh_start[idx] if start is None else np.maximum(start, self.hh_start[idx])
        end = self.hh_end[idx] if duration is None else np.minimum(start + duration - 1, self.hh_end[idx])
        return Grants(code, funding, idx, np.full(len(idx), -1), start, end, monthly)

    def _for_persons(
        self,
        code: str,
        funding: str,
        idx: np.ndarray,
        monthly: np.ndarray,
        start: np.ndarray | None = None,
        duration: int | None = None,
    ) -> Grants:
        hh = self.p_hh[idx]
        begin = np.maximum(self.hh_start[hh], self.p["joined_m"].fillna(-1).to_numpy()[idx].astype(np.int64))
        start = begin if start is None else np.maximum(start, begin)
        limit = np.minimum(self.hh_end[hh], self.person_end[idx])
        end = limit if duration is None else np.minimum(start + duration - 1, limit)
        return Grants(code, funding, hh, idx, start, end, monthly)

    def _uniform(self, low: float, high: float, n: int, step: float = 10) -> np.ndarray:
        return np.round(self.rng.uniform(low, high, n) / step) * step

    # --- measure families ----------------------------------------------------------------------
    def social_security(self) -> list[Grants]:
        attribute = self.h["attribute"].to_numpy()
        dibao = self._households(attribute == "低保贫困户")
        per_month = 470 * self.h["size"].to_numpy()[dibao] * self.rng.uniform(0.3, 0.7, len(dibao))
        heads = self._persons((self.p["pos"].to_numpy() == 0) & (attribute[self.p_hh] == "特困供养贫困户"))
        backstop = self._households(self.h["main_cause"].to_numpy() == "缺劳力", 0.9)
        return [
            self._for_households("ss_policy_backstop", "区(市)财政", backstop, self._uniform(100, 300, len(backstop))),
            self._for_households("ss_dibao", "区(市)财政", dibao, np.round(per_month, 2)),
            self._for_persons("ss_tekun", "区(市)财政", heads, self._uniform(600, 700, len(heads))),
        ]

    def public_welfare_jobs(self) -> list[Grants]:
        age = self.p["age"].to_numpy()
        able = (age >= 30) & (age <= 64) & np.isin(self.p["labor_ability"].to_numpy(), LABOURERS)
        candidates = self._persons(able)
        wanted = min(len(candidates), round(config.PUBLIC_WELFARE_JOBS * len(self.h) / config.BASE_HOUSEHOLDS))
        chosen = np.sort(self.rng.choice(candidates, size=wanted, replace=False))
        start = np.where(
            self.rng.random(wanted) < 0.85, self.rng.integers(1, 12, wanted), self.rng.integers(12, 24, wanted)
        )
        self.p.loc[chosen, "in_public_job"] = True
        return [
            self._for_persons("pwj_post", "市级财政专项扶贫资金", chosen, self._uniform(500, 800, wanted), start, 36)
        ]

    def education(self) -> list[Grants]:
        school = self.p["school_status"].to_numpy()
        grants = []
        for status, code, per_year, duration, coverage in (
            ("学前教育", "edu_preschool_grant", 1800, 36, 0.97),
            ("普通高中", "edu_highschool_grant", 2000, 36, 0.97),
            ("中职", "edu_vocational_grant", 2000, 24, 0.97),
            ("高校", "edu_university_grant", 3000, 48, 0.95),
            ("初中", "edu_boarding_living", 1000, 36, 0.25),
        ):
            idx = self._persons(school == status, coverage)
            grants.append(self._for_persons(code, "教育部门", idx, np.full(len(idx), per_year / 12), None, duration))
        return grants

    def health(self) -> list[Grants]:
        health = self.p["health"].to_numpy()
        chronic = self._persons(health == "长期慢性病", 0.85)
        serious = self._persons(health == "患有大病", 0.9)
        on_dibao = np.isin(self.h["attribute"].to_numpy()[self.p_hh[serious]], ["低保贫困户", "特困供养贫困户"])
        yearly = self._uniform(3000, 30000, len(serious), 100) / 12
        return [
            self._for_persons(
                "health_chronic_free_meds", "卫生计生部门", chronic, self._uniform(40, 120, len(chronic))
            ),
            self._for_persons("ma_dibao", "民政部门", serious[on_dibao], yearly[on_dibao]),
            self._for_persons("ma_low_income", "民政部门", serious[~on_dibao], yearly[~on_dibao]),
        ]

    def disability(self) -> list[Grants]:
        disabled = self.p["disability"].notna().to_numpy()
        living = self._persons(disabled, 0.95)
        severe = self._persons(
            disabled & np.isin(self.p["disability"].to_numpy(), ["智力", "精神", "多重", "肢体"]), 0.6
        )
        return [
            self._for_persons("dis_living_allowance", "残联", living, np.full(len(living), 100.0)),
            self._for_persons("dis_care_allowance", "残联", severe, np.full(len(severe), 100.0)),
        ]

    def development(self) -> list[Grants]:
        labour = (
            np.bincount(
                self.p_hh, weights=np.isin(self.p["labor_ability"].to_numpy(), LABOURERS[:2]), minlength=len(self.h)
            )
            > 0
        )
        project = self._households(labour, 0.75)
        dividend = self._households(np.ones(len(self.h), dtype=bool), 0.35)
        designated = self.h["designation"].notna().to_numpy()
        solar = self._households(designated, 0.12)
        dilapidated = self._households(self.h["dilapidated_house"].to_numpy())
        heads = self._persons((self.p["pos"].to_numpy() == 0) & labour[self.p_hh], 0.05)
        return [
            self._for_households(
                "industry_income_project",
                "市级财政专项扶贫资金",
                project,
                self._uniform(2000, 6000, len(project), 100),
                self.rng.integers(2, 9, len(project)),
                1,
            ),
            self._for_households(
                "asset_equity_dividend", "扶贫资金股权化收益", dividend, 1600 * self.h["size"].to_numpy()[dividend] / 12
            ),
            self._for_households(
                "solar_household",
                "光伏扶贫收益",
                solar,
                self._uniform(250, 300, len(solar), 1),
                self.rng.integers(5, 18, len(solar)),
            ),
            self._for_households(
                "housing_renovation",
                "住建部门",
                dilapidated,
                self._uniform(15000, 30000, len(dilapidated), 100),
                self.rng.integers(3, 11, len(dilapidated)),
                1,
            ),
            self._for_persons(
                "fin_fumin_loan",
                "金融机构",
                heads,
                self._uniform(10000, 50000, len(heads), 1000),
                self.rng.integers(3, 20, len(heads)),
                1,
            ),
        ]

    def employment(self) -> list[Grants]:
        age = self.p["age"].to_numpy()
        working = (age >= 16) & (age <= 59)
        matching = self._persons(
            working & np.isin(self.p["labor_ability"].to_numpy(), LABOURERS[:2]) & ~self.p["in_public_job"].to_numpy(),
            0.4,
        )
        pension = self._persons(working & (self.p["school_status"].to_numpy() == "非在校生"), 0.9)
        checkup = self._persons(age >= 35, 0.6)
        return [
            self._for_persons("health_checkup_35plus", "卫生计生部门", checkup, np.zeros(len(checkup))),
            self._for_persons("emp_job_matching", "人社部门", matching, np.zeros(len(matching)), None, 12),
            self._for_persons("si_pension_premium_subsidy", "区(市)财政", pension, np.full(len(pension), 100 / 12)),
        ]

    def all_rows(self) -> pd.DataFrame:
        self.p["in_public_job"] = False
        families = (
            self.social_security,
            self.public_welfare_jobs,
            self.education,
            self.health,
            self.disability,
            self.development,
            self.employment,
        )
        rows = pd.concat([by_calendar_year(g) for family in families for g in family()], ignore_index=True)
        for column in ("measure_code", "funding_source"):
            rows[column] = rows[column].astype(str).astype("category")
        return rows
