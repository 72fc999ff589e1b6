"""Streamlit entry point: wiring only (page set-up, the questionnaire, which page to show).

Minimal first version: asks the whole questionnaire on one page and shows the scored result.
The waiting-room flow replaces this (see ui/).
"""

import streamlit as st

from scoring import AnswersInvalid, QuestionnaireError, load_questionnaire, score

st.set_page_config(page_title="Pain symptom check", layout="centered")


@st.cache_resource
def _questionnaire():  # type: ignore[no-untyped-def]
    return load_questionnaire("questionnaires/crps.yaml")


try:
    questionnaire = _questionnaire()
except QuestionnaireError as exc:
    st.error(f"The questionnaire file has a problem; tell staff. {exc.problems[0]}")
    st.stop()

language = st.radio("Language / Idioma", questionnaire.languages, horizontal=True)
answers: dict[str, object] = {}
for item in questionnaire.items:
    if not all(answers.get(c.item) in c.any_of for c in item.show_if):
        continue
    if item.kind == "integer":
        answers[item.id] = st.radio(
            item.text[language], list(range(item.minimum or 0, (item.maximum or 0) + 1)),
            index=None, horizontal=True, key=item.id,
        )
    elif item.kind == "multiple":
        answers[item.id] = st.multiselect(
            item.text[language], [c.code for c in item.choices], key=item.id,
            format_func=lambda code, item=item: item.choice(code).label[language],
        )
    else:
        answers[item.id] = st.radio(
            item.text[language], [c.code for c in item.choices], index=None, key=item.id,
            format_func=lambda code, item=item: item.choice(code).label[language],
        )
if st.button("Score"):
    try:
        result = score(questionnaire, answers, language)
    except AnswersInvalid as exc:
        st.error(str(exc))
    else:
        st.subheader(questionnaire.tier(result.tier).message[language])
        if result.urgent:
            st.error(questionnaire.messages["crisis_line"][language])
        for reason in result.reasons:
            st.write(reason)
