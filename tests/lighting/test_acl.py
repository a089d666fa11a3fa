"""The broker's ACL for street lights: a lamp or cabinet writes its own light topics only, and reads nothing."""

from __future__ import annotations

from ioc.security import mqtt_auth


def test_a_lamp_may_write_its_own_light_topics_only() -> None:
    acl = mqtt_auth.acl_file([], [mqtt_auth.DeviceAccount("dx-lamp-0001", "light", "$7$1$a$b"),
                                  mqtt_auth.DeviceAccount("dx-lcab-01", "light", "$7$1$a$b")])
    lamp = acl.split("user dx-lamp-0001\n")[1].split("\n\n")[0].strip().splitlines()
    assert lamp == ["topic write ioc/v1/light/dx-lamp-0001/+"]
    assert "topic write ioc/v1/light/dx-lcab-01/+" in acl
    assert "topic read" not in acl and "ioc/v1/camera" not in acl
