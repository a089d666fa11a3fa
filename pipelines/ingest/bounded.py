"""The receiver → writer queue, bounded in messages and in bytes.

Receive Maximum bounds QoS 1 traffic, but nothing bounds QoS 0: while the writer is stalled a QoS 0 flood would grow
an unbounded queue until the process is killed. This queue refuses a message when full; the receiver then stops
reading the socket (back-pressure) instead of growing.
"""

from __future__ import annotations

import queue

from pipelines.ingest.message import Message

_OVERHEAD = 600   # bytes a queued Message costs beyond topic and payload (the object, its ParseResult, timestamps)


def footprint(msg: Message) -> int:
    return len(msg.payload) + len(msg.topic) + _OVERHEAD


class BoundedQueue(queue.Queue[Message]):
    """A Queue whose ``offer`` refuses (after a wait) once ``max_messages`` or ``max_bytes`` is reached.

    A single message larger than ``max_bytes`` is still taken when the queue is empty, so nothing can wedge it.
    """

    def __init__(self, max_messages: int = 20_000, max_bytes: int = 64 * 1024 * 1024) -> None:
        super().__init__()
        self.max_messages, self.max_bytes = max_messages, max_bytes
        self.bytes = 0

    def offer(self, msg: Message, timeout: float) -> bool:
        """Enqueue unless still full after ``timeout`` seconds; True when enqueued."""
        with self.not_full:
            if self._is_full():
                self.not_full.wait(timeout)
                if self._is_full():
                    return False
            self._put(msg)
            self.unfinished_tasks += 1
            self.not_empty.notify()
            return True

    def _is_full(self) -> bool:
        n = self._qsize()
        return n >= self.max_messages or (n > 0 and self.bytes >= self.max_bytes)

    # Queue's own hooks (called with its mutex held): keep the byte count in step with the deque.
    def _put(self, item: Message) -> None:
        super()._put(item)
        self.bytes += footprint(item)

    def _get(self) -> Message:
        item = super()._get()
        self.bytes -= footprint(item)
        return item
