"""Baseline households and their members (as registered by 2015-12), vectorised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roster import months
from roster.synth import config, names
from roster.synth.sampling import apportion, choose

BASE_DATE = np.datetime64("2015-12-31")


def place_households(villages: pd.DataFrame, n: int, rng: np.random.Generator) -> np.ndarray:
    """Village codes of ``n`` households, all in village committees (村民委员会): district shares exact,
    designated villages weighted."""
    codes = list(config.HOUSEHOLD_SHARE_BY_DISTRICT)
    per_district = apportion(n, [config.HOUSEHOLD_SHARE_BY_DISTRICT[c] for c in codes])
    placed = []
    for code, count in zip(codes, per_district, strict=True):
        local = villages[(villages["district_code"] == code) & villages["is_village_committee"]]
        weight = local["designation"].map(config.VILLAGE_WEIGHT).fillna(1.0) * np.where(
            local["in_weak_town"], config.WEAK_TOWN_WEIGHT, 1.0
        )
        designated = local["designation"].notna().to_numpy()
        guaranteed = designated if designated.sum() <= count else np.zeros(len(local), dtype=bool)
        counts = guaranteed.astype(np.int64) + rng.multinomial(count - guaranteed.sum(), weight / weight.sum())
        placed.append(np.repeat(local["village_code"].to_numpy(), counts))
    return np.concatenate(placed)


def household_sizes(n: int, persons: int, rng: np.random.Generator) -> np.ndarray:
    """Sizes drawn from the chosen shares, then nudged one by one to reach exactly ``persons``."""
    sizes = choose(rng, config.SIZE_SHARES, n).astype(np.int64)
    while (gap := persons - sizes.sum()) != 0:
        eligible = np.flatnonzero(sizes < 8) if gap > 0 else np.flatnonzero(sizes > 1)
        chosen = rng.choice(eligible, size=min(abs(gap), len(eligible)), replace=False)
        sizes[chosen] += np.sign(gap)
    return sizes


def _ages_and_relations(sizes: np.ndarray, elderly: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Per-member household index, position, age at 2015-12, relation and sex."""
    hh = np.repeat(np.arange(len(sizes)), sizes)
    pos = np.arange(len(hh)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    old = elderly[hh]
    p = len(hh)
    head_age = np.where(elderly, rng.integers(60, 94, len(sizes)), rng.integers(30, 63, len(sizes)))[hh]
    draw = rng.random(p)
    age = np.zeros(p, dtype=np.int64)
    relation = np.full(p, "子女", dtype=object)
    # Head.
    age[pos == 0] = head_age[pos == 0]
    relation[pos == 0] = "户主"
    # Second member: spouse; in elderly households sometimes a disabled adult child, in families a parent.
    second = pos == 1
    spouse = second & np.where(old, draw < 0.8, draw < 0.9)
    age[spouse] = np.clip(head_age[spouse] + rng.integers(-5, 4, spouse.sum()), 20, 95)
    relation[spouse] = "配偶"
    old_child = second & old & ~spouse
    age[old_child] = rng.integers(28, 56, old_child.sum())
    parent = second & ~old & ~spouse
    age[parent] = np.clip(head_age[parent] + rng.integers(22, 33, parent.sum()), 50, 97)
    relation[parent] = "父母"
    # Further members: children, and in large families sometimes a parent of the head.
    rest = pos >= 2
    max_child_age = np.clip(head_age - 20, 0, 28)
    age[rest] = (rng.random(rest.sum()) * (max_child_age[rest] + 1)).astype(np.int64)
    grandparent = rest & (pos >= 4) & (draw < 0.5) & ~old
    age[grandparent] = np.clip(head_age[grandparent] + rng.integers(22, 33, grandparent.sum()), 50, 97)
    relation[grandparent] = "父母"
    relation[rest & (head_age >= 60) & (age < 18)] = "孙子女"
    head_male = (rng.random(len(sizes)) < np.where(elderly, 0.5, 0.75))[hh]
    is_male = np.where(pos == 0, head_male, np.where(relation == "配偶", ~head_male, rng.random(p) < 0.52))
    return hh, pos, age, relation, is_male


def _school_status(age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    draw = rng.random(len(age))
    status = np.full(len(age), "非在校生", dtype=object)
    status[(age >= 3) & (age <= 5)] = "学前教育"
    status[(age >= 6) & (age <= 11)] = "小学"
    status[(age >= 12) & (age <= 14)] = "初中"
    teen = (age >= 15) & (age <= 17)
    status[teen & (draw < 0.6)] = "普通高中"
    status[teen & (draw >= 0.6) & (draw < 0.9)] = "中职"
    status[(age >= 18) & (age <= 22) & (draw < 0.35)] = "高校"
    return status


def _education(age: np.ndarray, school: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(age)
    elderly = choose(rng, {"文盲或半文盲": 0.5, "小学": 0.4, "初中": 0.1}, n)
    adult = choose(rng, {"小学": 0.3, "初中": 0.5, "高中": 0.15, "大专": 0.04, "本科及以上": 0.01}, n)
    education = np.where(age >= 60, elderly, adult)
    education[age < 6] = "学龄前儿童"
    education[(age >= 6) & (age <= 12)] = "小学"
    education[(age >= 13) & (age <= 17)] = "初中"
    education[school == "高校"] = "高中"
    return education


def _health(age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    labels = np.array(["健康", "长期慢性病", "患有大病", "残疾"], dtype=object)
    band = np.where(age < 16, 0, np.where(age < 60, 1, 2))
    table = np.array([config.HEALTH_SHARES_BY_AGE[k] for k in ("child", "adult", "elderly")])
    cumulative = np.cumsum(table, axis=1)[band]
    return np.asarray(labels[(rng.random(len(age))[:, None] > cumulative).sum(axis=1).clip(0, 3)])


def _labor_ability(age: np.ndarray, health: np.ndarray, school: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    draw = rng.random(len(age))
    ability = np.where(draw < 0.8, "普通劳动力", "技能劳动力").astype(object)
    ability[health == "长期慢性病"] = np.where(draw[health == "长期慢性病"] < 0.6, "弱劳动力或半劳动力", "普通劳动力")
    ability[health == "患有大病"] = np.where(draw[health == "患有大病"] < 0.7, "丧失劳动力", "弱劳动力或半劳动力")
    ability[health == "残疾"] = np.where(draw[health == "残疾"] < 0.5, "丧失劳动力", "弱劳动力或半劳动力")
    ability[(age < 16) | (age >= 65) | (school != "非在校生")] = "无劳动力"
    return ability


def _assign_attributes(sizes: np.ndarray, elderly: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(sizes)
    attribute = np.full(n, "一般贫困户", dtype=object)
    singles = np.flatnonzero((sizes == 1) & elderly)
    tekun = rng.choice(
        singles, size=min(len(singles), round(n * config.ATTRIBUTE_SHARES["特困供养贫困户"])), replace=False
    )
    attribute[tekun] = "特困供养贫困户"
    others = np.flatnonzero(attribute == "一般贫困户")
    dibao = rng.choice(others, size=round(n * config.ATTRIBUTE_SHARES["低保贫困户"]), replace=False)
    attribute[dibao] = "低保贫困户"
    return attribute


def _assign_causes(n: int, has_student: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """因学 only where a member is at upper school; the other causes by their shares."""
    shares = dict(config.MAIN_CAUSE_SHARES)
    study_share = shares.pop("因学")
    cause = choose(rng, shares, n)
    candidates = np.flatnonzero(has_student)
    studying = rng.choice(candidates, size=min(len(candidates), round(n * study_share)), replace=False)
    cause[studying] = "因学"
    return cause


def _match_head_health(
    health: np.ndarray, cause: np.ndarray, hh: np.ndarray, pos: np.ndarray, rng: np.random.Generator
) -> None:
    """Give the head of a 因病 / 因残 household the illness or disability behind it."""
    head = pos == 0
    ill = head & (cause[hh] == "因病") & ~np.isin(health, ["患有大病", "长期慢性病"])
    health[ill] = np.where(rng.random(ill.sum()) < 0.4, "患有大病", "长期慢性病")
    disabled = head & (cause[hh] == "因残")
    health[disabled] = "残疾"


def birth_dates_for_ages(age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Birth dates of people ``age`` completed years old on 2015-12-31."""
    days = (age * 365.25 + rng.integers(0, 365, len(age))).astype("timedelta64[D]")
    return BASE_DATE - days


def households_with_members(
    villages: pd.DataFrame, sizes: np.ndarray, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households of the given sizes placed in villages, and their members as of 2015-12."""
    n = len(sizes)
    one_or_two = np.where(sizes == 1, config.ELDERLY_HOUSEHOLD_SHARE[1], config.ELDERLY_HOUSEHOLD_SHARE[2])
    elderly = (sizes <= 2) & (rng.random(n) < one_or_two)
    households = pd.DataFrame({"village_code": place_households(villages, n, rng), "size": sizes})
    households = households.merge(
        villages[["village_code", "town_code", "district_code"]], on="village_code", how="left"
    )
    households["elderly"] = elderly
    households["attribute"] = _assign_attributes(sizes, elderly, rng)
    hh, pos, age, relation, is_male = _ages_and_relations(sizes, elderly, rng)
    school = _school_status(age, rng)
    has_student = np.bincount(hh, weights=np.isin(school, ["普通高中", "中职", "高校"]), minlength=n) > 0
    households["main_cause"] = _assign_causes(n, has_student, rng)
    health = _health(age, rng)
    _match_head_health(health, households["main_cause"].to_numpy(), hh, pos, rng)
    households["head_age"] = age[pos == 0]
    members = Members(hh, pos, age, relation, is_male, school, health, birth_dates_for_ages(age, rng))
    return households, build_members(households, members, rng)


def baseline(villages: pd.DataFrame, scale: float, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households and members registered by 2015-12: exactly the plan's totals at ``scale``."""
    n = round(config.BASE_HOUSEHOLDS * scale)
    sizes = household_sizes(n, round(config.BASE_PERSONS * scale), rng)
    households, persons = households_with_members(villages, sizes, rng)
    in_2014 = rng.random(n) < 0.8  # the national registration drive of 2014; the rest added during 2015
    households["identified_m"] = np.where(
        in_2014, months.index(2014, 10), rng.integers(months.index(2015, 1), months.BASELINE + 1, n)
    )
    return households, persons


@dataclass
class Members:
    """Member attributes as parallel arrays; ``hh`` indexes the households frame."""

    hh: np.ndarray
    pos: np.ndarray
    age: np.ndarray
    relation: np.ndarray
    is_male: np.ndarray
    school: np.ndarray
    health: np.ndarray
    birth_date: np.ndarray


def build_members(households: pd.DataFrame, m: Members, rng: np.random.Generator) -> pd.DataFrame:
    """Person rows (names, identity numbers and derived attributes) for the members ``m``."""
    n = len(m.hh)
    family_name = names.surnames(rng, len(households))[m.hh]
    surname = np.where(m.relation == "配偶", names.surnames(rng, n), family_name)
    disability = np.where(m.health == "残疾", choose(rng, config.DISABILITY_SHARES, n), np.array(None))
    return pd.DataFrame(
        {
            "hh": m.hh,
            "pos": m.pos,
            "age": m.age,
            "name": surname + names.given_names(rng, m.is_male),
            "id_number": names.id_numbers(rng, households["district_code"].to_numpy()[m.hh], m.birth_date, m.is_male),
            "sex": np.where(m.is_male, "男", "女"),
            "birth_date": m.birth_date,
            "relation": m.relation,
            "ethnicity": choose(rng, {"汉族": 0.995, "回族": 0.002, "满族": 0.002, "朝鲜族": 0.001}, n),
            "health": m.health,
            "labor_ability": _labor_ability(m.age, m.health, m.school, rng),
            "education": _education(m.age, m.school, rng),
            "school_status": m.school,
            "disability": disability,
        }
    )


def newborns(households: pd.DataFrame, births: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Children born into registered households; ``births`` has ``hh`` and ``month`` (the joined month)."""
    hh = births["hh"].to_numpy()
    n = len(hh)
    month_start = np.array([np.datetime64(months.to_date(int(m))) for m in births["month"]], dtype="datetime64[D]")
    is_elderly_head = households["head_age"].to_numpy()[hh] >= 60
    members = Members(
        hh=hh,
        pos=households["size"].to_numpy()[hh],
        age=np.zeros(n, dtype=np.int64),
        relation=np.where(is_elderly_head, "孙子女", "子女").astype(object),
        is_male=rng.random(n) < 0.52,
        school=np.full(n, "非在校生", dtype=object),
        health=np.full(n, "健康", dtype=object),
        birth_date=month_start + rng.integers(0, 28, n).astype("timedelta64[D]"),
    )
    born = build_members(households, members, rng)
    born["joined_m"] = births["month"].to_numpy()
    return born
