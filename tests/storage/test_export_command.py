"""`python -m storage export`: filters, the row limit, an audit row, one-line errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from scoring import ScreeningResult
from storage import QueueFilter, Storage
from storage.demo import fill
from storage.export import write_csv

REPO = Path(__file__).resolve().parents[2]


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "storage", "export", *args], cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_export_command_writes_the_filtered_rows_and_audits(
    storage: Storage, database_url: str, make_result: Callable[..., ScreeningResult], tmp_path: Path
) -> None:
    urgent = storage.save_submission(idempotency_key="u", result=make_result(stroke_signs_last_hours="yes"),
                                     language="en", complete=False, tablet="front-1", red_flag_level="emergency")
    storage.save_submission(idempotency_key="calm", result=make_result(), language="es")
    out = tmp_path / "urgent.csv"
    done = _run(database_url, "--output", str(out), "--urgent")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"export: 1 screenings to {out}"
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame["reference"]) == [urgent.reference]
    assert (frame.loc[0, "red_flag_level"], frame.loc[0, "complete"], frame.loc[0, "tablet"]) == (
        "emergency", "False", "front-1")
    assert frame.loc[0, "stroke_signs_last_hours"] == "yes"
    last = storage.list_audit(limit=1)[0]
    assert (last.event, last.actor) == ("exported", "command line") and last.detail.startswith("1 rows, csv")


def test_export_over_the_limit_is_refused_with_one_line(
    storage: Storage, database_url: str, make_result: Callable[..., ScreeningResult], tmp_path: Path
) -> None:
    for number in range(3):
        storage.save_submission(idempotency_key=f"k{number}", result=make_result(), language="en")
    out = tmp_path / "all.csv"
    done = _run(database_url, "--output", str(out), "--max-rows", "2")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "3 screenings match, more than the 2 allowed" in done.stderr and not out.exists()
    bad = _run(database_url, "--output", str(out), "--format", "xlsx")
    assert bad.returncode == 2 and "invalid choice: 'xlsx'" in bad.stderr


def test_export_memory_does_not_grow_with_rows(tmp_path: Path) -> None:
    """Peak memory writing 4,000 rows (chunks of 500) stays near that of 1,000 rows."""

    def peak(rows: int) -> int:
        storage = Storage(f"sqlite:///{tmp_path / f'{rows}.db'}")
        fill(storage, rows, days=10)
        tracemalloc.start()
        written = write_csv(storage.iter_export_rows(QueueFilter(), chunk_size=500), _Discard(),
                            item_ids=["pain_present", "pain_intensity"])
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert written == rows
        return top

    small, large = peak(1000), peak(4000)
    assert large < small * 1.5, (small, large)


class _Discard(io.StringIO):
    """A file that forgets what it is given (the output is not what is measured)."""

    def write(self, text: str) -> int:
        return len(text)
