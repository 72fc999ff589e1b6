"""Welcome screen: what this is, who sees the answers, and English / Español as two big buttons."""

from __future__ import annotations

import html
import logging

import streamlit as st

from scoring import Questionnaire, flow
from storage import InvalidInput
from storage.records import assisted_words, valid_assistance
from ui import resources
from ui.patient import read_aloud, state, tablet, taps, urgent
from ui.patient.state import PatientSession, Step
from ui.patient.strings import languages, text

_log = logging.getLogger("crps.patient")
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def show(session: PatientSession, questionnaire: Questionnaire) -> None:
    """Both languages at once: the patient has not chosen yet."""
    st.title(f"{text('welcome_title', 'en')} · {text('welcome_title', 'es')}", anchor=False)
    initial = tablet.greeting_initial(session)
    if initial is not None:  # the desk handed a patient to this tablet (TABLET_SHOWS_INITIAL)
        with st.container(key="hand-off-greeting"):
            st.markdown(" · ".join(text("hand_off_greeting", language, initial=initial) for language in languages()))
    # Static text from ui/strings.yaml, escaped; `lang` tells a screen reader which voice to use.
    st.html(
        "".join(
            f'<p lang="{language}" class="patient-about">{html.escape(text("welcome_about", language))} '
            f"<strong>{html.escape(text('welcome_choose', language))}</strong></p>"
            for language in languages()
        )
    )
    for language in languages():
        read_aloud.offer(session, f"welcome:{language}",
                         f"{text('welcome_about', language)} {text('welcome_choose', language)}", language)
    st.checkbox(" · ".join(text("read_aloud_always", language) for language in languages()),
                value=read_aloud.auto_on(session), key=state.widget_key(session, "read-aloud-always"),
                on_change=_choose_read_aloud)
    for language in languages():
        st.button(
            LANGUAGE_NAMES.get(language, language),
            key=state.widget_key(session, f"language:{language}"),
            on_click=_choose_language,
            args=(language,),
            type="primary",
            width="stretch",
        )
    _assist_box(session)


def _both(key: str, **values: object) -> str:
    return " / ".join(text(key, language, **values) for language in languages())


def _assist_box(session: PatientSession) -> None:
    """Staff-assisted answering: behind the kiosk staff code, a staff member (their
    name) or a phone interpreter (the language) answers with the patient. Saved with the
    screening; the next patient starts without it (`state.next_patient`)."""
    if session.assisted is not None:
        with st.container(key="assist-on"):
            st.info(_both("assist_is_on", who=assisted_words(*session.assisted) or ""))
            st.button(_both("assist_turn_off"), key=state.widget_key(session, "assist-off"), on_click=_assist_off)
        return
    # A switch, not a button: a fresh welcome screen keeps only its language and read-aloud buttons.
    if not st.toggle(_both("assist_section"), key=state.widget_key(session, "assist-open")):
        return
    with st.container(key="assist-box"):
        if not urgent.kiosk_code_set():
            st.markdown(_both("assist_no_code"))
            return
        st.radio(_both("assist_role"), ["staff", "interpreter"], key=state.widget_key(session, "assist-role"),
                 format_func=lambda role: _both(f"assist_role_{role}"))
        st.text_input(_both("assist_who"), max_chars=100, key=state.widget_key(session, "assist-who"))
        st.text_input(_both("staff_code_label"), type="password", key=state.widget_key(session, "assist-code"))
        if session.assist_problem is not None:
            st.error(session.assist_problem)
        st.button(_both("assist_turn_on"), key=state.widget_key(session, "assist-on"), on_click=_assist_on,
                  width="stretch")


def _assist_on() -> None:
    """Checked with the kiosk staff code (throttled by `access`, as on the urgent screen)."""
    session = state.current()
    if session.step is not Step.WELCOME:
        return
    typed = state.take_staff_code(session, "assist-code")
    role = str(st.session_state.get(state.widget_key(session, "assist-role")) or "staff")
    who = str(st.session_state.get(state.widget_key(session, "assist-who")) or "")
    try:
        chosen = valid_assistance(role, who)
    except InvalidInput:
        session.assist_problem = _both("assist_needs_who")
        return
    problem = urgent.staff_code_problem(session, typed, _both("staff_code_wrong"))
    if problem is not None:  # the kiosk staff code, checked and throttled as on the urgent screen
        session.assist_problem = problem
        return
    storage = resources.storage()
    assert chosen[0] is not None and chosen[1] is not None
    session.assisted, session.assist_problem = (chosen[0], chosen[1]), None
    try:  # a staff action: audited (a name or a language, never anything the patient answered)
        storage.record_event("assisted_answering_on", actor=f"kiosk code on tablet {session.tablet or 'unnamed'}",
                             detail=assisted_words(*chosen) or "")
    except Exception as exc:  # the database is away: the save will carry the help anyway
        _log.error("auditing staff help on tablet %s failed: %s", session.tablet or "unnamed", type(exc).__name__)


def _assist_off() -> None:
    session = state.current()
    if session.step is Step.WELCOME:
        session.assisted = None


def _choose_read_aloud() -> None:
    session = state.current()
    session.read_aloud = bool(st.session_state.get(state.widget_key(session, "read-aloud-always")))


def _choose_language(language: str) -> None:
    session = state.current()
    if session.step is not Step.WELCOME or taps.too_soon(session):
        return
    session.language = language
    tablet.take_hand_off(session)  # the desk's pending patient for this tablet, taken once
    session.step = Step.QUESTION
    questionnaire = resources.questionnaire()
    if session.item_id is None:
        session.item_id = flow.first_item(questionnaire, session.answers)
