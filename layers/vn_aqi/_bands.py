"""The six VN_AQI bands of Decision 1459/QĐ-TCMT: ranges, colours and short health advice."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Band:
    """One band of the index. ``rgb``/``hex`` are the decision's colours; ``text_hex`` is legible on them."""

    key: str
    lo: int
    hi: int
    name_vi: str
    name_en: str
    rgb: tuple[int, int, int]
    hex: str
    text_hex: str
    advice_vi: str
    advice_en: str


_DARK, _LIGHT = "#000000", "#ffffff"

# text_hex is whichever of black/white has the higher WCAG contrast on the band colour; both ≥ 4.5:1 on each band.
# On pure red that is black (5.3:1 against 4.0:1 for white).
BANDS: tuple[Band, ...] = (
    Band("good", 0, 50, "Tốt", "Good", (0, 228, 0), "#00e400", _DARK,
         "Tự do thực hiện các hoạt động ngoài trời.", "Enjoy outdoor activities freely."),
    Band("moderate", 51, 100, "Trung bình", "Moderate", (255, 255, 0), "#ffff00", _DARK,
         "Nhóm nhạy cảm nên hạn chế hoạt động gắng sức kéo dài ngoài trời.",
         "Sensitive groups should limit long or strenuous outdoor effort."),
    Band("poor", 101, 150, "Kém", "Poor", (255, 126, 0), "#ff7e00", _DARK,
         "Nhóm nhạy cảm nên giảm hoạt động ngoài trời.", "Sensitive groups should reduce outdoor activity."),
    Band("bad", 151, 200, "Xấu", "Bad", (255, 0, 0), "#ff0000", _DARK,
         "Mọi người nên hạn chế hoạt động ngoài trời.", "Everyone should limit outdoor activity."),
    Band("very_bad", 201, 300, "Rất xấu", "Very bad", (143, 63, 151), "#8f3f97", _LIGHT,
         "Mọi người nên tránh hoạt động ngoài trời.", "Everyone should avoid outdoor activity."),
    Band("hazardous", 301, 500, "Nguy hại", "Hazardous", (126, 0, 35), "#7e0023", _LIGHT,
         "Mọi người nên ở trong nhà.", "Everyone should stay indoors."),
)  # fmt: skip
BAND_KEYS: tuple[str, ...] = tuple(b.key for b in BANDS)


def band(aqi: int) -> Band:
    """The band of a published (integer) AQI value: 0–50, 51–100, 101–150, 151–200, 201–300, 301–500."""
    for b in BANDS:
        if b.lo <= aqi <= b.hi:
            return b
    raise ValueError(f"AQI {aqi!r} is not an integer in 0..500")
