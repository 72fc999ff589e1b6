"""Backups while the clinic works: 20 writers saving throughout, on SQLite and
PostgreSQL, and the backup process killed with SIGKILL at random points."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from scoring import Questionnaire, ScreeningResult
from storage import Storage
from storage.backup import good_copies
from storage.backup_files import MANIFEST
from storage.backup_restore import restore, verify
from storage.demo import fill
from storage.schema import submissions

REPO = Path(__file__).resolve().parents[2]
WRITERS = 20


def _backup_command(url: str, folder: Path) -> list[str]:
    return [sys.executable, "-m", "storage", "backup", "--to", str(folder), "--url", url]


def _env(url: str, key: str = "") -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "BACKUP_KEY": key}


def _keys(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return set(connection.execute(select(submissions.c.idempotency_key)).scalars())
    finally:
        engine.dispose()


def _backup_while_writing(url: str, folder: Path, result: ScreeningResult) -> tuple[set[str], Path]:
    """20 threads save without pause; a `python -m storage backup` runs meanwhile. Returns the
    keys whose save returned before the backup process started, and the copy."""
    storage = Storage(url)
    acknowledged: list[tuple[float, str]] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        count = 0
        while not stop.is_set():
            key = f"w{number}-{count}"
            try:
                storage.save_submission(idempotency_key=key, result=result, language="en")
            except BaseException as exc:  # reported below
                errors.append(exc)
                return
            acknowledged.append((time.monotonic(), key))
            count += 1

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        while len(acknowledged) < 200 and not errors:  # the writers are going
            time.sleep(0.01)
        started = time.monotonic()
        ran = subprocess.run(_backup_command(url, folder), env=_env(url), capture_output=True, text=True,
                             timeout=600, cwd=REPO)
        finished = time.monotonic()
        during = sum(1 for moment, _ in acknowledged if started < moment < finished)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors[0]
    assert ran.returncode == 0, ran.stderr
    assert during > 0  # saves went on while the backup ran
    before = {key for moment, key in acknowledged if moment < started}
    copies = good_copies(folder)
    assert len(copies) == 1
    return before, copies[0][1]


def test_backup_while_20_writers_save_on_sqlite(
    tmp_path: Path, make_result: Callable[..., ScreeningResult], questionnaire: Questionnaire
) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    storage = Storage(url)
    fill(storage, 3000, questionnaire=questionnaire)
    before, copy = _backup_while_writing(url, tmp_path / "b", make_result("sensory"))
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    counts = restore(copy, target, key=None)
    restored = _keys(target)
    assert before <= restored  # every save acknowledged before the backup started
    assert all(found == expected for name, expected, found in counts if name != "alembic_version")
    with create_engine(target, poolclass=NullPool).connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


def test_backup_while_20_writers_save_on_postgresql(
    postgres_url: str, postgres_server: str, make_result: Callable[..., ScreeningResult], tmp_path: Path,
    questionnaire: Questionnaire,
) -> None:
    storage = Storage(postgres_url)
    fill(storage, 3000, questionnaire=questionnaire)
    before, copy = _backup_while_writing(postgres_url, tmp_path / "b", make_result("sensory"))
    assert verify(copy, None)["engine"] == "postgresql"
    target = postgres_server.rsplit("/", 1)[0] + "/restored_live"
    engine = create_engine(postgres_server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text("CREATE DATABASE restored_live"))
    engine.dispose()
    counts = restore(copy, target, key=None)
    assert before <= _keys(target)
    assert all(found == expected for name, expected, found in counts if name != "alembic_version")
    engine = create_engine(target, poolclass=NullPool)
    with engine.connect() as connection:  # pg_amcheck-style check: every index agrees with its table
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        indexes = connection.execute(text(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace")).scalars().all()
        for index in indexes:
            connection.execute(text("SELECT bt_index_check(:index, true)"), {"index": index})
    engine.dispose()
    assert indexes


def test_kill_9_at_random_points_leaves_old_copies_whole_and_no_half_copy_under_a_final_name(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    fill(Storage(url), 4000, questionnaire=questionnaire)
    folder = tmp_path / "b"
    key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # encrypted: more steps to interrupt
    first = subprocess.Popen(_backup_command(url, folder), env=_env(url, key), cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    writing = _wait_for_partial(first, folder)
    assert first.wait(timeout=300) == 0
    duration = time.monotonic() - writing  # from the partial folder's appearance to the end
    originals = {path: (path / MANIFEST).read_bytes() for _, path in good_copies(folder)}
    chooser = random.Random(int(os.environ.get("BACKUP_KILL_SEED", "22")))
    size = (tmp_path / "db.sqlite").stat().st_size
    killed = half_written = 0
    partials_seen: set[str] = set()
    stages = ["copying", "checking", "sealing", "sealing", "manifest", "any time", "copying", "sealing"]
    for stage in stages:  # a random point within each stage of the backup
        process = subprocess.Popen(_backup_command(url, folder), env=_env(url, key), cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_partial(process, folder)  # past Python's start-up (slow on a loaded machine)
        if stage == "any time":
            time.sleep(chooser.uniform(0.0, 1.0) * duration)
        else:
            _wait_for_stage(process, folder, stage, chooser.random() * size)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        now_good = [path for _, path in good_copies(folder)]
        if now_good and now_good[0] not in originals:  # it got past its commit point (then rotation
            verify(now_good[0], bytes(range(32)))      # keeps one a day): the new copy is whole
            originals = {path: (path / MANIFEST).read_bytes() for path in now_good}
            continue
        for path, manifest in originals.items():  # the earlier copies: untouched and still good
            assert (path / MANIFEST).read_bytes() == manifest
        for _, path in good_copies(folder):
            verify(path, bytes(range(32)))  # anything under a final name is whole and checked
        finals = [path for path in folder.iterdir() if path.name.startswith("backup-")]
        assert all((path / MANIFEST).is_file() for path in finals)
        left = {path.name for path in folder.iterdir() if path.name.startswith(".partial")}
        half_written += bool(left - partials_seen)
        partials_seen |= left
    assert killed >= 5 and half_written >= 5  # most runs were interrupted part-way, mid-write
    assert all(path.exists() for path in originals)
    done = subprocess.run(_backup_command(url, folder), env=_env(url, key), capture_output=True, text=True,
                          cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not [path for path in folder.iterdir() if path.name.startswith(".partial")]  # dead ones cleared



def _wait_for_partial(process: subprocess.Popen[bytes], folder: Path) -> float:
    """When this backup process's `.partial-` folder appeared (or it ended first)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if any(path.name.endswith(f"-{process.pid}") for path in folder.glob(".partial-*")):
            break
        time.sleep(0.005)
    return time.monotonic()


def _wait_for_stage(process: subprocess.Popen[bytes], folder: Path, stage: str, bytes_written: float) -> None:
    """Until the running backup reaches `stage` (the copy or the sealed file `bytes_written` long,
    the copy whole but not yet sealed, or the manifest written), or ends."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        for partial in folder.glob(f".partial-*-{process.pid}"):
            plain, sealed = partial / "screening.sqlite3", partial / "screening.sqlite3.sealed"
            reached = {
                "copying": plain.exists() and plain.stat().st_size >= bytes_written * 0.9,
                "checking": plain.exists() and plain.stat().st_size > 0 and not sealed.exists(),
                "sealing": sealed.exists() and sealed.stat().st_size >= bytes_written * 0.9,
                "manifest": (partial / MANIFEST).exists(),
            }
            if reached[stage]:
                return
        time.sleep(0.002)
