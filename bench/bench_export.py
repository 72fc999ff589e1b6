"""The command-line CSV export at a million rows, SQLite and PostgreSQL, each in
a child process (wall time, CPU time, peak RSS), against baselines run in the same process order:

- bare: the same stored columns read with the bare driver (`sqlite3` / `psycopg`, one cursor) and
  written with `csv.writer`, the result JSON as its stored text (no decoding, no cells);
- read: the same columns read with the bare driver and thrown away (the database read alone);
- COPY (PostgreSQL): `COPY (SELECT the same columns ORDER BY id) TO STDOUT WITH CSV`, the floor;
- ours-whole: ours with the reader before this branch (every column, the whole result decoded by
  orjson: `iter_export_rows` + `write_csv`), what `storage.csv_rows` earns.

    python -m bench export                               20,000 rows, both engines (CI size)
    python -m bench.bench_export --rows 1000000 [--sqlite-url URL] [--postgres-url URL] [--engines sqlite,postgresql]
        [--kinds bare,read,copy,ours,ours-whole,days]

Targets: 1,000,000 rows in <= 30 s with peak RSS <= 200 MB, flat in the row count (the same at
--rows and at --small, default 100,000: the last days' export). A given URL is filled up to
--rows demo rows; without one a temp SQLite file / throwaway cluster is used. Each line carries
the load average when it finished (2 shared cores: compare ratios, not seconds).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from bench.bench_scale import postgres
from storage import Storage
from storage.demo import DEMO_TABLET, fill
from storage.engine import utc_now
from storage.schema import submissions

REPO = Path(__file__).resolve().parents[1]
KINDS = "bare,read,copy,ours,ours-whole,days"
COLUMNS = ("reference", "created_at", "language", "tier", "urgent", "red_flag_level", "complete", "tablet", "result",
           "status", "note", "patient_identifier", "questionnaire_id", "questionnaire_version")

CHILD = """
import resource, sys, time
kind, url, target, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
columns = sys.argv[6].split(",")
started = time.perf_counter()
if kind in ("ours", "ours-whole"):
    if kind == "ours-whole":  # the reader before storage.csv_rows: every column, the whole result
        import storage.export
        from storage.examinations import with_examinations

        def whole(storage, query, out, *, questionnaire, zone):
            rows = with_examinations(storage, storage.iter_export_rows(query, zone=zone))
            return storage_export.write_csv(rows, out, item_ids=[item.id for item in questionnaire.items], zone=zone)

        storage_export = storage.export
        storage.export.EXPORT_FORMATS["csv"] = whole
    from storage.__main__ import main
    extra = [] if rows == 0 else ["--from", sys.argv[5]]
    assert main(["export", "--url", url, "--output", target, *extra]) == 0
elif kind == "read" and url.startswith("sqlite"):
    import sqlite3
    connection = sqlite3.connect(url.split("///", 1)[1])
    cursor = connection.execute(f"SELECT {', '.join(columns)} FROM submissions ORDER BY id")
    count = 0
    while fetched := len(cursor.fetchmany(5000)):
        count += fetched
    open(target, "w").write("header\\n" + "\\n" * count)  # the rows read, counted as written
elif kind == "read":
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        with connection.cursor(name="bare") as cursor:
            cursor.itersize = 5000
            listed = ", ".join("result::text" if column == "result" else column for column in columns)
            cursor.execute(f"SELECT {listed} FROM submissions ORDER BY id")
            count = sum(1 for _ in cursor)
    open(target, "w").write("header\\n" + "\\n" * count)
elif kind == "bare" and url.startswith("sqlite"):
    import csv, sqlite3
    connection = sqlite3.connect(url.split("///", 1)[1])
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\\n")
        writer.writerow(columns)
        writer.writerows(connection.execute(f"SELECT {', '.join(columns)} FROM submissions ORDER BY id"))
