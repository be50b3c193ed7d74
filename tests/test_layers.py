"""Dependencies go one way, by the import graph of the source tree (parsed, not imported).

Layers, lowest first; a module imports its own layer and those below only:

0. ``storage``: configuration, files, privacy masks, missing values, months
1. ``geo``, the reference geography: boundaries, village points, boundary import
2. ``roster``: schema, generator, import, snapshots; ``reporting``: sector reports, their validation,
   approval and store; ``cases``: 防返贫 monitoring cases, their workflow and store
3. ``analytics``: every figure (queries over the roster)
4. ``access``: accounts, roles, sessions, audit
5. rendering: ``geo.layers``, ``geo.maps``, ``reports``
6. ``ui``: Streamlit glue
7. ``views`` and ``app``: pages

Entry points wire the layers and may import any of them: ``app.py``, every ``__main__`` module, ``bench``,
``scripts`` and the body of an ``if __name__ == "__main__":`` block (e.g. ``roster.generate`` passes
``analytics.cubes.build_cubes`` to the generator there). Streamlit is imported by ``ui``, ``views`` and ``app``
only; SQL is written in ``analytics``, ``roster``, ``reporting`` and ``cases`` only (and in ``access.store``, the
accounts' own SQLite file).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import PROJECT_DIR

LAYERS: tuple[tuple[str, ...], ...] = (
    ("storage",),
    ("geo",),  # reference geography; its rendering modules are in layer 5
    ("roster", "reporting", "cases"),
    ("analytics",),
    ("access",),
    ("geo.layers", "geo.maps", "reports"),
    ("ui",),
    ("views", "app"),
)
PACKAGES = (
    "storage",
    "geo",
    "roster",
    "reporting",
    "cases",
    "analytics",
    "access",
    "reports",
    "ui",
    "views",
    "bench",
    "scripts",
)
ENTRY_PACKAGES = ("bench", "scripts")
STREAMLIT_LAYERS = ("ui", "views", "app")
SQL_HOMES = ("analytics", "roster", "reporting", "cases", "access.store")
SQL = re.compile(r"^\s*(SELECT|WITH|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TABLE|VIEW))\b", re.I)


@dataclass(frozen=True)
class Module:
    name: str  # dotted: analytics.goals, app
    imports: tuple[tuple[str, int], ...]  # (imported module, line) outside entry-point blocks
    sql_lines: tuple[int, ...]  # lines of string constants that start like SQL (docstrings excluded)
    executes: tuple[int, ...]  # lines of ``….execute(`` calls


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_main_block(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
    )


def _docstrings(tree: ast.Module) -> set[int]:
    owners = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef))]
    return {
        id(owner.body[0].value)
        for owner in owners
        if owner.body and isinstance(owner.body[0], ast.Expr) and isinstance(owner.body[0].value, ast.Constant)
    }


def parse(path: Path, name: str | None = None) -> Module:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wiring = {id(n) for block in tree.body if _is_main_block(block) for n in ast.walk(block)}
    docstrings = _docstrings(tree)
    imports, sql, executes = [], [], []
    for node in ast.walk(tree):
        if id(node) in wiring:
            continue
        if isinstance(node, ast.Import):
            imports += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imports += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if SQL.match(node.value):
                sql.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "execute":
            executes.append(node.lineno)
    return Module(name or _module_name(path), tuple(imports), tuple(sql), tuple(executes))


def source_modules() -> list[Module]:
    paths = [PROJECT_DIR / "app.py", *(p for package in PACKAGES for p in (PROJECT_DIR / package).rglob("*.py"))]
    return [parse(p) for p in sorted(paths)]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_of(name: str) -> int | None:
    """The layer of a module (its longest matching prefix), None for modules outside the product."""
    matches = [(len(prefix), i) for i, group in enumerate(LAYERS) for prefix in group if _within(name, prefix)]
    return max(matches)[1] if matches else None


def is_entry_point(name: str) -> bool:
    return name == "app" or name.endswith("__main__") or any(_within(name, p) for p in ENTRY_PACKAGES)


def violations(modules: list[Module]) -> list[str]:
    """Every import against the layers, Streamlit outside the pages and their glue, and SQL outside its homes."""
    found = []
    for module in modules:
        own = layer_of(module.name)
        entry = is_entry_point(module.name)
        for imported, line in module.imports:
            target = layer_of(imported)
            if not entry and own is not None and target is not None and target > own:
                found.append(f"{module.name}:{line} imports {imported} (layer {target} above {own})")
            if (
                _within(imported, "streamlit")
                and not entry
                and not any(_within(module.name, p) for p in STREAMLIT_LAYERS)
            ):
                found.append(f"{module.name}:{line} imports Streamlit")
        if not any(_within(module.name, home) for home in SQL_HOMES) and not entry:
            found += [f"{module.name}:{line} writes SQL" for line in module.sql_lines]
            found += [f"{module.name}:{line} executes a query" for line in module.executes]
    return found


def test_dependencies_go_one_way() -> None:
    modules = source_modules()
    assert len(modules) > 90 and all(layer_of(m.name) is not None or is_entry_point(m.name) for m in modules), [
        m.name for m in modules if layer_of(m.name) is None and not is_entry_point(m.name)
    ]
    assert violations(modules) == []


def test_the_rules_catch_a_back_edge_streamlit_and_stray_sql(tmp_path: Path) -> None:
    """The checker itself: a roster module importing analytics, a report importing Streamlit, a page running SQL,
    and the same code inside an ``if __name__ == "__main__":`` block (allowed there)."""
    source = tmp_path / "x.py"
    source.write_text(
        "import streamlit as st\nfrom analytics.cubes import build_cubes\n\ndef f(con):\n    return "
        'con.execute("SELECT 1")\n'
        'if __name__ == "__main__":\n    from ui.context import connection\n',
        encoding="utf-8",
    )
    parsed = parse(source, "x")
    rules = [
        Module("roster.snapshot", parsed.imports, parsed.sql_lines, parsed.executes),
        Module("reports.deck", (("streamlit", 1),), (), ()),
        Module("views.overview", (), parsed.sql_lines, parsed.executes),
    ]
    assert violations(rules) == [
        "roster.snapshot:1 imports Streamlit",
        "roster.snapshot:2 imports analytics.cubes.build_cubes (layer 3 above 2)",
        "reports.deck:1 imports Streamlit",
        "views.overview:5 writes SQL",
        "views.overview:5 executes a query",
    ]
    assert all(imported != "ui.context.connection" for imported, _ in parsed.imports)
