"""The CSV export's reader (`storage.csv_rows`: only the columns and result fields it writes) gives
the same file as the straightforward one (every column, the whole result, `_row`, `inert_cell` on
each text cell) for random screenings on both engines, filtered or not; a filtered export on
SQLite never sorts whole rows through the filter's index."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from scoring import Questionnaire, score
from scoring.safe_text import inert_cell
from storage import QueueFilter, Storage
from storage.csv_cells import AnswerCells, reference_cell
from storage.csv_rows import ResultReader
from storage.demo import fill, random_answers
from storage.examinations import with_examinations
from storage.export import (
    EXAM_COLUMNS,
    FIXED_COLUMNS,
    PATIENT_COLUMNS,
    _answer,
    _row,
    export_csv,
)
from storage.records import PatientIds
from tests.support.engines import SQLITE_ONLY

ZONE = ZoneInfo("America/Bogota")
HOSTILE = ["=1+2", "+SUM(A1:A9)", "-3", "@cmd", "a;=b", "x | +y", "ñandú; @z", "' =q", '"=x"', "ok, -2 @home",
           "señal: sí", "plain"]


def _reference_csv(storage: Storage, query: QueueFilter, item_ids: list[str]) -> str:
    """Every column and the whole result (`iter_export_rows`), one row at a time through `_row`,
    `inert_cell` on each text cell."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *item_ids, *EXAM_COLUMNS, *PATIENT_COLUMNS])
    for chunk in with_examinations(storage, storage.iter_export_rows(query, chunk_size=1000, zone=ZONE)):
        for row in chunk:
            writer.writerow([inert_cell(cell) if isinstance(cell, str) else cell for cell in _row(row, item_ids, ZONE)])
    return out.getvalue()


