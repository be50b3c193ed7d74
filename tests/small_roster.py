"""A small hand-built roster (36 households, three districts) and a plain-Python oracle for it.

The oracle replays each household's events in Python — no SQL — so the analytics' numbers are checked
against an independent computation. District 370281 has a designated village but no household.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from roster.generate import static_tables
from roster.idcard import check_digit
from roster.schema import create_schema, insert_frame

PINGDU, LAIXI, JIAOZHOU = "370283", "370285", "370281"
AS_OF = dt.date(2017, 9, 1)
BASELINE = dt.date(2015, 12, 1)
POOR = {"identified", "new", "returned"}


def m(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


TOWNS = [  # town_code, district, name, weak, exit month
    ("370283108", PINGDU, "蓼兰镇", True, None),
    ("370283109", PINGDU, "崔家集镇", True, "2017-08"),
    ("370285104", LAIXI, "院上镇", True, None),
    ("370281001", JIAOZHOU, "阜安街道", False, None),
]
VILLAGES = [  # village_code, town, designation, exit month
    ("A1", "370283108", "provincial_poor", "2016-06"),
    ("A2", "370283108", "municipal_weak", "2017-07"),
    ("A3", "370283109", "provincial_poor", None),
    ("A4", "370283109", None, None),
    ("B1", "370285104", "municipal_weak", "2016-11"),
    ("B2", "370285104", None, None),
    ("C1", "370281001", "municipal_weak", None),
]
# Household histories: (month, event) with 'identified' before the baseline.
TEMPLATES = [
    [("2014-10", "identified"), ("2016-03", "exited")],
    [("2015-05", "identified"), ("2016-11", "exited")],
    [("2014-10", "identified"), ("2016-02", "exited"), ("2017-02", "returned"), ("2017-06", "exited")],
    [("2014-10", "identified"), ("2016-08", "removed")],
    [("2014-10", "identified"), ("2016-05", "exited"), ("2017-01", "removed")],
    [("2017-01", "new"), ("2017-07", "exited")],
    [("2017-04", "new")],
    [("2014-10", "identified")],
    [("2014-10", "identified"), ("2017-08", "exited")],
]
HOUSEHOLD_VILLAGES = ["A1", "A2", "A3", "A4", "B1", "B2"]
CAUSES = ["因病", "因残", "缺劳力", "因学"]
ATTRIBUTES = ["一般贫困户", "低保贫困户", "特困供养贫困户"]
RURAL_POPULATION = {"A1": 1000, "A2": 2000, "A3": 1500, "A4": 500, "B1": 3000, "B2": 1200, "C1": 800}
# Measures: (household index modulus rule, measure_code, category, start month) — see measures_of().
MEASURE_RULES = [
    (lambda i: i % 4 == 0, "health_chronic_free_meds", "health", "2016-03"),
    (lambda i: i % 6 == 2, "ss_dibao", "social_security", "2016-05"),
    (lambda i: i % 3 == 0, "industry_income_project", "industry", "2017-04"),
    (lambda i: i % 8 == 1, "dis_living_allowance", "disability", "2016-01"),
]


@dataclass
class Person:
    person_id: str
    joined: dt.date | None = None
    left: dt.date | None = None
    born: dt.date = dt.date(1980, 1, 1)

    def is_birth(self) -> bool:
        """Joined within a year of being born: 自然增加, not 新识别."""
        return self.joined is not None and self.born > dt.date(self.joined.year - 1, self.joined.month, 1)

    def member_at(self, month: dt.date) -> bool:
        return (self.joined is None or self.joined <= month) and (self.left is None or self.left > month)


@dataclass
class Household:
    household_id: str
    village: str
    events: list[tuple[dt.date, str]]
    persons: list[Person] = field(default_factory=list)
    cause: str = "因病"
    attribute: str = "一般贫困户"
    measures: list[tuple[str, str, dt.date]] = field(default_factory=list)  # (code, category, start)

    def status_at(self, month: dt.date) -> str | None:
        status = None
        for when, kind in self.events:
            if when <= month:
                status = kind
        return status

    def members_at(self, month: dt.date) -> int:
        return sum(p.member_at(month) for p in self.persons)


def households() -> list[Household]:
    out = []
    for i in range(36):
        events = [(m(t), k) for t, k in TEMPLATES[i % len(TEMPLATES)]]
        hh = Household(
            f"H{i:02d}",
            HOUSEHOLD_VILLAGES[i % len(HOUSEHOLD_VILLAGES)],
            events,
            cause=CAUSES[i % len(CAUSES)],
            attribute=ATTRIBUTES[(i // 2) % len(ATTRIBUTES)],
        )
        hh.measures = [(code, category, m(start)) for rule, code, category, start in MEASURE_RULES if rule(i)]
        size = 1 + i % 4
        hh.persons = [Person(f"P{i:02d}{k}") for k in range(size)]
        if (
            i % 5 == 0 and size > 1 and events[0][1] == "identified"
        ):  # a member leaves in a month with no household event
            hh.persons[-1].left = m("2016-04")
        if i % 9 == 7:  # a child is born into a household that stays poor
            hh.persons.append(Person(f"P{i:02d}9", joined=m("2017-03"), born=dt.date(2017, 2, 20)))
        if i % 9 == 8:  # an adult joins (a marriage) a household that is poor then
            hh.persons.append(Person(f"P{i:02d}8", joined=m("2016-07")))
        out.append(hh)
    return out


DISTRICT_OF_VILLAGE = {v: next(t[1] for t in TOWNS if t[0] == town) for v, town, _, _ in VILLAGES}
TOWN_OF_VILLAGE = {v: town for v, town, _, _ in VILLAGES}


# --- the oracle --------------------------------------------------------------------------------------
def in_scope(hh: Household, district: str | None = None, town: str | None = None) -> bool:
    return (district is None or DISTRICT_OF_VILLAGE[hh.village] == district) and (
        town is None or TOWN_OF_VILLAGE[hh.village] == town
    )


def expected_figures(month: dt.date, district: str | None = None, town: str | None = None) -> dict[str, int]:
    """Outcome figures by replaying events, following the definitions in docs/schema.md."""
    f = dict.fromkeys(
        [
            "baseline_households",
            "baseline_persons",
            "exited_households",
            "exited_persons",
            "remaining_households",
            "remaining_persons",
            "returned_households",
            "new_households",
            "removed_households",
            "baseline_exited_households",
            "baseline_exited_persons",
            "baseline_remaining_households",
            "baseline_remaining_persons",
        ],
        0,
    )
    for hh in households():
        if not in_scope(hh, district, town):
            continue
        baseline = hh.status_at(BASELINE) in POOR
        status = hh.status_at(month)
        exits = [(w, k) for w, k in hh.events if w <= month and k in ("exited", "returned")]
        exited = bool(exits) and exits[-1][1] == "exited"
        exit_persons = hh.members_at(exits[-1][0]) if exited else 0
        if baseline:
            f["baseline_households"] += 1
            f["baseline_persons"] += hh.members_at(BASELINE)
        if exited:
            f["exited_households"] += 1
            f["exited_persons"] += exit_persons
            if baseline:
                f["baseline_exited_households"] += 1
                f["baseline_exited_persons"] += exit_persons
        if status in POOR:
            f["remaining_households"] += 1
            f["remaining_persons"] += hh.members_at(month)
            if baseline:
                f["baseline_remaining_households"] += 1
                f["baseline_remaining_persons"] += hh.members_at(month)
        previous = None
        for when, kind in hh.events:
            if BASELINE < when <= month:
                f["returned_households"] += kind == "returned"
                f["new_households"] += kind == "new"
                f["removed_households"] += kind == "removed" and previous in POOR
            previous = kind
    return f


def expected_places(month: dt.date, district: str | None = None, town: str | None = None) -> dict[str, int]:
    f = dict.fromkeys(
        [
            "provincial_villages_total",
            "provincial_villages_exited",
            "weak_villages_total",
            "weak_villages_exited",
            "weak_towns_total",
            "weak_towns_exited",
        ],
        0,
    )
    for code, vtown, designation, exit_month in VILLAGES:
        if (district and DISTRICT_OF_VILLAGE[code] != district) or (town and vtown != town) or not designation:
            continue
        key = "provincial_villages" if designation == "provincial_poor" else "weak_villages"
        f[f"{key}_total"] += 1
        f[f"{key}_exited"] += exit_month is not None and m(exit_month) <= month
    for code, tdistrict, _, weak, exit_month in TOWNS:
        if weak and (district is None or tdistrict == district) and (town is None or code == town):
            f["weak_towns_total"] += 1
            f["weak_towns_exited"] += exit_month is not None and m(exit_month) <= month
    return f


def expected_flows(month: dt.date, district: str) -> dict[str, tuple[int, ...]]:
    """(opening, new, returned, born, exited, removed, closing) for households and persons in one month."""
    previous = dt.date(month.year - (month.month == 1), 12 if month.month == 1 else month.month - 1, 1)
    out = {}
    for unit in ("households", "persons"):
        opening = closing = new = returned = born = exited = removed = 0
        for hh in households():
            if DISTRICT_OF_VILLAGE[hh.village] != district:
                continue
            weight = (lambda at: 1) if unit == "households" else hh.members_at
            if hh.status_at(previous) in POOR:
                opening += weight(previous)
            if hh.status_at(month) in POOR:
                closing += weight(month)
            before = None
            for when, kind in hh.events:
                if when == month:
                    if kind == "new":
                        new += weight(month)
                    elif kind == "returned":
                        returned += weight(month)
                    elif kind == "exited":
                        exited += weight(month)
                    elif kind == "removed" and before in POOR:
                        removed += weight(month)
                before = kind
            if unit == "persons" and hh.status_at(month) in POOR:
                new += sum(p.joined == month and not p.is_birth() for p in hh.persons)
                born += sum(p.joined == month and p.is_birth() for p in hh.persons)
                removed += sum(p.left == month for p in hh.persons)
        out[unit] = (opening, new, returned, born, exited, removed, closing)
    return out


def helper_of(n: int) -> tuple[str | None, str | None]:
    """The 帮扶责任人 (name, unit) of the n-th household: three helpers, the same name in two units, and every
    fifth household without one."""
    if n % 5 == 4:
        return None, None
    return (
        ("帮扶人甲", "平度市农业局")
        if n % 3 == 0
        else ("帮扶人甲", "莱西市民政局")
        if n % 3 == 1
        else ("帮扶人乙", "平度市农业局")
    )


def active_at(hh: Household, month: dt.date) -> bool:
    status = hh.status_at(month)
    return status is not None and status != "removed"


def expected_coverage(month: dt.date, district: str, categories: set[str] | None) -> tuple[int, int]:
    """(active households, covered households) of a district; ``categories`` None = any measure."""
    active = covered = 0
    for hh in households():
        if DISTRICT_OF_VILLAGE[hh.village] != district or not active_at(hh, month):
            continue
        active += 1
        covered += any(
            start <= month and (categories is None or category in categories) for _, category, start in hh.measures
        )
    return active, covered


CAUSE_CATEGORIES = {
    "因病": {"health", "medical_assistance"},
    "因学": {"education"},
    "因残": {"disability"},
    "缺劳力": {"social_security"},
}


def expected_gaps(month: dt.date) -> dict[str, str]:
    """household_id → gap for active households without any measure or without one matching their cause."""
    gaps = {}
    for hh in households():
        if not active_at(hh, month):
            continue
        started = [category for _, category, start in hh.measures if start <= month]
        if not started:
            gaps[hh.household_id] = "无任何帮扶措施"
        elif hh.cause in CAUSE_CATEGORIES and not set(started) & CAUSE_CATEGORIES[hh.cause]:
            gaps[hh.household_id] = "致贫原因无对应措施"
    return gaps


def status_label(status: str | None) -> str:
    return {
        None: "未纳入",
        "identified": "贫困",
        "new": "贫困",
        "returned": "返贫",
        "exited": "已脱贫",
        "removed": "自然减少",
    }[status]


# --- the database ------------------------------------------------------------------------------------
def _id(n: int, born: dt.date = dt.date(1980, 1, 1)) -> str:
    """A valid identity number of a man born on ``born``, unique for n < 500."""
    first17 = f"370283{born:%Y%m%d}{(2 * n + 1) % 1000:03d}"
    return first17 + check_digit(first17)


def build(path: Path) -> Path:
    con = duckdb.connect(str(path))
    create_schema(con)
    insert_frame(
        con,
        "district",
        pd.DataFrame({"district_code": [PINGDU, LAIXI, JIAOZHOU], "name": ["平度市", "莱西市", "胶州市"]}),
    )
    insert_frame(
        con,
        "town",
        pd.DataFrame(
            [
                {
                    "town_code": c,
                    "district_code": d,
                    "name": n,
                    "is_weak_town": w,
                    "pairing_district_code": None,
                    "exit_month": m(e) if e else None,
                    "has_polygon": True,
                }
                for c, d, n, w, e in TOWNS
            ]
        ),
    )
    insert_frame(
        con,
        "village",
        pd.DataFrame(
            [
                {
                    "village_code": c,
                    "town_code": t,
                    "name": f"{c}村",
                    "is_village_committee": True,
                    "designation": d,
                    "exit_month": m(e) if e else None,
                    "lon": 120.0,
                    "lat": 36.5,
                    "point_generated": True,
                    "source_village_code": c,
                    "rural_population": RURAL_POPULATION[c],
                }
                for c, t, d, e in VILLAGES
            ]
        ),
    )
    rows, people, events = [], [], []
    for n, hh in enumerate(households()):
        first = hh.events[0][0]
        rows.append(
            {
                "household_id": hh.household_id,
                "village_code": hh.village,
                "head_name": "户主",
                "head_id_number": _id(n),
                "phone": None,
                "size": hh.members_at(AS_OF),
                "attribute": hh.attribute,
                "main_cause": hh.cause,
                "identification_standard": "市定标准",
                "identified_month": first,
                "planned_exit_year": 2016,
                "dilapidated_house": False,
                "helper_name": helper_of(n)[0],
                "helper_unit": helper_of(n)[1],
            }
        )
        for k, p in enumerate(hh.persons):
            people.append(
                {
                    "person_id": p.person_id,
                    "household_id": hh.household_id,
                    "name": f"成员{k}",
                    "id_number": _id(100 + n * 10 + k, p.born),
                    "sex": "男",
                    "birth_date": p.born,
                    "relation": "户主" if k == 0 else "子女",
                    "ethnicity": "汉族",
                    "health": "健康",
                    "labor_ability": "普通劳动力",
                    "education": "初中",
                    "school_status": "非在校生",
                    "disability": None,
                    "joined_month": p.joined,
                }
            )
        events += [(hh.household_id, None, when, kind) for when, kind in hh.events]
        events += [(hh.household_id, p.person_id, p.joined, "new") for p in hh.persons if p.joined]
        events += [(hh.household_id, p.person_id, p.left, "removed") for p in hh.persons if p.left]
    insert_frame(con, "household", pd.DataFrame(rows))
    insert_frame(con, "person", pd.DataFrame(people))
    reference = Path(__file__).resolve().parent.parent / "data" / "reference"
    insert_frame(con, "measure_type", pd.read_csv(reference / "plan_measures.csv", dtype=str))
    measures = [
        (hh.household_id, code, category, start) for hh in households() for code, category, start in hh.measures
    ]
    insert_frame(
        con,
        "measure",
        pd.DataFrame(
            {
                "measure_id": range(1, len(measures) + 1),
                "household_id": [x[0] for x in measures],
                "person_id": None,
                "category_code": [x[2] for x in measures],
                "measure_code": [x[1] for x in measures],
                "start_month": [x[3] for x in measures],
                "end_month": [x[3] for x in measures],
                "amount_yuan": 100.0,
                "funding_source": "测试",
            }
        ),
    )
    events.sort(key=lambda e: (e[0], e[2]))
    insert_frame(
        con,
        "status_event",
        pd.DataFrame(
            {
                "event_id": range(1, len(events) + 1),
                "household_id": [e[0] for e in events],
                "person_id": [e[1] for e in events],
                "event_month": [e[2] for e in events],
                "event_type": [e[3] for e in events],
            }
        ),
    )
    insert_frame(
        con,
        "dataset_meta",
        pd.DataFrame(
            {"key": ["source", "as_of_month", "baseline_month"], "value": ["synthetic", "2017-09", "2015-12"]}
        ),
    )
    targets = pd.read_csv(reference / "plan_targets.csv", dtype={"deadline": str})
    targets["deadline"] = pd.to_datetime(targets["deadline"]).dt.date
    insert_frame(con, "plan_target", targets)
    insert_frame(con, "target_registry", static_tables()["target_registry"])
    con.close()
    return path
