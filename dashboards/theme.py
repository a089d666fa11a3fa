"""Two themes: dark for the wall (high contrast, read from 5 m) and light for desks. Pure data, no Dash."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STATES = ("online", "stale", "offline", "unregistered")


@dataclass(frozen=True)
class Theme:
    name: str
    bs_mode: str          # Bootstrap 5.3 colour mode, set as data-bs-theme
    bg: str
    panel: str
    fg: str
    muted: str
    grid: str
    accent: str
    map_bg: str
    ward_line: str
    state_colors: dict[str, str]

    def plot_layout(self, **extra: Any) -> dict[str, Any]:
        """Base plotly layout: transparent paper on the panel colour, readable fonts."""
        base: dict[str, Any] = {
            "paper_bgcolor": self.panel, "plot_bgcolor": self.panel,
            "font": {"color": self.fg, "size": 16, "family": "system-ui, 'Segoe UI', Roboto, Arial, sans-serif"},
            "margin": {"l": 56, "r": 16, "t": 48, "b": 40},
            "xaxis": {"gridcolor": self.grid, "zerolinecolor": self.grid},
            "yaxis": {"gridcolor": self.grid, "zerolinecolor": self.grid},
            "legend": {"orientation": "h", "y": -0.15},
        }
        return base | extra


# State colours: distinguishable by people with the common colour-vision deficiencies (blue/orange/grey),
# because green/red alone would fail a fifth of a control room.
DARK = Theme(
    name="dark", bs_mode="dark", bg="#05080d", panel="#0f1722", fg="#f5f7fa", muted="#9aa7b8", grid="#263243",
    accent="#38bdf8", map_bg="#0b1220", ward_line="#7dd3fc",
    state_colors={"online": "#38bdf8", "stale": "#fbbf24", "offline": "#f43f5e", "unregistered": "#a1a1aa"},
)
LIGHT = Theme(
    name="light", bs_mode="light", bg="#f4f6f9", panel="#ffffff", fg="#111827", muted="#4b5563", grid="#e5e7eb",
    accent="#0369a1", map_bg="#e8edf3", ward_line="#0c4a6e",
    state_colors={"online": "#0369a1", "stale": "#b45309", "offline": "#be123c", "unregistered": "#6b7280"},
)
THEMES = {"dark": DARK, "light": LIGHT}


def theme_for(name: object, default: str) -> Theme:
    """``?theme=light`` → LIGHT; anything else → the page's default."""
    return THEMES.get(str(name or "").strip().lower(), THEMES[default])