def _random_screenings(storage: Storage, questionnaire: Questionnaire, seed: int, count: int = 30) -> None:
    """Random answer sets, some with answers missing (saved at a red flag, incomplete), red flags
    raised and some taken back, English and Spanish, notes, chart numbers, patients' and helpers'
    names that look like formulas, examinations (`fill`'s made-up ones)."""
    rng = random.Random(seed)
    flags = [item.id for item in questionnaire.items if item.red_flag is not None]
    start = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    for number in range(count):
        answers = random_answers(questionnaire, rng)
        flag = rng.choice(flags) if rng.random() < 0.4 else None
        if flag:
            answers[flag] = "yes"
        partial = flag is not None or rng.random() < 0.2  # saved at the red flag, or left unfinished
        if partial:
            for item_id in rng.sample(sorted(answers), rng.randint(1, len(answers) // 2)):
                if item_id != flag:
                    del answers[item_id]
        language = rng.choice(["en", "es"])
        key = f"s{seed}-{number}"
        patient = PatientIds(rng.choice(HOSTILE), rng.choice([None, date(1960 + number, 1 + number % 12, 1)]),
                             rng.choice(["Ana Ruiz-Paz", "José Núñez", "O'Brien"])) if rng.random() < 0.3 else None
        assisted = rng.choice([None, ("staff", rng.choice(HOSTILE)), ("interpreter", "es")])
        saved = storage.save_submission(
            idempotency_key=key, result=score(questionnaire, answers, language, partial=partial), language=language,
            complete=not partial, tablet=rng.choice([None, "front-1", "desk-2"]), questionnaire=questionnaire,
            answered_at={flag: start} if flag else None, patient=patient, assisted=assisted)
        if flag and rng.random() < 0.5:  # the flag taken back, the screening finished
            answers[flag] = "no"
            storage.save_submission(idempotency_key=key, result=score(questionnaire, answers, language, partial=True),
                                    language=language, questionnaire=questionnaire,
                                    answered_at={flag: start + timedelta(minutes=2)})
        if rng.random() < 0.4:
            current = storage.get_submission(saved.id)
            assert current is not None
            assert storage.set_status(saved.id, actor="ana", status=rng.choice(["follow_up", "reviewed"]),
                                      note=rng.choice(HOSTILE), expected_row_version=current.row_version).ok
        if rng.random() < 0.2:
            assert storage.set_patient_identifier(saved.id, rng.choice(HOSTILE), actor="ana").ok
    fill(storage, 12, days=3, seed=seed, questionnaire=questionnaire, examined_share=0.5)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_fast_csv_is_the_straightforward_one_for_random_screenings(
    storage: Storage, questionnaire: Questionnaire, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.csv_rows.FILTERED_IDS", 5)  # several steps of matching ids
    monkeypatch.setattr("storage.csv_rows.FETCH", 3)
    _random_screenings(storage, questionnaire, seed)
    item_ids = [item.id for item in questionnaire.items]
    first = storage.list_submissions(QueueFilter(), page_size=1).rows[0]
    today = datetime.now(ZONE).date()
    filters = [QueueFilter(), QueueFilter(urgent=True), QueueFilter(urgent=False), QueueFilter(tier=first.result.tier),
               QueueFilter(status="follow_up"), QueueFilter(reference=first.reference[:3]),
               QueueFilter(date_from=today - timedelta(days=1), date_to=today), QueueFilter(reference="ZZZZZZ")]
    for query in filters:
        fast = io.StringIO()
        written = export_csv(storage, query, fast, item_ids=item_ids, chunk_size=4, zone=ZONE)
        expected = _reference_csv(storage, query, item_ids)
        assert fast.getvalue() == expected, query
        assert written == len(list(csv.reader(io.StringIO(expected)))) - 1
    rows = list(csv.DictReader(io.StringIO(_reference_csv(storage, QueueFilter(), item_ids).lstrip("\ufeff"))))
    assert any("changed to no" in row["red_flags"] for row in rows)  # a flag taken back
    assert any(row["language"] == "es" for row in rows) and any(row["complete"] == "False" for row in rows)
    assert any(row["note"].startswith("'") for row in rows)  # a formula made inert
    assert any(row["exam_conclusion"] for row in rows) and any(row["birth_date"] for row in rows)
    assert any(row["patient_name"] == "José Núñez" for row in rows)


def test_a_stored_result_msgspec_refuses_is_read_whole() -> None:
    """NaN (Python's json wrote it), true or nested lists as answers, a field of another type:
    decoded whole, answers in item order as they are (the writer's `_answer` path)."""
    read = ResultReader(["a", "b", "c"])
    plain = read('{"categories_met": [], "red_flags": ["x"], "reasons": ["r"], "answers": {"c": ["p", 2], "a": "yes"}, '
                 '"questions_seen": {"big": [1, 2]}}')
    assert plain == ([], ["x"], ["r"], ("yes", None, ("p", 2)), True)
    cells = read('{"categories_met": [], "red_flags": ["x"], "reasons": ["r"], "answers": {"a": NaN}}')
    assert (cells.red_flags, cells.reasons, cells.plain) == (["x"], ["r"], False)
    assert cells.answers[0] != cells.answers[0]  # NaN
    odd = read('{"categories_met": ["a"], "red_flags": [], "reasons": [7], "answers": {"b": true, "c": [[1]]}}')
    assert (odd.reasons, odd.answers, odd.plain) == ([7], (None, True, [[1]]), False)
    with pytest.raises(KeyError):  # a result without the fields fails as the whole-result reader did
        read('{"answers": {}}')
    assert ResultReader(["a", "a"])('{"categories_met": [], "red_flags": [], "reasons": [], "answers": {"a": 1}}'
                                    ).answers == (1, 1)  # ids no struct can hold: read whole


def test_the_answer_memo_gives_what_the_row_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes, joined codes, numbers and none come out as `_row` writes them, past the memo's size too."""
    monkeypatch.setattr("storage.csv_cells.INERT_MEMO", 3)
    values = ["yes", None, ("=a", "b"), 7, 7.5, ("x", 2), "-1", None, "yes", 1, ("=a", "b")]
    memo = AnswerCells()
    assert [memo[value] for value in values] == [
        inert_cell(cell) if isinstance(cell, str) else cell for cell in (_answer(value) for value in values)]
    assert len(memo) <= 3


@given(st.datetimes(timezones=st.timezones()))
def test_a_formatted_time_is_inert_as_it_is(moment: datetime) -> None:
    """`submitted_at` skips `inert_cell`: every ISO time Python writes comes out of it unchanged."""
    assert inert_cell(moment.isoformat()) == moment.isoformat()


_REFERENCE_LIKE = st.text(alphabet="ABC019-=+@;,|'\"\t\r\n\0 é", max_size=9)


@given(st.one_of(_REFERENCE_LIKE, st.text(max_size=12)))
def test_a_reference_cell_is_the_inert_cell_of_any_text(text: str) -> None:
    """The reference skips the regular expression only where `inert_cell` would change nothing."""
    assert reference_cell(text) == inert_cell(text)


@pytest.mark.parametrize("tampered", ["=HYPERLINK(1)", "-ABC", "AB-=1", "A;=B", "A-B-C", "\tA", "A\0B"])
def test_a_reference_that_is_not_a_code_still_goes_through_inert_cell(tampered: str) -> None:
    assert reference_cell(tampered) == inert_cell(tampered)


@SQLITE_ONLY
def test_a_filtered_sqlite_export_never_sorts_whole_rows(
    storage: Storage, questionnaire: Questionnaire, make_result: Callable[..., Any]
) -> None:
    """Without statistics SQLite walked the filter's index and sorted every remaining match, the
    ~9 KB result and all, for each chunk (growing with the square of the matches): every query that
    reads the result now goes by id."""
    fill(storage, 30, days=3, questionnaire=questionnaire)
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(storage.engine, "before_cursor_execute", keep)
    try:
        for query in (QueueFilter(tier="clinician_review"), QueueFilter(urgent=True), QueueFilter(status="new")):
            export_csv(storage, query, io.StringIO(), item_ids=["pain_present"], chunk_size=7)
    finally:
        event.remove(storage.engine, "before_cursor_execute", keep)
    reads = [(statement, parameters) for statement, parameters in statements if "result" in statement]
    assert reads
    with storage.engine.connect() as connection:
        for statement, parameters in reads:
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                                               parameters))
            assert "TEMP B-TREE" not in plan and "USING INDEX ix_" not in plan, (statement, plan)
