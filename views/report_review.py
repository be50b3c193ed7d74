"""指标审核 (reviewers): the reporting units waiting for this reviewer — 审核 by a district, 审定 by the city — with
their values beside the previous period's and the target; approve or return with a reason."""

from typing import Any

import streamlit as st

from reporting.periods import Period
from reporting.registry import CITY_CODE
from reporting.service import act, field_values, unit_of
from reporting.workflow import STATE_LABELS
from ui.auth import require
from ui.page import start
from ui.reports import (
    audit_step,
    catalogue,
    entry_frame,
    flash,
    history_table,
    report_store,
    show_flash,
    show_outcome,
    stored_notes,
)

user = require("review")
start("指标审核")
show_flash()
cat, store, actor = catalogue(), report_store(), user.actor()
city = actor.area_code == CITY_CODE
states = store.states()
waiting_state = states["state"].eq("reviewed") | (states["state"].eq("submitted") & states["area_code"].eq(CITY_CODE))
mine = (
    states[waiting_state] if city else states[states["state"].eq("submitted") & states["area_code"].eq(actor.area_code)]
)
st.caption(
    (
        "市级审定：区市已审核的数据和全市数据。"
        if city
        else f"{cat.area_name(actor.area_code)}审核：本区市已提交的数据。"
    )
    + f"待办 {len(mine)} 件。"
)
if mine.empty:
    st.success("没有待审的数据。")
    st.stop()
mine = mine.sort_values(["period", "dataset_id", "area_code"])
choices = list(mine.itertuples(index=False))


def label(row: Any) -> str:
    dataset = cat.datasets[row.dataset_id]
    period = Period(row.period.date(), dataset.period)
    return f"{dataset.name} · {cat.area_name(row.area_code)} · {period.label}（{STATE_LABELS[row.state]}）"


chosen = st.selectbox("待审数据", choices, format_func=label, key="review_unit")
dataset = cat.datasets[chosen.dataset_id]
unit = unit_of(cat, dataset.id, chosen.area_code, Period(chosen.period.date(), dataset.period))
values = store.values()
history, current = field_values(values, unit)
st.dataframe(
    entry_frame(unit, history, current, stored_notes(values, unit)), hide_index=True, width="stretch", placeholder="—"
)
action = "approve" if city else "review"
comment = st.text_area("审核意见（退回时必填）", key=f"review_comment_{unit.key}")
approve_column, return_column, _ = st.columns([1, 1, 4])
for column, step, text in (
    (approve_column, action, "审定通过" if city else "审核通过"),
    (return_column, "return", "退回修改"),
):
    if column.button(text, type="primary" if step != "return" else "secondary", key=f"review_{step}"):
        outcome = act(store, unit, actor, step, comment)
        audit_step(unit, step, outcome)
        if show_outcome(outcome, text):
            flash("success", f"{dataset.name} · {cat.area_name(unit.area_code)} · {unit.period.label}：已{text}。")
            st.rerun()
st.subheader("办理记录")
st.dataframe(history_table(store.steps(unit.key), cat), hide_index=True, width="stretch")
