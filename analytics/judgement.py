"""The four statuses of a target and the pace rule that earns 进度正常 (``docs/definitions.md``)."""

from __future__ import annotations

from dataclasses import dataclass

from analytics import fmt

MET, ON_TRACK, BEHIND, NO_DATA = "达标", "进度正常", "滞后", "数据不足"
STATUSES = (BEHIND, ON_TRACK, MET, NO_DATA)


@dataclass(frozen=True)
class Judgement:
    status: str
    basis: str  # why, in words a leader reads


def pace_judgement(share_now: float, share_before: float, window: int, left: int) -> Judgement:
    """On track when the share gained per month over the last ``window`` months is at least the share still
    required per month over the ``left`` months to the deadline."""
    actual = (share_now - share_before) / window
    required = (1 - share_now) / left
    basis = (
        f"近{window}月每月 +{fmt.number(100 * actual, 1)} 个百分点，需每月 +{fmt.number(100 * required, 1)} 个百分点"
    )
    return Judgement(ON_TRACK if actual >= required else BEHIND, basis)
