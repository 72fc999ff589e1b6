"""Writing submissions: the patient's save (exactly once per key, red flags kept), audited in the
same transaction. The staff's review actions on a saved screening are in `storage.reviews`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from scoring import RED_FLAG_LEVELS, Questionnaire, ScreeningResult, most_severe
from scoring.model import RedFlagAnswer
from scoring.red_flag_history import answers_to_keep
from storage import audit, question_texts
from storage.audit import PATIENT_KIOSK
from storage.engine import utc_now
from storage.reads import get_submission, red_flag_histories
from storage.records import (
    InvalidInput,
    PatientIds,
    SaveFailed,
    Submission,
    valid_assistance,
    valid_birth_date,
    valid_identifier,
    valid_patient_name,
    valid_tablet,
)
from storage.reference import new_reference
from storage.schema import red_flag_events, submissions

if TYPE_CHECKING:
    from storage import Storage

_SAVE_ATTEMPTS = 5


def save_submission(
    storage: Storage, *, idempotency_key: str, result: ScreeningResult, language: str, complete: bool = True,
    tablet: str | None = None, red_flag_level: str | None = None,
    questionnaire: Questionnaire | None = None, answered_at: Mapping[str, datetime] | None = None,
    patient: PatientIds | None = None, assisted: tuple[str, str] | None = None,
) -> Submission:
    """Save a screening exactly once per key. The first call inserts; a later call with the
    same key updates that same row (result, tier, complete) until it is complete, after
    which repeats return it unchanged. `urgent` and `red_flag_level` never go down: a red
    flag once raised stays for staff. `red_flag_level` defaults to the result's own, if any.

    In the same transaction the red-flag answers worth keeping are added to the screening's
    `red_flag_events` (`scoring.red_flag_history.answers_to_keep`, with `questionnaire`): the
    answer that raised a flag and any later change of it, at the times in `answered_at`
    (default: now). Without `questionnaire` the result's raised flags are kept at its level.
    A flag raised for the first time re-opens a screening staff had already acknowledged or
    cleared on the tablet: it is news to them.
    `patient` (the desk's hand-off: chart number and date of birth) and `assisted` (("staff",
    NAME) or ("interpreter", LANGUAGE)) are written with the row; a later save never removes them.
    Raises `SaveFailed` (one line, no answers) when the database stays unavailable."""
    tablet = valid_tablet(tablet)
    people = _people(patient, assisted)
    levels = (red_flag_level, getattr(result, "red_flag_level", None))
    if any(level is not None and level not in RED_FLAG_LEVELS for level in levels):
        raise InvalidInput(f"red-flag level must be one of {', '.join(RED_FLAG_LEVELS)}")
    level = most_severe(*levels)
    kept = _Keeping(questionnaire, answered_at or {})
    failures = 0
    for _ in range(_SAVE_ATTEMPTS * 10):  # a lost race means another save got through: bounded
        try:
            with storage.engine.begin() as connection:
                saved_id = _insert_or_update(connection, idempotency_key, result, language, complete, tablet, level,
                                             kept, people)
        except IntegrityError:
            continue  # same key inserted by a concurrent tap (updated next time), or a reference clash
        except OperationalError as exc:
            failures += 1
            if failures == _SAVE_ATTEMPTS:
                raise SaveFailed(f"database unavailable: {type(exc.orig).__name__}") from None
            time.sleep(0.05 * 2**failures)
            continue
        if saved_id is None:
            continue  # changed by someone else between read and write: read again
        saved = get_submission(storage, saved_id)
        assert saved is not None
        return saved
    raise SaveFailed("could not save the submission after several attempts")


def _insert_or_update(
    connection: Connection, key: str, result: ScreeningResult, language: str, complete: bool, tablet: str | None,
    level: str | None, kept: _Keeping, people: Mapping[str, Any],
) -> int | None:
    """One transaction: insert, or a conditional update of the row with this key. Returns
    the row id, or None when a concurrent write won (the caller tries again)."""
    now = utc_now()
    stored, seen = question_texts.split_result(result)
    seen_key = question_texts.keep(connection, seen)
    row = connection.execute(
        select(submissions.c.id, submissions.c.complete, submissions.c.urgent,
               submissions.c.red_flag_level, submissions.c.row_version, submissions.c.acknowledged_at,
               submissions.c.tablet_cleared_at)
        .where(submissions.c.idempotency_key == key)
        .with_for_update()  # PostgreSQL: concurrent saves of one key queue here
    ).mappings().first()
    if row is None:
        new_answers = kept.new_answers(result, level, now, earlier=())
        level = most_severe(level, *(answer.level for answer in new_answers if answer.raises))
        inserted = connection.execute(
            insert(submissions).values(
                reference=new_reference(), idempotency_key=key, created_at=now, created_day=now.date(),
                updated_at=now, questionnaire_id=result.questionnaire_id,
                questionnaire_version=result.questionnaire_version,
                questionnaire_hash=result.questionnaire_hash, language=language, result=stored, questions_seen=seen_key,
                tier=result.tier, urgent=result.urgent, status="new", row_version=1, complete=complete,
                tablet=tablet, red_flag_level=level, **people,
            )
        ).inserted_primary_key
        assert inserted is not None
        new_id = int(inserted[0])
        _insert_answers(connection, new_id, new_answers)
        event_name = "submitted" if complete else "saved-incomplete"
        audit.write(connection, event_name, PATIENT_KIOSK, new_id, _save_detail(result, level), now)
        return new_id
    row_id = int(row["id"])
    if row["complete"]:
        return row_id  # a repeat of a finished save (double tap, rerun, retry)
    earlier = red_flag_histories(connection, [row_id]).get(row_id, ())
    new_answers = kept.new_answers(result, level, now, earlier=earlier)
    kept_level = most_severe(row["red_flag_level"], level, *(answer.level for answer in new_answers if answer.raises))
    before = {answer.item for answer in earlier if answer.raises}
    newly_raised = any(answer.raises and answer.item not in before for answer in new_answers)
    reopen = dict.fromkeys(("acknowledged_at", "acknowledged_by", "tablet_cleared_at")) if newly_raised else {}
    changed = connection.execute(
        update(submissions)
        .where(submissions.c.id == row_id, submissions.c.row_version == row["row_version"])
        .values(
            result=stored, questions_seen=seen_key, tier=result.tier, urgent=bool(row["urgent"]) or result.urgent,
            red_flag_level=kept_level, complete=complete, updated_at=now,
            row_version=submissions.c.row_version + 1,
            **({"tablet": tablet} if tablet is not None else {}), **reopen, **people,
        )
    ).rowcount
    if not changed:
        return None
    _insert_answers(connection, row_id, new_answers)
    if newly_raised and (row["acknowledged_at"] is not None or row["tablet_cleared_at"] is not None):
        audit.write(connection, "reopened", PATIENT_KIOSK, row_id, "a new red flag was raised", now)
    event_name = "completed" if complete else "saved-incomplete"
    audit.write(connection, event_name, PATIENT_KIOSK, row_id, _save_detail(result, kept_level), now)
    return row_id


class _Keeping:
    """What one save needs to decide which red-flag answers to keep (see `save_submission`)."""

    def __init__(self, questionnaire: Questionnaire | None, answered_at: Mapping[str, datetime]) -> None:
        self.questionnaire, self.answered_at = questionnaire, answered_at

    def new_answers(self, result: ScreeningResult, level: str | None, now: datetime,
                    earlier: Sequence[RedFlagAnswer]) -> tuple[RedFlagAnswer, ...]:
        if self.questionnaire is not None and self.questionnaire.id == result.questionnaire_id:
            return answers_to_keep(self.questionnaire, dict(result.answers), self.answered_at, earlier, now)
        raised = {answer.item for answer in earlier if answer.raises}
        return tuple(
            RedFlagAnswer(item=item, answer=result.answer(item) or "yes",
                          level=level or "emergency",  # type: ignore[arg-type]  # checked by the caller
                          at=self.answered_at.get(item, now), raises=True)
            for item in result.red_flags if item not in raised
        )


def _insert_answers(connection: Connection, submission_id: int, answers: Sequence[RedFlagAnswer]) -> None:
    if answers:
        connection.execute(insert(red_flag_events), [
            {"submission_id": submission_id, "item": answer.item,
             "answer": list(answer.answer) if isinstance(answer.answer, tuple) else answer.answer,
             "level": answer.level, "raises": answer.raises, "at": answer.at}
            for answer in answers
        ])


def _people(patient: PatientIds | None, assisted: tuple[str, str] | None) -> dict[str, Any]:
    """The columns a save writes for the patient's identifiers and any staff help (checked)."""
    values: dict[str, Any] = {}
    if patient is not None:
        identifier = valid_identifier(patient.chart_number)
        if identifier is None:
            raise InvalidInput("a hand-off needs the chart number")
        born, name = valid_birth_date(patient.birth_date), valid_patient_name(patient.name)
        if born is None and name is None:
            raise InvalidInput("a hand-off needs the date of birth or the full name")
        values.update(patient_identifier=identifier, patient_birth_date=born, patient_name=name)
    if assisted is not None:
        role, by = valid_assistance(*assisted)
        values.update(assisted_role=role, assisted_by=by)
    return values


def _save_detail(result: ScreeningResult, level: str | None) -> str:
    """No answers in the audit trail: the tier and the red-flag level only."""
    return f"tier {result.tier}" + (f", red flag {level}" if level else "")
