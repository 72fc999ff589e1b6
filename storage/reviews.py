"""The staff's review actions on a saved screening (acknowledge, clear on the tablet, status and
note, the patient's chart number and identifiers), each one conditional UPDATE + audit in one
transaction, so two coordinators never overwrite each other silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from storage import audit
from storage.engine import utc_now
from storage.reads import get_submission
from storage.records import (
    STATUSES,
    InvalidInput,
    Submission,
    UpdateOutcome,
    valid_birth_date,
    valid_identifier,
    valid_note,
    valid_patient_name,
)
from storage.schema import submissions

if TYPE_CHECKING:
    from storage import Storage

CONFLICT = "Someone else changed this submission; here is its current state."
MISSING = "No such submission."


def acknowledge(storage: Storage, submission_id: int, *, actor: str) -> UpdateOutcome:
    """Acknowledge an urgent alert once; a second acknowledgement is told who was first."""
    return _update_once(
        storage, submission_id, actor=actor, event="acknowledged", detail="urgent alert acknowledged",
        only_if=[submissions.c.acknowledged_at.is_(None)], values={"acknowledged_by": actor},
        stamped=("acknowledged_at",), saved="Acknowledged.",
        refused=lambda current: f"Already acknowledged by {current.acknowledged_by}.")


def clear_on_tablet(storage: Storage, submission_id: int, *, actor: str) -> UpdateOutcome:
    """Staff cleared the urgent screen on the tablet (once; the alert stays in the queue
    until acknowledged)."""
    return _update_once(
        storage, submission_id, actor=actor, event="tablet_cleared", detail="urgent screen cleared on the tablet",
        only_if=[submissions.c.tablet_cleared_at.is_(None)], values={}, stamped=("tablet_cleared_at",),
        saved="Cleared on the tablet.", refused=lambda _current: "Already cleared on the tablet.")


def set_patient_identifier(storage: Storage, submission_id: int, identifier: str | None, *,
                           actor: str) -> UpdateOutcome:
    """Set (or, with None/empty, remove) the clinic's chart number; audited, not echoed."""
    value = valid_identifier(identifier)  # InvalidInput before the database
    same = submissions.c.patient_identifier == value
    # The date of birth and the name belong to the chart number they came with: a removed or
    # different chart number takes them away (never another patient's beside it: H40).
    return _update_once(
        storage, submission_id, actor=actor, event="patient_identifier_set",
        detail="chart number set" if value else "chart number removed",
        values={"patient_identifier": value,
                "patient_birth_date": case((same, submissions.c.patient_birth_date), else_=None),
                "patient_name": case((same, submissions.c.patient_name), else_=None)},
        saved="Saved.")


def attach_patient(storage: Storage, submission_id: int, identifier: str | None, birth_date: date | str | None, *,
                   actor: str, name: str | None = None) -> UpdateOutcome:
    """Attach (or correct) the patient after the screening: the chart number and the date of
    birth or the full name (or both), all checked before the database; audited without echoing
    any of them. What is not given is cleared (it may be the last patient's)."""
    value = valid_identifier(identifier)
    born = valid_birth_date(birth_date)
    full_name = valid_patient_name(name)
    if value is None or (born is None and full_name is None):
        raise InvalidInput("give the chart number and the date of birth or the full name")
    given = " and ".join(what for what, known in (("date of birth", born), ("name", full_name)) if known)

    def detail(connection: Connection) -> str:
        before = _column_now(connection, submissions.c.patient_identifier, submission_id)
        was = "no patient attached" if before is None else "replacing another patient"
        return f"chart number ending {value[-4:]} and {given} attached ({was})"

    return _update_once(
        storage, submission_id, actor=actor, event="patient_attached", detail=detail,
        values={"patient_identifier": value, "patient_birth_date": born, "patient_name": full_name},
        saved="Patient attached.")


def set_status(
    storage: Storage, submission_id: int, *, actor: str, status: str, note: str | None, expected_row_version: int
) -> UpdateOutcome:
    """Set the review status (and note) only if nobody changed the row since it was read.
    The note is checked first (`InvalidInput`: over 2,000 characters, control characters)."""
    if status not in STATUSES:
        raise ValueError(f"unknown status '{status}'; use one of {', '.join(STATUSES)}")
    note = valid_note(note)
    return _update_once(
        storage, submission_id, actor=actor, event="status_changed",
        detail=lambda connection: f"status {_column_now(connection, submissions.c.status, submission_id)} -> {status}",
        only_if=[submissions.c.row_version == expected_row_version], values={"status": status, "note": note},
        saved="Saved.", refused=lambda _current: CONFLICT)


def _update_once(
    storage: Storage, submission_id: int, *, actor: str, event: str, detail: str | Callable[[Connection], str],
    values: Mapping[str, Any], saved: str, only_if: Sequence[ColumnElement[bool]] = (),
    stamped: Sequence[str] = (), refused: Callable[[Submission], str] = lambda _current: MISSING,
) -> UpdateOutcome:
    """One review action: a single UPDATE of the row, only if `only_if` still holds, setting
    `values`, the `stamped` columns to now and a new row_version; in the same transaction its
    audit row (`detail`, or what `detail(connection)` reads before the update). The row is then
    read back: `saved` when it changed, else "No such submission." or `refused(current row)`."""
    now = utc_now()
    with storage.engine.begin() as connection:
        said = detail(connection) if callable(detail) else detail
        changed = connection.execute(
            update(submissions).where(submissions.c.id == submission_id, *only_if)
            .values(**values, **dict.fromkeys(stamped, now), updated_at=now,
                    row_version=submissions.c.row_version + 1)
        ).rowcount
        if changed:
            audit.write(connection, event, actor, submission_id, said, now)
    current = get_submission(storage, submission_id)
    if changed:
        return UpdateOutcome(True, current, saved)
    if current is None:
        return UpdateOutcome(False, None, MISSING)
    return UpdateOutcome(False, current, refused(current))


def _column_now(connection: Connection, column: ColumnElement[Any], submission_id: int) -> Any:
    """One column of the row as it is inside this transaction (None if there is no such row)."""
    return connection.execute(select(column).where(submissions.c.id == submission_id)).scalar_one_or_none()
