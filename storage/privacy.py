"""Masking of personal data: names, ID numbers, phone numbers and birth dates are masked wherever they are shown."""

from __future__ import annotations

import pandas as pd

from storage.cells import FORMULA_START
from storage.values import missing

PERSONAL_COLUMNS = {
    "name": "name",
    "head_name": "name",
    "helper_name": "name",
    "id_number": "id",
    "head_id_number": "id",
    "phone": "phone",
    "birth_date": "birth",
}


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明."""
    if not name:
        return name
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(number: str | None) -> str | None:
    """370283195001294011 → 370283********4011 (region kept, birth date hidden)."""
    if not number:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_phone(number: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not number:
        return number
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "*" * len(number)


def mask_birth(value: object) -> str | None:
    """An exact birth date → its year only (1950-01-29 → 1950年)."""
    return None if missing(value) else f"{str(value)[:4]}年"


def _inert(masked_value: str | None) -> str | None:
    """A masked value never starts with a character a spreadsheet reads as a formula (``=****0``)."""
    return "*" + masked_value[1:] if masked_value and masked_value.startswith(FORMULA_START) else masked_value


_MASKS = {"name": mask_name, "id": mask_id, "phone": mask_phone, "birth": mask_birth}


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every personal column masked."""
    out = frame.copy()
    for column, kind in PERSONAL_COLUMNS.items():
        if column in out.columns:
            mask, any_type = _MASKS[kind], kind == "birth"
            out[column] = (
                out[column]
                .map(lambda v, f=mask, a=any_type: _inert(f(v)) if a or isinstance(v, str) else v)
                .astype(object)
            )
    return out
