"""Logging set-up shared by every process: one line per event, the time in UTC, the logger naming the concern."""

from __future__ import annotations

import logging
import sys


def setup(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("urllib3", "werkzeug", "psycopg.pool", "fiona", "pyogrio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
