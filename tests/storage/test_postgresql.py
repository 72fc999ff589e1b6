"""The same storage code on PostgreSQL: a throwaway cluster in a temp folder, when the server
binaries are on the machine (Debian's postgresql package); skipped otherwise."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scoring import ScreeningResult
from storage import QueueFilter, Storage

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def _as_postgres(*command: str) -> list[str]:
    """Run as the postgres user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if BIN is None or not (BIN / "pg_ctl").exists():
        pytest.skip("PostgreSQL server binaries not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("cannot switch to the postgres user")
    folder = Path(tempfile.mkdtemp(prefix="crps-pg-"))  # pytest's own temp dirs are root-only
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(_as_postgres(str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                                f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start"),
                   check=True, capture_output=True)
    try:
        for _ in range(50):
            ready = subprocess.run([str(BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True)
            if ready.returncode == 0:
                break
            time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_round_trip_and_conditional_update_on_postgresql(
    postgres_url: str, make_result: Callable[..., ScreeningResult]
) -> None:
    storage = Storage(postgres_url)
    result = make_result("sensory", "vasomotor", "sudomotor_edema", language="es", self_harm_thoughts="yes")
    saved = storage.save_submission(idempotency_key="pg-1", result=result, language="es")
    assert storage.save_submission(idempotency_key="pg-1", result=result, language="es").id == saved.id
    again = storage.get_by_reference(saved.reference)
    assert again is not None and again.result == result and again.created_at.tzinfo is not None
    assert storage.list_submissions(QueueFilter(urgent=True, tier="referral_suggested")).total == 1
    first = storage.set_status(saved.id, actor="a", status="referred", note=None, expected_row_version=1)
    stale = storage.set_status(saved.id, actor="b", status="reviewed", note=None, expected_row_version=1)
    assert first.ok and not stale.ok
    assert storage.daily_counts(saved.created_at.date())[0][1:] == ("referral_suggested", 1)
    assert storage.counts_for_day(saved.created_at.date())["status"] == {"referred": 1}
