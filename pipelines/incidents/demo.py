"""``ioc incidents demo``: a few plausible incidents for the demo city, made the way real ones are.

Cameras of the demo fleet publish their detections over MQTT (the ingester stores them), residents' reports come in
through the reports store, and the suggester groups them; then the demo's duty operator handles some: a flooded
street yesterday afternoon (Nha Trang's rainy season is October–December) confirmed, worked through its playbook
and answered; one flooding now, confirmed, its first step done and the next one running; a traffic accident minutes
ago, suggested and waiting for someone. Run once per demo start; a second run within a day adds nothing.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
import psycopg

from ioc.errors import IocError
from ioc.mqtt import MqttTarget, make_client
from ioc.security import users
from pipelines.incidents import actions, handling, suggest
from pipelines.incidents.evidence import camera_ref
from pipelines.reports import store as report_store
from pipelines.reports.model import ReportIn
from sensors.contract import CameraEvent, encode

log = logging.getLogger(__name__)
OPERATOR = "truc-ban"          # the demo ward's duty operator (created without a usable password)
ACTOR = "demo"


@dataclass(frozen=True)
class Camera:
    device_id: str
    lon: float
    lat: float


def near(cam: Camera, east_m: float, north_m: float) -> tuple[float, float]:
    return (cam.lon + east_m / (111_320.0 * math.cos(math.radians(cam.lat))), cam.lat + north_m / 110_574.0)


def cameras(conn: psycopg.Connection) -> list[Camera]:
    rows = conn.execute("""SELECT device_id, ST_X(location), ST_Y(location) FROM devices
                           WHERE kind = 'camera' AND registered AND location IS NOT NULL AND ward_code IS NOT NULL
                           ORDER BY device_id""").fetchall()
    return [Camera(*r) for r in rows]


def publish(mqtt_url: str, events: list[CameraEvent], tz: ZoneInfo, timeout: float = 30.0) -> None:
    """Each event once, QoS 1, every PUBACK waited for: the ingester stores them like any camera's."""
    client = make_client(MqttTarget.parse(mqtt_url), f"ioc-incidents-demo-{time.monotonic_ns()}",
                         protocol=mqtt.MQTTv311)
    client.connect(*_host_port(mqtt_url), keepalive=10)
    client.loop_start()
    try:
        sent = [client.publish(*encode(e, tz=tz), qos=1) for e in events]
        for info in sent:
            info.wait_for_publish(timeout)
    finally:
        client.disconnect()
        client.loop_stop()


def _host_port(url: str) -> tuple[str, int]:
    target = MqttTarget.parse(url)
    return target.host, target.port


def _report(conn: psycopg.Connection, key: str, category: str, at: datetime, where: tuple[float, float],
            text: str, tz: ZoneInfo) -> None:
    item = ReportIn("hotline_1022", f"DEMO-INC-{key}-{at:%Y%m%d%H}", category, at, text, *where)
    report_store.insert_reports(conn, [item], report_store.reference(conn), ACTOR, tz, at)


