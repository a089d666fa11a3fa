"""A water level against its gauge's warning levels I, II and III (báo động I, II, III: cm above the gauge's zero)."""

from __future__ import annotations

from collections.abc import Sequence

WARNING_LEVELS = ("I", "II", "III")


def warning_level(level_cm: float | None, levels_cm: Sequence[float]) -> int | None:
    """0 below level I, 1, 2 or 3 at or above I, II, III; None without a reading or without three levels."""
    if level_cm is None or len(levels_cm) != len(WARNING_LEVELS) or level_cm != level_cm:
        return None
    return sum(level_cm >= threshold for threshold in levels_cm)
