"""Storage: 20 tablets submitting at once; the queue's first page and the CSV export at 100,000 rows.

Targets: 0 lost, 0 duplicated; queue page ≤ 200 ms and ≤ 5× the bare SQL
query for the same page; export of 100,000 rows ≤ 10 s and ≤ 500 MB.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import text

from scoring import load_questionnaire, score
from storage import QueueFilter, Storage
from storage.demo import fill, random_answers

TABLETS, PER_TABLET, ROWS = 20, 50, 100_000


def throughput(folder: Path) -> None:
    storage = Storage(f"sqlite:///{folder / 'tablets.db'}")
    questionnaire = load_questionnaire("questionnaires/crps.yaml")
    rng = random.Random(3)
    results = [score(questionnaire, random_answers(questionnaire, rng)) for _ in range(50)]
    failures: list[BaseException] = []

    def tablet(number: int) -> None:
        try:
            for index in range(PER_TABLET):
                key = f"tablet{number}-patient{index}"
                result = results[(number + index) % len(results)]
                storage.save_submission(idempotency_key=key, result=result, language="en")
                if index % 10 == 0:  # a double tap on Submit
                    storage.save_submission(idempotency_key=key, result=result, language="en")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(TABLETS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with storage.engine.connect() as connection:
        rows, keys = connection.execute(
            text("SELECT count(*), count(DISTINCT idempotency_key) FROM submissions")
        ).one()
    expected = TABLETS * PER_TABLET
    print(f"throughput: {TABLETS} tablets × {PER_TABLET} screenings: {expected / elapsed:.0f} submissions/s; "
          f"lost {expected - keys}, duplicated {rows - keys}, errors {len(failures)}")


def queue_page(folder: Path) -> None:
    path = folder / "queue.db"
    storage = Storage(f"sqlite:///{path}")
    started = time.perf_counter()
    fill(storage, ROWS)
    print(f"demo data: {ROWS:,} submissions in {time.perf_counter() - started:.1f} s")
    query = QueueFilter(tier="clinician_review")
    connection = sqlite3.connect(path)

    def bare() -> None:
        connection.execute("SELECT count(*) FROM submissions WHERE tier = ?", ("clinician_review",)).fetchone()
        connection.execute(
            "SELECT * FROM submissions WHERE tier = ? ORDER BY created_at DESC, id DESC LIMIT 25 OFFSET 0",
            ("clinician_review",),
        ).fetchall()

    ours, baseline = [], []
    for _ in range(30):
        started = time.perf_counter()
        storage.list_submissions(query, page=1, page_size=25)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        bare()
        baseline.append((time.perf_counter() - started) * 1000)
    median, bare_median = statistics.median(ours), statistics.median(baseline)
    p95 = statistics.quantiles(ours, n=20)[-1]
    print(f"queue first page (tier filter, count + 25 rows): median {median:.1f} ms, p95 {p95:.1f} ms "
          f"(target ≤ 200); bare sqlite3 {bare_median:.1f} ms; ratio {median / bare_median:.1f} (target ≤ 5)")


EXPORT_CHILD = """
import resource, sys, time
from scoring import load_questionnaire
from storage import QueueFilter, Storage
item_ids = [item.id for item in load_questionnaire("questionnaires/crps.yaml").items]
started = time.perf_counter()
with open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    rows = Storage(sys.argv[1]).export_csv(QueueFilter(), out, item_ids=item_ids)
print(rows, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def export(folder: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, f"sqlite:///{folder / 'queue.db'}", str(folder / "export.csv")],
        capture_output=True, text=True, check=True,
    )
    rows, seconds, peak = finished.stdout.split()
    size = (folder / "export.csv").stat().st_size / 1e6
    print(f"CSV export: {int(rows):,} rows in {float(seconds):.1f} s (target ≤ 10), peak memory "
          f"{float(peak):.0f} MB (target ≤ 500), file {size:.0f} MB")


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        throughput(folder)
        queue_page(folder)
        export(folder)


if __name__ == "__main__":
    main()
