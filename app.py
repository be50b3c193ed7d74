"""精准扶贫“三张图”调度平台: entry point — who is signed in, page setup, navigation, global filters."""

import streamlit as st

from analytics import fmt
from ui.auth import log_page_view, sidebar_account, signed_in_user
from ui.context import database_key, open_dataset
from ui.filters import sidebar_dataset, sidebar_scope

st.set_page_config(page_title="精准扶贫“三张图”调度平台", page_icon="assets/icon.png", layout="wide")

user = signed_in_user()  # stops with a login form when one is required
data_pages = [st.Page("views/summary.py", title="数据概况", url_path="summary"),
              st.Page("views/quality.py", title="数据质量", url_path="quality")]
if user.can("import"):
    data_pages.append(st.Page("views/data_admin.py", title="数据管理", url_path="data"))
if user.can("admin"):
    data_pages.append(st.Page("views/audit.py", title="账号与审计", url_path="audit"))
# Navigation is resolved before the shared sidebar widgets are drawn, so they keep their state
# across reruns and page switches. Pages a role cannot use are not listed (and refuse on their own).
navigation = st.navigation({
    "总览": [st.Page("views/overview.py", title="总览", url_path="overview", default=True)],
    "三张图": [
        st.Page("views/map_distribution.py", title="图一 贫困人口分布", url_path="distribution"),
        st.Page("views/map_measures.py", title="图二 措施到户到人", url_path="measures"),
        st.Page("views/map_dynamics.py", title="图三 动态管理", url_path="dynamics"),
    ],
    "调度会": [st.Page("views/meeting.py", title="调度会（投影）", url_path="meeting")],
    "数据": data_pages,
})
sidebar_account(user)
sidebar_dataset()
con, info = open_dataset()
scope = sidebar_scope(con, info, database_key(), user.limit)
log_page_view(navigation.url_path or "overview", scope)
fmt.suppress_small_counts(user.suppresses_small_counts(scope.level))
navigation.run()
