"""A real PostgreSQL server for the tests: Debian's binaries, a temporary cluster, a free port.

``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres`` system
user (created by Debian's package) and the server is started through ``runuser``. Where the
binaries are missing the tests that need it skip with a visible reason, except under CI
(``CI`` set), where a missing server is a failure: ``.ci/run`` installs the package.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian keeps it off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextlib.contextmanager
def running_server(bin_dir: Path) -> Iterator[str]:
    """Start a throw-away cluster on 127.0.0.1; yield its URL; stop and delete it after."""
    owner = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="keyhelp-pg-"))
    if owner:
        shutil.chown(base, user=owner)
    data, log, port = base / "data", base / "log", _free_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                                  "-U", "keyhelp", "-E", "UTF8", "--no-sync"], owner), **run)
        options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=200")
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log),
                                  "-o", options, "-w", "start"], owner), **run)
        try:
            subprocess.run(_as_owner([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p",
                                      str(port), "-U", "keyhelp", "keyhelp"], owner), **run)
            yield f"postgresql://keyhelp@127.0.0.1:{port}/keyhelp"
        finally:
            subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                      "-w", "stop"], owner), check=False, capture_output=True,
                           timeout=120)
    finally:
        shutil.rmtree(base, ignore_errors=True)
