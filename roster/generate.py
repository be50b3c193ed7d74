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
import shutil
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
from roster.schema import TABLE_ORDER, create_schema, insert_frame
from roster.snapshot import Derive
from roster.synth import clues as clues_of
from roster.synth import (
    cohorts,
    config,
    faults,
    geography,
    helpers,
    indicators,
    names,
    near_poor,
    people,
    shocks,
    timeline,
)
from roster.synth.measures import MeasurePlanner
from storage.files import make_private, use_private_umask


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
        self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    def report(self) -> str:
        total = sum(self.stages.values())
        parts = ", ".join(f"{k} {v:.1f}s" for k, v in self.stages.items())
        return f"总计 {total:.1f}s（{parts}）"


def _person_timeline(
    households: pd.DataFrame, persons: pd.DataFrame, events: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
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
            pd.DataFrame(
                {
                    "person": born.index,
                    "hh": born["hh"].to_numpy(),
                    "month": born["joined_m"].to_numpy().astype(np.int64),
                    "event_type": "new",
                }
            ),
        ],
        ignore_index=True,
    )
    all_events = pd.concat([events.assign(person=-1), person_events], ignore_index=True)
    return persons, all_events.sort_values(["hh", "month"], kind="stable", ignore_index=True)


def _paid_until(
    households: pd.DataFrame, persons: pd.DataFrame, events: pd.DataFrame, until: int
) -> tuple[np.ndarray, np.ndarray]:
    """Last month a household's or a person's measures may run: before removal, and not after ``until``."""
    removed_hh = events[(events["event_type"] == "removed") & (events["person"] < 0)].set_index("hh")["month"]
    hh_end = np.minimum(removed_hh.reindex(range(len(households))).fillna(months.LAST + 1).to_numpy() - 1, until)
    left = events[(events["event_type"] == "removed") & (events["person"] >= 0)].set_index("person")["month"]
    person_end = np.minimum(left.reindex(persons.index).fillna(months.LAST + 1).to_numpy() - 1, until)
    return hh_end.astype(np.int64), person_end.astype(np.int64)


@dataclass
class Offsets:
    """Identifiers already used by earlier shards (ids stay unique and permanent across shards)."""

    household: int = 0
    person: int = 0
    event: int = 0
    measure: int = 0
    fault: int = 0
    clue: int = 0
    near_poor: int = 0


def build_shard(
    seed: int, scale: float, shard: int, until: int, offsets: Offsets, timings: Timings
) -> dict[str, pd.DataFrame]:
    """Generate one shard's tables in memory (``scale`` <= 1; shard 0 also holds the district and town tables)."""
    rng = np.random.default_rng([seed, shard])
    with timings.stage("地理"):
        geo = geography.build(scale, shard, rng)
    villages = geo.village
    with timings.stage("户与人口"):
        drawn = cohorts.build(villages, scale, rng, np.random.default_rng([seed, shard, 3]))
        households, persons = drawn.households, drawn.persons
    with timings.stage("动态事件"):
        events = timeline.household_events(households, rng)
        persons, events = _person_timeline(households, persons, events, rng)
        _distinct_id_numbers(drawn, persons, np.random.default_rng([seed, shard, 2]))
    with timings.stage("预警线索"):  # a stream of its own: the clues change no other draw
        clue_rng = np.random.default_rng([seed, shard, 1])
        spans = clues_of.exited_spans(events, households, months.LAST)
        clues = clues_of.warning_clues(drawn.exited_shocks, spans, shocks.people_of(persons), until, clue_rng)
        registered_m = _registered_m(drawn, households)
        pool_spans = near_poor.watched_spans(registered_m)
        pool_clues = clues_of.warning_clues(
            drawn.pool_shocks, pool_spans, shocks.people_of(drawn.pool_persons), until, clue_rng
        )
    with timings.stage("帮扶措施"):
        hh_end, person_end = _paid_until(households, persons, events, until)
        measures = MeasurePlanner(households, persons, hh_end, person_end, rng).all_rows()
        households = households.join(helpers.assign(households, geo.town, rng))
        households["phone"] = names.phones(rng, len(households)).where(rng.random(len(households)) < 0.8)
    with timings.stage("指标"):
        last_year = int(months.year_of(until))
        tables = {
            "village": villages.assign(exit_month=_month_or_null(villages["exit_m"], until)),
            "village_indicator": indicators.village_indicators(villages, last_year, rng),
        }
        if shard == 0:
            tables |= {
                "district": geo.district,
                "town": geo.town.assign(exit_month=_month_or_null(geo.town["exit_m"], until)),
                "town_indicator": indicators.town_indicators(geo.town, last_year, rng),
            }
    events = events[events["month"] <= until]  # cut at the as-of month
    with timings.stage("收入"):
        losses = shocks.income_losses(drawn.exited_shocks)
        income = indicators.household_income(events, households["income_factor"].to_numpy(), losses, until, rng)
        pool_losses = shocks.income_losses(drawn.pool_shocks)
        pool_income = indicators.near_poor_income(drawn.pool, pool_losses, registered_m, until)
    with timings.stage("整理"):
        tables |= _people_tables(households, persons, events, measures, income, clues, until, scale, offsets, rng)
        near = near_poor.tables(
            drawn, registered_m, tables["household"]["household_id"], pool_income, pool_clues, until, offsets
        )
        tables |= near | {"warning_clue": pd.concat([tables["warning_clue"], near["warning_clue"]], ignore_index=True)}
    offsets.household += len(households)
    offsets.person += len(persons)
    offsets.near_poor += len(drawn.pool)
    return tables


