"""Fixtures of the device-side tests: the real PM2.5 series the stations replay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ioc import stack
from ioc.data import data_path
from sensors.sim.pm25 import Pm25Series, load_pm25
from tests.support import StackHandle, service_dir


@pytest.fixture(scope="session")
def pm25_csv() -> Path:
    return data_path("air_quality/hanoi_pm25_hourly_2016_2020.csv")


@pytest.fixture(scope="session")
def pm25(pm25_csv: Path) -> Pm25Series:
    return load_pm25(pm25_csv)


@pytest.fixture(scope="session")
def outage_broker(services: stack.Endpoints) -> Iterator[StackHandle]:
    """A private Mosquitto of our own that outage tests stop and start again (the session's broker stays up)."""
    handle = StackHandle(service_dir("outage"), database_url=services.database_url)
    handle.up()
    try:
        yield handle
    finally:
        handle.down()
