"""Roles and what they may do; a user's area is a scope limit (city, a district or a town)."""

from __future__ import annotations

from dataclasses import dataclass

ROLE_LABELS = {"admin": "管理员", "analyst": "分析员", "viewer": "查看者"}
PERMISSIONS = {
    "admin": {"admin", "import", "export", "households"},
    "analyst": {"export", "households"},
    "viewer": set(),
}
CITY = "city"
LEVELS = ("city", "district", "town", "village")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    area: str  # 'city', a 6-digit district code or a 9-digit town code
    pii: bool = False
    demo: bool = False  # a demo account: usable only while the data are synthetic

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


DEMO_VIEWER = User("演示访客", "viewer", CITY, demo=True)
