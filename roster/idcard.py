"""GB 11643-1999 citizen identity numbers: the ISO 7064 MOD 11-2 check digit."""

from __future__ import annotations

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_WEIGHTS = tuple(int(w) for w in WEIGHTS)
CHECK_CHARS = "10X98765432"


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("身份证号前17位必须是数字")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=False))
    return CHECK_CHARS[total % 11]


def is_valid(id_number: str) -> bool:
    """True when ``id_number`` has 18 characters and a correct check digit."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return False
    return check_digit(id_number[:17]) == id_number[17].upper()


def check_digits(digits: np.ndarray) -> np.ndarray:
    """Check characters (as ASCII codes) for an (n, 17) array of digit values."""
    codes = np.frombuffer(CHECK_CHARS.encode(), dtype=np.uint8)
    checks: np.ndarray = codes[(digits.astype(np.int64) @ WEIGHTS) % 11]
    return checks
