"""精准扶贫“三张图”调度平台: entry point — page setup, navigation, global filters."""

import streamlit as st

from ui.context import database_key, open_dataset
from ui.filters import sidebar_dataset, sidebar_scope

st.set_page_config(page_title="精准扶贫“三张图”调度平台", page_icon="assets/icon.png", layout="wide")

# Navigation is resolved before the shared sidebar widgets are drawn, so they keep their state
# across reruns and page switches.
navigation = st.navigation({
    "总览": [st.Page("views/overview.py", title="总览", url_path="overview", default=True)],
    "三张图": [
        st.Page("views/map_distribution.py", title="图一 贫困人口分布", url_path="distribution"),
        st.Page("views/map_measures.py", title="图二 措施到户到人", url_path="measures"),
        st.Page("views/map_dynamics.py", title="图三 动态管理", url_path="dynamics"),
    ],
    "调度会": [st.Page("views/meeting.py", title="调度会（投影）", url_path="meeting")],
    "数据": [
        st.Page("views/summary.py", title="数据概况", url_path="summary"),
        st.Page("views/quality.py", title="数据质量", url_path="quality"),
        st.Page("views/data_admin.py", title="数据管理", url_path="data"),
    ],
})
sidebar_dataset()
con, info = open_dataset()
sidebar_scope(con, info, database_key())
navigation.run()
