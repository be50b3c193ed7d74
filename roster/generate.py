"""Generate the synthetic demo roster database.

    python -m roster.generate --seed 2017 --scale 1 --out data/demo.duckdb [--until 2017-09]

At scale 1 the baseline (2015-12) reproduces the plan exactly: 28,535 households, 63,887 persons,
200 provincial poor villages, 310 municipal weak villages and the 10 weak towns. The database is
written to a temporary file and moved into place only when complete.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from geo.boundaries import REFERENCE_DIR
from roster import months
from roster.schema import create_schema, insert_frame
from roster.synth import config, faults, geography, helpers, indicators, names, people, timeline
from roster.synth.measures import MeasurePlanner
from roster.synth.sampling import choose


class UsageError(ValueError):
    """Arguments the generator cannot work with; the message is for the user."""


@dataclass
class Timings:
    """Seconds per generation stage, printed at the end."""

    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.stages[name] = time.perf_counter() - start

    def report(self) -> str:
        total = sum(self.stages.values())
        parts = ", ".join(f"{k} {v:.1f}s" for k, v in self.stages.items())
        return f"总计 {total:.1f}s（{parts}）"


@dataclass
class Roster:
    """Every table of one synthetic roster as DataFrames, ready to write."""

    tables: dict[str, pd.DataFrame]


def _all_households(villages: pd.DataFrame, scale: float, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Baseline households (exact plan totals) plus the 新识别 households of 2017-2020."""
    base_h, base_p = people.baseline(villages, scale, rng)
    base_h["exit_m"] = timeline.baseline_exit_months(base_h, rng)
    base_h["is_new"] = False
    n_new = round(config.NEW_HOUSEHOLD_SHARE * len(base_h))
    new_h, new_p = people.households_with_members(villages, choose(rng, config.SIZE_SHARES, n_new).astype(np.int64), rng)
    new_h["identified_m"] = timeline.new_household_months(n_new, rng)
    new_h["exit_m"] = np.nan
    new_h["is_new"] = True
    new_p["hh"] += len(base_h)
    households = pd.concat([base_h, new_h], ignore_index=True)
    households["dilapidated_house"] = rng.random(len(households)) < config.DILAPIDATED_SHARE
    households = households.merge(villages[["village_code", "designation"]], on="village_code", how="left")
    return households, pd.concat([base_p, new_p], ignore_index=True)


