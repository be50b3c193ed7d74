"""The pages of the dashboard, once, for ``app.py``, the tests and the benchmarks (plain data, no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """A page of the navigation: its script, menu title, URL path, menu group, and the permission it needs."""

    path: str
    title: str
    url_path: str
    group: str
    permission: str | None = None


PAGES = (
    PageSpec("views/overview.py", "总览", "home", "总览"),
    PageSpec("views/map_distribution.py", "图一 贫困人口分布", "distribution", "三张图"),
    PageSpec("views/map_measures.py", "图二 措施到户到人", "measures", "三张图"),
    PageSpec("views/map_dynamics.py", "图三 动态管理", "dynamics", "三张图"),
    PageSpec("views/meeting.py", "调度会（投影）", "meeting", "调度会"),
    PageSpec("views/report_status.py", "报送情况", "reporting", "指标报送"),
    PageSpec("views/report_entry.py", "指标填报", "report", "指标报送", permission="report"),
    PageSpec("views/report_review.py", "指标审核", "review", "指标报送", permission="review"),
    PageSpec("views/monitoring.py", "监测预警", "monitoring", "防返贫监测"),
    PageSpec("views/summary.py", "数据概况", "summary", "数据"),
    PageSpec("views/quality.py", "数据质量", "quality", "数据"),
    PageSpec("views/data_admin.py", "数据管理", "data", "数据", permission="import"),
    PageSpec("views/audit.py", "账号与审计", "audit", "数据", permission="admin"),
)
# The pages every signed-in user has, in menu order (the first is the default, served at "/").
DATA_PAGES = tuple(page.path for page in PAGES if page.permission is None)
