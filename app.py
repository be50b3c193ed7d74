"""精准扶贫“三张图”调度平台: entry point — who is signed in, page setup, navigation, global filters."""

import streamlit as st

from access.roles import User
from analytics import fmt
from storage.files import use_private_umask
from ui.auth import log_page_view, sidebar_account, signed_in_user, warn_exposed_files
from ui.context import database_key, open_dataset
from ui.errors import reported_errors
from ui.filters import sidebar_dataset, sidebar_scope


def _pages(user: User) -> dict[str, list[st.Page]]:
    """Every page; those of other roles are hidden from the menu and, opened by URL, refuse and audit
    (``ui.auth.require``) instead of silently showing another page."""

    def restricted(path: str, title: str, url_path: str, permission: str) -> st.Page:
        return st.Page(path, title=title, url_path=url_path, visibility="visible" if user.can(permission) else "hidden")

    overview = st.Page("views/overview.py", title="总览", url_path="home", default=True)

    def overview_alias() -> None:
        """The default page is served at "/" only; a link to /overview lands there instead of on "Page not found"."""
        st.switch_page(overview)

    return {
        "总览": [overview, st.Page(overview_alias, title="总览", url_path="overview", visibility="hidden")],
        "三张图": [
            st.Page("views/map_distribution.py", title="图一 贫困人口分布", url_path="distribution"),
            st.Page("views/map_measures.py", title="图二 措施到户到人", url_path="measures"),
            st.Page("views/map_dynamics.py", title="图三 动态管理", url_path="dynamics"),
        ],
        "调度会": [st.Page("views/meeting.py", title="调度会（投影）", url_path="meeting")],
        "数据": [
            st.Page("views/summary.py", title="数据概况", url_path="summary"),
            st.Page("views/quality.py", title="数据质量", url_path="quality"),
            restricted("views/data_admin.py", "数据管理", "data", "import"),
            restricted("views/audit.py", "账号与审计", "audit", "admin"),
        ],
    }


use_private_umask()  # snapshots and the access file written from the web are private to the server's user
st.set_page_config(page_title="精准扶贫“三张图”调度平台", page_icon="assets/icon.png", layout="wide")
with reported_errors():
    user = signed_in_user()  # stops with a login form when one is required
    # Navigation is resolved before the shared sidebar widgets are drawn, so they keep their state
    # across reruns and page switches.
    navigation = st.navigation(_pages(user))
    sidebar_account(user)
    warn_exposed_files(user)
    sidebar_dataset()
    con, info = open_dataset()
    scope = sidebar_scope(con, info, database_key(), user.limit)
    log_page_view(navigation.url_path or "overview", scope)
    fmt.suppress_small_counts(user.suppresses_small_counts(scope.level))
    navigation.run()