def _stored(conn: psycopg.Connection, events: list[CameraEvent], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sum(bool(conn.execute("SELECT 1 FROM camera_events WHERE device_id = %s AND ts = %s",
                                      [e.device_id, e.ts]).fetchone()) for e in events)
        if found == len(events):
            return True
        time.sleep(0.5)
    return False


def run(conn: psycopg.Connection, mqtt_url: str, tz: ZoneInfo, now: datetime, wait_s: float = 60.0) -> int:
    """Publish, report, suggest and handle; returns how many incidents it made (0 when it ran within a day)."""
    if conn.execute("SELECT 1 FROM incident_timeline WHERE actor = %s AND at > %s",
                    [OPERATOR, now - timedelta(hours=20)]).fetchone():
        return 0
    cams = cameras(conn)
    if len(cams) < 3:
        raise IocError("the demo's incidents need three registered cameras with a place (load the demo fleets)")
    past, flood, crash = cams[len(cams) // 2], cams[len(cams) // 3], cams[2 * len(cams) // 3]
    yesterday = now - timedelta(hours=26)
    events = [CameraEvent(yesterday, past.device_id, None, "flooding", 0.81, None, "nước ngập lòng đường"),
              CameraEvent(now - timedelta(minutes=70), flood.device_id, None, "flooding", 0.84, None,
                          "nước ngập nửa bánh xe"),
              CameraEvent(now - timedelta(minutes=38), flood.device_id, None, "flooding", 0.9, None, None),
              CameraEvent(now - timedelta(minutes=6), crash.device_id, None, "accident", 0.92, None,
                          "hai xe máy va chạm")]
    publish(mqtt_url, events, tz)
    if not _stored(conn, events, wait_s):
        raise IocError("the demo's camera events were not stored in time: is the ingester running?")
    if _user(conn) is None:
        return 0
    made = (_yesterday(conn, past, events[0], tz) + _flood_now(conn, flood, events[1], now, tz)
            + _crash(conn, crash, events[3], now, tz))
    log.info("incidents demo: %d incidents", made)
    return made


def _user(conn: psycopg.Connection) -> str | None:
    try:
        users.get(conn, OPERATOR)
    except IocError:
        users.add(conn, OPERATOR, "operator", actor=ACTOR, display_name="Trực ban phường")
    return OPERATOR


def _holding(conn: psycopg.Connection, event: CameraEvent, at: datetime) -> list[int]:
    """The incident the suggester put the camera's event in (the demo's own cycle, or a running
    ``ioc incidents run`` that saw it first): found by the event, not by what is new."""
    suggest.cycle(conn, at)
    row = conn.execute("""SELECT i.id FROM incident_items it JOIN incidents i ON i.id = it.incident_id
                          WHERE it.source = 'camera_event' AND it.ref = %s AND i.status = 'suggested'""",
                       [camera_ref(event.device_id, event.ts)]).fetchone()
    return [int(row[0])] if row else []


def _yesterday(conn: psycopg.Connection, cam: Camera, event: CameraEvent, tz: ZoneInfo) -> int:
    start = event.ts
    for i, (east, north, text) in enumerate([(60, 90, "Mưa lớn, đường ngập sâu 30 cm"),
                                              (-120, 40, "Nước tràn vào nhà dân"),
                                              (30, -150, "Cống bị rác làm tắc, nước không rút")]):
        _report(conn, f"Y{i}", "flooding", start + timedelta(minutes=10 + 12 * i), near(cam, east, north), text, tz)
    made = _holding(conn, event, start + timedelta(minutes=50))
    for iid in made:
        at = start + timedelta(minutes=55)
        actions.confirm(conn, iid, OPERATOR, now=at)
        for pos, minutes, ticks in [(1, 80, [1, 2]), (2, 110, [1, 2]), (3, 260, [1, 2])]:
            actions.step(conn, iid, pos, OPERATOR, check=ticks, done=True, now=at + timedelta(minutes=minutes))
        handling.answer(conn, iid, OPERATOR, "Phường đã khơi thông cống và bơm tiêu nước; đường đã hết ngập. "
                                             "Cảm ơn bà con đã phản ánh.", tz, now=at + timedelta(minutes=300))
        actions.step(conn, iid, 4, OPERATOR, check=[1], done=True, now=at + timedelta(minutes=310))
    return len(made)


def _flood_now(conn: psycopg.Connection, cam: Camera, event: CameraEvent, now: datetime, tz: ZoneInfo) -> int:
    for i, (east, north, minutes, text) in enumerate([(80, 60, 62, "Đường ngập ngang gối, xe máy chết máy"),
                                                       (-150, -40, 33, "Nước ngập trước cổng trường"),
                                                       (40, 220, 9, "Ngập sâu, đề nghị phân luồng")]):
        _report(conn, f"N{i}", "flooding", now - timedelta(minutes=minutes), near(cam, east, north), text, tz)
    made = _holding(conn, event, now - timedelta(minutes=1))
    for iid in made:
        actions.confirm(conn, iid, OPERATOR, now=now - timedelta(minutes=30), note="Đã xác minh qua camera")
        actions.step(conn, iid, 1, OPERATOR, check=[1, 2], done=True, note="sâu 35 cm",
                     now=now - timedelta(minutes=12))
        actions.step(conn, iid, 2, OPERATOR, check=[1], now=now - timedelta(minutes=5))
    return len(made)


def _crash(conn: psycopg.Connection, cam: Camera, event: CameraEvent, now: datetime, tz: ZoneInfo) -> int:
    _report(conn, "A0", "traffic", now - timedelta(minutes=4), near(cam, 30, 20), "Tai nạn xe máy ở ngã tư", tz)
    return len(_holding(conn, event, now))     # left suggested: the wall shows one waiting for someone
