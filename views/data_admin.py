"""数据管理: imported snapshots, the import template, and uploading a roster as a new snapshot."""

import datetime as dt

import streamlit as st

from roster.clue_import import template_bytes
from roster.fields import CLUE_KINDS_BY_SOURCE, TABLES
from roster.ingest import known_in, report_xlsx
from roster.snapshot import catalogue, store_dir
from roster.template import write_template_bytes
from storage.db import database_path
from storage.months import first_of_month, months_between
from ui.auth import audit, require
from ui.context import dataset_label
from ui.text import plain
from ui.uploads import check_or_import, check_or_import_clues, import_uploaded_boundaries

admin = require("import")
base = database_path()
st.title("数据管理")
st.caption(
    f"基础数据库：{plain(base.name)} · 快照目录：{plain(store_dir(base).name)}/ · 每次导入生成一个完整快照，"
    f"旧快照保持不变，可在侧栏“数据版本”切换。"
)

st.subheader("已导入的快照")
snapshots = catalogue(base)
if snapshots.empty:
    st.info("尚未导入名册。当前显示的是内置示例数据（合成）。")
else:
    st.dataframe(snapshots, hide_index=True, width="stretch")

st.subheader("导入名册")
st.markdown(
    "户表、人员表必需；帮扶措施表、村级指标表、收入表、状态变动表可选（未提供的沿用上一快照）。"
    "没有状态变动表时，按“贫困户状态”与上一快照比对生成脱贫、返贫、新识别、自然减少和成员增减。"
)
st.download_button(
    "下载导入模板（xlsx）", write_template_bytes(), file_name="名册导入模板.xlsx", key="template_download"
)
uploads = st.file_uploader(
    "选择 CSV（UTF-8 或 GBK）或 XLSX 文件", type=["csv", "xlsx"], accept_multiple_files=True, key="roster_upload"
)
months = [m.strftime("%Y-%m") for m in months_between(dt.date(2015, 12, 1), dt.date(2020, 12, 1))]
left, right = st.columns(2)
as_of = left.selectbox("名册截至月份", months, index=months.index("2017-09"), key="import_month")
right.markdown(f"导入人：**{plain(admin.name)}**（记入快照和审计日志）")
check, run = st.columns(2)
checking = check.button("只校验", disabled=not uploads, key="import_check", width="stretch")
importing = run.button("校验并导入", type="primary", disabled=not uploads, key="import_run", width="stretch")

if checking or importing:
    month = first_of_month(as_of)
    outcome = check_or_import(base, uploads, month, admin.name, importing, known_in(base, month))
    st.session_state.import_outcome = (as_of, importing, outcome)
    audit(
        "import",
        checked_only=not importing,
        files=[u.name for u in uploads],
        month=as_of,
        written=bool(outcome.snapshot),
        errors=outcome.validation.errors,
        failure=outcome.failure,
    )
    if outcome.snapshot:  # a new snapshot: show it everywhere, starting with the sidebar
        st.session_state.f_dataset = str(outcome.snapshot.path)
        st.session_state.pop("f_month", None)
        st.rerun()

if "import_outcome" in st.session_state:
    month_text, imported, outcome = st.session_state.import_outcome
    result, snapshot, failure = outcome.validation, outcome.snapshot, outcome.failure
    counts = st.columns(2 + len(outcome.rows))
    counts[0].metric("错误（阻止导入）", f"{result.errors:,}")
    counts[1].metric("警告（可导入）", f"{result.warnings:,}")
    for column, (table, rows) in zip(counts[2:], outcome.rows.items(), strict=True):
        column.metric(f"{TABLES[table][0]}行数", f"{rows:,}")
    if snapshot:
        st.success(
            f"已导入：{plain(dataset_label(str(snapshot.path)))}（{plain(snapshot.path.name)}）。侧栏“数据版本”已切换到此快照。"
        )
    elif failure:
        st.error(f"未导入：{plain(failure)}。数据库未作任何改动。")
    elif result.errors:
        st.error(f"有 {result.errors:,} 个错误，未导入。数据库未作任何改动。请按问题清单修改后重新上传。")
    elif not imported:
        st.success("校验通过，没有阻止导入的问题。")
    if result.problems:
        st.dataframe(result.report.head(1000), hide_index=True, width="stretch", height=320)
        st.download_button(
            "下载完整问题清单（xlsx）",
            report_xlsx(result),
            file_name=f"导入问题清单_{month_text}.xlsx",
            key="report_download",
        )

