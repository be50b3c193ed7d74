"""Roles and what they may do; a user's area is a scope limit (city, a district or a town)."""

from __future__ import annotations

from dataclasses import dataclass

from reporting.workflow import Actor

ROLE_LABELS = {
    "admin": "管理员",
    "analyst": "分析员",
    "viewer": "查看者",
    "reporter": "填报员",
    "reviewer": "审核员",
    "monitor": "监测专干",
}
PERMISSIONS = {
    "admin": {"admin", "import", "export", "households"},
    "analyst": {"export", "households"},
    "viewer": set(),
    "reporter": {"report"},  # enters and submits its unit's data sets for its area
    "reviewer": {"review", "monitor_review"},  # 审核 / 审定 reports; a district's decides monitoring cases
    "monitor": {"monitor", "households"},  # township staff: work the monitoring cases of their area
}
REPORTING_ROLES = ("reporter", "reviewer")
CITY = "city"
LEVELS = ("city", "district", "town", "village")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    area: str  # 'city', a 6-digit district code or a 9-digit town code
    pii: bool = False
    demo: bool = False  # a demo account: usable only while the data are synthetic
    unit: str = ""  # a reporter's unit: the owner code of the data sets it reports (``target_registry``)

    @property
    def limit(self) -> str | None:
        """The area code every scope of this user must lie in (None: the whole city)."""
        return None if self.area == CITY else self.area

    def can(self, permission: str) -> bool:
        """``admin``, ``import``, ``export``, ``households`` by role; ``pii`` by grant."""
        return permission == "pii" and self.pii or permission in PERMISSIONS[self.role]

    @property
    def level(self) -> str:
        return "city" if self.limit is None else "district" if len(self.limit) == 6 else "town"

    def suppresses_small_counts(self, scope_level: str) -> bool:
        """Viewers looking below their own level see counts under 3 as ``<3``."""
        return self.role == "viewer" and LEVELS.index(scope_level) > LEVELS.index(self.level)

    @property
    def label(self) -> str:
        return f"{self.name}（{ROLE_LABELS[self.role]}）"

    def actor(self) -> Actor:
        """This user as the reporting workflow sees it."""
        return Actor(self.name, self.role, self.unit, self.area)


DEMO_VIEWER = User("演示访客", "viewer", CITY, demo=True)
