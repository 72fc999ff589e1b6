"""Welcome screen: what this is, who sees the answers, and English / Español as two big buttons."""

from __future__ import annotations

import html

import streamlit as st

from scoring import Questionnaire, flow
from ui import resources
from ui.patient import read_aloud, state, taps
from ui.patient.state import PatientSession, Step
from ui.patient.strings import LANGUAGES, text

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def show(session: PatientSession, questionnaire: Questionnaire) -> None:
    """Both languages at once: the patient has not chosen yet."""
    st.title(f"{text('welcome_title', 'en')} · {text('welcome_title', 'es')}", anchor=False)
    # Static text from ui/strings.yaml, escaped; `lang` tells a screen reader which voice to use.
    st.html(
        "".join(
            f'<p lang="{language}" class="patient-about">{html.escape(text("welcome_about", language))} '
            f"<strong>{html.escape(text('welcome_choose', language))}</strong></p>"
            for language in LANGUAGES
        )
    )
    for language in LANGUAGES:
        read_aloud.offer(session, f"welcome:{language}",
                         f"{text('welcome_about', language)} {text('welcome_choose', language)}", language)
    st.checkbox(" · ".join(text("read_aloud_always", language) for language in LANGUAGES),
                value=read_aloud.auto_on(session), key=state.widget_key(session, "read-aloud-always"),
                on_change=_choose_read_aloud)
    for language in LANGUAGES:
        st.button(
            LANGUAGE_NAMES[language],
            key=state.widget_key(session, f"language:{language}"),
            on_click=_choose_language,
            args=(language,),
            type="primary",
            width="stretch",
        )


def _choose_read_aloud() -> None:
    session = state.current()
    session.read_aloud = bool(st.session_state.get(state.widget_key(session, "read-aloud-always")))


def _choose_language(language: str) -> None:
    session = state.current()
    if session.step is not Step.WELCOME or taps.too_soon(session):
        return
    session.language = language
    session.step = Step.QUESTION
    questionnaire = resources.questionnaire()
    if session.item_id is None:
        session.item_id = flow.first_item(questionnaire, session.answers)
