"""Labels come from one catalogue per language; numbers and times in vi-VN by default."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dashboards import fmt
from dashboards.i18n import catalogue, norm_lang, t
from dashboards.queries.devices import STATES
from dashboards.views.devices import COLUMNS
from tests.dashboards.seed import EVENT_TYPES

SRC = Path(__file__).resolve().parents[2] / "dashboards"


def test_both_catalogues_hold_the_same_keys() -> None:
    assert set(catalogue("vi")) == set(catalogue("en"))


def test_every_key_the_code_uses_is_in_the_catalogues() -> None:
    used = set()
    for path in SRC.rglob("*.py"):
        used |= set(re.findall(r"\bt\(\s*\"([a-z0-9_.]+)\"", path.read_text(encoding="utf-8")))
    used |= {f"state.{s}" for s in STATES} | {f"kind.{k}" for k in ("camera", "env", "wifi")}
    used |= {f"event.{e}" for e in EVENT_TYPES} | {f"devices.col.{c}" for c in COLUMNS}
    assert len(used) > 60
    assert used - set(catalogue("vi")) == set()


def test_t_fills_placeholders_and_falls_back() -> None:
    assert t("wall.wifi.aps", "en", n="12") == "12 access points"
    assert t("wall.wifi.aps", "vi", n="12") == "12 điểm phát"
    assert t("no.such.key", "en") == "no.such.key"
    assert norm_lang("EN") == "en" and norm_lang("fr") == "vi" and norm_lang(None) == "vi"


def test_numbers_and_times_in_vietnamese_format() -> None:
    assert fmt.number(1234.5, "vi", 1) == "1.234,5" and fmt.number(1234.5, "en", 1) == "1,234.5"
    assert fmt.number(None, "vi") == "—" and fmt.number(float("nan"), "vi") == "—"
    noon_utc = datetime(2026, 11, 21, 5, 0, 7, tzinfo=UTC)
    assert fmt.local_time(noon_utc, ZoneInfo("Asia/Ho_Chi_Minh"), "vi") == "12:00:07 21/11/2026"
    assert fmt.age(185, "vi") == "3 phút trước" and fmt.age(185, "en") == "3 minutes ago"
