"""A district broker bridged to the central one (docs/scaling.md, "Bridged brokers"), as Mosquitto configuration.

Devices connect to the broker of their district; that broker forwards ``ioc/v1/#`` to the central broker, where the
ingesters subscribe, so the centre ingests one stream. What makes it lose nothing:

* QoS 1 both ways (``topic ioc/v1/# out 1``): the central broker PUBACKs each forwarded message;
* ``cleansession false`` and ``local_cleansession false`` with a fixed client id: the central broker keeps the
  bridge's session, and the district broker keeps the bridge's queue while the link is down (on disk with
  ``persistence true``, bounded by ``max_queued_messages``);
* the topic is forwarded unchanged (no remapping): the contract's topic already names the kind and the device, and
  the central ACL is the same as for a site gateway.

The bridge signs in to the central broker as ``bridge-<district>`` (one account per district, revocable alone) with
client id ``ioc-bridge-<district>`` (the ``ioc-`` prefix is kept for services: no device can take its session).
Pure text here; ``ioc stack bridge-config`` creates the account on the central private broker and prints the block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ioc.security.mqtt_auth import BRIDGE_ACL, BRIDGE_PREFIX, SERVICE_PREFIX

DISTRICT: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass(frozen=True)
class Bridge:
    district: str          # lower-case name, e.g. "nha-trang-bac"
    central_host: str
    central_port: int
    password: str          # of the bridge's account on the central broker
    cafile: str | None = None   # TLS to the central broker (off the machine: always); None on a private network

    def __post_init__(self) -> None:
        if not DISTRICT.fullmatch(self.district):
            raise ValueError(f"district name {self.district[:60]!r} is not 1-40 of a-z 0-9 _ - "
                             "(starting with a letter or digit)")
        if not 0 < self.central_port < 65536:
            raise ValueError(f"central port {self.central_port} is not a TCP port")
        if any(c.isspace() for c in self.password) or not self.password:
            raise ValueError("the bridge password must be one word (no spaces or line breaks)")

    @property
    def username(self) -> str:
        return f"{BRIDGE_PREFIX}{self.district}"

    @property
    def client_id(self) -> str:
        return f"{SERVICE_PREFIX}bridge-{self.district}"


def district_conf(bridge: Bridge) -> str:
    """The lines to append to the district broker's mosquitto.conf (it holds a password: keep the file 0600)."""
    tls = (f"bridge_cafile {bridge.cafile}\nbridge_insecure false\n" if bridge.cafile else "")
    return (
        f"# bridge of district {bridge.district} to the central broker (written by `ioc stack bridge-config`)\n"
        f"connection {bridge.client_id}\n"
        f"address {bridge.central_host}:{bridge.central_port}\n"
        "bridge_protocol_version mqttv311\n"
        f"remote_clientid {bridge.client_id}\n"
        f"remote_username {bridge.username}\n"
        f"remote_password {bridge.password}\n"
        + tls +
        # Both sessions persist: the central one keeps what it has not delivered to the bridge's subscription
        # (nothing: it only publishes), the district one queues what the link could not take yet.
        "cleansession false\n"
        "local_cleansession false\n"
        # The bridge's own state (1 up, 0 down) on the district broker: $SYS/broker/connection/<id>/state
        "notifications true\n"
        "notifications_local_only true\n"
        "start_type automatic\n"
        # Reconnect after 5 s, backing off to 30 s: after a central restart the ingesters (0.2-2 s) subscribe
        # again before the bridge delivers its queue (Mosquitto 2.0.11 drops what a restored shared group gets first)
        "restart_timeout 5 30\n"
        "keepalive_interval 30\n"
        "try_private true\n"
        "topic ioc/v1/# out 1\n"
    )


def central_acl(bridge: Bridge) -> str:
    """What the central broker's ACL holds for this bridge (``ioc stack up`` writes it for the private broker)."""
    return f"user {bridge.username}\n" + "\n".join(BRIDGE_ACL) + "\n"
