"""监测预警: households flagged by the department clues and the roster (tiers and reasons), the risk score's visit
list, the map, the monitoring cases with their figures and steps, and the backtest of the lists."""

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import fmt
from analytics.classify import METHODS, methods_for
from analytics.monitoring.figures import (
    case_figures,
    cases_by_urgency,
    in_area,
    measure_choices,
    monitored_by_type_and_state,
    opened_and_closed_by_month,
)
from analytics.monitoring.records import METHOD_LABELS
from analytics.monitoring.rules import flagged_by_area, rule_count
from analytics.monitoring.visits import visit_counts
from analytics.scope import area_names
from cases.workflow import OBJECT_TYPES, STATE_LABELS, Step
from geo.maps import map_level, warning_map
from ui import charts
from ui.auth import current_user
from ui.cache import cached
from ui.cases import case_frames
from ui.choices import pick
from ui.maps import legend, show_map
from ui.monitoring import VISITS_PER_TOWN, WATCHED_LABELS, backtest_records, take_step, visit_rows
from ui.page import start
from ui.reports import show_flash
from ui.tables import as_read, page_number, page_of

CASES_PER_PAGE = 20
VISITS_PER_PAGE = 50

con, info, scope = start("监测预警")
user = current_user()
frames = case_frames()
show_flash()
st.caption(
    f"办理日期：{fmt.day(frames.today)} · 预警：{rule_count(con)} 条规则，按截至月及此前 3 个月的医保、民政、教育、"
    "残联、应急、公安、人社线索和上年收入判定；风险评分：梯度提升模型对未来 3 个月返贫（脱贫户）"
    "或被识别为贫困户（边缘户）的估计，只用截至上月的信息训练。"
)

figures = case_figures(frames.cases, frames.measures, scope, frames.today)
tiers = cached(visit_counts, scope, VISITS_PER_TOWN, False)
cells = st.columns(7)
for cell, (label, value) in zip(
    cells,
    (
        ("红色预警户", fmt.count(tiers.red)),
        ("黄色预警户", fmt.count(tiers.yellow)),
        ("监测帮扶户", fmt.count(figures.monitored)),
        ("待审定案件", fmt.count(figures.open_cases)),
        ("逾期案件", fmt.count(figures.overdue)),
        ("有帮扶措施", fmt.percent(figures.measure_share)),
        ("线索到审定（中位）", fmt.days(figures.median_days_to_decision)),
    ),
    strict=True,
):
    cell.metric(label, value)

st.subheader("预警户分布")
if scope.level in ("city", "district"):
    level = map_level(scope.level, "town")
    controls = st.columns([2, 1])
    method = pick(controls[0], "分级方法", {m: METHODS[m] for m in methods_for("flagged")}, "warning_map_method")
    k = int(controls[1].number_input("分级数", 3, 5, 4, key="warning_map_k"))
    spec, classes = cached(warning_map, scope, level, method, k, fmt.suppressing())
    left, right = st.columns([3, 2])
    with left:
        show_map(spec, "map_warning")
    with right:
        legend(classes, "预警户（红、黄）", charts.legend_formatter("flagged"))
else:  # a town or a village: its villages as a table (one polygon tells nothing)
    villages = cached(flagged_by_area, scope, "village")
    names = area_names(con, "village", scope)
    st.table(
        as_read(
            pd.DataFrame(
                {
                    "村": villages["area_code"].map(names).fillna(villages["area_code"]),
                    "预警户": villages["flagged"],
                    "其中红色预警户": villages["red"],
                }
            ).sort_values(["其中红色预警户", "预警户"], ascending=False)
        )
    )

