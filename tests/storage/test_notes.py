"""Notes are checked in storage before the database (length, control characters; a NUL
used to crash the save on PostgreSQL and print the note in the server log), and SQL parameters
never reach an error message or a log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from scoring import ScreeningResult
from storage import InvalidInput, Storage, valid_note
from storage.schema import staff_passcode
from tests.support.passcode import set_passcode_hash

Make = Callable[..., ScreeningResult]
SECRET = "Patient said her husband hurts her"


@pytest.mark.parametrize(
    "note",
    ["x" * 2001, f"{SECRET}\x00", f"{SECRET}\x1b[31m", f"{SECRET}\x07", f"{SECRET}\ud800", "\x85next line"],
    ids=["2001-chars", "nul", "escape", "bell", "lone-surrogate", "c1-control"],
)
def test_bad_note_is_refused_before_the_database(storage: Storage, make_result: Make, note: str) -> None:
    saved = storage.save_submission(idempotency_key="n", result=make_result(), language="en")
    audit_rows = storage.count_audit()
    with pytest.raises(InvalidInput) as caught:
        storage.set_status(saved.id, actor="c", status="reviewed", note=note, expected_row_version=1)
    assert SECRET not in str(caught.value) and "\n" not in str(caught.value)
    assert storage.get_submission(saved.id) == saved and storage.count_audit() == audit_rows


def test_good_notes_are_kept_as_typed() -> None:
    assert valid_note("x" * 2000) == "x" * 2000
    assert valid_note("line one\r\nline two\tend") == "line one\nline two\tend"
    assert valid_note("Tomó 2 × 500 mg 😊") == "Tomó 2 × 500 mg 😊"
    assert valid_note("   ") is None and valid_note(None) is None


def test_nul_note_on_postgresql_is_refused_cleanly(postgres_url: str, make_result: Make,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """On 1.0 this raised psycopg's DataError from inside the UPDATE (a traceback, the note in
    the server log). Now it is an InvalidInput before any SQL, and the row is untouched."""
    storage = Storage(postgres_url)
    saved = storage.save_submission(idempotency_key="pg-nul", result=make_result(), language="en")
    with caplog.at_level(logging.DEBUG), pytest.raises(InvalidInput, match="control character"):
        storage.set_status(saved.id, actor="c", status="reviewed", note=f"{SECRET}\x00", expected_row_version=1)
    assert SECRET not in caplog.text
    assert storage.get_submission(saved.id) == saved
    ok = storage.set_status(saved.id, actor="c", status="reviewed", note=f"{SECRET}\n\tok", expected_row_version=1)
    assert ok.ok and ok.submission is not None and ok.submission.note == f"{SECRET}\n\tok"


def test_sql_errors_and_logs_never_carry_parameters(storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    set_passcode_hash(storage, "first")
    assert storage.engine.echo is False
    with (caplog.at_level(logging.DEBUG, logger="sqlalchemy"), pytest.raises(IntegrityError) as caught,
          storage.engine.begin() as connection):  # the same primary key twice
        connection.execute(insert(staff_passcode).values(id=1, passcode_hash=SECRET, set_at=datetime.now(UTC)))
    assert "unique" in str(caught.value).lower() and SECRET not in str(caught.value)
    assert "SQL parameters hidden" in caplog.text and SECRET not in caplog.text
