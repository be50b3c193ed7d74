"""A hand-made five-household roster whose every figure is worked out by hand below.

Baseline 2015-12, as of 2016-03. District 370283 平度市 (town 蓼兰镇, villages V1 provincial poor,
exited 2016-02, and V2 not designated); district 370285 莱西市 (town 院上镇, village V3 municipal weak).

| household | village | members | events |
|---|---|---|---|
| H1 | V1 | P1 P2 | identified 2014-10, exited 2016-01 |
| H2 | V1 | P3 | identified 2015-03, removed 2016-02 |
| H3 | V3 | P4 P5 P6 | identified 2014-10, exited 2016-01, returned 2016-03 |
| H4 | V3 | P7 P8, P9 joins 2016-03 | new 2016-02 |
| H5 | V2 | P10, P11 leaves 2016-02 | identified 2014-10, exited 2016-03 |
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from roster.idcard import check_digit
from roster.schema import create_schema, insert_frame

BASELINE = dt.date(2015, 12, 1)
AS_OF = dt.date(2016, 3, 1)
PINGDU, LAIXI = "370283", "370285"

# (month, district, unit) -> (opening, new, returned, exited, removed, closing), worked out by hand.
EXPECTED_FLOWS = {
    ("2016-01", PINGDU, "households"): (3, 0, 0, 1, 0, 2),
    ("2016-01", PINGDU, "persons"): (5, 0, 0, 2, 0, 3),
    ("2016-01", LAIXI, "households"): (1, 0, 0, 1, 0, 0),
    ("2016-01", LAIXI, "persons"): (3, 0, 0, 3, 0, 0),
    ("2016-02", PINGDU, "households"): (2, 0, 0, 0, 1, 1),
    ("2016-02", PINGDU, "persons"): (3, 0, 0, 0, 2, 1),
    ("2016-02", LAIXI, "households"): (0, 1, 0, 0, 0, 1),
    ("2016-02", LAIXI, "persons"): (0, 2, 0, 0, 0, 2),
    ("2016-03", PINGDU, "households"): (1, 0, 0, 1, 0, 0),
    ("2016-03", PINGDU, "persons"): (1, 0, 0, 1, 0, 0),
    ("2016-03", LAIXI, "households"): (1, 0, 1, 0, 0, 2),
    ("2016-03", LAIXI, "persons"): (2, 1, 3, 0, 0, 6),
}


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def _id_number(n: int) -> str:
    first17 = f"370283198001{n:02d}{n:03d}"[:17]
    return first17 + check_digit(first17)


def _persons() -> pd.DataFrame:
    members = [
        ("P1", "H1", None),
        ("P2", "H1", None),
        ("P3", "H2", None),
        ("P4", "H3", None),
        ("P5", "H3", None),
        ("P6", "H3", None),
        ("P7", "H4", None),
        ("P8", "H4", None),
        ("P9", "H4", "2016-03"),
        ("P10", "H5", None),
        ("P11", "H5", None),
    ]
    rows = []
    for n, (pid, hid, joined) in enumerate(members, start=1):
        rows.append(
            {
                "person_id": pid,
                "household_id": hid,
                "name": f"测试{n}",
                "id_number": _id_number(n),
                "sex": "男",
                "birth_date": dt.date(1980, 1, n),
                "relation": "户主",
                "ethnicity": "汉族",
                "health": "健康",
                "labor_ability": "普通劳动力",
                "education": "初中",
                "school_status": "非在校生",
                "disability": None,
                "joined_month": _month(joined) if joined else None,
            }
        )
    return pd.DataFrame(rows)


def _events() -> list[tuple[str, str | None, str, str]]:
    return [
        ("H1", None, "2014-10", "identified"),
        ("H1", None, "2016-01", "exited"),
        ("H2", None, "2015-03", "identified"),
        ("H2", None, "2016-02", "removed"),
        ("H3", None, "2014-10", "identified"),
        ("H3", None, "2016-01", "exited"),
        ("H3", None, "2016-03", "returned"),
        ("H4", None, "2016-02", "new"),
        ("H4", "P9", "2016-03", "new"),
        ("H5", None, "2014-10", "identified"),
        ("H5", "P11", "2016-02", "removed"),
        ("H5", None, "2016-03", "exited"),
    ]


def build(path: Path, extra_events: list[tuple[str, str | None, str, str]] = ()) -> Path:
    """Write the tiny roster (plus ``extra_events``) to ``path``."""
    con = duckdb.connect(str(path))
    create_schema(con)
    insert_frame(con, "district", pd.DataFrame({"district_code": [PINGDU, LAIXI], "name": ["平度市", "莱西市"]}))
    insert_frame(
        con,
        "town",
        pd.DataFrame(
            {
                "town_code": ["370283108", "370285104"],
                "district_code": [PINGDU, LAIXI],
                "name": ["蓼兰镇", "院上镇"],
                "is_weak_town": [True, True],
                "pairing_district_code": [None, None],
                "exit_month": [None, None],
                "has_polygon": [True, True],
            }
        ),
    )
    insert_frame(
        con,
        "village",
        pd.DataFrame(
            {
                "village_code": ["V1", "V2", "V3"],
                "town_code": ["370283108", "370283108", "370285104"],
                "name": ["一村", "二村", "三村"],
                "is_village_committee": [True] * 3,
                "designation": ["provincial_poor", None, "municipal_weak"],
                "exit_month": [dt.date(2016, 2, 1), None, None],
                "lon": [119.9, 119.95, 120.5],
                "lat": [36.7, 36.72, 36.9],
                "point_generated": [True] * 3,
                "source_village_code": ["V1", "V2", "V3"],
            }
        ),
    )
    households = [
        ("H1", "V1", 2, "2014-10"),
        ("H2", "V1", 1, "2015-03"),
        ("H3", "V3", 3, "2014-10"),
        ("H4", "V3", 3, "2016-02"),
        ("H5", "V2", 1, "2014-10"),
    ]
    insert_frame(
        con,
        "household",
        pd.DataFrame(
            [
                {
                    "household_id": hid,
                    "village_code": vc,
                    "head_name": "测试",
                    "head_id_number": _id_number(1),
                    "phone": None,
                    "size": size,
                    "attribute": "一般贫困户",
                    "main_cause": "因病",
                    "identification_standard": "市定标准",
                    "identified_month": _month(month),
                    "planned_exit_year": 2016,
                    "dilapidated_house": False,
                    "helper_name": "帮扶人",
                    "helper_unit": "平度市农业局",
                }
                for hid, vc, size, month in households
            ]
        ),
    )
    insert_frame(con, "person", _persons())
    events = [*_events(), *extra_events]
    insert_frame(
        con,
        "status_event",
        pd.DataFrame(
            {
                "event_id": range(1, len(events) + 1),
                "household_id": [e[0] for e in events],
                "person_id": [e[1] for e in events],
                "event_month": [_month(e[2]) for e in events],
                "event_type": [e[3] for e in events],
            }
        ),
    )
    insert_frame(
        con,
        "dataset_meta",
        pd.DataFrame(
            {
                "key": ["source", "as_of_month", "baseline_month"],
                "value": ["synthetic", "2016-03", "2015-12"],
            }
        ),
    )
    con.close()
    return path
