"""Status you see before you read: one colour per status and traffic light, as chips, bars and table cells."""

from __future__ import annotations

from html import escape

from analytics import fmt
from analytics.fmt import STATUS_COLOURS
from analytics.kpi import Kpi

CARD_CSS = """<style>
.kpi-card {padding: 0.25rem 0 0.5rem 0;}
.kpi-card .kpi-name {font-size: 0.95rem; opacity: 0.85;}
.kpi-card .kpi-figure {font-size: 1.6rem; font-weight: 600; white-space: nowrap;}
.kpi-card .kpi-bar {height: 10px; border-radius: 5px; background: rgba(128,128,128,0.25); margin: 0.35rem 0;}
.kpi-card .kpi-bar > div {height: 10px; border-radius: 5px;}
.kpi-card .kpi-line {font-size: 0.85rem; margin-top: 0.2rem;}
.status-chip {display: inline-block; padding: 0 0.55em; border-radius: 0.8em; font-weight: 600; font-size: 0.85rem;
line-height: 1.5;}
</style>"""


def cell_style(status: object) -> str:
    """CSS for a table cell holding a status or traffic light (empty for anything else)."""
    if status not in STATUS_COLOURS:
        return ""
    background, text = STATUS_COLOURS[status]
    return f"background-color: {background}; color: {text}; font-weight: 600"


def chip(status: str) -> str:
    """A status as a coloured chip (HTML, escaped)."""
    background, text = STATUS_COLOURS.get(status, ("#6e7781", "#ffffff"))
    return f"<span class='status-chip' style='background:{background};color:{text}'>{escape(status)}</span>"


def kpi_card(card: Kpi) -> str:
    """One overview card: figure, a bar against the stage goal due coloured by its status, the chip and why."""
    background, _ = STATUS_COLOURS.get(card.status, STATUS_COLOURS["数据不足"])
    plan = f"规划 {card.figure(card.plan_total)}{card.unit} · " if card.plan_total else ""
    return (
        f"<div class='kpi-card'><div class='kpi-name'>{escape(card.label)}</div>"
        f"<div class='kpi-figure'>{card.figure(card.done)} / {card.figure(card.total)}{escape(card.unit)}</div>"
        f"<div class='kpi-bar'><div style='width:{100 * card.stage_share:.1f}%;background:{background}'></div></div>"
        f"<div class='kpi-line'>{chip(card.status)} 阶段目标 {escape(card.stage)} · 完成 "
        f"{fmt.percent(card.stage_share)}</div>"
        f"<div class='kpi-line'>{escape(card.basis)}</div>"
        f"<div class='kpi-line'>{escape(plan)}总完成 {fmt.percent(card.share)}</div></div>"
    )