def _registered_m(drawn: cohorts.Cohorts, households: pd.DataFrame) -> np.ndarray:
    """The month each 边缘户 was registered (NaN: never by 2020-12)."""
    roster_hh = drawn.pool["roster_hh"]
    identified = households["identified_m"].reindex(roster_hh.fillna(-1).astype(np.int64)).to_numpy(dtype=float)
    return np.where(roster_hh.notna(), identified, np.nan)


def _distinct_id_numbers(drawn: cohorts.Cohorts, persons: pd.DataFrame, rng: np.random.Generator) -> None:
    """Make every ID number distinct across the roster and the 边缘户 list (drawn in separate passes: baseline,
    边缘户, newborns), in place; a registered 边缘户's members keep one number on both lists."""
    pool_p = drawn.pool_persons
    outside = ~pool_p.index.isin(persons["pool_person"].dropna())
    everyone = pd.concat([persons, pool_p[outside]], ignore_index=True)
    district = pd.concat(
        [
            drawn.households["district_code"].reindex(persons["hh"]),
            drawn.pool["district_code"].reindex(pool_p.loc[outside, "hh"]),
        ]
    ).to_numpy()
    ids = names.without_repeats(
        rng,
        everyone["id_number"].to_numpy(),
        district,
        everyone["birth_date"].to_numpy(),
        (everyone["sex"] == "男").to_numpy(),
    )
    persons["id_number"] = ids[: len(persons)]
    pool_p.loc[outside, "id_number"] = ids[len(persons) :]
    inside = persons["pool_person"].notna()
    pool_p.loc[persons.loc[inside, "pool_person"].astype(np.int64).to_numpy(), "id_number"] = persons.loc[
        inside, "id_number"
    ].to_numpy()