if user.can("households"):
    st.subheader("预警户与建议走访名单")
    only_top = st.toggle(
        f"每个镇街只看风险评分最高的 {VISITS_PER_TOWN} 户（建议走访，含未触发规则的户）",
        value=False,
        key="warning_top20",
    )
    listed = cached(visit_counts, scope, VISITS_PER_TOWN, only_top).listed
    page = page_number(listed, VISITS_PER_PAGE, "warning_page", f"{fmt.count(listed)} 户，每页 {VISITS_PER_PAGE} 户")
    rows = visit_rows(scope, frames.cases, only_top, page, VISITS_PER_PAGE)
    st.table(
        as_read(
            pd.DataFrame(
                {
                    "预警": rows["tier"],
                    "对象": rows["near_poor"].map(WATCHED_LABELS),
                    "镇街": rows["town_name"],
                    "村": rows["village_name"],
                    "户主": rows["head_name"],
                    "预警原因": rows["reasons"],
                    "风险评分": [fmt.percent(v) for v in rows["risk"]],
                    "评分依据": rows["score_reasons"].fillna("—"),
                    "案件": rows["case"],
                }
            )
        )
    )
    if user.can("monitor"):
        open_ones = rows[rows["case"].isin(["未立案", STATE_LABELS["eliminated"], STATE_LABELS["rejected"]])]
        labels = {
            hid: f"{t} · {WATCHED_LABELS[near_poor]} · {town} {village} · {head}"
            for hid, t, near_poor, town, village, head in open_ones[
                ["household_id", "tier", "near_poor", "town_name", "village_name", "head_name"]
            ].itertuples(index=False)
        }
        if labels:
            with st.form("open_case", clear_on_submit=True):
                chosen = str(
                    st.selectbox(
                        "立案核实的预警户（本页所列，其他户翻页后选择）",
                        list(labels),
                        format_func=lambda h: labels[h],
                        key="open_household",
                    )
                )
                if st.form_submit_button("立案核实"):
                    row = rows.set_index("household_id").loc[chosen]
                    case_id = take_step(
                        con, scope, user, Step("open"), chosen, str(row["town_code"]), str(row["reasons"])
                    )
                    if case_id is not None:
                        st.session_state.case_choice = case_id  # the new case is the one to work next
                        st.rerun()

st.subheader("监测案件")
own = in_area(frames.cases, scope)
if own.empty:
    st.caption("本区域还没有监测案件。")
else:
    worklist = cases_by_urgency(frames.cases, scope, frames.today)
    rows = page_of(worklist, CASES_PER_PAGE, "case_page", "逾期在前")
    st.table(
        as_read(
            pd.DataFrame(
                {
                    "案件": rows["case_id"].map(lambda v: f"第{v}号"),
                    "状态": [
                        "逾期" if d > 0 else STATE_LABELS[s]
                        for d, s in zip(rows["days_overdue"], rows["state"], strict=True)
                    ],
                    "逾期天数": [fmt.days(d) if d > 0 else "—" for d in rows["days_overdue"]],
                    "立案日期": [fmt.day(pd.Timestamp(v).date()) for v in rows["opened"]],
                    "审定期限": [fmt.day(pd.Timestamp(v).date()) for v in rows["deadline"]],
                    "监测对象类型": rows["object_type"].fillna("—"),
                    "立案原因": rows["reason"],
                }
            )
        )
    )
    st.caption("“逾期”：立案后 15 天仍未审定（橙色预警）。")
    left, right = st.columns([2, 3])
    with left:
        by_type = monitored_by_type_and_state(frames.cases, scope).rename(columns=STATE_LABELS)
        st.table(as_read(by_type.rename_axis("监测对象类型").reset_index()))
    with right:
        monthly = opened_and_closed_by_month(frames.cases, scope).melt("month", var_name="flow", value_name="cases")
        monthly["flow"] = monthly["flow"].map({"opened": "立案", "closed": "办结（风险消除或不纳入）"})
        st.plotly_chart(charts.trend_lines(monthly, "month", "cases", "flow", "案件数"), config={"displaylogo": False})

