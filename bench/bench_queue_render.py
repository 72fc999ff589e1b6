"""The coordinator's queue page, rendered by Streamlit's AppTest, with 100,000 submissions in the
SQLite file (storage.demo.fill: 42 days, open urgents among them) and a tier filter, against the
bare SQL for the same page measured in the same run, alternating.

The page's SQL, run bare (sqlite3, no SQLAlchemy, no Streamlit): the open-urgent count and its
first page of 20, today's counts by tier and by status, today's per-day counts for the chart (the
past days are cached by storage, warm here as on a live page), and the filtered count and page of
25. Each render is timed on the wall clock and in process CPU time (the script thread's work; the
test's main thread sleeps while it waits), because the machine may be shared. Target (issue 4):
p95 ≤ 200 ms.

    .venv/bin/python -m bench queue_render     (BENCH_QUEUE_ROWS, _RUNS, _DAYS to change;
    CLINIC_TIMEZONE as for the app)
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROWS = int(os.environ.get("BENCH_QUEUE_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_QUEUE_RUNS", "60"))
DAYS = int(os.environ.get("BENCH_QUEUE_DAYS", "42"))  # the rows are spread over this many days
TIER = "clinician_review"


def _queue_page() -> None:
    from ui.coordinator import queue

    queue.render()


def _bare_page(connection: sqlite3.Connection) -> None:
    """What the page asks the database, with nothing of ours around it."""
    today = datetime.now(UTC).date().isoformat()
    # the urgent list in order of danger (issue 20): counts per level, every go-now row, a same-day page
    level = ("CASE red_flag_level WHEN 'emergency' THEN 'emergency' WHEN 'talk_now' THEN 'talk_now' "
             "WHEN 'same_day' THEN 'same_day' ELSE 'emergency' END")
    rank = "CASE red_flag_level WHEN 'emergency' THEN 0 WHEN 'talk_now' THEN 1 WHEN 'same_day' THEN 2 ELSE 0 END"
    connection.execute(f"SELECT {level}, count(*) FROM submissions WHERE urgent = 1 AND acknowledged_at IS NULL "
                       f"GROUP BY {level}").fetchall()
    connection.execute(f"SELECT * FROM submissions WHERE urgent = 1 AND acknowledged_at IS NULL AND {level} IN "
                       f"('emergency', 'talk_now') ORDER BY {rank}, created_at, id LIMIT 500").fetchall()
    connection.execute("SELECT * FROM submissions WHERE urgent = 1 AND acknowledged_at IS NULL AND "
                       "red_flag_level = 'same_day' ORDER BY created_at, id LIMIT 20").fetchall()
    connection.execute("SELECT tier, count(*) FROM submissions WHERE created_day = ? GROUP BY tier",
                       (today,)).fetchall()
    connection.execute("SELECT status, count(*) FROM submissions WHERE created_day = ? GROUP BY status",
                       (today,)).fetchall()
    connection.execute("SELECT created_day, tier, count(*) FROM submissions WHERE created_day >= ? "
                       "GROUP BY created_day, tier ORDER BY created_day, tier", (today,)).fetchall()
    connection.execute("SELECT count(*) FROM (SELECT id FROM submissions WHERE tier = ? LIMIT 100001)",  # COUNT_CAP
                       (TIER,)).fetchone()
    connection.execute("SELECT * FROM submissions WHERE tier = ? ORDER BY created_at DESC, id DESC LIMIT 25",
                       (TIER,)).fetchall()


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, process CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queue.db"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        import streamlit as st
        from streamlit.testing.v1 import AppTest

        from access import Role, add_staff
        from storage import QueueFilter, Storage
        from storage.demo import fill
        from storage.staff import account_state
        from ui.coordinator.session import SignInKind, StaffSession

        st.cache_resource.clear()
        storage = Storage(os.environ["DATABASE_URL"])
        fill(storage, ROWS, days=DAYS)
        counted = storage.list_submissions(QueueFilter(tier=TIER), page_size=1)
        shown_total = f"{counted.total:,}" + ("+" if counted.total_is_capped else "")
        urgent = storage.open_urgent(page_size=1).total

        at = AppTest.from_function(_queue_page, default_timeout=60)
        # a real account: each run checks the signed-in account is still allowed (issue 20 item 1)
        add_staff(storage, "bench", "bench passcode long enough 2026", role=Role.COORDINATOR.value,
                  display_name="Bench", actor="bench")
        version = account_state(storage, "bench")
        assert version is not None
        at.session_state["staff_session"] = StaffSession("bench", "Bench", Role.COORDINATOR, SignInKind.PASSWORD,
                                                         session_version=version[2])
        at.session_state["staff:filter:tier"] = TIER
        at.session_state["staff:urgent-show-demo"] = True  # demo rows are all there is: list them (issue 20)
        at.run()
        assert not at.exception, at.exception
        shown = [str(m.value) for m in at.markdown]
        assert any(f"**{shown_total} screening(s)**" in text for text in shown), (
            shown_total, [text for text in shown if "screening(s)" in text])
        assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 25, "no table of 25 rows"
        assert sum(" min" in str(m.value) for m in at.markdown) >= min(urgent, 20), "the urgent list is not drawn"
        connection = sqlite3.connect(path)
        ours: list[tuple[float, float]] = []
        bare: list[tuple[float, float]] = []
        for _ in range(RUNS):
            at.session_state["staff_session"].last_activity = time.monotonic()  # not signed out as idle
            ours.append(_timed(at.run))
            bare.append(_timed(lambda: _bare_page(connection)))
        assert not at.exception, at.exception
        connection.close()
        wall, cpu = [w for w, _ in ours], [c for _, c in ours]
        bare_wall = statistics.median(w for w, _ in bare)
        print(f"queue page render ({ROWS:,} rows since {(datetime.now(UTC) - timedelta(days=DAYS)):%d %b %Y}, "
              f"tier filter matching {shown_total}, {urgent:,} open urgents; {RUNS} runs): "
              f"wall median {statistics.median(wall):.0f} ms, p95 {_p95(wall):.0f} ms (target ≤ 200); "
              f"CPU median {statistics.median(cpu):.0f} ms, p95 {_p95(cpu):.0f} ms; "
              f"bare SQL for the page median {bare_wall:.1f} ms; "
              f"ratio (median wall) {statistics.median(wall) / bare_wall:.0f}")
        del os.environ["DATABASE_URL"]
        st.cache_resource.clear()


if __name__ == "__main__":
    main()
