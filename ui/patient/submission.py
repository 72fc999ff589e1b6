"""Score and save the answers exactly once per patient; a failed save is never silent.

The idempotency key is made once per patient (`PatientSession`), so a double tap, a rerun or
a retry saves the same row instead of adding another. A red flag is saved the moment it is
answered (`escalate`), as an urgent screening marked incomplete; Send later completes that same
row. An urgent screening that could not be saved is retried by the urgent screen in the
background (`retry_pending`) while the patient already sees "tell a staff member".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime

from scoring import AnswerValue, Questionnaire, RedFlagAnswer, ScreeningResult, escalation, flow, raises, score
from storage import SaveFailed
from ui import resources
from ui.patient import state, taps
from ui.patient.state import PatientSession, Step

_log = logging.getLogger("crps.patient")
_WORKERS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="patient-save")
"""Runs saves so a page run can stop waiting; holds nothing once a save is done."""
URGENT_SAVE_WAIT = 1.5
SAVE_WAIT = 30.0


def escalate(session: PatientSession) -> None:
    """After an answer changes: if it raises a red flag, or changes the answer to one raised
    before, save the screening now (urgent, incomplete) so that answer and its time are kept.

    A newly raised `emergency` flag also stops the flow for the urgent screen at once.
    """
    questionnaire = resources.questionnaire()
    answers = flow.asked_answers(questionnaire, session.answers)
    changed = _note_red_flag_answers(session, questionnaire, answers)
    items = escalation.raised(questionnaire, answers, session.raising_answers)
    taken_back = [item_id for item_id in changed if item_id in session.urgent_items]
    if not items and not taken_back:
        return
    raised_ids = tuple(item.id for item in items)
    new_ids = [item_id for item_id in raised_ids if item_id not in session.urgent_items]
    session.urgent_level = escalation.most_urgent(
        [session.urgent_level, *(escalation.level_of(item) for item in items)])
    session.urgent_items = tuple(dict.fromkeys((*session.urgent_items, *raised_ids)))
    if new_ids:
        session.staff_cleared = False  # news for staff: the urgent screen comes back at the end
    if new_ids or taken_back or session.save_pending:
        _save(session, escalation.result_so_far(questionnaire, answers, session.language), complete=False)
    by_id = {item.id: item for item in items}  # red-flag items and red-flag rules
    if any(escalation.interrupts(escalation.level_of(by_id[item_id])) for item_id in new_ids):
        session.step = Step.URGENT


def _note_red_flag_answers(
    session: PatientSession, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> list[str]:
    """Note when each red-flag answer was given, and each answer that raises its flag (kept for
    the red-flag rules); returns the red-flag items whose answer changed."""
    now = datetime.now(UTC)
    changed = []
    for item in questionnaire.red_flag_items:
        value = answers.get(item.id)
        if value is None or session.red_flag_answers.get(item.id, (None,))[0] == value:
            continue
        session.red_flag_answers[item.id] = (value, now)
        changed.append(item.id)
        if raises(item, value):
            assert item.red_flag is not None
            session.raising_answers += (RedFlagAnswer(item=item.id, answer=value, level=item.red_flag.level,
                                                      at=now, raises=True),)
    return changed


def submit() -> None:
    """Send button (and Retry): score, save, then show thanks or the urgent screen."""
    session = state.current()
    if session.step is not Step.REVIEW or session.finished or taps.too_soon(session):
        return  # a second tap after the first one moved on: nothing to do
    questionnaire = resources.questionnaire()
    missing = flow.first_missing(questionnaire, session.answers)
    if missing is not None:
        session.step, session.item_id = Step.QUESTION, missing
        session.missing_answer = session.returning_to_review = True
        return
    result = score(questionnaire, flow.asked_answers(questionnaire, session.answers), session.language)
    urgent = result.urgent or session.urgent_level is not None
    session.finished = True
    session.result = result
    saved = _save(session, result, complete=True)
    if urgent and not (session.staff_cleared and saved):
        # Urgent: the patient sees "tell a staff member" whether or not the save worked (unless
        # staff already cleared it and chose to go on with the patient, and nothing new was raised).
        session.step = Step.URGENT
        session.save_failed = False
    elif saved:
        session.step = Step.THANKS
    else:
        session.finished = False


def retry_pending(session: PatientSession, questionnaire: Questionnaire) -> bool:
    """Try again to save an urgent screening that is not in the database yet; True once saved."""
    if not session.save_pending:
        return True
    answers = flow.asked_answers(questionnaire, session.answers)
    if session.finished:
        result = score(questionnaire, answers, session.language)
    else:
        result = escalation.result_so_far(questionnaire, answers, session.language)
    return _save(session, result, complete=session.finished)


def _save(session: PatientSession, result: ScreeningResult, *, complete: bool) -> bool:
    """Save (or update) this patient's one row; on failure log one line without answers.

    The save runs on a worker thread: an urgent screening waits at most `URGENT_SAVE_WAIT`
    seconds for it (a locked or slow database must not hold the urgent screen back; the same
    save keeps going and the urgent screen picks it up, or retries), anything else
    `SAVE_WAIT` seconds.
    """
    urgent = result.urgent or session.urgent_level is not None
    deadline = time.monotonic() + (URGENT_SAVE_WAIT if urgent else SAVE_WAIT)
    wanted = (result, complete)
    while True:
        if session.save_future is None or (session.save_future.done() and session.saving != wanted):
            session.saving = wanted
            session.save_future = _WORKERS.submit(
                resources.storage().save_submission, idempotency_key=session.idempotency_key, result=result,
                language=session.language, complete=complete, tablet=session.tablet,
                questionnaire=resources.questionnaire(),
                answered_at={item_id: at for item_id, (_, at) in session.red_flag_answers.items()},
                patient=session.patient, assisted=session.assisted,
            )
        try:
            saved = session.save_future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            _failed(session, result, "the database did not answer in time (still trying)")
            return False
        except SaveFailed as exc:  # its message is one line with no answers in it
            session.save_future = None
            _failed(session, result, str(exc))
            return False
        except Exception as exc:  # any database error: log only its type (messages can carry values)
            session.save_future = None
            _failed(session, result, type(exc).__name__)
            return False
        if session.saving == wanted:
            break
        session.save_future = None  # an earlier save (same row) finished first: now save this one
    session.save_future, session.saving = None, None
    session.save_failed = session.save_pending = False
    session.reference, session.submission_id = saved.reference, saved.id
    return True


def _failed(session: PatientSession, result: ScreeningResult, reason: str) -> None:
    urgent = result.urgent or session.urgent_level is not None
    session.save_failed = True
    session.save_pending = urgent
    if urgent:  # staff must know a tablet holds an unsaved urgent screening
        _log.error("URGENT screening not saved yet (tablet %s, level %s); retrying: %s",
                   session.tablet or "unnamed", session.urgent_level or "unknown", reason)
    else:
        _log.error("saving a screening failed: %s", reason)
