"""A small client for real field devices and gateways: the contract, per-device credentials, TLS, a last will,
QoS 1, and an on-disk buffer that keeps readings while the broker is unreachable. See ``examples/``.

    from sensors.device import DeviceClient

    with DeviceClient("mqtts://broker.example:8883", "nt-env-01", "env", password="…",
                      buffer_path="/var/lib/ioc/nt-env-01.db") as device:
        device.telemetry(pm25=35.2, temperature=29.1, relative_humidity=0.71)
"""

from ._client import TELEMETRY, DeviceClient

__all__ = ["TELEMETRY", "DeviceClient"]
