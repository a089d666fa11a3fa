"""Heap snapshots of a page in Chromium, and what they say about growth: by kind of memory, and what survived.

A snapshot is taken over the Chrome DevTools Protocol (``HeapProfiler.takeHeapSnapshot``, streamed in chunks over the
page's DevTools WebSocket; selenium's ``execute_cdp_cmd`` cannot receive those events). Reading one follows the
format Chrome documents (``snapshot.meta.node_fields``: each node is a row of the flat ``nodes`` array).

Three snapshots give the classic leak test: objects allocated between the first and the second that are still alive
at the third were kept by something that outlives the updates, which a page that is flat never does.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import websocket
from selenium import webdriver

# the kinds a person can act on; V8's own kinds and constructor names decide which one a node belongs to
TYPED = {"ArrayBuffer", "DataView", "Float32Array", "Float64Array", "Int8Array", "Int16Array", "Int32Array",
         "Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array"}
KINDS = ("compiled code", "script sources", "JS objects", "arrays", "strings", "functions", "typed arrays",
         "DOM and styles", "V8 internals")


def kind(node_type: str, name: str) -> str:
    if node_type == "code":
        return "compiled code"          # bytecode, baseline and optimised machine code, feedback, scope infos
    if name == "system / ExternalStringData":
        return "script sources"         # the text of plotly.js, dash-renderer and friends
    if node_type in ("string", "concatenated string", "sliced string"):
        return "strings"
    if node_type == "closure":
        return "functions"
    if node_type == "array" or name == "Array":
        return "arrays"
    if name in TYPED or name == "system / JSArrayBufferData":
        return "typed arrays"
    if node_type == "native" and not name.startswith("system /"):
        return "DOM and styles"
    if node_type == "object" and not name.startswith("system /"):
        return "JS objects"
    return "V8 internals"               # contexts, hidden classes, numbers, weak lists


@dataclass(frozen=True)
class Snapshot:
    """What the analysis needs of one snapshot: every node's id, kind, name and own size."""

    ids: list[int]
    kinds: list[str]
    names: list[str]
    sizes: list[int]

    def by_kind(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for k, size in zip(self.kinds, self.sizes, strict=True):
            total[k] += size
        return total


def read(path: Path) -> Snapshot:
    raw = json.loads(path.read_text())
    meta = raw["snapshot"]["meta"]
    fields = meta["node_fields"]
    width = len(fields)
    types, strings, nodes = meta["node_types"][0], raw["strings"], raw["nodes"]
    i_type, i_name, i_id, i_size = (fields.index(f) for f in ("type", "name", "id", "self_size"))
    ids, kinds, names, sizes = [], [], [], []
    for base in range(0, len(nodes), width):
        node_type, name = types[nodes[base + i_type]], strings[nodes[base + i_name]]
        ids.append(nodes[base + i_id])
        kinds.append(kind(node_type, name))
        names.append("(string)" if node_type.endswith("string") else name[:80])
        sizes.append(nodes[base + i_size])
    return Snapshot(ids, kinds, names, sizes)


def take(driver: webdriver.Chrome, path: Path) -> Path:
    """Collects garbage and writes the page's heap snapshot to ``path``."""
    address = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
    with urllib.request.urlopen(f"http://{address}/json") as answer:
        page = next(t for t in json.load(answer) if t["type"] == "page")
    # no Origin header: Chromium refuses DevTools WebSockets from other origins unless told otherwise
    ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=600, suppress_origin=True)
    try:
        for i, method in enumerate(("HeapProfiler.enable", "HeapProfiler.collectGarbage"), start=1):
            ws.send(json.dumps({"id": i, "method": method}))
        ws.send(json.dumps({"id": 9, "method": "HeapProfiler.takeHeapSnapshot", "params": {"reportProgress": False}}))
        with path.open("w") as out:
            while True:
                msg = json.loads(ws.recv())
                if msg.get("method") == "HeapProfiler.addHeapSnapshotChunk":
                    out.write(msg["params"]["chunk"])
                elif msg.get("id") == 9:
                    if "error" in msg:
                        raise RuntimeError(f"heap snapshot failed: {msg['error']}")
                    return path
    finally:
        ws.close()


def survivors(first: Snapshot, second: Snapshot, third: Snapshot, top: int = 10) -> tuple[int, int, list[str]]:
    """Objects allocated between ``first`` and ``second`` and still alive in ``third``: (count, bytes, the biggest
    groups as lines)."""
    new = set(second.ids) - set(first.ids)
    count: Counter[tuple[str, str]] = Counter()
    size: Counter[tuple[str, str]] = Counter()
    for node_id, k, name, s in zip(third.ids, third.kinds, third.names, third.sizes, strict=True):
        if node_id in new:
            count[k, name] += 1
            size[k, name] += s
    lines = [f"{b / 1e3:9.1f} kB {count[key]:7,d}  {key[0]:14} {key[1]}" for key, b in size.most_common(top)]
    return sum(count.values()), sum(size.values()), lines


def report(snapshots: list[tuple[str, Snapshot]]) -> list[str]:
    """A table of memory by kind in each snapshot and its change, then the three-snapshot survivors."""
    totals = [(label, s.by_kind()) for label, s in snapshots]
    head = f"{'kind (MB)':16}" + "".join(f"{label:>10}" for label, _ in totals) + "    change"
    lines = [head]
    for k in (*KINDS, "all"):
        values = [sum(t.values()) if k == "all" else t[k] for _, t in totals]
        lines.append(f"{k:16}" + "".join(f"{v / 1e6:10.2f}" for v in values)
                     + f"  {(values[-1] - values[0]) / 1e3:+8.0f} kB")
    if len(snapshots) >= 3:
        n, size, groups = survivors(snapshots[0][1], snapshots[1][1], snapshots[-1][1])
        lines.append(f"allocated between {snapshots[0][0]} and {snapshots[1][0]}, still alive at {snapshots[-1][0]}: "
                     f"{n:,} objects, {size / 1e3:.1f} kB")
        lines += groups
    return lines
