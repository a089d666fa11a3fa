"""An environment station on a field gateway: read a serial PM / temperature / humidity / noise sensor and publish
each reading through sensors.device.DeviceClient (buffered on disk while the broker is unreachable).

    python examples/env_station.py --url mqtts://broker:8883 --device-id nt-env-01 --password "$SECRET" \
        --serial /dev/ttyUSB0 --buffer /var/lib/ioc/nt-env-01.db

Without hardware, ``--serial examples/sample_serial.txt`` stands in for the port (read in a loop).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from sensors.device import DeviceClient

log = logging.getLogger("env_station")
# serial key -> (record field, factor): the board prints humidity in percent, the contract wants a fraction.
FIELDS = {"PM2.5": ("pm25", 1.0), "PM10": ("pm10", 1.0), "T": ("temperature", 1.0),
          "RH": ("relative_humidity", 0.01), "LAeq": ("laeq", 1.0)}


def parse_line(line: str) -> dict[str, float]:
    """``PM2.5=35.2,PM10=51.0,T=29.4,RH=71.2,LAeq=62.3`` as record fields; a value the sensor failed on (ERR) is
    left out. ValueError for a line that is not key=value pairs."""
    values: dict[str, float] = {}
    for pair in line.strip().split(","):
        key, sep, raw = pair.partition("=")
        if not sep or key.strip() not in FIELDS:
            raise ValueError(f"not a sensor line: {line.strip()!r}")
        field, factor = FIELDS[key.strip()]
        try:
            values[field] = round(float(raw) * factor, 4)
        except ValueError:
            continue  # the sensor reported an error for this value
    return values


def serial_lines(path: Path, loop: bool) -> Iterator[tuple[int, str]]:
    """(line number, line) from the port or the stand-in file; a file starts over at its end with ``loop``."""
    while True:
        with path.open(encoding="ascii", errors="replace") as port:
            for number, line in enumerate(port, start=1):
                if line.strip() and not line.startswith("#"):
                    yield number, line
        if not loop:
            return


def main(argv: list[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sent = 0
    device = DeviceClient(args.url, args.device_id, "env", password=args.password, buffer_path=args.buffer,
                          ca_file=args.ca_file).start()
    try:
        for number, line in serial_lines(args.serial, loop=args.count is None):
            try:
                values = parse_line(line)
                if values:
                    device.telemetry(**values)
                    sent += 1
            except ValueError as exc:  # a garbled line, or a value outside the contract's range
                log.warning("%s:%d: skipped: %s", args.serial, number, exc)
            if args.count is not None and sent >= args.count:
                break
            time.sleep(args.interval)
    except KeyboardInterrupt:
        pass
    finally:
        left = device.close(timeout=10.0)
    log.info("%d readings taken; %d still buffered on disk, sent after the next start", sent, left)
    return 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="mqtt://host:1883 or mqtts://host:8883")
    parser.add_argument("--device-id", required=True, help="the station's id in the fleet (its MQTT username)")
    parser.add_argument("--password", help="the device's MQTT password")
    parser.add_argument("--serial", type=Path, default=Path(__file__).with_name("sample_serial.txt"),
                        help="serial port, or a file standing in for it")
    parser.add_argument("--buffer", type=Path, required=True, help="on-disk buffer (SQLite) for offline readings")
    parser.add_argument("--ca-file", help="CA certificate of the broker for mqtts://")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between readings")
    parser.add_argument("--count", type=int, help="stop after this many readings (default: run forever)")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
