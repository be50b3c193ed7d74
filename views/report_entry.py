"""指标填报 (reporters): a unit's data set for its area and a period — the form with the previous value and the
target beside each field, the Excel template and its upload, save and submit, and the unit's history."""

import streamlit as st

from analytics import fmt
from reporting.periods import Period, ended_periods
from reporting.service import Outcome, act, field_values, save, unit_comment, unit_of, unit_state
from reporting.template import read_template, template_bytes
from reporting.validate import COMMENT_COLUMN, VALUE_COLUMN
from reporting.workflow import EDITABLE, STATE_LABELS
from ui.auth import require
from ui.page import start
from ui.reports import (
    ENTRY_HEADERS,
    audit_step,
    catalogue,
    entries_from,
    entry_frame,
    flash,
    history_table,
    report_store,
    show_flash,
    show_outcome,
    stored_notes,
)

user = require("report")
start("指标填报")
show_flash()
cat, store, actor = catalogue(), report_store(), user.actor()
today = store.today()
datasets = [d for d in cat.datasets.values() if d.owner_code == user.unit and actor.area_code in cat.areas_of(d)]
if not datasets:
    st.info(f"“{cat.owners.get(user.unit, user.unit)}”在{cat.area_name(actor.area_code)}没有需要填报的数据集。")
    st.stop()
st.caption(
    f"填报单位：{cat.owners[user.unit]} · 区域：{cat.area_name(actor.area_code)} · 报送日期：{fmt.day(today)}"
    + ("（示例数据的报送日期）" if store.meta().get("source") == "synthetic" else "")
)
left, right = st.columns(2)
dataset = left.selectbox("数据集", datasets, format_func=lambda d: d.name, key="entry_dataset")
states = store.states()
periods = ended_periods(dataset.period, today)[::-1]
if not periods:
    st.info("还没有已结束的报送期。")
    st.stop()


def period_label(period: Period) -> str:
    state = unit_state(states, unit_of(cat, dataset.id, actor.area_code, period).key)
    return f"{period.label}（{STATE_LABELS[state]}，{period.due.month}月{period.due.day}日截止）"


period = right.selectbox("报送期", periods, format_func=period_label, key="entry_period")
unit = unit_of(cat, dataset.id, actor.area_code, period)
state = unit_state(states, unit.key)
values = store.values()
history, current = field_values(values, unit)
if state == "returned":
    st.warning(f"本期数据已被退回：{unit_comment(states, unit.key)}。请修改后重新提交。")
elif state not in EDITABLE:
    st.info(f"本期数据{STATE_LABELS[state]}，不能再修改。")

frame = entry_frame(unit, history, current, stored_notes(values, unit))
editable = state in EDITABLE
edited = st.data_editor(
    frame,
    disabled=[c for c in ENTRY_HEADERS if c not in (VALUE_COLUMN, COMMENT_COLUMN)] if editable else True,
    column_config={VALUE_COLUMN: st.column_config.NumberColumn(VALUE_COLUMN, min_value=0.0, format="localized")},
    hide_index=True,
    width="stretch",
    placeholder="未填",
    key=f"entry_{dataset.id}_{unit.area_code}_{period.start}",
)
save_column, submit_column, _ = st.columns([1, 1, 4])
if save_column.button("保存", disabled=not editable, key="entry_save"):
    outcome = save(store, unit, actor, entries_from(unit, edited))
    audit_step(unit, "save", outcome)
    if show_outcome(outcome, "已保存") and not outcome.problems:
        flash("success", f"已保存 {outcome.saved} 项（{period.label}）。")
        st.rerun()
if submit_column.button("保存并提交", type="primary", disabled=not editable, key="entry_submit"):
    outcome = save(store, unit, actor, entries_from(unit, edited))
    audit_step(unit, "save", outcome)
    if show_outcome(outcome, "已保存"):
        submitted = act(store, unit, actor, "submit")
        audit_step(unit, "submit", submitted)
        if show_outcome(submitted, "已提交"):
            flash(
                "success",
                f"{period.label}的数据已提交，等待{'市级审定' if unit.area_code == '370200' else '区市审核'}。",
            )
            st.rerun()

with st.expander("用 Excel 模板填报"):
    st.download_button(
        "下载本期填报模板（.xlsx）",
        template_bytes(cat, unit, {k: v[-1] for k, v in history.items() if v}, current),
        file_name=f"{dataset.name}_{cat.area_name(unit.area_code)}_{period.label}.xlsx",
        key="entry_template",
    )
    upload = st.file_uploader("上传填好的模板", type=["xlsx"], key=f"entry_upload_{period.start}")
    if upload is not None and st.button("读取并保存上传的数据", disabled=not editable, key="entry_upload_save"):
        entries, problems = read_template(upload.getvalue(), upload.name, cat, unit)
        outcome = Outcome(problems=problems) if problems else save(store, unit, actor, entries)
        audit_step(unit, "save", outcome)
        if show_outcome(outcome, "已保存上传的数据") and not outcome.problems:
            flash("success", f"已从 {upload.name} 保存 {outcome.saved} 项。")
            st.rerun()

st.subheader("本期办理记录")
steps = store.steps(unit.key)
if steps.empty:
    st.caption("本期还没有办理记录。")
else:
    st.dataframe(history_table(steps, cat), hide_index=True, width="stretch")
