"""Reclaim ghost members: drain the broker session of a worker that is no longer configured, then end it.

Mosquitto keeps routing a share of the group's traffic to a persistent session whose worker never returns. Reclaiming
one: take its member lock (so it is not alive and no one else drains it), connect with its client id and
``clean_start=False``, drop its subscriptions first (no new traffic joins its queue), store its backlog through the
normal writer (acknowledged only after commit), and disconnect with session expiry 0 so the broker forgets it.
Mosquitto has no admin API listing sessions, so ``peek`` connects to an idle session to count its queue without
acknowledging anything (what was counted is redelivered to the owner).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.packettypes import PacketTypes

from ioc.mqtt import MqttTarget, make_client, properties
from pipelines.ingest import members, spools
from pipelines.ingest.bounded import BoundedQueue
from pipelines.ingest.counters import Counters
from pipelines.ingest.receiver import SESSION_EXPIRY_S, Receiver
from pipelines.ingest.writer import SinkFactory, Writer, WriterOptions

log = logging.getLogger(__name__)
PEEK_RECEIVE_MAXIMUM = 65535   # the most a peek can count: the broker sends no more unacknowledged


@dataclass(frozen=True)
class Drain:
    target: MqttTarget
    connect_sink: SinkFactory
    spool_folder: Path
    spool_max_bytes: int
    writer: WriterOptions = WriterOptions()
    idle_s: float = 2.0        # the backlog is drained when nothing has arrived for this long


def drain(d: Drain, member: str, unsubscribe: tuple[str, ...]) -> Counters:
    """Store the queued messages of ``member``'s session and end it. The caller holds the member lock."""
    counters = Counters()
    q = BoundedQueue()
    spool, lock = spools.open_own(d.spool_folder, member, d.spool_max_bytes)
    rx = Receiver(d.target, member, None, q, counters, unsubscribe=unsubscribe)
    writer = Writer(q, d.connect_sink, rx.ack, spool, counters, d.writer)
    thread = threading.Thread(target=writer.run, name=f"reclaim-{member}", daemon=True)
    thread.start()
    rx.start()
    try:
        if not rx.connected.wait(15):
            raise TimeoutError(f"could not connect to the broker as {member} to reclaim it")
        _wait_drained(rx, q, counters, d.idle_s)
        rx.pause()
    finally:
        writer.stop()
        thread.join()
    rx.stop(end_session=True)
    spool.close()
    lock.release()
    return counters


def _wait_drained(rx: Receiver, q: BoundedQueue, c: Counters, idle_s: float) -> None:
    seen, since = -1, time.monotonic()
    while True:
        written = c.stored + c.duplicates + c.dead_lettered + c.spooled
        if c.received != seen:
            seen, since = c.received, time.monotonic()
        elif q.empty() and rx.connected.is_set() and (quiet := time.monotonic() - since) >= idle_s:
            if written >= c.received or quiet >= 5 * idle_s:   # the writer finished (or counts rows differently)
                return
        time.sleep(0.1)


def reclaim_ghosts(database_url: str, membership: members.Membership, d: Drain,
                   live: Callable[[], bool] = lambda: True) -> list[tuple[str, int]]:
    """One pass: drain and end every ghost member that is provably not running. Returns (member, messages)."""
    done: list[tuple[str, int]] = []
    with psycopg.connect(database_url, autocommit=True, connect_timeout=3) as conn:
        for member, age, running in members.known(conn, membership.prefix):
            if member in membership.ids() or not live():
                continue
            if running and age < members.STALE_S:
                continue   # it beat recently: maybe stopping, maybe alive; try again on the next pass
            if not members.try_lock(conn, member):
                continue   # a live worker or another reclaimer holds it
            try:
                c = drain(d, member, membership.every_subscription())
                members.forget(conn, member)
            finally:
                members.unlock(conn, member)
            log.warning("reclaimed ghost member %s: %d queued message(s) stored, its session ended", member,
                        c.received)
            done.append((member, c.received))
    return done


def peek(target: MqttTarget, member: str, quiet_s: float = 1.0, timeout: float = 10.0) -> tuple[bool, int]:
    """(session present, queued messages) of an idle session, without acknowledging anything. The caller makes sure
    the member is not connected (its lock), or this would kick it."""
    seen: list[int] = []
    present: list[bool] = []
    client = make_client(target, member, manual_ack=True)
    client.on_connect = lambda c, u, flags, rc, p=None: present.append(bool(flags.session_present))
    client.on_message = lambda c, u, m: seen.append(m.mid)
    props = properties(PacketTypes.CONNECT, SessionExpiryInterval=SESSION_EXPIRY_S,
                       ReceiveMaximum=PEEK_RECEIVE_MAXIMUM)
    client.connect(target.host, target.port, keepalive=30, clean_start=False, properties=props)
    client.loop_start()
    deadline, last = time.monotonic() + timeout, (-1, time.monotonic())
    while time.monotonic() < deadline and (not present or time.monotonic() - last[1] < quiet_s):
        if len(seen) != last[0]:
            last = (len(seen), time.monotonic())
        time.sleep(0.05)
    _close(client, end_session=not (present and present[0]))
    return bool(present and present[0]), len(seen)


def _close(client: mqtt.Client, end_session: bool) -> None:
    """Disconnect; a session the peek itself created is ended, an existing one keeps its expiry."""
    props = None
    if end_session:
        props = properties(PacketTypes.DISCONNECT, SessionExpiryInterval=0)
    client.disconnect(properties=props)
    client.loop_stop()