if user.can("monitor") or user.can("monitor_review"):
    workable = own[~own["state"].isin(["eliminated", "rejected"])] if not own.empty else own
    if not workable.empty:
        st.subheader("办理案件")
        case_id = st.selectbox(
            "案件",
            workable["case_id"].tolist(),
            format_func=lambda c: f"第{c}号 · {STATE_LABELS[workable.set_index('case_id').loc[c, 'state']]}",
            key="case_choice",
        )
        case = workable.set_index("case_id").loc[case_id]
        state = str(case["state"])
        with st.form("case_step", clear_on_submit=True):
            step: Step | None = None
            if state == "verifying":
                finding = st.text_area("核实结论", key="case_finding")
                risky = st.radio(
                    "核实结果", ["存在返贫致贫风险，进入评议公示", "经核实无风险，不纳入"], key="case_risky"
                )
                if st.form_submit_button("提交核实结论"):
                    step = Step("verify", finding=finding, eligible=risky.startswith("存在"))
            elif state == "publicising":
                start_day = st.date_input("公示开始", value=frames.today - dt.timedelta(days=6), key="case_from")
                end_day = st.date_input("公示结束", value=frames.today - dt.timedelta(days=1), key="case_to")
                if st.form_submit_button("提交公示结果"):
                    step = Step("publicise", start=start_day, end=end_day)
            elif state == "town_review":
                agree = st.radio("镇审核意见", ["同意，报区市审定", "不同意纳入"], key="case_town")
                if st.form_submit_button("提交镇审核意见"):
                    step = Step("town_review", eligible=agree.startswith("同意"))
            elif state == "deciding":
                include = st.radio("区市审定", ["纳入监测", "不纳入"], key="case_decide")
                kind = st.selectbox("监测对象类型", OBJECT_TYPES, key="case_type")
                if st.form_submit_button("提交审定"):
                    step = Step("decide", eligible=include == "纳入监测", object_type=kind)
            else:
                choices = measure_choices(con)
                measures = st.multiselect(
                    "帮扶措施（落实后提交）", list(choices), format_func=lambda code: choices[code], key="case_measures"
                )
                secured = st.checkbox(
                    "义务教育、基本医疗、住房安全和饮水安全均有保障（风险消除时确认）", key="case_secured"
                )
                assign, eliminate = st.columns(2)
                if assign.form_submit_button("落实帮扶措施"):
                    step = Step("assign", measures=tuple(measures))
                if eliminate.form_submit_button("标注风险消除"):
                    step = Step("eliminate", secured=secured)
            if step is not None and take_step(
                con, scope, user, step, str(case["household_id"]), str(case["town_code"])
            ):
                st.rerun()

st.subheader("回测：名单能否提前发现返贫")
records, made = backtest_records()
if not records:
    st.caption(
        "尚未运行回测（命令：python -m analytics.monitoring backtest --db 数据库 --json 数据库名.backtest.json）。"
    )
else:
    table = pd.DataFrame(records)
    st.table(
        as_read(
            pd.DataFrame(
                {
                    "方法": table["method"].map(METHOD_LABELS),
                    "期限": table["horizon_months"].map(lambda h: f"{h}个月"),
                    "召回率（每镇前N户）": [fmt.percent(v) for v in table["recall"]],
                    "其中返贫": [fmt.percent(v) for v in table["return_recall"]],
                    "其中新识别": [fmt.percent(v) for v in table["new_recall"]],
                    "精确率": [fmt.percent(v) for v in table["precision"]],
                    "AUC": [fmt.fixed(v, 3) for v in table["auc"]],
                    "提前期（月）": [fmt.fixed(v) for v in table["lead_months"]],
                    "回测时点数": table["origins"],
                    "事件数（返贫/新识别）": [
                        f"{fmt.count(r)}/{fmt.count(n)}"
                        for r, n in zip(table["return_events"], table["new_events"], strict=True)
                    ],
                }
            )
        )
    )
    st.caption(
        f"每镇每月前 {int(table['top_n'].iloc[0])} 户；全市滚动回测，生成于 {fmt.day(made.date() if made else None)}。"
    )
