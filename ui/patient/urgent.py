"""Urgent screen: tell a staff member now (911 / 988 where they apply). It never times out.

It is shown the moment an `emergency` red flag is answered, or after Send for the others, and
also when saving failed (the screening is then retried in the background every few seconds).
Only staff clear it: with the kiosk staff code on the tablet, or by acknowledging the screening
in the queue, which this screen notices within `POLL_SECONDS`. A reload or a new session on a
named tablet (`?tablet=front-1`) brings it back (see `tablet.py`). The staff box is in English
and the patient's language and never says how to dismiss the screen.

Once the patient is away (idle time-out, reload, new session) the screen says only "Please bring
this tablet to the front desk" (`session.patient_away`). When staff clear an emergency before
the patient finished, they choose: continue the questions with the patient, or end here.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

import access
from access.credentials import KIOSK_WRONG
from scoring import Questionnaire, escalation, flow
from ui import resources
from ui.patient import read_aloud, state, submission, thanks
from ui.patient.state import PatientSession, Step
from ui.patient.strings import languages, text

POLL_SECONDS = 2.0
"""How often the screen retries an unsaved screening and checks whether staff acknowledged it."""


def show(session: PatientSession, questionnaire: Questionnaire) -> None:
    language = session.language
    if session.patient_away:
        _left_behind(session)
        return
    st.title(text("urgent_title", language), anchor=False)
    read_aloud.offer(session, "urgent", " ".join([text("urgent_title", language), *messages(session, questionnaire)]),
                     language)
    with st.container(key="urgent-message"):
        for message in messages(session, questionnaire):
            st.markdown(message)
    if not session.urgent_items:  # otherwise the self-harm message itself gives 911 and 988
        st.info(questionnaire.messages["crisis_line"][language])
    if session.reference is not None:
        thanks.reference_code(session)
    _staff_box(session, language)


def _left_behind(session: PatientSession) -> None:
    """The patient is away: nothing about what was answered, no reference code, in
    both languages; staff clear it as usual (their box in English)."""
    with st.container(key="urgent-left-behind"):
        st.title(" / ".join(text("bring_tablet", language) for language in languages()), anchor=False)
    _staff_box(session, "en")


def _staff_box(session: PatientSession, language: str) -> None:
    st.fragment(_watch, run_every=timedelta(seconds=POLL_SECONDS))()
    with st.expander(staff_words("staff_section", language)):
        if not kiosk_code_set():
            st.markdown(staff_words("staff_code_not_set", language))
            return
        st.text_input(staff_words("staff_code_label", language), type="password",
                      key=state.widget_key(session, "staff_code"))
        if session.staff_code_problem is not None:
            st.error(session.staff_code_problem)
        st.button(staff_words("staff_clear", language), key=state.widget_key(session, "staff_clear"),
                  on_click=_clear, width="stretch")


def show_staff_choice(session: PatientSession, questionnaire: Questionnaire) -> None:
    """After staff cleared an emergency before the patient finished: go on with the remaining
    questions (self-harm included) and Send as usual, or end here (the coordinator page and the
    PDF then list the red-flag questions not asked)."""
    language = session.language
    st.title(staff_words("staff_choice_title", language), anchor=False)
    st.markdown(staff_words("staff_choice_intro", language))
    st.button(staff_words("staff_continue", language), key=state.widget_key(session, "staff_continue"),
              on_click=_continue, type="primary", width="stretch")
    st.button(staff_words("staff_end", language), key=state.widget_key(session, "staff_end"),
              on_click=_end, width="stretch")


def after_clearing(session: PatientSession) -> None:
    """Staff cleared the urgent screen (code or queue): a patient still at the tablet with
    questions left gets the staff's choice; otherwise the tablet is ready for the next patient."""
    if session.finished or session.patient_away or not session.answers:
        state.next_patient()
        return
    session.step = Step.STAFF_CHOICE
    session.staff_cleared = True
    session.staff_code_problem = None


