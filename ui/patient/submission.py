"""Score and save the answers exactly once per patient; a failed save is never silent.

The idempotency key is made once per patient (`PatientSession`), so a double tap, a rerun or
a staff retry after a failure returns the same row instead of adding another.
"""

from __future__ import annotations

import logging

from scoring import score
from storage import SaveFailed
from ui import resources
from ui.patient import flow, state, taps
from ui.patient.state import Step

_log = logging.getLogger("crps.patient")


def submit() -> None:
    """Send button (and Retry): score, save, then show thanks or the urgent screen."""
    session = state.current()
    if session.step is not Step.REVIEW or session.reference is not None or taps.too_soon(session):
        return  # a second tap after the first one moved on: nothing to do
    questionnaire = resources.questionnaire()
    missing = flow.first_missing(questionnaire, session.answers)
    if missing is not None:
        session.step, session.item_id = Step.QUESTION, missing
        session.missing_answer = session.returning_to_review = True
        return
    result = score(questionnaire, flow.asked_answers(questionnaire, session.answers), session.language)
    try:
        saved = resources.storage().save_submission(
            idempotency_key=session.idempotency_key, result=result, language=session.language
        )
    except SaveFailed as exc:  # its message is one line with no answers in it
        _log.error("saving a screening failed: %s", exc)
        session.save_failed = True
        return
    except Exception as exc:  # any database error: log only its type (messages can carry values)
        _log.error("saving a screening failed: %s", type(exc).__name__)
        session.save_failed = True
        return
    session.save_failed = False
    session.result = result
    session.reference = saved.reference
    session.step = Step.URGENT if result.urgent else Step.THANKS
