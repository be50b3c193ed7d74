"""Chinese labels for the columns and codes that analytics returns (one vocabulary for every page)."""

from __future__ import annotations

COLUMN_LABELS: dict[str, str] = {
    "district_code": "区市代码",
    "district_name": "区市",
    "baseline_households": "基期建档立卡户",
    "baseline_persons": "基期建档立卡人口",
    "poor_households": "现存贫困户",
    "poor_persons": "现存贫困人口",
    "provincial_villages": "省定贫困村",
    "municipal_villages": "市定经济薄弱村",
    "villages_exited": "已摘帽村",
    "weak_towns": "经济薄弱镇",
}

SOURCE_LABELS = {"synthetic": "示例数据（合成），非真实名单", "imported": "建档立卡名册导入数据"}


def with_labels(columns: list[str]) -> dict[str, str]:
    """Rename mapping for ``columns`` that have a Chinese label."""
    return {c: COLUMN_LABELS[c] for c in columns if c in COLUMN_LABELS}
