"""Plausible synthetic Chinese names, phone numbers and identity numbers, vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd

from roster.idcard import check_digits

# Common surnames of Shandong's Jiaodong area, roughly by frequency.
SURNAMES = list("王张李刘孙杨于赵徐高陈周宋姜马杜丁曲崔单韩郭林吕蓝纪薛范邢毛柳隋战修鲁迟")
_SURNAME_WEIGHTS = np.linspace(3.0, 0.4, len(SURNAMES))
MALE_CHARS = list("国建明德志文军华强伟平海东庆玉成林春福永俊峰磊涛斌刚勇兴洪振宝金山")
FEMALE_CHARS = list("秀英兰芳玉梅桂凤华珍丽娟霞红敏静燕萍琴云莲翠娥荣艳婷雪")

# Region prefixes of identity numbers issued by each district (births before the 2012/2017 renamings
# carry the old codes: 胶南市 370284, 即墨市 370282).
ID_PREFIXES = {
    "370283": ["370283"],
    "370285": ["370285"],
    "370281": ["370281"],
    "370215": ["370282"],
    "370211": ["370284", "370211"],
}


def _pick(pool: list[str], rng: np.random.Generator, n: int, p: np.ndarray | None = None) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.choice(len(pool), size=n, p=p)]


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    return _pick(SURNAMES, rng, n, _SURNAME_WEIGHTS / _SURNAME_WEIGHTS.sum())


def given_names(rng: np.random.Generator, is_male: np.ndarray) -> np.ndarray:
    """One- or two-character given names by sex."""
    n = len(is_male)
    first = np.where(is_male, _pick(MALE_CHARS, rng, n), _pick(FEMALE_CHARS, rng, n))
    second = np.where(is_male, _pick(MALE_CHARS, rng, n), _pick(FEMALE_CHARS, rng, n))
    two = rng.random(n) < 0.75
    return np.where(two, first + second, first)


def phones(rng: np.random.Generator, n: int) -> pd.Series:
    """Mobile numbers of the form 1[3589]xxxxxxxxx."""
    second = pd.Series(np.array(["13", "15", "18", "19"])[rng.integers(0, 4, n)], dtype="str")
    return second + pd.Series(rng.integers(0, 10**9, size=n)).astype("str").str.zfill(9)


def id_numbers(
    rng: np.random.Generator, district_codes: np.ndarray, birth_dates: np.ndarray, is_male: np.ndarray
) -> np.ndarray:
    """18-character identity numbers with a valid GB 11643 check digit; unique within the call."""
    n = len(district_codes)
    prefixes = np.empty(n, dtype=object)
    for code, options in ID_PREFIXES.items():
        mask = district_codes == code
        prefixes[mask] = np.asarray(options, dtype=object)[rng.integers(0, len(options), mask.sum())]
    dates = np.datetime_as_string(birth_dates.astype("datetime64[D]")).astype(object)
    stems = prefixes + np.char.replace(dates.astype(str), "-", "").astype(object)
    serial = _unique_serials(rng, stems, is_male)
    first17 = stems + np.char.zfill(serial.astype(str), 3).astype(object)
    digits = np.frombuffer("".join(first17).encode(), dtype=np.uint8).reshape(n, 17) - ord("0")
    checks = check_digits(digits).astype(np.uint8).view("S1").astype(str).astype(object)
    return np.asarray(first17 + checks)


def without_repeats(
    rng: np.random.Generator, ids: np.ndarray, district_codes: np.ndarray, birth_dates: np.ndarray, is_male: np.ndarray
) -> np.ndarray:
    """``ids`` with every number that repeats an earlier one drawn again (same district, birth date and sex) until
    all are distinct: numbers drawn in separate passes (baseline, 新识别, newborns) never collide by accident."""
    ids = np.asarray(ids, dtype=object).copy()
    while (repeated := pd.Series(ids).duplicated().to_numpy()).any():
        ids[repeated] = id_numbers(rng, district_codes[repeated], birth_dates[repeated], is_male[repeated])
    return ids


def _unique_serials(rng: np.random.Generator, stems: np.ndarray, is_male: np.ndarray) -> np.ndarray:
    """Three-digit serials (odd for men) drawn again until no (stem, serial) pair repeats."""
    serial = rng.integers(0, 500, len(stems)) * 2 + is_male.astype(np.int64)
    while True:
        keys = stems + serial.astype(str).astype(object)
        _, first_index = np.unique(keys, return_index=True)
        repeated = np.ones(len(keys), dtype=bool)
        repeated[first_index] = False
        if not repeated.any():
            return serial
        serial[repeated] = rng.integers(0, 500, repeated.sum()) * 2 + is_male[repeated].astype(np.int64)


def permanent_ids(prefix: str, positions: np.ndarray, width: int) -> pd.api.extensions.ExtensionArray:
    """Permanent identifiers from generation order, so a later snapshot keeps every earlier id."""
    return (prefix + pd.Series(np.asarray(positions) + 1).astype("str").str.zfill(width)).array
