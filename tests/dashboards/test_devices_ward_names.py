"""/devices names the ward a device stands in ("Phường Bình Phước"), not its code ("25195"); the code stays in the
cell's title for whoever files a ticket."""

from __future__ import annotations

import json
from datetime import date

import psycopg
from psycopg_pool import ConnectionPool

from dashboards import context
from dashboards.queries.devices import DeviceFilter
from dashboards.views import devices as devices_view
from ioc.config import Settings
from ioc.data import data_path
from layers.assign import assign_devices
from layers.wardfile import Fields
from layers.wards import import_wards_file

WARDS = data_path("boundaries/wards_2025.geojson")


def test_the_device_table_shows_ward_names(db: psycopg.Connection, settings: Settings, pool: ConnectionPool) -> None:
    import_wards_file(db, WARDS,
                      fields=Fields(None, None, None, None), valid_from=date(2025, 7, 1), valid_to=None,
                      assume_crs=None)
    db.execute("""INSERT INTO devices (device_id, kind, name, location, registered)
                  SELECT 'env-dx-1', 'env', 'Trạm Đồng Xoài', ST_PointOnSurface(geom), true FROM wards
                  WHERE code = '25195'""")
    assign_devices(db)
    db.commit()
    table, _pages, _total = devices_view.device_page(context.IocContext(settings, given=pool), DeviceFilter(),
                                                     {"col": "device_id", "desc": False}, 0, "vi")
    cells = [c for c in json.loads(json.dumps(table.to_plotly_json(), default=lambda c: c.to_plotly_json()))
             ["props"]["children"][1]["props"]["children"][0]["props"]["children"]]
    ward = next(c["props"] for c in cells if c["props"].get("title") == "25195")
    assert ward["children"] == "Phường Bình Phước"
    named, _pages, _total = devices_view.device_page(context.IocContext(settings, given=pool),
                                                    DeviceFilter(search="bình phước"), {"col": "device_id",
                                                                                   "desc": False}, 0, "vi")
    assert "env-dx-1" in json.dumps(named.to_plotly_json(), default=lambda c: c.to_plotly_json())
