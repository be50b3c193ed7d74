"""精准扶贫“三张图”调度平台: entry point — who is signed in, page setup, navigation, global filters."""

import streamlit as st

from access.roles import User
from analytics import fmt
from storage.files import use_private_umask
from ui.auth import log_page_view, sidebar_account, signed_in_user, warn_exposed_files
from ui.context import database_key
from ui.errors import reported_errors
from ui.filters import sidebar_dataset, sidebar_scope
from ui.navigation import PAGES
from ui.page import open_for_run


def _pages(user: User) -> dict[str, list[st.Page]]:
    """Every page of ``ui.page.PAGES``; those of other roles are hidden from the menu and, opened by URL, refuse
    and audit (``ui.auth.require``) instead of silently showing another page."""
    menu: dict[str, list[st.Page]] = {}
    for i, spec in enumerate(PAGES):
        visible = spec.permission is None or user.can(spec.permission)
        page = st.Page(
            spec.path,
            title=spec.title,
            url_path=spec.url_path,
            default=i == 0,
            visibility="visible" if visible else "hidden",
        )
        menu.setdefault(spec.group, []).append(page)
    overview = menu[PAGES[0].group][0]

    def overview_alias() -> None:
        """The default page is served at "/" only; a link to /overview lands there instead of on "Page not found"."""
        st.switch_page(overview)

    menu[PAGES[0].group].append(st.Page(overview_alias, title=PAGES[0].title, url_path="overview", visibility="hidden"))
    return menu


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
    con, info = open_for_run()
    scope = sidebar_scope(con, info, database_key(), user.limit)
    log_page_view(navigation.url_path or "overview", scope)
    fmt.suppress_small_counts(user.suppresses_small_counts(scope.level))
    navigation.run()
