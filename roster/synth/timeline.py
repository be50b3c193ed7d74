"""Status events 2016-01 .. 2020-12: exits, returns, new registrations and natural decrease.

The whole plan period is generated and later cut at the data's as-of month, so the history up to a
month is the same whatever ``--until`` says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from roster import months
from roster.synth import config
from roster.synth.sampling import months_after

NEVER = np.inf


def _draw_months(rng: np.random.Generator, first: int, weights: list[float], n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return first + rng.choice(len(w), size=n, p=w / w.sum())


def baseline_exit_months(households: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Exit month of each baseline household: mostly 2016, stragglers 2017, the lagging district into 2018."""
    n = len(households)
    district = households["district_code"].to_numpy()
    in_2016 = rng.random(n) < households["district_code"].map(config.EXIT_2016_SHARE).to_numpy()
    lagging = district == config.LAGGING_DISTRICT
    exit_m = _draw_months(rng, months.index(2016, 1), [1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 12, 20], n).astype(float)
    late = ~in_2016
    exit_m[late] = _draw_months(rng, months.index(2017, 1), [3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4], late.sum())
    lag_late = late & lagging
    exit_m[lag_late] = _draw_months(rng, months.index(2017, 1), [1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 4], lag_late.sum())
    in_2018 = lag_late & (rng.random(n) < config.LAGGING_EXIT_2018_SHARE)
    exit_m[in_2018] = _draw_months(rng, months.index(2018, 1), [1] * 12, in_2018.sum())
    return exit_m


def _removal_months(households: pd.DataFrame, start: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Month a one-person household ends (death); NEVER for others or beyond 2020-12."""
    old = households["head_age"].to_numpy() >= 75
    rate = np.where(old, config.HOUSEHOLD_DEATH_RATE["old"], config.HOUSEHOLD_DEATH_RATE["young"])
    removal = months_after(rng, np.maximum(start, months.BASELINE), rate)
    removal[(households["size"].to_numpy() != 1) | (removal > months.LAST)] = NEVER
    return removal


def household_events(households: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Events (hh, month, event_type) in household order, month order and causal order.

    ``households`` carries ``identified_m``, ``is_new`` and, for the baseline, ``exit_m`` and ``return_m`` (NaN: no
    return; the causal layer's, ``shocks.py``).
    """
    n = len(households)
    start = households["identified_m"].to_numpy()
    is_new = households["is_new"].to_numpy()
    first_exit = np.where(is_new, start + rng.integers(4, 15, n), households["exit_m"].to_numpy())
    return_m = households["return_m"].fillna(NEVER).to_numpy()
    second_exit = return_m + rng.integers(6, 15, n)
    removal = _removal_months(households, start, rng)
    candidates: list[tuple[np.ndarray, np.ndarray | str]] = [
        (start, np.where(is_new, "new", "identified")),
        (first_exit, "exited"),
        (return_m, "returned"),
        (second_exit, "exited"),
    ]
    frames = []
    for order, (month, kind) in enumerate(candidates):
        keep = (month < removal) & (month <= months.LAST)
        frames.append(
            pd.DataFrame(
                {
                    "hh": np.flatnonzero(keep),
                    "month": month[keep],
                    "event_type": np.broadcast_to(np.asarray(kind), n)[keep],
                    "order": order,
                }
            )
        )
    keep = removal <= months.LAST  # later than every kept event of the household
    frames.append(
        pd.DataFrame(
            {"hh": np.flatnonzero(keep), "month": removal[keep], "event_type": "removed", "order": len(candidates)}
        )
    )
    events = pd.concat(frames, ignore_index=True).sort_values(["hh", "month", "order"], ignore_index=True)
    return events.drop(columns="order").astype({"month": np.int64})


def _month_keys(hh: np.ndarray, month: np.ndarray) -> np.ndarray:
    return hh.astype(np.int64) * 1000 + (month.astype(np.int64) + 100)


def member_departures(
    persons: pd.DataFrame, events: pd.DataFrame, households: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Members (not heads) who die or move away while their household goes on: (person, hh, month)."""
    candidates = persons[persons["pos"] > 0]
    old = candidates["age"].to_numpy() >= 70
    rate = np.where(old, config.MEMBER_LEAVE_RATE["old"], config.MEMBER_LEAVE_RATE["young"])
    start = households["identified_m"].to_numpy()[candidates["hh"].to_numpy()]
    month = months_after(rng, np.maximum(start, months.BASELINE), rate)
    return _outside_household_events(candidates.index.to_numpy(), candidates["hh"].to_numpy(), month, events)


def birth_months(
    households: pd.DataFrame, persons: pd.DataFrame, events: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """At most one child born into each young couple's household: (hh, month)."""
    couples = persons.loc[persons["relation"] == "配偶", "hh"].unique()
    young = households.index[households["head_age"] < 50]
    eligible = np.intersect1d(couples, young)
    start = households["identified_m"].to_numpy()[eligible]
    month = months_after(rng, np.maximum(start, months.BASELINE), np.full(len(eligible), config.BIRTH_RATE))
    return _outside_household_events(np.full(len(eligible), -1), eligible, month, events).drop(columns="person")


def _outside_household_events(
    person: np.ndarray, hh: np.ndarray, month: np.ndarray, events: pd.DataFrame
) -> pd.DataFrame:
    """Keep person events that fall while the household is registered and in a month of no household event."""
    first = events.groupby("hh")["month"].min()
    last = events[events["event_type"] == "removed"].groupby("hh")["month"].min()
    first_m = first.reindex(hh).to_numpy()
    end_m = last.reindex(hh).fillna(months.LAST + 1).to_numpy()
    ok = (month > first_m) & (month < end_m) & (month <= months.LAST)
    busy = _month_keys(events["hh"].to_numpy(), events["month"].to_numpy())
    ok[ok] = ~np.isin(_month_keys(hh[ok], month[ok]), busy)
    return pd.DataFrame({"person": person[ok], "hh": hh[ok], "month": month[ok].astype(np.int64)})
