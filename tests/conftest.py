"""Databases generated once per test run, and a live dashboard for browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from access.__main__ import ensure_demo_accounts
from analytics.cube_switch import LATEST_ONLY, from_cube
from analytics.cubes import CUBES, build_cubes
from analytics.monitoring.demo import demo_cases
from analytics.scope import Scope
from bench.server import dashboard_server
from cases.store import cases_path
from reporting.demo import write_demo_history
from reporting.store import ReportStore, reports_path
from roster.generate import generate
from storage.months import BASELINE
from tests import small_roster

PROJECT_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_DIR / "test-artifacts"
# Test tiers (markers in pyproject.toml): `make test` runs everything, `make test-fast` neither tier.
SLOW_FILES = {"test_load.py", "test_bench.py", "test_display.py", "test_app.py", "test_generator.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests (a live dashboard in Chromium) by their file name; slow ones (each above about 10 s, or
    whole pages in AppTest) by their file, or marked where they stand."""
    for item in items:
        if item.path.name.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo roster as `make run` builds it: seed 2017, scale 1, as of 2017-09, with its report and case
    histories (not its backtest: the test of the backtest runs it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate(seed=2017, scale=1, out=path, derive=build_cubes)
    with duckdb.connect(str(path), read_only=True) as con:
        write_demo_history(con, ReportStore(reports_path(path)))
        demo_cases(con, cases_path(path))
    ensure_demo_accounts(path)
    return path


@pytest.fixture(scope="session")
def extended_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same roster carried on to the end of the plan period (2020-12)."""
    path = tmp_path_factory.mktemp("extended") / "extended.duckdb"
    generate(seed=2017, scale=1, out=path, until="2020-12", derive=build_cubes)
    return path


@pytest.fixture(scope="module", params=["raw", "cubes"])
def small(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The hand-made small roster (tests/small_roster.py), answered from its raw tables or, with its cubes
    built, from the cubes: every oracle test runs against both paths."""
    path = small_roster.build(tmp_path_factory.mktemp("small") / "small.duckdb")
    if request.param == "cubes":
        with duckdb.connect(str(path)) as con:
            build_cubes(con)
    con = duckdb.connect(str(path), read_only=True)
    city = Scope(small_roster.AS_OF)
    # The two paths are really two: the cubes answer the city at every month, or not at all.
    assert all(
        from_cube(con, cube, city, BASELINE, city.as_of) == (request.param == "cubes")
        for cube in CUBES
        if cube not in LATEST_ONLY
    )
    yield con
    con.close()


@pytest.fixture
def demo(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture
def extended(extended_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(extended_db), read_only=True)
    yield con
    con.close()


@contextmanager
def streamlit_server(db: Path, log_name: str = "streamlit.log") -> Iterator[str]:
    """A real `streamlit run app.py` on ``db`` (log in test-artifacts/), yielding its URL."""
    with dashboard_server(db, ARTIFACTS / log_name) as server:
        yield server.url


@pytest.fixture(scope="session")
def dashboard_url(demo_db: Path) -> Iterator[str]:
    """The dashboard on the demo database (never imported into: its views stay synthetic)."""
    with streamlit_server(demo_db) as url:
        yield url
