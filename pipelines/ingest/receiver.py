"""The MQTT side: a persistent paho v2 session with manual acknowledgement and a shared subscription.

The paho callback only decodes, validates (the contract's ``parse``) and enqueues; it never touches the database.
With a hand-over (``ioc ingest``: handover.py) it does even less: it passes the raw topic and payload on to the
writer process, which parses them there, on the other core.
Receive Maximum bounds what the broker sends before we acknowledge; the bounded queue bounds QoS 0 as well: when
it is full the callback stops reading the socket (back-pressure) while still sending acknowledgements and pings, so
the connection survives a long database stall and memory stays bounded whatever arrives.

A session holds exactly one subscription: on every connect the receiver unsubscribes the others it may have kept
from an earlier configuration (``unsubscribe``) and subscribes again (which also repairs a shared subscription that
Mosquitto 2.0 restored broken from its persistence file after a broker restart; see docs/ingestion.md).
"""

from __future__ import annotations

import logging
import queue
import struct
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

from ioc.mqtt import MqttTarget, make_client, properties
from pipelines.ingest.bounded import BoundedQueue
from pipelines.ingest.counters import Counters
from pipelines.ingest.handover import Handover
from pipelines.ingest.message import Message
from sensors.contract import ParseResult, Rejection, parse

log = logging.getLogger(__name__)
_PUBACK, _PUBACK_PACKET = 0x40, struct.Struct("!BBH")   # fixed header, remaining length 2, mid (reason 0 omitted)
SESSION_EXPIRY_S = 7 * 24 * 3600


KEEPALIVE_S = 30
_WAIT_SLICE_S = 0.5


