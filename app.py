"""精准扶贫“三张图”调度平台: entry point — page setup, navigation, global filters."""

import streamlit as st

from ui.context import database_key, open_dataset
from ui.filters import sidebar_scope

st.set_page_config(page_title="精准扶贫“三张图”调度平台", page_icon="assets/icon.png", layout="wide")

# Navigation is resolved before the shared sidebar widgets are drawn, so they keep their state
# across reruns and page switches.
navigation = st.navigation({
    "总览": [st.Page("pages/overview.py", title="总览", url_path="overview", default=True)],
    "数据": [st.Page("pages/summary.py", title="数据概况", url_path="summary")],
})
con, info = open_dataset()
sidebar_scope(con, info, database_key())
navigation.run()
