"""Who is told: silences (ad hoc and recurring windows), flapping once per spell, re-notify intervals."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipelines.alarms.policy import Labels, Silence, is_flapping, on_raise, parse_window, recent, silenced_by

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)          # 10:00 local, a Saturday
LABELS = Labels("camera-offline", "cam-1", "major", "it_ops", "camera", "cam-1", "26734")


def silence(matcher: dict[str, str | list[str]], windows: tuple[str, ...] = (),
            weekdays: frozenset[int] = frozenset()) -> Silence:
    return Silence(1, matcher, NOW - timedelta(days=1), NOW + timedelta(days=1),
                   tuple(parse_window(w) for w in windows), weekdays)


@pytest.mark.parametrize(("matcher", "hit"), [
    ({"rule": "camera-offline"}, True), ({"ward": ["26734", "26737"]}, True), ({"ward": "99999"}, False),
    ({"rule": "camera-offline", "severity": "critical"}, False), ({"owner": "it_ops", "kind": "camera"}, True),
])
def test_a_silence_matches_every_key(matcher: dict[str, str | list[str]], hit: bool) -> None:
    assert (silenced_by([silence(matcher)], LABELS, NOW, VN) == 1) is hit


@pytest.mark.parametrize(("windows", "weekdays", "local", "active"), [
    (("09:30-10:30",), frozenset(), "10:00", True),
    (("02:00-04:00", "09:00-09:30"), frozenset(), "10:00", False),
    (("02:00-04:00", "09:45-10:15"), frozenset(), "10:00", True),      # several a day
    (("09:00-11:00",), frozenset({1, 2, 3, 4, 5}), "10:00", False),    # Saturday is not a weekday
    (("22:00-02:00",), frozenset({5}), "01:00", False),              # past midnight: Saturday 01:00 is Friday's window
    (("22:00-02:00",), frozenset({6}), "01:00", True),
    (("22:00-02:00",), frozenset({6}), "23:00", True),
])
def test_recurring_windows_in_local_time(windows: tuple[str, ...], weekdays: frozenset[int], local: str,
                                         active: bool) -> None:
    at = datetime.combine(NOW.astimezone(VN).date(), time.fromisoformat(local), VN)
    if local == "01:00":
        at += timedelta(days=1)     # Sunday 01:00 local: inside Saturday's 22:00 window, not Friday's
    assert silence({"rule": "camera-offline"}, windows, weekdays).active(at, VN) is active


def test_a_silence_outside_its_validity_is_inactive() -> None:
    s = silence({"rule": "x"})
    assert not s.active(NOW + timedelta(days=2), VN) and not s.active(NOW - timedelta(days=2), VN)
    with pytest.raises(ValueError, match="empty"):
        parse_window("10:00-10:00")


def test_flapping_needs_more_than_five_cycles_inside_fifteen_minutes() -> None:
    raises = [NOW - timedelta(minutes=m) for m in (20, 14, 12, 10, 8, 6, 4)]
    assert len(recent(raises, NOW)) == 6 and not is_flapping(recent(raises, NOW))
    assert is_flapping((*recent(raises, NOW), NOW))


def test_one_notification_per_flapping_spell_and_silences_win() -> None:
    def verdict(silence: int | None, was: bool, now: bool) -> tuple[bool, str | None]:
        v = on_raise(silence=silence, was_flapping=was, flapping=now, folded=True,
                     last_notified_at=NOW - timedelta(minutes=1), renotify_s=3600, now=NOW)
        return v.notify, v.held_by

    assert verdict(None, False, True) == (True, None)           # the spell starts: one notification
    assert verdict(None, True, True) == (False, "flapping")
    assert verdict(None, False, False) == (False, "renotify")   # folded into an alarm notified a minute ago
    assert verdict(7, False, True) == (False, "silence:7")