def _people_tables(
    households: pd.DataFrame,
    persons: pd.DataFrame,
    events: pd.DataFrame,
    measures: pd.DataFrame,
    income: pd.DataFrame,
    clues: pd.DataFrame,
    until: int,
    scale: float,
    offsets: Offsets,
    rng: np.random.Generator,
) -> dict[str, pd.DataFrame]:
    """Give rows their permanent identifiers and keep what exists at ``until``."""
    registered = np.sort(events.loc[events["person"] < 0, "hh"].unique())
    h = households.loc[registered].copy()
    h["household_id"] = names.permanent_ids("H", registered + offsets.household, 8)
    hh_id = pd.Series(h["household_id"].array, index=registered)
    p = persons[persons["hh"].isin(registered) & (persons["joined_m"].isna() | (persons["joined_m"] <= until))]
    p = p.sort_values(["hh", "pos"], kind="stable")
    p["household_id"] = hh_id.reindex(p["hh"]).array
    p["person_id"] = names.permanent_ids("P", p.index + offsets.person, 9)
    p["joined_month"] = months.to_dates(p["joined_m"].to_numpy())
    person_id = pd.Series(p["person_id"].array, index=p.index)
    left = events.loc[(events["event_type"] == "removed") & (events["person"] >= 0), "person"]
    h["size"] = p[~p.index.isin(left)].groupby("hh").size().reindex(registered).fillna(0).astype(int).to_numpy()
    heads = p[p["pos"] == 0].set_index("hh")
    h["head_name"] = heads["name"].reindex(registered).array
    h["head_id_number"] = heads["id_number"].reindex(registered).array
    h["identified_month"] = months.to_dates(h["identified_m"].to_numpy())
    h["planned_exit_year"] = np.where(h["is_new"], months.year_of(h["identified_m"].to_numpy()) + 1, 2016).clip(
        max=2020
    )
    h["identification_standard"] = "市定标准"

    ev = events.assign(
        household_id=hh_id.reindex(events["hh"]).array,
        person_id=person_id.reindex(events["person"]).array,
        event_month=months.to_dates(events["month"].to_numpy()),
        event_id=np.arange(1, len(events) + 1) + offsets.event,
    )
    m = measures[measures["hh"].isin(registered)].sort_values(
        ["hh", "start_m", "measure_code"], kind="stable", ignore_index=True
    )
    m["household_id"] = hh_id.reindex(m["hh"]).array
    m["person_id"] = person_id.reindex(m["person"]).array
    m["measure_id"] = np.arange(1, len(m) + 1) + offsets.measure
    m["start_month"], m["end_month"] = months.to_dates(m["start_m"].to_numpy()), months.to_dates(m["end_m"].to_numpy())
    m["category_code"] = m["measure_code"].map(_measure_types().set_index("measure_code")["category_code"])

    inc = income[income["hh"].isin(registered)].reset_index(drop=True)
    inc["household_id"] = hh_id.reindex(inc["hh"]).array
    exits = ev[(ev["event_type"] == "exited") & (ev["person"] < 0)]
    exit_years = pd.DataFrame(
        {"household_id": exits["household_id"], "year": months.year_of(exits["month"].to_numpy())}
    ).drop_duplicates()
    clue = clues.assign(
        household_id=hh_id.reindex(clues["hh"]).array,
        near_poor_id=None,
        id_number=p["id_number"].reindex(clues["person"]).array,
        month=months.to_dates(clues["month"].to_numpy()),
        clue_id=np.arange(1, len(clues) + 1) + offsets.clue,
    )
    fault_rows = faults.inject(p, inc, exit_years, scale, rng)
    fault_rows["fault_id"] += offsets.fault
    offsets.event += len(ev)
    offsets.measure += len(m)
    offsets.fault += len(fault_rows)
    offsets.clue += len(clue)
    return {
        "household": h,
        "person": p,
        "status_event": ev,
        "measure": m,
        "income": inc,
        "warning_clue": clue,
        "dataset_fault": fault_rows,
    }


def _month_or_null(month_index: pd.Series, until: int) -> np.ndarray:
    return months.to_dates(month_index.where(month_index <= until).to_numpy())


def _measure_types() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "plan_measures.csv", dtype=str)


def _plan_targets() -> pd.DataFrame:
    targets = pd.read_csv(REFERENCE_DIR / "plan_targets.csv", dtype={"deadline": str})
    targets["deadline"] = pd.to_datetime(targets["deadline"]).dt.date
    return targets


def _target_registry() -> pd.DataFrame:
    registry = pd.read_csv(REFERENCE_DIR / "target_registry.csv", dtype=str, keep_default_na=False)
    registry = registry.replace("", None)
    registry["cumulative"] = registry["cumulative"] == "1"
    registry["baseline"] = pd.to_numeric(registry["baseline"])
    return registry


