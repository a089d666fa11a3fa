"""The MQTT side: a persistent paho v2 session with manual acknowledgement and a shared subscription.

The paho callback only decodes, validates (the contract's ``parse``) and enqueues; it never touches the database.
Receive Maximum bounds what the broker sends before we acknowledge, so memory stays bounded under any backlog.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from ioc.mqtt import MqttTarget, make_client
from pipelines.ingest.counters import Counters
from pipelines.ingest.message import Message
from sensors.contract import ParseResult, Rejection, parse

log = logging.getLogger(__name__)
SESSION_EXPIRY_S = 7 * 24 * 3600


class Receiver:
    def __init__(self, target: MqttTarget, client_id: str, subscription: str, q: queue.Queue[Message],
                 counters: Counters, receive_maximum: int = 5000) -> None:
        self.target, self.subscription, self.q, self.counters = target, subscription, q, counters
        self.receive_maximum = receive_maximum
        self.gen = 0
        self.accepting = threading.Event()
        self.accepting.set()
        self.connected = threading.Event()
        self.client = make_client(target, client_id, manual_ack=True)
        self.client.reconnect_delay_set(0.5, 10)  # type: ignore[arg-type]  # paho takes seconds as float; stub says int
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    def start(self) -> None:
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho has no annotation here
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = self.receive_maximum
        self.client.connect_async(self.target.host, self.target.port, keepalive=30, clean_start=False,
                                  properties=props)
        self.client.loop_start()

    def pause(self) -> None:
        """Stop taking messages: what arrives from now on stays unacknowledged and is redelivered next session."""
        self.accepting.clear()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def ack(self, msg: Message) -> None:
        # A mid is valid only on the connection that delivered it; older ones are redelivered and deduplicated.
        if msg.qos and msg.gen == self.gen:
            self.client.ack(msg.mid, msg.qos)

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: mqtt.ConnectFlags, rc: mqtt.ReasonCode,
                    props: Properties | None = None) -> None:
        if rc.is_failure:
            log.error("broker %s:%d refused the connection: %s", self.target.host, self.target.port, rc)
            return
        self.gen += 1
        # Subscribing again with a session present is harmless and covers a broker that lost it. Known broker bug:
        # Mosquitto 2.0 restores a *shared* subscription from its persistence file broken after a broker restart
        # (half the group's messages go to a ghost member; dropping and renewing it instead loses the session's
        # queue). One worker therefore subscribes plainly; see docs/ingestion.md.
        log.info("connected to %s:%d (session present: %s); subscribing %s", self.target.host, self.target.port,
                 flags.session_present, self.subscription)
        client.subscribe(self.subscription, options=SubscribeOptions(qos=1))

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, codes: list[mqtt.ReasonCode],
                      props: Properties | None = None) -> None:
        if any(rc.is_failure for rc in codes):
            log.error("the broker refused the subscription %s: %s", self.subscription, codes)
            return
        self.connected.set()   # subscribed: from now on nothing published is missed

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: mqtt.DisconnectFlags, rc: mqtt.ReasonCode,
                       props: Properties | None = None) -> None:
        self.connected.clear()
        if self.accepting.is_set():
            log.warning("disconnected from the broker (%s); reconnecting, the session keeps the backlog", rc)

    def _on_message(self, client: mqtt.Client, userdata: Any, m: mqtt.MQTTMessage) -> None:
        if not self.accepting.is_set():
            return
        received_at = datetime.now(UTC)
        topic = m._topic.decode("utf-8", "replace") if isinstance(m._topic, bytes) else str(m._topic)
        payload = bytes(m.payload)
        try:
            result = parse(topic, payload, received_at)
        except Exception as exc:  # the contract never raises; if it ever does, the message is kept, not lost
            log.exception("contract parse raised on %s", topic)
            result = ParseResult(None, (), (Rejection("internal", f"the ingester could not parse this: {exc!r}"),))
        self.counters.received += 1
        self.q.put(Message(m.mid, m.qos, topic, payload, received_at, result, self.gen))
