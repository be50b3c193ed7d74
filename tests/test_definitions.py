"""docs/definitions.md, the one statement of the rules, says what the code does: its constants table and its
score formula are compared with the code's constants."""

from __future__ import annotations

import importlib
import re

from analytics import league
from tests.conftest import PROJECT_DIR

DOC = PROJECT_DIR / "docs" / "definitions.md"
ROW = re.compile(r"^\| [^|]+ \| ([^|]+) \| `([\w.]+)(?:\[(\w+)\])?` \|$", re.M)


def _code_value(path: str, key: str | None) -> object:
    module, name = path.rsplit(".", 1)
    value = getattr(importlib.import_module(module), name)
    return value[key] if key else value


def _as_written(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def test_the_constants_table_matches_the_code() -> None:
    rows = ROW.findall(DOC.read_text(encoding="utf-8"))
    assert len(rows) >= 20
    in_code = {(path, key): _as_written(_code_value(path, key or None)) for _, path, key in rows}
    assert [(path, key, written) for written, path, key in rows if written.strip() != in_code[path, key]] == []


def test_the_score_formula_is_written_as_computed() -> None:
    w = league.WEIGHTS
    formula = (
        f"综合得分 = {w['exit_rate']} × 户脱贫率 + {w['pace']} × min(进度/应有进度, {league.PACE_CAP:g}) / "
        f"{league.PACE_CAP:g} + {w['coverage']} × 措施覆盖率 + {w['returns']} × (1 − min(每千户返贫 / "
        f"{league.RETURNS_CAP:g}, 1))"
    )
    assert formula in DOC.read_text(encoding="utf-8")
    assert set(w) == {"exit_rate", "pace", "coverage", "returns"} and sum(w.values()) == 100
