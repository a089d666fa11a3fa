"""The text people read: one template per severity, Vietnamese first, English after. Pure.

Times are stored in UTC and written here in the display zone (Asia/Ho_Chi_Minh) as dd/mm/yyyy HH:MM. A message
lists at most ``LISTED`` entities and counts the rest, so 200 cameras make one readable message, not a scroll.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.alarms.notify.channels import Message
from pipelines.alarms.notify.escalation import Escalation
from pipelines.alarms.notify.grouping import Event, Group

LISTED = 10
# per severity: the subject tag (vi / en) and the action line that opens the message
SEVERITY: dict[str, tuple[str, str, str, str]] = {
    "critical": ("NGHIÊM TRỌNG", "CRITICAL", "Cần xử lý ngay.", "Act now."),
    "major": ("CAO", "MAJOR", "Cần xử lý sớm.", "Act soon."),
    "minor": ("THẤP", "MINOR", "Theo dõi và xử lý trong ca.", "Handle during the shift."),
    "warning": ("CẢNH BÁO", "WARNING", "Để theo dõi.", "For information."),
}
# what happened, per class of event: (vi, en)
CLASSES = {"firing": ("đang xảy ra", "firing"), "flapping": ("dao động liên tục (tạm không báo từng lần)",
                                                             "flapping (further changes held)"),
           "resolved": ("đã hết", "resolved"), "acknowledged": ("đã tiếp nhận", "acknowledged")}
_CLASS_OF = {"raised": "firing", "reraised": "firing", "renotify": "firing", "flapping": "flapping",
             "resolved": "resolved", "closed": "resolved", "acknowledged": "acknowledged"}


def local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def group_message(group: Group, tz: ZoneInfo, now: datetime) -> Message:
    vi_tag, en_tag, vi_act, en_act = SEVERITY[group.severity]
    head = group.events[0]
    classes = Counter(_CLASS_OF[e.event] for e in group.events)
    entities = len({e.entity for e in group.events})
    where_vi = f" — phường {group.ward}" if group.ward else ""
    where_en = f" — ward {group.ward}" if group.ward else ""
    subject = f"[{vi_tag} / {en_tag}] {head.name_vi}{where_vi}: {entities} đối tượng / {entities} affected"
    counts_vi = ", ".join(f"{n} {CLASSES[c][0]}" for c, n in classes.items())
    counts_en = ", ".join(f"{n} {CLASSES[c][1]}" for c, n in classes.items())
    lines = _listing(group.events, tz)
    body = "\n".join([
        f"{head.name_vi}{where_vi}. {vi_act}", f"{counts_vi} (lúc {local(now, tz)}, giờ Việt Nam).", *lines[0], "",
        "— English —",
        f"{head.name_en}{where_en}. {en_act}", f"{counts_en} (at {local(now, tz)}, Vietnam time).", *lines[1],
        "", f"Quy tắc / rule: {group.rule} · chủ quản / owner: {group.owner}",
    ])
    return Message(subject, body, group.severity, _data(group, tz, now, entities))


def escalation_message(esc: Escalation, tz: ZoneInfo, now: datetime) -> Message:
    a = esc.alarm
    vi_tag, en_tag, vi_act, en_act = SEVERITY[a.severity]
    minutes = int((now - a.raised_at).total_seconds() // 60)
    where_vi, where_en = (f" — phường {a.ward}", f" — ward {a.ward}") if a.ward else ("", "")
    subject = f"[CHUYỂN CẤP {esc.tier} / ESCALATED {esc.tier}] [{vi_tag} / {en_tag}] {a.name_vi}{where_vi}"
    body = "\n".join([
        f"{a.name_vi}{where_vi}: {a.entity}. Chưa ai tiếp nhận sau {minutes} phút "
        f"(phát sinh lúc {local(a.raised_at, tz)}). {vi_act}", "",
        "— English —",
        f"{a.name_en}{where_en}: {a.entity}. Not acknowledged after {minutes} minutes "
        f"(raised {local(a.raised_at, tz)}). {en_act}", "",
        f"Cảnh báo / alarm #{a.id} · quy tắc / rule: {a.rule} · cấp / tier {esc.tier}",
    ])
    data = {"kind": "escalation", "tier": esc.tier, "alarm_id": a.id, "rule": a.rule, "ward": a.ward,
            "entity": a.entity, "raised_at": a.raised_at.isoformat(), "value": a.value,
            "zns": {"alarm": a.name_vi, "ward": a.ward or "", "severity": vi_tag, "count": 1,
                    "time": local(a.raised_at, tz)}}
    return Message(subject, body, a.severity, data)


def _listing(events: tuple[Event, ...], tz: ZoneInfo) -> tuple[list[str], list[str]]:
    latest: dict[str, Event] = {}
    for e in events:                       # one line per entity: its newest event
        latest[e.entity] = e
    shown = list(latest.values())[:LISTED]
    vi = [f"- {e.entity}: {CLASSES[_CLASS_OF[e.event]][0]}{_value(e)} lúc {local(e.at, tz)}" for e in shown]
    en = [f"- {e.entity}: {CLASSES[_CLASS_OF[e.event]][1]}{_value(e)} at {local(e.at, tz)}" for e in shown]
    if (rest := len(latest) - len(shown)) > 0:
        vi.append(f"… và {rest} đối tượng khác")
        en.append(f"… and {rest} more")
    return vi, en


def _value(e: Event) -> str:
    return f" ({e.value:g})" if e.value is not None else ""


def _data(group: Group, tz: ZoneInfo, now: datetime, entities: int) -> dict[str, Any]:
    return {"kind": "group", "group": group.key, "rule": group.rule, "ward": group.ward, "owner": group.owner,
            "events": [{"id": e.id, "alarm_id": e.alarm_id, "event": e.event, "entity": e.entity, "value": e.value,
                        "at": e.at.isoformat()} for e in group.events],
            "zns": {"alarm": group.events[0].name_vi, "ward": group.ward or "",
                    "severity": SEVERITY[group.severity][0], "count": entities, "time": local(now, tz)}}
