"""数据概况: what the loaded roster holds, by district."""

import streamlit as st

from analytics.labels import with_labels
from analytics.summary import CITY_CODE, district_summary
from ui.context import open_dataset, show_dataset_notice

con, info = open_dataset()
st.title("数据概况")
show_dataset_notice(info)

table = district_summary(con, info)
city = table.set_index("district_code").loc[CITY_CODE]
cols = st.columns(5)
cols[0].metric("基期建档立卡户", f"{city.baseline_households:,}")
cols[1].metric("基期建档立卡人口", f"{city.baseline_persons:,}")
cols[2].metric(f"现存贫困户（{info.as_of_label}）", f"{city.poor_households:,}")
cols[3].metric("省定贫困村 / 市定经济薄弱村", f"{city.provincial_villages} / {city.municipal_villages}")
cols[4].metric("经济薄弱镇", f"{city.weak_towns}")

st.subheader(f"分区市统计（范围：全市；截至 {info.as_of_label}）")
st.table(table.rename(columns=with_labels(list(table.columns))).set_index("区市"))
st.caption("基期为 2015 年 12 月末在册的建档立卡贫困户；现存贫困户按截至月末最后一次状态事件计算（见 docs/schema.md）。")
