"""The coordinator's queue page, rendered by Streamlit's AppTest, with 100,000 submissions in the
SQLite file and a tier filter, against the bare SQL for the same page measured in the same run.
Target (issue 4): ≤ 200 ms and ≤ 5× the bare query."""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_QUEUE_ROWS", "100000"))


def _queue_page() -> None:
    from ui.coordinator import queue

    queue.render()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queue.db"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        import streamlit as st
        from streamlit.testing.v1 import AppTest

        from storage import Storage
        from storage.demo import fill
        from ui.coordinator.session import Role, SignInKind, StaffSession

        st.cache_resource.clear()
        fill(Storage(os.environ["DATABASE_URL"]), ROWS)
        def bench_session() -> StaffSession:
            return StaffSession("bench", "Bench", Role.COORDINATOR, SignInKind.PASSWORD)

        at = AppTest.from_function(_queue_page, default_timeout=60)
        at.session_state["staff_session"] = bench_session()
        at.session_state["staff:filter:tier"] = "clinician_review"
        at.run()
        assert not at.exception, at.exception
        connection = sqlite3.connect(path)
        ours, bare = [], []
        for _ in range(15):
            at.session_state["staff_session"].last_activity = time.monotonic()
            started = time.perf_counter()
            at.run()
            ours.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            connection.execute("SELECT count(*) FROM submissions WHERE tier = ?", ("clinician_review",)).fetchone()
            connection.execute(
                "SELECT * FROM submissions WHERE tier = ? ORDER BY created_at DESC, id DESC LIMIT 25",
                ("clinician_review",),
            ).fetchall()
            bare.append((time.perf_counter() - started) * 1000)
        median, bare_median = statistics.median(ours), statistics.median(bare)
        p95 = statistics.quantiles(ours, n=20)[-1]
        print(f"queue page render ({ROWS:,} rows, tier filter; urgent banner, counts, 6-week chart, table): "
              f"median {median:.0f} ms, p95 {p95:.0f} ms (target ≤ 200); bare SQL for the page "
              f"{bare_median:.1f} ms; ratio {median / bare_median:.0f} (target ≤ 5)")
        del os.environ["DATABASE_URL"]
        st.cache_resource.clear()


if __name__ == "__main__":
    main()
