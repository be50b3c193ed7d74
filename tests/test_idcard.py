"""GB 11643-1999 check digits."""

from __future__ import annotations

import numpy as np
import pytest

from roster.idcard import check_digit, check_digits, is_valid

# Examples printed in GB 11643-1999 (annex) and widely reproduced.
PUBLISHED = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_examples_are_valid(number: str) -> None:
    assert check_digit(number[:17]) == number[17]
    assert is_valid(number)


def test_a_changed_digit_is_detected() -> None:
    assert not is_valid("11010519491231003X")
    assert not is_valid("440524188001010015")
    assert not is_valid("4405241880010100")


def test_vectorised_check_matches_scalar() -> None:
    rng = np.random.default_rng(1)
    digits = rng.integers(0, 10, size=(500, 17))
    vectorised = check_digits(digits).tobytes().decode()
    assert vectorised == "".join(check_digit("".join(map(str, row))) for row in digits)


def test_non_digits_are_refused() -> None:
    with pytest.raises(ValueError, match="前17位"):
        check_digit("1101051949123100A")
