"""The demo's report ticker (`ioc reports demo --follow`) rides through a database restart, as it must through a
failover of the Patroni pair (docs/ha.md): it said so, reconnected and ticked again, instead of ending the demo."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pipelines.ingest_support import migrated_stack
from tests.support import wait_until

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_the_ticker_reconnects_after_the_database_restarts(tmp_path: Path) -> None:
    with migrated_stack("ticker") as (handle, urls):
        log = tmp_path / "ticker.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
        cmd = [sys.executable, "-m", "smartward", "--database-url", urls.database_url, "--state-dir", str(tmp_path),
               "reports", "demo", "--days", "1", "--follow", "--every", "1"]
        with log.open("w") as out:
            ticker = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: log.read_text().count("demo reports:") >= 2, 120, what="two ticks")
            handle.stop_postgres()
            wait_until(lambda: "database unavailable" in log.read_text(), 30, what="the ticker to notice")
            time.sleep(2)
            assert ticker.poll() is None, log.read_text()[-2000:]       # still there while the database is down
            before = log.read_text().count("demo reports:")
            handle.up()
            wait_until(lambda: log.read_text().count("demo reports:") > before, 60, what="a tick after the restart")
            assert ticker.poll() is None
        finally:
            ticker.terminate()
            ticker.wait(30)
        assert ticker.returncode == 0, log.read_text()[-2000:]
