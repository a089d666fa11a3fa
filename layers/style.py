"""Colours and words shared by the map renderers. Pure data.

The palettes match ``dashboards/theme.py`` (dark wall screen, light desk) so a map sits in its page without seams;
they are repeated here because layers must not depend on the dashboards. Device states use blue/amber/rose/grey,
which stay apart for the common colour-vision deficiencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ThemeName = Literal["dark", "light"]
Lang = Literal["vi", "en"]

STATES: tuple[str, ...] = ("online", "stale", "offline", "unregistered")
NO_DATA_HEX = "#9ca3af"


@dataclass(frozen=True)
class MapTheme:
    name: str
    background: str       # the map's own background when there is no basemap
    paper: str
    fg: str
    muted: str
    ward_line: str
    ward_fill: str        # fill of wards that carry no metric
    accent: str
    halo: str             # outline around markers, against the background
    state_colors: dict[str, str]
    choropleth: tuple[str, ...]   # low → high


DARK = MapTheme(
    name="dark", background="#0b1220", paper="#0f1722", fg="#f5f7fa", muted="#9aa7b8", ward_line="#7dd3fc",
    ward_fill="#13233a", accent="#38bdf8", halo="#05080d",
    state_colors={"online": "#38bdf8", "stale": "#fbbf24", "offline": "#f43f5e", "unregistered": "#a1a1aa"},
    choropleth=("#13233a", "#1e4e79", "#2f7fb5", "#7dd3fc", "#e0f2fe"),
)
LIGHT = MapTheme(
    name="light", background="#e8edf3", paper="#ffffff", fg="#111827", muted="#4b5563", ward_line="#0c4a6e",
    ward_fill="#f8fafc", accent="#0369a1", halo="#ffffff",
    state_colors={"online": "#0369a1", "stale": "#b45309", "offline": "#be123c", "unregistered": "#6b7280"},
    choropleth=("#f0f9ff", "#bae6fd", "#38bdf8", "#0369a1", "#0c4a6e"),
)
THEMES: dict[str, MapTheme] = {"dark": DARK, "light": LIGHT}


def theme(name: str) -> MapTheme:
    if name not in THEMES:
        raise ValueError(f"theme {name!r}: expected one of {', '.join(THEMES)}")
    return THEMES[name]


# Field reports get hues of their own: the device states (blue, amber, rose, grey) and the VN_AQI bands (green,
# yellow, orange, red, purple, maroon) are on the same map, and a red dot must not read as both "camera offline"
# and "report overdue". Overdue is the loudest (fuchsia), open teal, in progress pale slate, closed dark slate.
REPORT_COLORS: dict[str, str] = {
    "overdue": "#e879f9", "open": "#2dd4bf", "in_progress": "#cbd5e1", "closed": "#64748b",
}

# Street lamps: what is wrong is loud and large (failed red, dark when due on orange, burning by day yellow); a lamp
# doing as told is a small warm dot when on and a small slate dot when off, so 200 lamps of a street do not drown
# the devices and reports on the same map.
LIGHT_STATES: tuple[str, ...] = ("failed", "dark", "day_burner", "on", "off", "no_data")
LIGHT_COLORS: dict[str, str] = {"failed": "#ef4444", "dark": "#fb923c", "day_burner": "#facc15", "on": "#fef3c7",
                                "off": "#64748b", "no_data": NO_DATA_HEX}
LIGHT_PROBLEMS = ("failed", "dark", "day_burner")

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "wards": "Ranh giới phường/xã", "labels": "Tên phường/xã", "devices": "Thiết bị", "aqi": "Chất lượng không khí",
        "wifi": "Tải wifi công cộng", "reports": "Phản ánh hiện trường", "coverage": "Vùng phủ camera/wifi",
        "gaps": "Vị trí đề xuất đặt camera", "online": "Trực tuyến", "stale": "Mất dữ liệu", "offline": "Ngoại tuyến",
        "unregistered": "Chưa đăng ký", "no_data": "Không có dữ liệu", "clients": "người dùng",
        "overdue": "Quá hạn", "open": "Đang mở", "in_progress": "Đang xử lý", "closed": "Đã đóng",
        "legend": "Chú giải", "offline_note": "Bản đồ ngoại tuyến: không tải nền bản đồ",
        "camera": "Camera", "wifi_kind": "Wifi", "env": "Trạm môi trường", "covers": "phủ thêm",
        "lights": "Đèn chiếu sáng", "failed": "Đèn hỏng", "dark": "Tắt khi phải sáng", "day_burner": "Sáng ban ngày",
        "on": "Đèn sáng", "off": "Đèn tắt",
    },
    "en": {
        "wards": "Ward boundaries", "labels": "Ward names", "devices": "Devices", "aqi": "Air quality",
        "wifi": "Public wifi load", "reports": "Field reports", "coverage": "Camera/wifi coverage",
        "gaps": "Suggested camera sites", "online": "Online", "stale": "Stale", "offline": "Offline",
        "unregistered": "Unregistered", "no_data": "No data", "clients": "clients",
        "overdue": "Overdue", "open": "Open", "in_progress": "In progress", "closed": "Closed",
        "legend": "Legend", "offline_note": "Offline map: no basemap tiles",
        "camera": "Camera", "wifi_kind": "Wifi", "env": "Environment station", "covers": "covers",
        "lights": "Street lights", "failed": "Lamp failed", "dark": "Dark when due on", "day_burner": "Burning by day",
        "on": "Lamp on", "off": "Lamp off",
    },
}


def word(lang: str, key: str) -> str:
    return WORDS.get(lang, WORDS["vi"]).get(key, key)
