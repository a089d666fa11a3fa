"""`ioc demo`, the README's first command, as a person runs it: it comes up with data flowing and a dashboard that
answers, and SIGTERM (or Ctrl-C) stops every process it started, in order, with exit code 0."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import psycopg
import pytest

from ioc.stack._proc import free_port
from smartward.demo_history import wait_for_history
from tests.support import count, service_dir, wait_until

REPO = Path(__file__).resolve().parents[1]
READINGS = "SELECT (SELECT count(*) FROM env_telemetry) + (SELECT count(*) FROM wifi_telemetry)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"   # a zombie has stopped


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.timeout(540)   # the demo's start, then last week's two briefings generated and mailed (docs/briefing.md)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_demo_runs_with_data_flowing_and_stops_everything(db_url: str, mqtt_url: str, tmp_path: Path,
                                                          stop: signal.Signals) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    cmd = [sys.executable, "-m", "smartward", "--database-url", db_url, "--mqtt-url", mqtt_url, "--state-dir",
           str(tmp_path), "--http-port", str(port), "demo", "--backfill", ""]
    # started the way a shell starts a background job: SIGINT ignored, which Python would otherwise inherit
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    out, printed = "", []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:          # the URL comes last: history rolled up, reports written, ticker started
            printed.append(line)
            if "smartward-ioc is running" in line:
                break
        assert proc.poll() is None, "".join(printed)[-3000:]
        wait_until(lambda: count(db_url, READINGS) > 0, timeout=60, what="readings")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            health = json.loads(answer.read())
        assert health.get("database") == "ok", health
        assert count(db_url, "SELECT count(*) FROM devices WHERE ward_code IS NOT NULL") > 1000
        assert count(db_url, READINGS) > 0        # simulators → broker → ingester → table
        # beyond PM2.5: the full stations' gases, the gauges' water level and every station's noise arrive too
        wait_until(lambda: count(db_url, "SELECT count(*) FROM env_telemetry WHERE no2 IS NOT NULL AND co > 100 "
                                         "AND pm10 IS NOT NULL") > 0 and
                   count(db_url, "SELECT count(*) FROM env_telemetry WHERE water_level IS NOT NULL") > 0 and
                   count(db_url, "SELECT count(*) FROM env_telemetry WHERE laeq IS NOT NULL") > 0,
                   timeout=90, what="gases, water level and noise")
        assert count(db_url, "SELECT count(*) FROM devices WHERE attrs #> '{station,water_levels_cm}' IS NOT NULL") \
            == 4     # two gauges a city, their warning levels in the registry
        # street lamps report at once, then every 10 minutes (sensors/sim/devices.py)
        wait_until(lambda: count(db_url, "SELECT count(*) FROM light_telemetry") > 0, timeout=90, what="lamps")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as page:
            assert page.status == 200
        # the field reports are a living city's: recent, mostly handled in time, a few overdue, nothing in the future
        assert count(db_url, "SELECT count(*) FROM reports WHERE submitted_at > now() - interval '1 day'") > 5
        assert count(db_url, "SELECT count(*) FROM reports WHERE outcome = 'resolved' AND resolved_at <= due_at "
                             "AND resolved_at > now() - interval '30 days'") > 100
        assert 0 < count(db_url, "SELECT count(*) FROM reports WHERE status IN ('received', 'assigned', "
                                 "'in_progress') AND due_at < coalesce(paused_since, now())") < 25
        assert count(db_url, "SELECT count(*) FROM report_history WHERE at > now()") == 0
        # the camera footage register is not empty: Đồng Xoài's two years, scaled down, chained
        assert count(db_url, "SELECT count(*) FROM footage_register WHERE event = 'request'") == 165
        # incidents: yesterday's flood handled and answered, one in progress, an accident waiting for someone
        assert count(db_url, "SELECT count(*) FROM incidents WHERE status = 'resolved' AND type = 'flooding'") >= 1
        assert count(db_url, "SELECT count(*) FROM incidents WHERE status = 'confirmed'") >= 1
        assert count(db_url, "SELECT count(*) FROM incidents WHERE status = 'suggested'") >= 1
        # the residents' page of every demo ward: synthetic hamlets, support points, dated documents with comments
        assert count(db_url, "SELECT count(DISTINCT ward_code) FROM disclosures WHERE synthetic AND "
                             "comments_close > now()") == count(db_url, "SELECT count(DISTINCT ward_code) FROM "
                                                                        "devices WHERE ward_code IS NOT NULL")
        assert count(db_url, "SELECT count(*) FROM support_points WHERE synthetic") >= 3
        assert count(db_url, "SELECT count(*) FROM reports WHERE hamlet IS NOT NULL") > 100
        # a week of the synthetic social listening feed, every mention labelled so (docs/social.md)
        assert count(db_url, "SELECT count(*) FROM social_mentions WHERE synthetic") > 200
        assert count(db_url, "SELECT count(*) FROM social_mentions WHERE NOT synthetic") == 0
        # the default alarm rules are loaded and their evaluator keeps up with what is stored
        assert count(db_url, "SELECT count(*) FROM alarm_rules WHERE enabled") >= 5
        wait_until(lambda: count(db_url, "SELECT count(*) FROM alarm_watermarks WHERE updated_at > now() - "
                                         "interval '30 seconds'") > 0, timeout=60, what="the alarm evaluator")
        # notifications for real, offline: the alarms (overdue reports at least) are e-mailed by the demo's notifier
        # to the demo's own SMTP mailbox; the delivery is recorded as sent and the message kept as a file
        wait_until(lambda: count(db_url, "SELECT count(*) FROM alarm_deliveries WHERE channel = 'email' "
                                         "AND status = 'sent'") > 0, timeout=90, what="an alarm e-mail sent")
        kept = sorted((tmp_path / "demo-mailbox").glob("*.eml"))
        assert kept and b"truc-ban@phuong-demo.localhost" in kept[0].read_bytes()
        # last week's leader briefing: generated, archived and mailed (PDF attached) by the demo's schedule, once
        wait_until(lambda: count(db_url, "SELECT count(*) FROM briefings WHERE mailed_at IS NOT NULL") == 2,
                   timeout=240, what="the weekly briefings mailed")
        mails = [p.read_bytes() for p in (tmp_path / "demo-mailbox").glob("*.eml")]
        briefing = [m for m in mails if b"lanh-dao@ioc-demo.localhost" in m]
        assert len(briefing) == 1 and b"application/pdf" in briefing[0]
    finally:
        proc.send_signal(stop)
        out = "".join(printed) + proc.communicate(timeout=120)[0]
    assert proc.returncode == 0, out[-3000:]
    children = [int(pid) for pid in re.findall(r"started \w[\w ]* \(pid (\d+)\)", out)]
    assert len(children) >= 8, out[-3000:]   # ingester, alarms, notifier, dashboard, simulators, ticker, incidents
    assert not [pid for pid in children if _alive(pid)], out[-3000:]


@pytest.mark.integration
@pytest.mark.slow
def test_demo_leaves_a_private_stack_it_did_not_start_running() -> None:
    """`ioc stack up` first (or a bench, or a second terminal): stopping the demo must not stop that stack."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    state = service_dir("demo")
    base = [sys.executable, "-m", "smartward", "--state-dir", str(state)]
    subprocess.run([*base, "stack", "up"], env=env, cwd=REPO, check=True, capture_output=True, timeout=180)
    try:
        proc = subprocess.Popen([*base, "--http-port", str(free_port()), "demo", "--backfill", ""], env=env,
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:     # pytest-timeout bounds this wait
                lines.append(line)
                if "smartward-ioc is running" in line:
                    break
        finally:
            proc.send_signal(signal.SIGTERM)
            out = "".join(lines) + proc.communicate(timeout=120)[0]
        assert proc.returncode == 0, out[-3000:]
        assert "left running what was running before the demo: postgresql, mosquitto" in out, out[-2000:]
        status = subprocess.run([*base, "stack", "status"], env=env, cwd=REPO, capture_output=True, text=True,
                                timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr      # both still up and healthy
    finally:
        subprocess.run([*base, "stack", "down"], env=env, cwd=REPO, capture_output=True, timeout=120)
        shutil.rmtree(state, ignore_errors=True)


@pytest.mark.integration
def test_the_url_waits_for_history_to_be_rolled_up(db: psycopg.Connection) -> None:
    """A minute of backfilled history not yet rolled up keeps the demo waiting (the AQI tile would be empty)."""
    db.autocommit = True
    said: list[str] = []
    db.execute("INSERT INTO rollup_dirty (source, minute) VALUES ('env_telemetry', now() - interval '3 days')")
    assert not wait_for_history(db, lambda: False, timeout_s=1.5, poll_s=0.2, say=said.append)
    assert said and "1 minute(s) to roll up" in said[0]
    running = iter([True, False, False, False])
    assert not wait_for_history(db, lambda: next(running, False), timeout_s=0.5, poll_s=0.1, say=said.append)
    db.execute("DELETE FROM rollup_dirty")
    assert wait_for_history(db, lambda: False, timeout_s=5, poll_s=0.1, say=said.append)
