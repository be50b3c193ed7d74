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
    def label(self) -> str:
        return f"{self.name}（{ROLE_LABELS[self.role]}）"


DEMO_VIEWER = User("演示访客", "viewer", CITY, demo=True)