st.subheader("导入部门预警线索")
st.markdown(
    "医保、民政、教育、残联、应急、公安、人社等部门按月推送的线索（CSV 或 XLSX，每个部门一个模板）。按身份证号匹配到"
    "名册中的户，其次是边缘户名单中的户；两处都没有的号码作为名册外线索保存并列在问题清单中。导入后生成一个新快照（名册月份不变）。"
)
source_column, template_column = st.columns([2, 1])
source = source_column.selectbox("推送部门", list(CLUE_KINDS_BY_SOURCE), key="clue_source")
template_column.download_button(
    f"下载{source}线索模板",
    template_bytes(source),
    file_name=f"预警线索模板_{source}.xlsx",
    key="clue_template",
    width="stretch",
)
clue_files = st.file_uploader("选择线索文件", type=["csv", "xlsx"], accept_multiple_files=True, key="clue_upload")
check_clues, run_clues = st.columns(2)
clue_checking = check_clues.button("只校验线索", disabled=not clue_files, key="clue_check", width="stretch")
clue_importing = run_clues.button(
    "校验并导入线索", type="primary", disabled=not clue_files, key="clue_run", width="stretch"
)
if clue_checking or clue_importing:
    clue_result, clue_snapshot, clue_failure = check_or_import_clues(base, clue_files, admin.name, clue_importing)
    audit(
        "import",
        clues=True,
        checked_only=not clue_importing,
        files=[f.name for f in clue_files],
        written=bool(clue_snapshot),
        errors=clue_result.errors,
        failure=clue_failure or None,
    )
    if clue_snapshot:
        st.session_state.f_dataset = str(clue_snapshot.path)
        st.success(f"已导入 {len(clue_result.tables['warning_clue']):,} 条线索 → {plain(clue_snapshot.path.name)}。")
    elif clue_failure:
        st.error(f"未导入：{plain(clue_failure)}。数据库未作任何改动。")
    elif clue_result.errors:
        st.error(f"有 {clue_result.errors:,} 个错误，未导入。数据库未作任何改动。请按问题清单修改后重新上传。")
    else:
        st.success(f"校验通过：{len(clue_result.tables.get('warning_clue', [])):,} 条线索可导入。")
    if clue_result.problems:
        shown = clue_result.report.head(1000)
        st.dataframe(shown, hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 320))
        st.download_button(
            "下载线索问题清单（xlsx）", report_xlsx(clue_result), file_name="线索问题清单.xlsx", key="clue_report"
        )

st.subheader("导入真实边界")
st.markdown(
    "镇（街道）或村级边界：GeoJSON、Shapefile（zip 压缩包）或 GeoPackage，任意坐标系（自动换算为 WGS84），"
    "按区划代码匹配；匹配上的边界立即替换内置的近似镇界或生成的村点。"
)
level = st.radio(
    "层级",
    ["town", "village"],
    format_func={"town": "镇（街道）", "village": "村（社区）"}.get,
    horizontal=True,
    key="boundary_level",
)
boundary_file = st.file_uploader("选择边界文件", type=["geojson", "json", "zip", "gpkg"], key="boundary_upload")
code_field = st.text_input("区划代码列名（留空自动识别）", key="boundary_code_field", max_chars=40)
if st.button("导入边界", disabled=boundary_file is None, key="boundary_run") and boundary_file is not None:
    boundaries = import_uploaded_boundaries(base, level, boundary_file, code_field.strip() or None)
    audit(
        "import",
        boundary_file=boundary_file.name,
        level=level,
        matched=0 if isinstance(boundaries, str) else boundaries.matched,
    )
    if isinstance(boundaries, str):
        st.error(f"未导入：{plain(boundaries)}")
    else:
        counts = (
            boundaries.report["status"].value_counts().sort_index(key=lambda status: status != "已匹配", kind="stable")
        )
        (st.success if boundaries.written else st.warning)(
            "；".join(f"{status} {count:,} 个" for status, count in counts.items())
            + ("。地图已改用新边界。" if boundaries.written else "。没有可用的边界，未写入。")
        )
        st.dataframe(
            boundaries.report.rename(columns={"code": "区划代码", "name": "名称", "status": "结果"}),
            hide_index=True,
            width="stretch",
            height=280,
        )
