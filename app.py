"""精准扶贫“三张图”调度平台: entry point and navigation."""

import streamlit as st

st.set_page_config(page_title="精准扶贫“三张图”调度平台", page_icon="🗺️", layout="wide")

navigation = st.navigation([st.Page("pages/summary.py", title="数据概况", default=True)])
navigation.run()
