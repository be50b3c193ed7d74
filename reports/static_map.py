"""Server-side map images (no browser): the scope's areas coloured by class, with legend, scale and attribution."""

from __future__ import annotations

import io
import math
from pathlib import Path

import duckdb
import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from analytics import fmt  # noqa: E402
from analytics.classify import SCALES, Classes, default_method  # noqa: E402
from analytics.map_values import coverage_values, distribution_values  # noqa: E402
from analytics.scope import CHILD_LEVEL, Scope  # noqa: E402
from geo.boundaries import OSM_ATTRIBUTION  # noqa: E402
from geo.maps import area_classes, polygons  # noqa: E402

CJK_FILE_STEMS = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "wqy-zenhei", "msyh")
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei")
TITLES = {"remaining_persons": "现存贫困人口（人）", "coverage": "帮扶措施覆盖率"}


def cjk_font() -> str:
    """The first CJK font family matplotlib knows (fonts-noto-cjk on Debian). Its font cache may predate the
    fonts (``make run`` before ``make test``): then the CJK font files on disk are registered by path. Raises,
    naming the families looked for and the package, only when there is none on the machine."""
    found = _known_cjk_family()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(stem in Path(path).name for stem in CJK_FILE_STEMS):
                font_manager.fontManager.addfont(path)
        found = _known_cjk_family()
    if found is None:
        raise RuntimeError(
            f"没有找到中文字体（{'、'.join(CJK_FONTS)}）：请安装 Debian 软件包 fonts-noto-cjk（make run 与 make test "
            f"会自动安装）"
        )
    return found


def _known_cjk_family() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _values(con: duckdb.DuckDBPyConnection, scope: Scope, level: str, metric: str) -> pd.DataFrame:
    """The same figures the web maps draw (``geo.maps``)."""
    return (
        coverage_values(con, scope, level, "any")
        if metric == "coverage"
        else distribution_values(con, scope, level, metric)
    )


def _level(scope: Scope) -> str:
    return CHILD_LEVEL[scope.level] if scope.level in ("city", "district") else "town"


def slide_classes(con: duckdb.DuckDBPyConnection, scope: Scope, metric: str, k: int = 5) -> Classes:
    """The classes a slide map paints: those of the web map with its default classification."""
    level = _level(scope)
    return area_classes(
        polygons(level, scope.district, scope.town),
        _values(con, scope, level, metric),
        metric,
        default_method(metric),
        k,
    )[1]


def _scale_bar(ax: Axes, bounds: tuple[float, float, float, float]) -> None:
    minx, miny, maxx, maxy = bounds
    km_per_degree = 111.32 * math.cos(math.radians((miny + maxy) / 2))
    length_km = max(1, round((maxx - minx) * km_per_degree / 5, -1) or 5)
    length_deg = length_km / km_per_degree
    x0, y0 = minx + (maxx - minx) * 0.05, miny + (maxy - miny) * 0.04
    ax.plot([x0, x0 + length_deg], [y0, y0], color="black", linewidth=3)
    ax.text(x0 + length_deg / 2, y0 + (maxy - miny) * 0.015, f"{length_km:g} 公里", ha="center", fontsize=10)


def render_map(con: duckdb.DuckDBPyConnection, scope: Scope, metric: str, k: int = 5) -> bytes:
    """A PNG (1600 × 1000 px) of the areas below the scope coloured by ``metric``, classed as on the web map."""
    plt.rcParams["font.family"] = cjk_font()
    level = _level(scope)
    areas = polygons(level, scope.district, scope.town)
    values, classes = area_classes(areas, _values(con, scope, level, metric), metric, default_method(metric), k)
    formatter = fmt.percent if SCALES[metric].share else fmt.number
    areas["colour"] = [classes.colour_of(i) for i in classes.index]
    fig, ax = plt.subplots(figsize=(16, 10), dpi=100)
    areas.plot(ax=ax, color=areas["colour"], edgecolor="#555555", linewidth=0.6)
    for name, point in zip(areas["name"], areas.geometry.representative_point(), strict=True):
        if level == "district" or len(areas) <= 40:
            ax.annotate(name, (point.x, point.y), ha="center", va="center", fontsize=9 if len(areas) > 12 else 12)
    legend = [
        Patch(facecolor=c, edgecolor="#555555", label=f"{label}（{n}）") for c, label, n in classes.legend(formatter)
    ]
    ax.legend(handles=legend, title=TITLES[metric], loc="upper left", fontsize=11, title_fontsize=12, frameon=True)
    _scale_bar(ax, areas.total_bounds)
    ax.set_axis_off()
    ax.text(
        0.99,
        0.01,
        f"{OSM_ATTRIBUTION} · 数据截至 {fmt.month(scope.as_of)}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=10,
        color="#444444",
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
