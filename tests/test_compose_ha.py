"""The compose profile `ha` (docs/ha.md): etcd and a Patroni pair validate, and IOC_DB_HOSTS points every IOC service
at both nodes with the session attributes that find the primary (writes) and a standby (reads)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.test_compose import STRONG, _compose, _env


def test_the_ha_profile_validates_and_the_services_use_both_nodes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.env"
    empty.touch()
    env = _env(**STRONG, IOC_DB_HOSTS="pg1:5432,pg2:5432")
    done = _compose("--env-file", str(empty), "--profile", "ha", "config", env=env)
    assert done.returncode == 0, done.stderr
    services = yaml.safe_load(done.stdout)["services"]
    assert {"etcd", "pg1", "pg2"} <= set(services)
    assert services["pg1"]["entrypoint"][0] == "patroni" and services["pg2"]["environment"]["PATRONI_NAME"] == "pg2"
    for name in ("ingester", "dashboard", "migrate"):
        env_of = services[name]["environment"]
        assert "@pg1:5432,pg2:5432/ioc?target_session_attrs=read-write" in env_of["IOC_DATABASE_URL"]
        assert env_of["IOC_DATABASE_READ_URL"].endswith("@pg1:5432,pg2:5432/ioc?target_session_attrs=prefer-standby")
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "docker/patroni/patroni.yml").read_text())
    assert config["bootstrap"]["dcs"]["synchronous_mode"] is True
    assert "timescaledb" in config["bootstrap"]["dcs"]["postgresql"]["parameters"]["shared_preload_libraries"]
    # only `--profile ha` starts them; the single database stays the default
    assert all(services[s]["profiles"] == ["ha"] for s in ("etcd", "pg1", "pg2")) and "profiles" not in services["db"]