class Receiver:
    def __init__(self, target: MqttTarget, client_id: str, subscription: str | None, q: queue.Queue[Message],
                 counters: Counters, receive_maximum: int = 5000, unsubscribe: tuple[str, ...] = (),
                 keepalive: int = KEEPALIVE_S, handover: Handover | None = None) -> None:
        self.target, self.subscription, self.q, self.counters = target, subscription, q, counters
        self.handover = handover
        if handover is not None:
            handover.ack = self.ack_many
        self.receive_maximum, self.client_id, self.keepalive = receive_maximum, client_id, keepalive
        self.unsubscribe = tuple(u for u in unsubscribe if u != subscription)
        self.stalled_s = 0.0   # time spent with reading paused because the queue was full
        self.gen = 0
        self.accepting = threading.Event()
        self.accepting.set()
        self.connected = threading.Event()
        self.client = make_client(target, client_id, manual_ack=True)
        # Short: until this session subscribes again after a broker restart, its shared subscription is dead.
        self.client.reconnect_delay_set(0.2, 2)  # type: ignore[arg-type]  # seconds as float; stub says int
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.on_unsubscribe = self._on_unsubscribe

    def start(self) -> None:
        props = properties(PacketTypes.CONNECT, SessionExpiryInterval=SESSION_EXPIRY_S,
                           ReceiveMaximum=self.receive_maximum)
        self.client.connect_async(self.target.host, self.target.port, keepalive=self.keepalive, clean_start=False,
                                  properties=props)
        self.client.loop_start()

    def pause(self) -> None:
        """Stop taking messages: what arrives from now on stays unacknowledged and is redelivered next session."""
        self.accepting.clear()

    def stop(self, end_session: bool = False) -> None:
        """Disconnect; ``end_session`` also ends the broker's session (session expiry 0 in DISCONNECT)."""
        props = None
        if end_session:
            props = properties(PacketTypes.DISCONNECT, SessionExpiryInterval=0)
        self.client.disconnect(properties=props)
        self.client.loop_stop()

    def ack(self, batch: Sequence[Message]) -> None:
        for msg in batch:
            self.ack_mid(msg.mid, msg.qos, msg.gen)

    def ack_mid(self, mid: int, qos: int, gen: int) -> None:
        # A mid is valid only on the connection that delivered it; older ones are redelivered and deduplicated.
        if qos and gen == self.gen:
            self.client.ack(mid, qos)

    def ack_many(self, items: Sequence[tuple[int, int, int, int]]) -> None:
        """Acknowledge (mid, qos, generation, _) items of this connection as ONE queued write of back-to-back
        PUBACKs: paho's ``ack`` queues a packet and wakes its loop with a syscall per message."""
        gen = self.gen
        mids = [mid for mid, qos, g, _ in items if qos == 1 and g == gen]
        if not mids:
            return
        queue_packet = getattr(self.client, "_packet_queue", None)
        if queue_packet is None:   # a paho without it: one at a time
            for mid in mids:
                self.client.ack(mid, 1)
            return
        queue_packet(_PUBACK, b"".join([_PUBACK_PACKET.pack(_PUBACK, 2, mid) for mid in mids]), 0, 0)

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: mqtt.ConnectFlags, rc: ReasonCode,
                    props: Properties | None = None) -> None:
        if rc.is_failure:
            log.error("broker %s:%d refused the connection: %s", self.target.host, self.target.port, rc)
            return
        self.gen += 1
        # Subscribing again with a session present is required, not just harmless: Mosquitto 2.0.11 restores a shared
        # subscription from its persistence file dead after a broker restart (it delivers nothing until renewed).
        log.info("connected to %s:%d as %s (session present: %s); subscribing %s", self.target.host,
                 self.target.port, self.client_id, flags.session_present, self.subscription)
        # Subscribe before unsubscribing the strays: in between a message may match both (stored once by dedup)
        # rather than neither (lost).
        if self.subscription is not None:
            client.subscribe(self.subscription, options=SubscribeOptions(qos=1))
        if self.unsubscribe:
            client.unsubscribe(list(self.unsubscribe))

    def _on_unsubscribe(self, client: mqtt.Client, userdata: Any, mid: int, codes: list[ReasonCode],
                        props: Properties | None = None) -> None:
        if self.subscription is None:
            self.connected.set()   # a draining session: the stray subscriptions are gone, only its queue is left

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, codes: list[ReasonCode],
                      props: Properties | None = None) -> None:
        if any(rc.is_failure for rc in codes):
            log.error("the broker refused the subscription %s: %s", self.subscription, codes)
            return
        self.connected.set()   # subscribed: from now on nothing published is missed

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: mqtt.DisconnectFlags, rc: ReasonCode,
                       props: Properties | None = None) -> None:
        self.connected.clear()
        if self.accepting.is_set():
            log.warning("disconnected from the broker (%s); reconnecting, the session keeps the backlog", rc)

    def _on_message(self, client: mqtt.Client, userdata: Any, m: mqtt.MQTTMessage) -> None:
        if not self.accepting.is_set():
            return
        # A message from the broker proves the connection alive. paho otherwise drops the connection when its PINGRESP
        # is late, and after a pause the PINGRESP waits behind the whole backlog the broker queued meanwhile (seen:
        # a reconnect 30 s into draining 600,000 QoS 0 messages, which lost the rest of them).
        client._ping_t = 0
        if self.handover is not None:   # the hot path: raw bytes to the writer process, parsed there
            self._hand_over(client, self.handover, m)
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
        msg = Message(m.mid, m.qos, topic, payload, received_at, result, self.gen)
        if not isinstance(self.q, BoundedQueue):
            self.q.put(msg)
            return
        q = self.q
        if not q.offer(msg, 0):
            self._wait(client, lambda timeout: q.offer(msg, timeout), q.qsize)

    def _hand_over(self, client: mqtt.Client, h: Handover, m: mqtt.MQTTMessage) -> None:
        self.counters.received += 1
        mid, qos, gen, topic, payload = m.mid, m.qos, self.gen, m._topic, bytes(m.payload)   # bytes(bytes): no copy
        if not h.offer(mid, qos, gen, topic, payload, 0):
            self._wait(client, lambda timeout: h.offer(mid, qos, gen, topic, payload, timeout), h.qsize)

    def _wait(self, client: mqtt.Client, offer: Callable[[float], bool], depth: Callable[[], int]) -> None:
        """Offer again until taken, waiting while full. This is paho's network thread, so nothing more is read from the
        socket meanwhile (the broker holds QoS 1 in the session and applies its own limits to QoS 0);
        acknowledgements queued by the writer and a PINGREQ are still written so the broker keeps the connection."""
        started = last_ping = time.monotonic()
        while not offer(_WAIT_SLICE_S):
            if not self.accepting.is_set():
                return   # stopping: a QoS 1 message stays unacknowledged and is redelivered next session
            now = time.monotonic()
            if now - last_ping >= self.keepalive / 3:
                _ping(client)
                last_ping = now
            client.loop_write()
        if (waited := time.monotonic() - started) > _WAIT_SLICE_S:
            self.stalled_s += waited
            log.warning("the ingest queue was full for %.1f s (%d messages): reading was paused", waited, depth())


def _ping(client: mqtt.Client) -> None:
    # paho sends PINGREQ only from its loop, which is blocked here. Its PINGRESP is read once reading resumes, so the
    # timer is cleared: paho must not count the unread reply as a dead connection.
    client._send_pingreq()
    client._ping_t = 0