def static_tables() -> dict[str, pd.DataFrame]:
    """Tables that come from the plan catalogue, not from the random generator."""
    line = pd.DataFrame(
        {"year": range(2014, 2021), "yuan": config.POVERTY_LINE_YUAN, "source": config.POVERTY_LINE_SOURCE}
    )
    threshold = pd.DataFrame(
        {"year": line["year"], "income_yuan": line["yuan"] * config.MONITORING_FACTOR, "basis": config.MONITORING_BASIS}
    )
    return {
        "measure_type": _measure_types(),
        "plan_target": _plan_targets(),
        "target_registry": _target_registry(),
        "poverty_line": line,
        "monitoring_threshold": threshold,
        "warning_rule": pd.read_csv(REFERENCE_DIR / "warning_rules.csv", dtype={"threshold": float}),
    }


def shard_scales(scale: float) -> list[float]:
    """Scale 1 per shard: an integer ``scale`` > 1 gives that many shards; below 1, one smaller shard."""
    if scale <= 0 or (scale > 1 and scale != int(scale)):
        raise UsageError(f"--scale 必须是 0 到 1 之间的数或正整数，收到 {scale:g}")
    return [min(scale, 1.0)] * max(1, int(scale))


def _insert_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> None:
    """Append tables in dependency order, each with the columns of the schema."""
    for table in TABLE_ORDER:
        if table in tables:
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            insert_frame(con, table, tables[table][columns])


def _memory_config(out: Path) -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB's memory cap while generating (``ROSTER_DUCKDB_MEMORY``, default 8GB): the cube build spills to a
    temporary directory beside ``out`` instead of growing to 80 % of RAM (scale 100 peaked at 18 GB without it)."""
    return {
        "memory_limit": os.environ.get("ROSTER_DUCKDB_MEMORY", "8GB"),
        "temp_directory": str(out.with_name(out.name + ".spill")),
    }


def generate(seed: int, scale: float, out: Path, until: str = config.DEFAULT_UNTIL, *, derive: Derive) -> Timings:
    """Build one synthetic roster database shard by shard, with the tables ``derive`` adds (the cubes); the file
    appears only when complete."""
    try:
        until_m = months.parse(until)
    except ValueError:
        raise UsageError(f"--until 应为 YYYY-MM 格式，收到 {until}") from None
    if not months.index(2016, 1) <= until_m <= months.LAST:
        raise UsageError(f"--until 必须在 2016-01 与 2020-12 之间，收到 {until}")
    shards = shard_scales(scale)
    timings, offsets = Timings(), Offsets()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    with duckdb.connect(str(partial), config=_memory_config(out)) as con:
        create_schema(con)
        _insert_tables(con, static_tables())
        for shard, shard_scale in enumerate(shards):
            tables = build_shard(seed, shard_scale, shard, until_m, offsets, timings)
            with timings.stage("写入数据库"):
                _insert_tables(con, tables)
        meta = {
            "source": "synthetic",
            "seed": str(seed),
            "scale": f"{scale:g}",
            "as_of_month": until,
            "baseline_month": "2015-12",
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "generator": "roster.generate",
        }
        insert_frame(con, "dataset_meta", pd.DataFrame({"key": list(meta), "value": list(meta.values())}))
        with timings.stage("预聚合"):
            derive(con)
        con.execute("CHECKPOINT")
    shutil.rmtree(out.with_name(out.name + ".spill"), ignore_errors=True)
    make_private(partial)
    os.replace(partial, out)
    return timings


def main(*, derive: Derive) -> None:
    parser = argparse.ArgumentParser(description="生成合成的建档立卡示例数据库（DuckDB）")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--scale", type=float, default=1.0, help="户数、人数、村数的倍数（1 = 青岛规划口径）")
    parser.add_argument(
        "--until", default=config.DEFAULT_UNTIL, help="数据截至月份 YYYY-MM（默认 2017-09，最晚 2020-12）"
    )
    parser.add_argument("--out", type=Path, default=Path("data/demo.duckdb"))
    args = parser.parse_args()
    use_private_umask()
    try:
        timings = generate(args.seed, args.scale, args.out, args.until, derive=derive)
    except UsageError as err:
        parser.exit(2, f"错误：{err}\n")
    size_mb = args.out.stat().st_size / 1e6
    print(f"已生成 {args.out}（{size_mb:.1f} MB，scale={args.scale:g}，截至 {args.until}）：{timings.report()}")


if __name__ == "__main__":  # the entry point wires the layers: the demo database carries the analytics cubes
    from analytics.cubes import build_cubes

    main(derive=build_cubes)
