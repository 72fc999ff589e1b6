"""A throwaway PostgreSQL cluster in a temp folder (Debian's server binaries), for tests.

Used by the storage tests on a second engine and by the several-servers deploy test. Runs the
server as the postgres user when we are root (initdb refuses root). Skips when the binaries are
missing, except under REQUIRE_BROWSER=1 (CI), where it must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def require_postgres() -> Path:
    """The server's bin folder, or skip (fail in CI) when PostgreSQL is not installed."""
    if BIN is None or not (BIN / "pg_ctl").exists() or (os.geteuid() == 0 and shutil.which("runuser") is None):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("PostgreSQL server binaries are missing (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries not installed")
    return BIN


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster on a free loopback port; yield its SQLAlchemy URL; remove it after."""
    bin_dir = require_postgres()
    folder = Path(tempfile.mkdtemp(prefix="crps-pg-"))  # pytest's own temp dirs are root-only
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(_as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                                f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start"),
                   check=True, capture_output=True)
    try:
        for _ in range(50):
            ready = subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                                   capture_output=True)
            if ready.returncode == 0:
                break
            time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