elif kind == "bare":
    import csv, psycopg
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection, \\
            open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\\n")
        writer.writerow(columns)
        with connection.cursor(name="bare") as cursor:  # server-side, 5,000 a fetch
            cursor.itersize = 5000
            listed = ", ".join("result::text" if column == "result" else column for column in columns)
            cursor.execute(f"SELECT {listed} FROM submissions ORDER BY id")  # the JSON as text
            writer.writerows(cursor)
else:  # COPY, PostgreSQL's own CSV writer
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection, \\
            open(target, "wb") as out, connection.cursor() as cursor:
        with cursor.copy(f"COPY (SELECT {', '.join(columns)} FROM submissions ORDER BY id) TO STDOUT "
                         "WITH (FORMAT csv, HEADER)") as copy:
            for block in copy:
                out.write(block)
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent at fork, through exec
print(time.perf_counter() - started, peak / 1024, usage.ru_utime + usage.ru_stime,
      open("/proc/loadavg").read().split()[0])
"""


def run(kind: str, url: str, folder: Path, since: str = "") -> tuple[float, float, float, int, float]:
    """(wall s, peak RSS MB, CPU s, rows written, load average at its end) of one child."""
    target = folder / f"{kind}.csv"
    target.unlink(missing_ok=True)
    finished = subprocess.run([sys.executable, "-c", CHILD, kind, url, str(target), "1" if since else "0", since,
                               ",".join(COLUMNS)],
                              cwd=REPO, capture_output=True, text=True)
    if finished.returncode:
        raise RuntimeError(finished.stderr.strip().splitlines()[-1])
    seconds, peak, cpu, load = (float(part) for part in finished.stdout.split())
    with target.open("rb") as written:
        lines = sum(1 for _ in written) - 1
    target.unlink()
    return seconds, peak, cpu, lines, load


def engine(name: str, url: str, rows: int, folder: Path, kinds: str = KINDS) -> None:
    print(f"-- {name}, {rows:,} rows", flush=True)
    storage = Storage(url)
    with storage.engine.connect() as connection:
        have = connection.execute(select(func.count()).select_from(submissions)
                                  .where(submissions.c.tablet == DEMO_TABLET)).scalar_one()
    if have < rows:
        fill(storage, rows - have)
    if storage.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with storage.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE submissions"))
    wanted = kinds.split(",")
    found = {kind: run(kind, url, folder) for kind in ("bare", "read", "copy", "ours", "ours-whole")
             if kind in wanted and (kind != "copy" or name == "PostgreSQL")}
    for kind, (seconds, peak, cpu, lines, load) in found.items():
        ratios = [f"{cpu / found[base][2]:.2f}x {base}" for base in ("bare", "read") if base in found and base != kind]
        print(f"  {kind}: {lines:,} rows in {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak:.0f} MB, "
              f"load {load:.1f}" + (f"; CPU ratio {', '.join(ratios)}" if ratios else ""), flush=True)
    if "days" not in wanted:
        return
    days = max(1, round(42 * 100_000 / rows)) if rows > 100_000 else 42
    since = str(utc_now().date() - timedelta(days=days - 1))
    seconds, peak, cpu, lines, load = run("ours", url, folder, since)
    print(f"  ours, last {days} days: {lines:,} rows in {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak:.0f} MB, "
          f"load {load:.1f}" + (f" (all rows: {found['ours'][1]:.0f} MB)" if "ours" in found else ""), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_export")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--sqlite-url")
    parser.add_argument("--postgres-url")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--kinds", default=KINDS, help="which of bare,read,copy,ours,ours-whole,days to run")
    args = parser.parse_args([] if argv is None else argv)
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "sqlite" in engines:
            engine("SQLite", args.sqlite_url or f"sqlite:///{folder / 'export.db'}", args.rows, folder, args.kinds)
        if "postgresql" in engines:
            with postgres(args.postgres_url) as url:
                if url is None:
                    print("-- PostgreSQL: server binaries not installed, skipped")
                else:
                    engine("PostgreSQL", url, args.rows, folder, args.kinds)


if __name__ == "__main__":
    main(sys.argv[1:])
