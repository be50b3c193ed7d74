"""图一 贫困人口分布图: where the poor live, by district, town and village."""

import streamlit as st

from analytics import fmt
from analytics.classify import METHODS, methods_for
from analytics.distribution import DIMENSIONS, METRICS, POPULATIONS, breakdown
from geo.maps import distribution_map
from ui import charts
from ui.cache import cached
from ui.choices import map_level, pick
from ui.maps import legend, show_map
from ui.page import start
from ui.village import household_section

con, info, scope = start("图一 贫困人口分布图", crumbs=True)

controls = st.columns([1, 2, 2, 1, 1])
level = map_level(controls[0], scope, "dist_level")
metric = pick(controls[1], "指标", METRICS, "dist_metric")
method = pick(controls[2], "分级方法", {m: METHODS[m] for m in methods_for(metric)}, "dist_method")
classes_wanted = controls[3].number_input("分级数", 3, 7, 5, key="dist_k")
villages = controls[4].toggle("显示村点", value=True, key="dist_villages")

spec, classes = cached(distribution_map, scope, level, metric, method, int(classes_wanted), villages, fmt.suppressing())
left, right = st.columns([3, 2])
with left:
    show_map(spec, "map_distribution")
    st.caption(
        "深蓝粗线：10 个经济薄弱镇；村点颜色：深红 省定贫困村、橙 市定经济薄弱村、灰 一般村，已摘帽的村颜色变淡；"
        "点大小按现存贫困人口。" + ("贫困发生率的分母（农村人口）为合成数据。" if info.is_synthetic else "")
    )
with right:
    legend(classes, METRICS[metric], charts.legend_formatter(metric))
    population = st.radio(
        "人群", list(POPULATIONS), format_func=POPULATIONS.get, horizontal=True, key="dist_population"
    )
    for dimension, title in DIMENSIONS.items():
        frame = cached(breakdown, scope, dimension, population)
        st.plotly_chart(
            charts.breakdown_bar(frame, title, "户" if dimension in ("main_cause", "attribute") else "人"),
            config={"displaylogo": False},
            key=f"breakdown_{dimension}",
        )

household_section(con, scope)