def _person_timeline(households: pd.DataFrame, persons: pd.DataFrame, events: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add births (new members) and member departures as person events."""
    departures = timeline.member_departures(persons, events, households, rng)
    births = timeline.birth_months(households, persons, events, rng)
    persons = persons.assign(joined_m=np.nan)
    born = people.newborns(households, births, rng)
    born.index = np.arange(len(persons), len(persons) + len(born))
    persons = pd.concat([persons, born])
    person_events = pd.concat(
        [
            departures.assign(event_type="removed"),
            pd.DataFrame({"person": born.index, "hh": born["hh"].to_numpy(), "month": born["joined_m"].to_numpy().astype(np.int64), "event_type": "new"}),
        ],
        ignore_index=True,
    )
    all_events = pd.concat([events.assign(person=-1), person_events], ignore_index=True)
    return persons, all_events.sort_values(["hh", "month"], kind="stable", ignore_index=True)


def _paid_until(households: pd.DataFrame, persons: pd.DataFrame, events: pd.DataFrame, until: int) -> tuple[np.ndarray, np.ndarray]:
    """Last month a household's or a person's measures may run: before removal, and not after ``until``."""
    removed_hh = events[(events["event_type"] == "removed") & (events["person"] < 0)].set_index("hh")["month"]
    hh_end = np.minimum(removed_hh.reindex(range(len(households))).fillna(months.LAST + 1).to_numpy() - 1, until)
    left = events[(events["event_type"] == "removed") & (events["person"] >= 0)].set_index("person")["month"]
    person_end = np.minimum(left.reindex(persons.index).fillna(months.LAST + 1).to_numpy() - 1, until)
    return hh_end.astype(np.int64), person_end.astype(np.int64)


def _ids(prefix: str, positions: np.ndarray, width: int) -> np.ndarray:
    """Permanent identifiers from generation order, so a later snapshot keeps every earlier id."""
    return (prefix + pd.Series(np.asarray(positions) + 1).astype(str).str.zfill(width)).to_numpy(dtype=object)


def build(seed: int, scale: float, until: int, timings: Timings) -> Roster:
    """Generate every table in memory."""
    rng = np.random.default_rng(seed)
    with timings.stage("地理"):
        geo = geography.build(scale, rng)
    villages = geo.village
    with timings.stage("户与人口"):
        households, persons = _all_households(villages, scale, rng)
    with timings.stage("动态事件"):
        events = timeline.household_events(households, rng)
        persons, events = _person_timeline(households, persons, events, rng)
    with timings.stage("帮扶措施"):
        hh_end, person_end = _paid_until(households, persons, events, until)
        planner = MeasurePlanner(households, persons, hh_end, person_end, rng)
        measures = planner.all_rows()
        households = households.join(helpers.assign(households, geo.town, rng))
        household_phone = names.phones(rng, len(households))
    with timings.stage("指标"):
        village_ind = indicators.village_indicators(villages, int(months.year_of(until)), rng)
        town_ind = indicators.town_indicators(geo.town, int(months.year_of(until)), rng)
    # Cut everything at the as-of month.
    events = events[events["month"] <= until]
    registered = np.sort(events.loc[events["person"] < 0, "hh"].unique())
    with timings.stage("收入"):
        income = indicators.household_income(events, len(households), until, rng)
    return _assemble(geo, households, persons, events, measures, income, village_ind, town_ind, household_phone, registered, until, scale, rng)


def _assemble(geo, households, persons, events, measures, income, village_ind, town_ind, household_phone, registered, until, scale, rng) -> Roster:
    """Give rows their identifiers, keep what exists at ``until`` and shape the tables of the schema."""
    h = households.loc[registered].copy()
    h["household_id"] = _ids("H", registered, 8)
    hh_id = pd.Series(h["household_id"].to_numpy(), index=registered)
    p = persons[persons["hh"].isin(registered) & (persons["joined_m"].isna() | (persons["joined_m"] <= until))].copy()
    p = p.sort_values(["hh", "pos"], kind="stable")
    p["household_id"] = hh_id.reindex(p["hh"]).to_numpy()
    p["person_id"] = _ids("P", p.index, 9)
    person_id = pd.Series(p["person_id"].to_numpy(), index=p.index)
    left = events.loc[(events["event_type"] == "removed") & (events["person"] >= 0), "person"]
    present = p[~p.index.isin(left)]
    h["size"] = present.groupby("hh").size().reindex(registered).fillna(0).astype(int).to_numpy()
    heads = p[p["pos"] == 0].set_index("hh")
    h["head_name"] = heads["name"].reindex(registered).to_numpy()
    h["head_id_number"] = heads["id_number"].reindex(registered).to_numpy()
    h["phone"] = np.where(rng.random(len(h)) < 0.8, household_phone[registered], None)
    h["identified_month"] = months.to_dates(h["identified_m"].to_numpy())
    h["planned_exit_year"] = np.where(h["is_new"], months.year_of(h["identified_m"].to_numpy()) + 1, 2016).clip(max=2020)
    h["identification_standard"] = "市定标准"

    ev = events.copy()
    ev["household_id"] = hh_id.reindex(ev["hh"]).to_numpy()
    ev["person_id"] = person_id.reindex(ev["person"]).to_numpy()
    ev["event_month"] = months.to_dates(ev["month"].to_numpy())
    ev["event_id"] = np.arange(1, len(ev) + 1)

    m = measures[measures["hh"].isin(registered) & (measures["start_m"] <= until)].copy()
    m["household_id"] = hh_id.reindex(m["hh"]).to_numpy()
    m["person_id"] = person_id.reindex(m["person"]).to_numpy()
    m = m.sort_values(["household_id", "start_m", "measure_code"], kind="stable", ignore_index=True)
    m["measure_id"] = np.arange(1, len(m) + 1)
    m["start_month"], m["end_month"] = months.to_dates(m["start_m"].to_numpy()), months.to_dates(m["end_m"].to_numpy())
    measure_types = _measure_types()
    m["category_code"] = m["measure_code"].map(measure_types.set_index("measure_code")["category_code"])

    inc = income[income["hh"].isin(registered)].copy()
    inc["household_id"] = hh_id.reindex(inc["hh"]).to_numpy()
    inc = inc.reset_index(drop=True)
    exits = ev[(ev["event_type"] == "exited") & ev["person_id"].isna()]
    exit_years = pd.DataFrame({"household_id": exits["household_id"], "year": 2016 + exits["month"] // 12}).drop_duplicates()
    fault_rows = faults.inject(p, inc, exit_years, scale, rng)

    town = geo.town.assign(exit_month=_month_or_null(geo.town["exit_m"], until))
    village = geo.village.assign(exit_month=_month_or_null(geo.village["exit_m"], until))
    return Roster({
        "district": geo.district,
        "town": town,
        "village": village,
        "household": h,
        "person": p.assign(joined_month=months.to_dates(p["joined_m"].to_numpy())),
        "status_event": ev,
        "measure_type": measure_types,
        "measure": m,
        "village_indicator": village_ind,
        "town_indicator": town_ind,
        "income": inc,
        "poverty_line": pd.DataFrame({"year": range(2014, 2021), "yuan": config.POVERTY_LINE_YUAN, "source": "市定扶贫标准（2014年识别标准；2015年后是否调整未经证实，按不变处理）"}),
        "plan_target": _plan_targets(),
        "dataset_fault": fault_rows,
    })


def _month_or_null(month_index: pd.Series, until: int) -> pd.Series:
    return months.to_dates(month_index.where(month_index <= until).to_numpy())


def _measure_types() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "plan_measures.csv", dtype=str)


def _plan_targets() -> pd.DataFrame:
    targets = pd.read_csv(REFERENCE_DIR / "plan_targets.csv", dtype={"deadline": str})
    targets["deadline"] = pd.to_datetime(targets["deadline"]).dt.date
    return targets


def write(roster: Roster, out: Path, meta: dict[str, str]) -> None:
    """Write all tables to ``out`` atomically: a temporary file first, then a rename."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        create_schema(con)
        con.execute("BEGIN")
        for table, frame in roster.tables.items():
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            insert_frame(con, table, frame[columns])
        insert_frame(con, "dataset_meta", pd.DataFrame({"key": list(meta), "value": list(meta.values())}))
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, out)


