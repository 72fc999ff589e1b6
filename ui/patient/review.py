"""Review screen: every answer with a Change button that jumps to its question, then Send."""

from __future__ import annotations

import streamlit as st

from scoring import Questionnaire, answer_text, flow
from ui.patient import read_aloud, state, submission, taps
from ui.patient.state import PatientSession, Step
from ui.patient.strings import text


def show(session: PatientSession, questionnaire: Questionnaire) -> None:
    language = session.language
    st.title(text("review_title", language), anchor=False)
    st.markdown(text("review_intro", language))
    asked = flow.asked(questionnaire, session.answers)
    shown = [item.id for item in asked]
    spoken = [text("review_title", language), text("review_intro", language)]
    for number, item in enumerate(asked, start=1):
        spoken.append(f"{number}. {item.text[language]} "
                    f"{answer_text(questionnaire, shown, item, session.answers.get(item.id), language)}.")
    read_aloud.offer(session, "review", " ".join(spoken), language, keep=False)  # the patient's answers: never cached
    for number, item in enumerate(asked, start=1):
        value = session.answers.get(item.id)
        # The one wording of an answer, shared with the coordinator page and the PDF.
        answer = answer_text(questionnaire, shown, item, value, language)
        with st.container(border=True, key=f"review-answer-{number}"):
            said, change = st.columns([3, 1], vertical_alignment="center")
            said.markdown(f"{number}. {item.text[language]}")
            said.markdown(f"**{answer}**" if value is not None else f"*{answer}*")
            change.button(
                text("change", language, n=number),
                key=state.widget_key(session, f"change:{item.id}"),
                on_click=_change,
                args=(item.id,),
                width="stretch",
            )
    if session.save_failed:
        st.error(text("save_failed", language))
    st.button(
        text("retry" if session.save_failed else "submit", language),
        key=state.widget_key(session, "submit"),
        on_click=submission.submit,
        type="primary",
        width="stretch",
    )


def _change(item_id: str) -> None:
    session = state.current()
    if session.step is not Step.REVIEW or taps.too_soon(session):
        return
    session.step = Step.QUESTION
    session.item_id = item_id
    session.returning_to_review = True