def _continue() -> None:
    session = state.current()
    if session.step is not Step.STAFF_CHOICE:
        return
    questionnaire = resources.questionnaire()
    following = None
    if session.item_id is not None and not session.returning_to_review:
        try:
            following = flow.item_after(questionnaire, session.answers, session.item_id)
        except ValueError:  # that question is no longer asked: the first one missing, below
            following = None
    following = following or flow.first_missing(questionnaire, session.answers)
    if following is None:
        session.step, session.returning_to_review = Step.REVIEW, False
    else:
        session.step, session.item_id = Step.QUESTION, following


def _end() -> None:
    if state.current().step is Step.STAFF_CHOICE:
        state.next_patient()


def messages(session: PatientSession, questionnaire: Questionnaire) -> list[str]:
    """The questionnaire's message for each raised red flag (e.g. "call 911" for stroke signs,
    988 for self-harm), most urgent first; the general "tell staff" when none is known."""
    found = escalation.patient_messages(questionnaire, session.urgent_items, session.language)
    return found or [questionnaire.messages["urgent_tell_staff"][session.language]]


def staff_words(key: str, language: str) -> str:
    """Staff words in English, and in the patient's language too when that is not English."""
    english = text(key, "en")
    return english if language == "en" else f"{english} / {text(key, language)}"


def _watch() -> None:
    """Every few seconds: retry an unsaved screening; leave the screen once staff acknowledged it."""
    session = state.current()
    if session.step is not Step.URGENT:
        return
    if session.save_pending:
        if submission.retry_pending(session, resources.questionnaire()):
            st.rerun(scope="app")  # show the reference code now that it exists
        st.caption(staff_words("urgent_saving", session.language))
        return
    if session.submission_id is not None and closed_by_staff(session):
        after_clearing(session)
        st.rerun(scope="app")


def closed_by_staff(session: PatientSession) -> bool:
    """True once staff acknowledged the screening in the queue, or cleared this tablet with the
    kiosk code (from any session on it). False while the database cannot say."""
    assert session.submission_id is not None
    try:
        saved = resources.storage().get_submission(session.submission_id)
    except Exception:  # the database is away: keep the screen up and look again later
        return False
    return saved is not None and (saved.acknowledged_at is not None or saved.tablet_cleared_at is not None)


def kiosk_code_set() -> bool:
    """Whether a kiosk staff code is set up (`python -m access`); without one only the queue clears."""
    try:
        return access.kiosk_code_is_set(resources.storage())
    except Exception:  # the database is away: no code box, the queue still works
        return False


def staff_code_problem(session: PatientSession, typed: str, wrong: str) -> str | None:
    """Check the kiosk staff code typed on this tablet (`access`: hashed, throttled, audited);
    None when it is right, else why not: `wrong` (the caller's words for "not right", plus how long
    it is locked, if it now is), or access's own words (busy, locked). Used here and by the
    welcome screen's staff help switch."""
    address = access.client_address(st.context.headers, st.context.ip_address, resources.settings().trusted_proxies)
    outcome = access.check_kiosk_code(resources.storage(), typed, client_address=address,
                                      tablet=session.tablet or "unnamed")
    if outcome.ok:
        return None
    if outcome.message == KIOSK_WRONG:
        return wrong
    if outcome.message.startswith(KIOSK_WRONG):  # wrong, and now locked for a while
        return f"{wrong} {outcome.message.removeprefix(KIOSK_WRONG).strip()}"
    return outcome.message


def _clear() -> None:
    """The staff code typed on the tablet (checked and throttled by `access`): clear the screen,
    and the tablet's open urgent in the database, so a reload does not bring it back."""
    session = state.current()
    if session.step is not Step.URGENT:
        return
    typed = state.take_staff_code(session, "staff_code")
    storage = resources.storage()
    problem = staff_code_problem(session, typed, staff_words("staff_code_wrong", session.language))
    if problem is not None:
        session.staff_code_problem = problem
        return
    if session.submission_id is not None:
        storage.clear_on_tablet(session.submission_id, actor=f"kiosk code on tablet {session.tablet or 'unnamed'}")
    after_clearing(session)
