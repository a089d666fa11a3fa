"""A private PostgreSQL cluster with TimescaleDB and PostGIS, under the state dir, on its own free port.

It never touches a PostgreSQL the machine already runs: own data dir, own socket dir, own port, 127.0.0.1 only.
Every connection needs the generated password (SCRAM), over TCP and over the socket alike: other local accounts
may share the machine, and a trusted socket would let any of them in as the superuser. The cluster's folder
(socket dir included) is the postgres account's alone (0700). A cluster made before this is brought in line by
``ensure`` (pg_hba.conf rewritten and reloaded).
"""

from __future__ import annotations

import glob
import logging
import os
import secrets
import time
from pathlib import Path

import psycopg
from psycopg import sql

from ioc.errors import StackError
from ioc.stack import _proc
from ioc.stack._state import PgState

log = logging.getLogger(__name__)

EXTENSIONS = ("timescaledb", "postgis", "btree_gist")
HBA = ("# written by ioc stack (rewritten on every start): the password everywhere, for every account\n"
       "local all all scram-sha-256\n"
       "host all all 127.0.0.1/32 scram-sha-256\n")


def _bindir() -> Path:
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(cand, "initdb").exists():
            return Path(cand)
    _proc.require("initdb", package="postgresql-15")
    raise AssertionError("unreachable")


def _check_timescaledb(bindir: Path) -> None:
    # Debian layout: /usr/lib/postgresql/<major>/{bin,lib}
    if not (bindir.parent / "lib" / "timescaledb.so").exists():
        raise StackError(f"TimescaleDB is not installed for PostgreSQL {bindir.parent.name}: run scripts/setup.sh "
                         "(it builds TimescaleDB from Debian's source package), or use docker compose")


class PrivatePostgres:
    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir.resolve() / "postgres"
        self.data = self.root / "data"
        self.run_dir = self.root / "run"
        self.log_file = self.root / "postgres.log"
        self.user = _proc.service_user("postgres")

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def ensure(self, state: PgState | None) -> PgState:
        """Initialise (first time) and start the cluster; create the database and extensions. Idempotent."""
        bindir = _bindir()
        _check_timescaledb(bindir)
        if state is None or not (self.data / "PG_VERSION").exists():
            state = self._initdb(bindir)
        hba_changed = self._lock_down()
        if not self.running():
            state = self._start(bindir, state)
        elif hba_changed:
            log.info("the private PostgreSQL's authentication changed: reloading it")
            _proc.run([str(bindir / "pg_ctl"), "-D", str(self.data), "reload"], self.user)
        self._create_database(state)
        return state

    def stop(self) -> bool:
        if not self.running():
            return False
        _proc.run([str(_bindir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"],
                  self.user)
        return True

    def running(self) -> bool:
        pid = self.pid()
        return pid is not None and _proc.pid_alive(pid)

    def pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        try:
            return int(pidfile.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    def health(self, state: PgState) -> str:
        """'' when healthy, else what is wrong."""
        try:
            with psycopg.connect(state.url(), connect_timeout=3) as conn:
                rows = conn.execute("SELECT extname, extversion FROM pg_extension").fetchall()
        except psycopg.Error as exc:
            return str(exc).strip().splitlines()[0]
        missing = set(EXTENSIONS[:2]) - {name for name, _ in rows}
        return f"extensions missing: {', '.join(sorted(missing))}" if missing else ""

    # -- steps -------------------------------------------------------------------------------------------------
    def _initdb(self, bindir: Path) -> PgState:
        if self.data.exists() and any(self.data.iterdir()):
            raise StackError(f"{self.data} exists but is not a PostgreSQL data dir: move it away and retry")
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)
        _proc.check_traversable(self.root, self.user)
        self.run_dir.mkdir(mode=0o700, exist_ok=True)
        state = PgState(port=_proc.free_port(), password=secrets.token_urlsafe(18))
        pwfile = self.root / "pwfile"
        pwfile.unlink(missing_ok=True)
        with os.fdopen(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(state.password + "\n")
        _proc.chown_tree(self.root, self.user)
        log.info("initialising a private PostgreSQL cluster in %s", self.data)
        try:
            _proc.run([str(bindir / "initdb"), "-D", str(self.data), "-U", state.user, f"--pwfile={pwfile}",
                       "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
                      self.user, timeout=180)
        finally:
            pwfile.unlink(missing_ok=True)
        self._write_conf(state.port)
        return state

    def _lock_down(self) -> bool:
        """The folder and socket dir private to the postgres account, pg_hba.conf ours; True if pg_hba changed."""
        self.run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.root, self.run_dir):
            folder.chmod(0o700)
            if self.user is not None:
                os.chown(folder, self.user.pw_uid, self.user.pw_gid)
        hba = self.data / "pg_hba.conf"
        if hba.exists() and hba.read_text() == HBA:
            return False
        hba.write_text(HBA)
        _proc.chown_tree(hba, self.user)
        return True

    def _write_conf(self, port: int) -> None:
        conf = self.data / "postgresql.auto.conf"
        conf.write_text(
            "# written by ioc stack: a private cluster, loopback only\n"
            "listen_addresses = '127.0.0.1'\n"
            f"port = {port}\n"
            f"unix_socket_directories = '{self.run_dir}'\n"
            "shared_preload_libraries = 'timescaledb'\n"
            "timescaledb.telemetry_level = off\n"
            "max_connections = 200\n"
            "shared_buffers = 256MB\n"
            "max_locks_per_transaction = 256\n"
            "timezone = 'UTC'\n"
        )
        _proc.chown_tree(conf, self.user)

    def _start(self, bindir: Path, state: PgState) -> PgState:
        if _proc.port_in_use(state.port):
            new_port = _proc.free_port()
            log.warning("port %d is taken by another program; the private PostgreSQL moves to %d", state.port, new_port)
            state = PgState(new_port, state.password, state.user, state.database)
            self._write_conf(state.port)
        (self.data / "postmaster.pid").unlink(missing_ok=True)   # stale after a crash; running() said not alive
        log.info("starting the private PostgreSQL on 127.0.0.1:%d", state.port)
        try:
            _proc.run([str(bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_file), "-w", "-t", "90",
                       "start"], self.user, timeout=120)
        except StackError as exc:
            raise StackError(f"{exc}; log: {_proc.log_tail(self.log_file)}") from None
        return state

    def _create_database(self, state: PgState) -> None:
        create_database(state.url("postgres"), state.url(), state.database, 30, "the private PostgreSQL")


def create_database(admin_url: str, url: str, database: str, wait_s: float, what: str) -> None:
    """Create ``database`` (once the server accepts connections, waiting up to ``wait_s``) and its extensions."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            break
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise StackError(f"{what} does not accept connections: {exc}") from exc
            time.sleep(0.5)
    with psycopg.connect(url, autocommit=True) as conn:
        for ext in EXTENSIONS:
            conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(ext)))
