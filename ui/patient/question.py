"""One question per screen: progress, the question, its answers as big targets, Back and Next.

Answers are recorded as soon as they change (so the progress total follows the branching), and
Next only moves on. This module owns the answer widgets' keys; nothing else reads them.
"""

from __future__ import annotations

import streamlit as st

from scoring import Item, Questionnaire, flow
from speech import question_text
from ui import resources
from ui.patient import body_map, read_aloud, state, submission, taps
from ui.patient.state import PatientSession, Step
from ui.patient.strings import text


def show(session: PatientSession, questionnaire: Questionnaire) -> None:
    assert session.item_id is not None
    item = questionnaire.item(session.item_id)
    language = session.language
    where = flow.progress(questionnaire, session.answers, item.id)
    st.progress(where.number / where.total, text=text("progress", language, n=where.number, total=where.total))
    read_aloud.offer_new_question(session, item.id, question_text(questionnaire, item.id, language), language)

    with st.container(key="patient-question"):
        if item.kind == "multiple" and item.body_map and not session.body_map_as_list:
            body_map.show(session, item, _after_map_change)
        elif item.kind == "multiple":
            _checkboxes(session, item)
        else:
            _radio(session, item)
    if item.body_map:  # the plain list is always one tap away
        st.button(text("body_map_as_picture" if session.body_map_as_list else "body_map_as_list", language),
                  key=state.widget_key(session, f"view:{item.id}"), on_click=body_map.switch_view, args=(item.id,),
                  icon=":material/accessibility:" if session.body_map_as_list else ":material/list:")
    if item.help is not None:
        st.caption(item.help[language])
    if not item.required:
        st.caption(text("optional_hint", language))
    if session.missing_answer:
        st.error(text("required_missing", language))

    back, forward = st.columns(2)
    back_label = "back_to_review" if session.returning_to_review else "back"
    back.button(text(back_label, language), key=state.widget_key(session, f"back:{item.id}"),
                on_click=_go_back, args=(item.id,), width="stretch")
    skipping = not item.required and item.id not in session.answers and not session.returning_to_review
    forward.button(text("skip" if skipping else "next", language), key=state.widget_key(session, f"next:{item.id}"),
                   on_click=_go_next, args=(item.id,), type="primary", width="stretch")


def _radio(session: PatientSession, item: Item) -> None:
    """A single choice, or a 0–10 number as eleven tap targets in a row: never a slider."""
    language = session.language
    if item.kind == "integer":
        assert item.minimum is not None and item.maximum is not None
        options: list[str | int] = list(range(item.minimum, item.maximum + 1))
        labels = {option: str(option) for option in options}
    else:
        options = [choice.code for choice in item.choices]
        labels = {choice.code: choice.label[language] for choice in item.choices}
    current = session.answers.get(item.id)
    st.radio(
        item.text[language],
        options,
        index=options.index(current) if current in options else None,
        format_func=labels.__getitem__,
        key=state.widget_key(session, f"answer:{item.id}"),
        on_change=_record_choice,
        args=(item.id,),
        horizontal=item.kind == "integer",
        width="stretch",
    )
    if item.min_label is not None and item.max_label is not None:
        st.caption(f"{item.min_label[language]} · {item.max_label[language]}")


def _checkboxes(session: PatientSession, item: Item) -> None:
    """Pick all that apply: one big checkbox per choice."""
    language = session.language
    chosen = session.answers.get(item.id, ())
    st.markdown(item.text[language])
    st.caption(text("pick_all_hint", language))
    for choice in item.choices:
        st.checkbox(
            choice.label[language],
            value=isinstance(chosen, tuple) and choice.code in chosen,
            key=state.widget_key(session, f"answer:{item.id}:{choice.code}"),
            on_change=_record_checks,
            args=(item.id,),
            width="stretch",
        )


def _record_choice(item_id: str) -> None:
    session = state.current()
    value = st.session_state[state.widget_key(session, f"answer:{item_id}")]
    if value is None:
        session.answers.pop(item_id, None)
    else:
        session.answers[item_id] = value
        session.missing_answer = False
        submission.escalate(session)  # a red flag is saved now, not at Send


def _record_checks(item_id: str) -> None:
    session = state.current()
    item = resources.questionnaire().item(item_id)
    chosen = tuple(
        choice.code for choice in item.choices
        if st.session_state.get(state.widget_key(session, f"answer:{item_id}:{choice.code}"))
    )
    if chosen:
        session.answers[item_id] = chosen
        session.missing_answer = False
        submission.escalate(session)
    else:
        session.answers.pop(item_id, None)


def _after_map_change(item_id: str) -> None:
    submission.escalate(state.current())  # as for any answer: a red flag is saved now


def _go_next(item_id: str) -> None:
    session = state.current()
    if session.step is not Step.QUESTION or session.item_id != item_id or taps.too_soon(session):
        return  # a second tap meant for the screen before
    questionnaire = resources.questionnaire()
    if questionnaire.item(item_id).required and item_id not in session.answers:
        session.missing_answer = True
        return
    session.missing_answer = False
    if session.returning_to_review:
        # A changed answer can open questions that must be answered before review.
        missing = flow.first_missing(questionnaire, session.answers)
        if missing is not None:
            session.item_id = missing
            return
        go_to_review(session)
        return
    following = flow.item_after(questionnaire, session.answers, item_id)
    if following is None:
        go_to_review(session)
    else:
        session.item_id = following


def _go_back(item_id: str) -> None:
    session = state.current()
    if session.step is not Step.QUESTION or session.item_id != item_id or taps.too_soon(session):
        return
    session.missing_answer = False
    if session.returning_to_review:
        go_to_review(session)
        return
    previous = flow.item_before(resources.questionnaire(), session.answers, item_id)
    if previous is None:
        session.step = Step.WELCOME
    else:
        session.item_id = previous


def go_to_review(session: PatientSession) -> None:
    session.step = Step.REVIEW
    session.returning_to_review = False
