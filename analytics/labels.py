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
    "person_id": "人编号", "household_id": "户编号", "name": "姓名", "id_number": "证件号码", "problem": "问题",
    "households": "户数", "head_name": "户主", "size": "家庭人口", "members": "在册成员", "exit_year": "脱贫年度",
    "per_capita_income_yuan": "人均纯收入（元）", "poverty_line": "扶贫标准（元）", "exit_month": "脱贫月份",
    "main_cause": "主要致贫原因", "village_code": "村代码", "town_name": "镇街", "village_name": "村", "designation": "类型",
    "collective_income_wan": "村集体收入（万元）", "projects_complete": "八项工程完成", "attribute": "属性", "gap": "缺口",
    "is_poor": "仍贫困", "helper_name": "帮扶责任人", "helper_unit": "帮扶单位",
    "previous": "上一快照", "current": "本快照", "opening": "上一快照期末", "new": "新识别", "returned": "返贫", "exited": "脱贫",
    "removed": "自然减少", "closing": "本快照期末", "difference": "差额",
    "change_month": "变更月份", "field": "变更项", "old_value": "原值", "new_value": "新值",
    "sex": "性别", "birth_date": "出生", "relation": "与户主关系", "health": "健康状况", "labor_ability": "劳动能力",
    "education": "文化程度", "school_status": "在校生状况", "disability": "残疾类别", "joined_month": "加入月份",
    "left_month": "减少月份", "event_month": "变动月份", "event_type": "变动类型", "start_month": "开始月份",
    "end_month": "结束月份", "category_zh": "措施类别", "measure_zh": "措施", "amount_yuan": "金额（元）",
    "funding_source": "资金来源",
}

SOURCE_LABELS = {"synthetic": "示例数据（合成），非真实名单", "imported": "建档立卡名册导入数据"}


def with_labels(columns: list[str]) -> dict[str, str]:
    """Rename mapping for ``columns`` that have a Chinese label."""
    return {c: COLUMN_LABELS[c] for c in columns if c in COLUMN_LABELS}