def generate(seed: int, scale: float, out: Path, until: str = config.DEFAULT_UNTIL) -> Timings:
    """Build and write one synthetic roster database; returns the stage timings."""
    try:
        until_m = months.parse(until)
    except ValueError:
        raise UsageError(f"--until 应为 YYYY-MM 格式，收到 {until}") from None
    if not months.index(2016, 1) <= until_m <= months.LAST:
        raise UsageError(f"--until 必须在 2016-01 与 2020-12 之间，收到 {until}")
    if scale <= 0:
        raise UsageError(f"--scale 必须为正数，收到 {scale}")
    timings = Timings()
    roster = build(seed, scale, until_m, timings)
    meta = {
        "source": "synthetic",
        "seed": str(seed),
        "scale": f"{scale:g}",
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "as_of_month": until,
        "baseline_month": "2015-12",
        "generator": "roster.generate",
    }
    with timings.stage("写入数据库"):
        write(roster, out, meta)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description="生成合成的建档立卡示例数据库（DuckDB）")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--scale", type=float, default=1.0, help="户数、人数、村数的倍数（1 = 青岛规划口径）")
    parser.add_argument("--until", default=config.DEFAULT_UNTIL, help="数据截至月份 YYYY-MM（默认 2017-09，最晚 2020-12）")
    parser.add_argument("--out", type=Path, default=Path("data/demo.duckdb"))
    args = parser.parse_args()
    try:
        timings = generate(args.seed, args.scale, args.out, args.until)
    except UsageError as err:
        parser.exit(2, f"错误：{err}\n")
    size_mb = args.out.stat().st_size / 1e6
    print(f"已生成 {args.out}（{size_mb:.1f} MB，scale={args.scale:g}，截至 {args.until}）：{timings.report()}")


if __name__ == "__main__":
    main()
