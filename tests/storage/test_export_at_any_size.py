"""The command-line export at any size: no EXPORT_MAX_ROWS limit (that is the coordinator page's),
the CSV byte for byte what the 1.1 reader and writer made (the standard json module, every text
cell through `inert_cell` each time), and memory flat in the row count."""

from __future__ import annotations

import csv
import gc
import io
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from scoring import Questionnaire, ScreeningResult, score
from scoring.examination import ExaminationFindings
from scoring.safe_text import inert_cell
from storage import QueueFilter, Storage
from storage.csv_cells import InertCells
from storage.demo import fill
from storage.engine import read_json
from storage.examinations import save_examination, with_examinations
from storage.export import (
    EXAM_COLUMNS,
    FIXED_COLUMNS,
    FULL_COLLECTION_ROUNDS,
    PATIENT_COLUMNS,
    _row,
    rare_full_collections,
)
from storage.reads import red_flag_histories
from storage.schema import submissions

REPO = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("America/Bogota")


def _run(database_url: str, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database_url, **environ}
    return subprocess.run([sys.executable, "-m", "storage", "export", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_exports_more_rows_than_the_page_limit_by_default(
    storage: Storage, database_url: str, make_result: Callable[..., ScreeningResult], tmp_path: Path
) -> None:
    for number in range(3):
        storage.save_submission(idempotency_key=f"k{number}", result=make_result(), language="en")
    out = tmp_path / "all.csv"
    done = _run(database_url, "--output", str(out), EXPORT_MAX_ROWS="2")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"export: 3 screenings to {out}"
    with out.open(encoding="utf-8-sig", newline="") as written:
        assert len(list(csv.reader(written))) == 1 + 3


def test_max_rows_is_still_refused_when_asked_for(
    storage: Storage, database_url: str, make_result: Callable[..., ScreeningResult], tmp_path: Path
) -> None:
    for number in range(3):
        storage.save_submission(idempotency_key=f"k{number}", result=make_result(), language="en")
    out = tmp_path / "all.csv"
    done = _run(database_url, "--output", str(out), "--max-rows", "2")
    assert done.returncode == 2 and "3 screenings match, more than the 2 allowed (--max-rows)" in done.stderr
    assert not out.exists()


def _varied(storage: Storage, questionnaire: Questionnaire, make_result: Callable[..., ScreeningResult]) -> None:
    """An urgent screening whose flag was taken back (kept answers), one examined, one in Spanish,
    notes that look like formulas, an incomplete one, a tablet name."""
    start = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    raised = make_result("sensory", self_harm_thoughts="yes")
    storage.save_submission(idempotency_key="u", result=score(questionnaire, dict(raised.answers), "en", partial=True),
                            language="en", complete=False, tablet="front-1", questionnaire=questionnaire,
                            answered_at={"self_harm_thoughts": start})
    taken_back = make_result("sensory", self_harm_thoughts="no")
    storage.save_submission(idempotency_key="u", result=taken_back, language="en", tablet="front-1",
                            questionnaire=questionnaire,
                            answered_at={"self_harm_thoughts": start + timedelta(minutes=2)})
    examined = storage.save_submission(idempotency_key="e", result=make_result("sensory", "vasomotor", "motor_trophic"),
                                       language="en")
    save_examination(storage, submission_id=examined.id, reference=examined.reference, severity_score=7,
                     findings=ExaminationFindings(signs=frozenset({"oedema", "allodynia"}), criterion_d="no",
                                                  conclusion="meets_budapest_clinical"),
                     clinician="cleo", clinician_name="Cleo Clinician")
    spanish = storage.save_submission(idempotency_key="es", result=make_result("vasomotor", language="es"),
                                      language="es")
    for note, row in (("=HYPERLINK(\"http://x\")", spanish), ("ok; -2+3 @home\tnext | =1", examined)):
        current = storage.get_submission(row.id)
        assert current is not None
        outcome = storage.set_status(row.id, actor="ana", status="follow_up", note=note,
                                     expected_row_version=current.row_version)
        assert outcome.ok
    storage.save_submission(idempotency_key="half", result=make_result(), language="en", complete=False)
    fill(storage, 40, days=3)  # made-up rows, some urgent, some examined


def _as_in_1_1(storage: Storage, chunk_size: int) -> Iterator[list[Mapping[str, Any]]]:
    """1.1's reader: every column, the result decoded by the standard json module."""
    engine = create_engine(storage.url, poolclass=NullPool)  # json.loads, SQLAlchemy's default
    last_id = 0
    try:
        while True:
            with engine.connect() as connection:
                chunk = list(connection.execute(select(submissions).where(submissions.c.id > last_id)
                                                .order_by(submissions.c.id).limit(chunk_size)).mappings())
                histories = red_flag_histories(connection, [row["id"] for row in chunk if row["urgent"]])
            if not chunk:
                return
            yield [{**row, "red_flag_history": histories[row["id"]]} if row["id"] in histories else dict(row)
                   for row in chunk]
            last_id = chunk[-1]["id"]
    finally:
        engine.dispose()


def _write_as_in_1_1(chunks: Iterator[list[Mapping[str, Any]]], out: io.StringIO, item_ids: list[str]) -> None:
    """1.1's writer: `inert_cell` called on every text cell."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *item_ids, *EXAM_COLUMNS, *PATIENT_COLUMNS])
    for chunk in chunks:
        writer.writerows([inert_cell(cell) if isinstance(cell, str) else cell for cell in _row(row, item_ids, ZONE)]
                         for row in chunk)


def test_the_csv_is_byte_for_byte_what_1_1_wrote(
    storage: Storage, questionnaire: Questionnaire, make_result: Callable[..., ScreeningResult]
) -> None:
    _varied(storage, questionnaire, make_result)
    item_ids = [item.id for item in questionnaire.items]
    before, now = io.StringIO(), io.StringIO()
    _write_as_in_1_1(with_examinations(storage, _as_in_1_1(storage, 7)), before, item_ids)
    written = storage.export_csv(QueueFilter(), now, item_ids=item_ids, chunk_size=7, zone=ZONE)
    assert written == 44
    text = now.getvalue()
    assert "changed to no" in text and "meets_budapest_clinical" in text and "'=HYPERLINK" in text
    assert inert_cell("ok; -2+3 @home\tnext | =1") in text
    assert text == before.getvalue()


def test_the_inert_memo_gives_what_inert_cell_gives_when_it_starts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its size the memo forgets and starts again; every text cell still comes out inert; a
    cell that is not text comes out as it is (True stays True after 1, never "1")."""
    monkeypatch.setattr("storage.csv_cells.INERT_MEMO", 3)
    cells = ["=1", "yes", "-x", "a;=b", "yes", "@c", "=1", "\tt"]
    memo = InertCells()
    assert [memo[cell] for cell in cells] == [inert_cell(cell) for cell in cells]
    assert len(memo) <= 3
    others = [1, True, None, 7.5, True, 1]
    assert [(type(memo[cell]), memo[cell]) for cell in others] == [(type(cell), cell) for cell in others]


def test_a_stored_value_orjson_refuses_still_reads() -> None:
    """Python's json wrote NaN for a float that was not a number: it still reads back."""
    assert read_json('{"a": 1, "b": [true, null]}') == {"a": 1, "b": [True, None]}
    value = read_json('{"x": NaN}')["x"]
    assert value != value  # NaN


def test_export_memory_is_flat_from_2000_to_20000_rows(tmp_path: Path, questionnaire: Questionnaire) -> None:
    """tracemalloc's peak writing 20,000 rows (every item column) is within 1.5x of 2,000 rows'."""
    item_ids = [item.id for item in questionnaire.items]

    def peak(rows: int) -> int:
        storage = Storage(f"sqlite:///{tmp_path / f'{rows}.db'}")
        fill(storage, rows, days=10)
        tracemalloc.start()
        written = storage.export_csv(QueueFilter(), _Discard(), item_ids=item_ids, chunk_size=1000)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert written == rows
        return top

    small, large = peak(2000), peak(20000)
    assert large < small * 1.5, (small, large)


class _Discard(io.StringIO):
    """A file that forgets what it is given (the output is not what is measured)."""

    def write(self, text: str) -> int:
        return len(text)


def test_the_full_collection_is_rare_during_an_export_and_as_it_was_after() -> None:
    before = gc.get_threshold()
    with rare_full_collections():
        assert gc.get_threshold() == (before[0], before[1], max(before[2], FULL_COLLECTION_ROUNDS))
        assert gc.isenabled()  # young objects are still collected
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), rare_full_collections():
        raise RuntimeError("a failed export")
    assert gc.get_threshold() == before


def test_a_filtered_export_starts_at_its_first_match(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    """Starting at the first match loses none: every match is exported once, in order; no match, no chunk."""
    calm = [storage.save_submission(idempotency_key=f"c{n}", result=make_result(), language="en") for n in range(5)]
    urgent = [storage.save_submission(idempotency_key=f"u{n}", result=make_result(stroke_signs_last_hours="yes"),
                                      language="en") for n in range(3)]
    storage.save_submission(idempotency_key="c-last", result=make_result(), language="en")
    chunks = list(storage.iter_export_rows(QueueFilter(urgent=True), chunk_size=2))
    assert [row["reference"] for chunk in chunks for row in chunk] == [row.reference for row in urgent]
    assert all(row["id"] > calm[-1].id for chunk in chunks for row in chunk)
    assert list(storage.iter_export_rows(QueueFilter(reference="ZZZZZZ"))) == []
