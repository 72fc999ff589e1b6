"""Backups: `python -m storage backup` of a database of many screenings while the app
saves, against the same saves with no backup running, in the same process.

    python -m bench backup                      20,000 rows, SQLite and PostgreSQL (CI size)
    python -m bench.bench_backup --rows 1000000 [--sqlite-url URL] [--postgres-url URL] [--engines sqlite]
                                 [--modes plain] [--rounds 3]

Figures: the backup's wall time and peak memory (the child process's max RSS, from wait4), the
copy's size; the app's save p95 (Storage.save_submission from WRITERS threads, each saving
then pausing PAUSE s, like busy tablets) while the backup runs, and without it over a window as
long; the ratio of the two p95s (target <= 1.5). Plain and encrypted (BACKUP_KEY) backups.
A given URL is filled up to --rows demo rows (a filled database is reused).
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from bench.bench_scale import postgres
from scoring import ScreeningResult, load_questionnaire, score
from settings import load_settings
from storage import Storage
from storage.backup import good_copies
from storage.demo import DEMO_TABLET, fill
from storage.schema import submissions

REPO = Path(__file__).resolve().parents[1]
WRITERS = 4
PAUSE = 0.05
KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # a fixed test key, made-up data only


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples, default=0.0)


class Savers:
    """WRITERS threads saving screenings until stopped; latencies in ms, per phase."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.result = _one_result()
        self.samples: list[float] = []
        self.stop = threading.Event()
        self.numbers = iter(range(10**9))
        self.lock = threading.Lock()

    def _run(self, tag: str) -> None:
        while not self.stop.is_set():
            with self.lock:
                number = next(self.numbers)
            started = time.perf_counter()
            self.storage.save_submission(idempotency_key=f"bench-backup-{tag}-{time.time_ns()}-{number}",
                                         result=self.result, language="en")
            self.samples.append((time.perf_counter() - started) * 1000)
            time.sleep(PAUSE)

    def during(self, work: Callable[[], Backup] | None, seconds: float = 0.0) -> tuple[list[float], Backup | None]:
        """Save while `work()` runs (or for `seconds`); returns (latencies, work's result)."""
        self.samples, self.stop = [], threading.Event()
        threads = [threading.Thread(target=self._run, args=(str(number),)) for number in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # the writers are going
        self.samples.clear()
        outcome = None
        if work is None:
            time.sleep(seconds)
        else:
            outcome = work()
        self.stop.set()
        for thread in threads:
            thread.join()
        return list(self.samples), outcome


def _one_result() -> ScreeningResult:
    from tests.support.answers import with_categories

    questionnaire = load_questionnaire(load_settings().questionnaire)
    return score(questionnaire, with_categories("sensory", "vasomotor"), "en")


Backup = tuple[float, int, str]


def run_backup(url: str, folder: Path, key: str) -> Backup:
    """One `python -m storage backup` in a child process: (seconds, peak RSS in MB, its line)."""
    env = {**os.environ, "DATABASE_URL": url, "BACKUP_KEY": key, "BACKUP_KEEP_DAILY": "1", "BACKUP_KEEP_WEEKLY": "0"}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "storage", "backup", "--to", str(folder)], cwd=REPO, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"backup failed: {errors.strip()}")
    return seconds, usage.ru_maxrss // 1024, errors.strip().splitlines()[-1]


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run_engine(label: str, url: str, rows: int, folder: Path, modes: tuple[str, ...] = ("plain", "encrypted"),
               rounds: int = 1) -> None:
    storage = Storage(url)
    with storage.engine.connect() as connection:
        have = int(connection.execute(select(func.count()).select_from(submissions)
                                      .where(submissions.c.tablet == DEMO_TABLET)).scalar_one())
    if have < rows:
        started = time.perf_counter()
        fill(storage, rows - have, questionnaire=load_questionnaire(load_settings().questionnaire))
        took = time.perf_counter() - started
        print(f"-- {label}: filled {rows - have:,} demo rows in {took:.0f} s ({(rows - have) / took:,.0f} rows/s)")
    print(f"-- {label}: {rows:,} screenings; {WRITERS} writers, each saving then pausing {PAUSE * 1000:.0f} ms")
    savers = Savers(storage)
    for mode, key in (("plain", ""), ("encrypted", KEY)):
        if mode not in modes:
            continue
        target = folder / f"{label}-{mode}"
        pooled: tuple[list[float], list[float]] = ([], [])
        seconds = 0.0  # the previous backup's length (the first round starts with the backup)
        for round_number in range(rounds):
            # Each round a backup and a window as long without one; every other round the window
            # comes first, so the other work on a shared machine drifting up or down hits both.
            backup_first = round_number % 2 == 0
            if not backup_first:
                without, _ = savers.during(None, seconds=max(seconds, 5.0))
            during, outcome = savers.during(functools.partial(run_backup, url, target, key))
            assert outcome is not None
            seconds, peak_mb, line = outcome
            if backup_first:
                without, _ = savers.during(None, seconds=max(seconds, 5.0))
            pooled[0].extend(during)
            pooled[1].extend(without)
            copy = good_copies(target)[0][1]
            size = sum(path.stat().st_size for path in copy.iterdir())
            ratio = p95(during) / max(p95(without), 1e-9)
            print(f"   backup {mode}: {seconds:.1f} s, peak RSS {peak_mb} MB, copy {size / 1e6:,.0f} MB; "
                  f"save p95 {p95(during):.1f} ms during ({len(during)} saves) vs {p95(without):.1f} ms without "
                  f"({len(without)} saves): ratio {ratio:.2f} (target <= 1.5); median {statistics.median(during):.1f} "
                  f"vs {statistics.median(without):.1f} ms; load {_load()}")
            print(f"      {line}")
        if rounds > 1:
            during, without = pooled
            ratio = p95(during) / max(p95(without), 1e-9)
            print(f"   backup {mode}, {rounds} rounds pooled: save p95 {p95(during):.1f} ms during "
                  f"({len(during)} saves) vs {p95(without):.1f} ms without ({len(without)} saves): ratio {ratio:.2f}"
                  f" (target <= 1.5); median {statistics.median(during):.1f} vs {statistics.median(without):.1f} ms")
    storage.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_backup")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--sqlite-url")
    parser.add_argument("--postgres-url")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--modes", default="plain,encrypted", help="plain, encrypted or both")
    parser.add_argument("--rounds", type=int, default=1, help="backups per mode, each with a window without")
    args = parser.parse_args([] if argv is None else argv)
    engines = args.engines.split(",")
    modes = tuple(args.modes.split(","))
    print(f"   this process: max RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "sqlite" in engines:
            sqlite_url = args.sqlite_url or f"sqlite:///{folder / 'bench.db'}"
            run_engine("SQLite", sqlite_url, args.rows, folder, modes, args.rounds)
        if "postgresql" in engines:
            with postgres(args.postgres_url) as url:
                if url is None:
                    print("-- PostgreSQL: server binaries not installed, skipped")
                else:
                    run_engine("PostgreSQL", url, args.rows, folder, modes, args.rounds)


if __name__ == "__main__":
    main(sys.argv[1:])
