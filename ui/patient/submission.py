"""Score and save the answers exactly once per patient; a failed save is never silent.

The idempotency key is made once per patient (`PatientSession`), so a double tap, a rerun or
a retry saves the same row instead of adding another. A red flag is saved the moment it is
answered (`escalate`), as an urgent screening marked incomplete; Send later completes that same
row. An urgent screening that could not be saved is retried by the urgent screen in the
background (`retry_pending`) while the patient already sees "tell a staff member".
"""

from __future__ import annotations

import logging

from scoring import Questionnaire, ScreeningResult, score
from storage import SaveFailed
from ui import resources
from ui.patient import escalation, flow, state, taps
from ui.patient.state import PatientSession, Step

_log = logging.getLogger("crps.patient")


def escalate(session: PatientSession) -> None:
    """After an answer changes: if it raises a red flag, save the urgent screening now.

    An `emergency` level also stops the flow for the urgent screen at once.
    """
    questionnaire = resources.questionnaire()
    answers = flow.asked_answers(questionnaire, session.answers)
    items = escalation.raised(questionnaire, answers)
    if not items:
        return
    raised_ids = tuple(item.id for item in items)
    level = escalation.most_urgent([session.urgent_level, *(escalation.level_of(item) for item in items)])
    new_flag = not set(raised_ids) <= set(session.urgent_items)
    session.urgent_level = level
    session.urgent_items = tuple(dict.fromkeys((*session.urgent_items, *raised_ids)))
    if new_flag or session.save_pending:
        _save(session, escalation.result_so_far(questionnaire, answers, session.language), complete=False)
    if escalation.interrupts(level):
        session.step = Step.URGENT


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
    if urgent:
        # Urgent: the patient sees "tell a staff member" whether or not the save worked.
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
    """Save (or update) this patient's one row; on failure log one line without answers."""
    try:
        saved = resources.storage().save_submission(
            idempotency_key=session.idempotency_key, result=result, language=session.language,
            complete=complete, tablet=session.tablet,
        )
    except SaveFailed as exc:  # its message is one line with no answers in it
        _failed(session, result, str(exc))
        return False
    except Exception as exc:  # any database error: log only its type (messages can carry values)
        _failed(session, result, type(exc).__name__)
        return False
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
