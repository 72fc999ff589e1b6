"""Scale: the queue, the chart, one screening, the open-urgent list and the CSV export
on a database of many screenings, SQLite and PostgreSQL, each against the bare SQL.

    python -m bench scale                        20,000 rows, both engines (CI size)
    python -m bench.bench_scale --rows 1000000 [--sqlite-url URL] [--postgres-url URL] [--engines sqlite,postgresql]

Targets: queue first page p95 <= 200 ms (the count capped at COUNT_CAP with a filter
too) and <= 5x the same SQL run bare (DB-API cursor, no
SQLAlchemy, no records built); per-day chart p95 <= 100 ms; today's counts for a clinic zone
that is not UTC p95 <= 50 ms; CSV export of all rows <= 60 s with
peak memory <= 300 MB, the same at 100,000 rows. A given URL is filled up to --rows demo rows
(so a filled database is reused); without one a temp SQLite file / throwaway cluster is used.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.sql import Select

from storage import QueueFilter, Storage
from storage.demo import DEMO_TABLET, fill
from storage.engine import utc_now
from storage.reads import filter_conditions
from storage.schema import submissions

REPO = Path(__file__).resolve().parents[1]
REPEATS = 30
CLINIC_ZONE = "America/Chicago"


def filters(storage: Storage) -> dict[str, QueueFilter]:
    today = utc_now().date()
    with storage.engine.connect() as connection:
        reference = connection.execute(select(submissions.c.reference).order_by(submissions.c.id.desc()).limit(1)
                                       ).scalar_one()
    return {
        "none": QueueFilter(),
        "tier": QueueFilter(tier="referral_suggested"),
        "status": QueueFilter(status="follow_up"),
        "urgent": QueueFilter(urgent=True),
        "last 7 days": QueueFilter(date_from=today - timedelta(days=6), date_to=today),
        "reference": QueueFilter(reference=reference),
        "reference start": QueueFilter(reference=reference[:3]),
    }


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def paired(ours: Callable[[], object], bare: Callable[[], object]) -> tuple[list[float], list[float]]:
    """Times both, alternating (the machine's load hits both alike); each warmed once first."""
    ours(), bare()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for work, into in ((ours, samples[0]), (bare, samples[1])):
            started = time.perf_counter()
            work()
            into.append((time.perf_counter() - started) * 1000)
    return samples


class Bare:
    """The same SQL statements SQLAlchemy would send, run on the raw DB-API connection."""

    def __init__(self, storage: Storage) -> None:
        self.dialect = storage.engine.dialect
        self.raw: Any = storage.engine.raw_connection()

    def run(self, *statements: Select[Any]) -> None:
        cursor = self.raw.cursor()
        for statement in statements:
            compiled = statement.compile(dialect=self.dialect)
            if self.dialect.paramstyle == "qmark":
                cursor.execute(str(compiled), tuple(compiled.params[name] for name in compiled.positiontup or ()))
            else:
                cursor.execute(str(compiled), compiled.params)
            cursor.fetchall()
        cursor.close()
        self.raw.commit()


def page_statements(query: QueueFilter, cap: int = 100_000) -> tuple[Select[Any], Select[Any]]:
    conditions = filter_conditions(query)
    counted = select(submissions.c.id).where(*conditions).limit(cap + 1)  # capped, filtered or not
    return (select(func.count()).select_from(counted.subquery()),
            select(submissions).where(*conditions)
            .order_by(submissions.c.created_at.desc(), submissions.c.id.desc()).limit(25))


def report(name: str, samples: tuple[list[float], list[float]], target: float | None = None) -> None:
    """Ratio of medians (p95 of a 2-core machine shared with other work is mostly its load)."""
    ours, bare = samples
    ratio = statistics.median(ours) / max(statistics.median(bare), 1e-6)
    print(f"  {name}: p95 {p95(ours):.1f} ms" + (f" (target <= {target:.0f})" if target else "")
          + f", median {statistics.median(ours):.1f} ms; bare SQL p95 {p95(bare):.1f} ms; ratio {ratio:.1f}x",
          flush=True)


EXPORT_CHILD = """
import resource, subprocess, sys, time
from storage.__main__ import main
started = time.perf_counter()
code = main(["export", "--url", sys.argv[1], "--output", sys.argv[2], "--max-rows", "100000000", *sys.argv[3:]])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(code, time.perf_counter() - started, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""


def export(url: str, folder: Path, label: str, *extra: str) -> None:
    target = folder / f"export-{label.replace(' ', '-')}.csv"
    target.unlink(missing_ok=True)
    finished = subprocess.run([sys.executable, "-c", EXPORT_CHILD, url, str(target), *extra], cwd=REPO,
                              capture_output=True, text=True, check=True)
    code, seconds, peak, cpu = finished.stdout.split()
    lines = sum(1 for _ in target.open(encoding="utf-8")) - 1
    print(f"  CSV export ({label}): {lines:,} rows in {float(seconds):.1f} s (target <= 60; CPU {float(cpu):.1f} s), "
          f"peak RSS {float(peak):.0f} MB (target <= 300), file {target.stat().st_size / 1e6:.0f} MB, exit {code}",
          flush=True)
    target.unlink()


def run_engine(name: str, url: str, rows: int, folder: Path, only: str | None = None) -> None:
    print(f"-- {name}, {rows:,} rows", flush=True)
    started = time.perf_counter()
    storage = Storage(url)
    print(f"  open + migrate: {time.perf_counter() - started:.1f} s", flush=True)
    with storage.engine.connect() as connection:
        have = connection.execute(select(func.count()).select_from(submissions)
                                  .where(submissions.c.tablet == DEMO_TABLET)).scalar_one()
    if have < rows:
        started = time.perf_counter()
        fill(storage, rows - have)
        elapsed = time.perf_counter() - started
        print(f"  demo fill: {rows - have:,} rows in {elapsed:.1f} s = {(rows - have) / elapsed:,.0f} rows/s",
              flush=True)
    if storage.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with storage.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE submissions"))
    if only != "export":
        pages(storage)
    if only != "pages":
        export(url, folder, "all rows")
        days = max(1, round(42 * 100_000 / rows)) if rows > 100_000 else 42
        export(url, folder, f"last {days} days", "--from", str(utc_now().date() - timedelta(days=days - 1)))


def pages(storage: Storage) -> None:
    bare = Bare(storage)
    for label, query in filters(storage).items():
        page = storage.list_submissions(query, page=1, page_size=25)
        report(f"queue first page, filter {label} ({page.total:,}{'+' if page.total_is_capped else ''} match)",
               paired(lambda query=query: storage.list_submissions(query, page=1, page_size=25),  # type: ignore[misc]
                      lambda query=query: bare.run(*page_statements(query))), 200)  # type: ignore[misc]
    since = utc_now().date() - timedelta(weeks=6)
    chart = (select(submissions.c.created_day, submissions.c.tier, func.count())
             .where(submissions.c.created_day >= since)
             .group_by(submissions.c.created_day, submissions.c.tier)
             .order_by(submissions.c.created_day, submissions.c.tier))
    report("per-day chart, 6 weeks (bare: a full recount, which ours does every 5 min)",
           paired(lambda: storage.daily_counts(since), lambda: bare.run(chart)), 100)
    today = utc_now().date()  # today's counts for a clinic whose day is not UTC's
    by_day = [select(column, func.count()).where(submissions.c.created_day == today).group_by(column)
              for column in (submissions.c.tier, submissions.c.status)]
    report(f"today's counts by tier and status, {CLINIC_ZONE} (bare: the UTC day's two GROUP BYs)",
           paired(lambda: storage.counts_for_day(today, ZoneInfo(CLINIC_ZONE)), lambda: bare.run(*by_day)), 50)
    with storage.engine.connect() as connection:
        top = connection.execute(select(func.max(submissions.c.id))).scalar_one()
    rng = random.Random(5)
    ids = [rng.randint(1, top) for _ in range(REPEATS + 1)]
    ours_ids, bare_ids = iter(ids * 2), iter(ids * 2)
    one = submissions.c.id
    report("open one screening", paired(lambda: storage.get_submission(next(ours_ids)),
                                        lambda: bare.run(select(submissions).where(one == next(bare_ids)))))
    urgent = (select(submissions).where(submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None))
              .order_by(submissions.c.created_at, submissions.c.id).limit(20))
    urgent_count = select(func.count()).select_from(submissions).where(
        submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None))
    report("open-urgent list, first 20", paired(lambda: storage.open_urgent(page=1, page_size=20),
                                                lambda: bare.run(urgent_count, urgent)))
    bare.raw.close()


@contextmanager
def postgres(url: str | None) -> Iterator[str | None]:
    if url:
        yield url
        return
    try:
        from tests.support.postgres_cluster import throwaway_cluster
    except ImportError:
        yield None
        return
    try:
        with throwaway_cluster() as started:
            yield started
    except BaseException as exc:  # pytest's skip when PostgreSQL is not installed
        if type(exc).__name__ != "Skipped":
            raise
        yield None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_scale")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--sqlite-url")
    parser.add_argument("--postgres-url")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--only", choices=("pages", "export"), help="run only the page timings or only the exports")
    args = parser.parse_args([] if argv is None else argv)
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "sqlite" in engines:
            run_engine("SQLite", args.sqlite_url or f"sqlite:///{folder / 'scale.db'}", args.rows, folder, args.only)
        if "postgresql" in engines:
            with postgres(args.postgres_url) as url:
                if url is None:
                    print("-- PostgreSQL: server binaries not installed, skipped")
                else:
                    run_engine("PostgreSQL", url, args.rows, folder, args.only)


if __name__ == "__main__":
    main(sys.argv[1:])
