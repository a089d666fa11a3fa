"""Process helpers for the private stack: free ports, binaries, running as the postgres user."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from ioc.errors import StackError

SETUP_HINT = "run scripts/setup.sh (Debian 12), or set IOC_DATABASE_URL / IOC_MQTT_URL, or use docker compose"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def require(binary: str, candidates: Sequence[str] = (), package: str = "") -> str:
    """Absolute path of a binary, or a StackError that says how to install it."""
    for path in (*candidates, shutil.which(binary)):
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return str(path)
    pkg = f" (Debian package {package})" if package else ""
    raise StackError(f"{binary} not found{pkg}: {SETUP_HINT}")


def is_root() -> bool:
    return os.geteuid() == 0


def service_user(name: str) -> pwd.struct_passwd | None:
    """The account a service runs as when we are root (PostgreSQL refuses root); None when not root."""
    if not is_root():
        return None
    try:
        return pwd.getpwnam(name)
    except KeyError as exc:
        raise StackError(f"user {name!r} does not exist: {SETUP_HINT}") from exc


def check_traversable(path: Path, user: pwd.struct_passwd | None) -> None:
    """A service account must reach its files: every parent directory needs o+x when we run it as another user."""
    if user is None:
        return
    for parent in path.resolve().parents:
        st = parent.stat()
        if st.st_uid != user.pw_uid and not st.st_mode & 0o001:
            raise StackError(f"the {user.pw_name} account cannot reach {path}: {parent} is not traversable "
                             f"(chmod o+x {parent}, or set IOC_STATE_DIR elsewhere)")


def chown_tree(path: Path, user: pwd.struct_passwd | None) -> None:
    if user is None:
        return
    for p in (path, *path.rglob("*")):
        os.chown(p, user.pw_uid, user.pw_gid)


def run(cmd: Sequence[str], user: pwd.struct_passwd | None = None, timeout: float = 120) -> str:
    """Run a command (as ``user`` when given) and return stdout; a failure becomes a StackError with stderr."""
    full = ["runuser", "-u", user.pw_name, "--", *cmd] if user else list(cmd)
    try:
        done = subprocess.run(full, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise StackError(f"{Path(cmd[0]).name} timed out after {timeout:.0f} s") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise StackError(f"{Path(cmd[0]).name} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def stop_pid(pid_file: Path, timeout: float = 15) -> bool:
    """SIGTERM the daemon its pid file names and wait up to ``timeout`` s; False when none was running."""
    pid = read_pid(pid_file)
    if pid is None or not pid_alive(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def log_tail(path: Path) -> str:
    """The last line of a service's log, for a one-line error."""
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return f"see {path}"
    return lines[-1] if lines else f"see {path}"
