"""Wifi and crowd figures are aggregates: no column can hold a MAC address and the device contract has no MAC field
(a MAC a device sends anyway is dropped by the parser, never stored)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import orjson
import psycopg

from sensors.contract import FIELDS, WifiTelemetry, parse

MAC_NAME = re.compile(r"(^|[_\W])(mac|macs|bssid|hw_?addr|mac_?addr(ess)?(es)?|[a-z]*_macs?)($|[_\W])", re.I)
MAC_VALUE = "a4:5e:60:c2:11:9f"


def test_the_mac_name_pattern_finds_what_it_should() -> None:
    hits = ["mac", "client_mac", "bssid", "mac_address", "station_macs", "hw_addr", "MAC"]
    misses = ["machine", "max", "imac_count", "clients", "new_sessions", "macro_region", "stomach"]
    assert all(MAC_NAME.search(n) for n in hits) and not any(MAC_NAME.search(n) for n in misses)


def test_no_column_is_named_or_typed_for_mac_addresses(db: psycopg.Connection) -> None:
    columns = db.execute("""SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns
                            WHERE table_schema = 'public'""").fetchall()
    assert len(columns) > 150   # every migration's tables are there
    named = [(t, c) for t, c, _, _ in columns if MAC_NAME.search(c)]
    typed = [(t, c) for t, c, _, udt in columns if udt in ("macaddr", "macaddr8")]
    assert named == [] and typed == []


def test_the_contract_has_no_mac_field_and_drops_one_sent_anyway() -> None:
    keys = [spec.key for specs in FIELDS.values() for spec in specs]
    assert "clients" in keys and not [k for k in keys if MAC_NAME.search(k)]
    assert not [f.name for f in dataclasses.fields(WifiTelemetry) if MAC_NAME.search(f.name)]
    payload = {"ts": "2026-11-20T01:00:00Z", "clients": 5, "new_sessions": 1, "bytes_up": 10, "bytes_down": 20,
               "interval_s": 60, "mac": MAC_VALUE, "client_macs": [MAC_VALUE], "bssid": MAC_VALUE}
    result = parse("ioc/v1/wifi/ap-1/telemetry", orjson.dumps(payload), datetime(2026, 11, 20, 1, 1, tzinfo=UTC))
    assert len(result.records) == 1 and result.records[0].clients == 5   # type: ignore[union-attr]
    assert MAC_VALUE not in repr(result)
