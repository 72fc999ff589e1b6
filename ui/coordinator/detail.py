"""One submission (url /submission): every question as the patient saw it, the suggestion and
its reasons, red flags, review actions (acknowledge, status and note) and the PDF downloads.
Nothing here words the result as a diagnosis."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pandas as pd
import streamlit as st

from report import SummaryHeader, SummaryOptions, build_summary, summary_filename
from scoring import Questionnaire
from storage import STATUSES, InvalidInput, Submission, UpdateOutcome
from ui import resources
from ui.coordinator import access
from ui.coordinator.labels import LANGUAGE_NAMES, STATUS_LABELS, answer_label, tier_label

_SELECTED = "coordinator:selected"
_VIEWED = "coordinator:viewed"
DISCLAIMER = (
    "A screening aid, not a diagnosis: the clinical signs and the exclusion of other causes "
    "need an examination by a clinician."
)


def detail() -> None:
    actor = access.require_staff()
    storage = resources.storage()
    questionnaire = resources.questionnaire()
    submission_id = st.session_state.get(_SELECTED)
    submission = storage.get_submission(int(submission_id)) if submission_id is not None else None
    if submission is None:
        st.info("Choose a screening in the queue first.")
        _back_to_queue()
        return
    if st.session_state.get(_VIEWED) != submission.id:  # one audit row per opening, not per rerun
        storage.record_event("viewed", actor=actor, submission_id=submission.id)
        st.session_state[_VIEWED] = submission.id

    _back_to_queue()
    st.title(f"Screening {submission.reference}")
    st.caption(
        f"Submitted {submission.created_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · "
        f"{LANGUAGE_NAMES.get(submission.language, submission.language)} · questionnaire "
        f"{submission.questionnaire_id} version {submission.questionnaire_version} · "
        f"status: {STATUS_LABELS.get(submission.status, submission.status)}"
    )
    if submission.questionnaire_hash != questionnaire.content_hash:
        st.warning("This screening was made with another version of the questionnaire; "
                   "questions are shown with today's wording.")
    _urgent(submission, questionnaire, actor)
    _outcome(submission, questionnaire)
    _answers(submission, questionnaire)
    _status_form(submission, actor)
    _downloads(submission, questionnaire, actor)


def _back_to_queue() -> None:
    if st.button("Back to the queue", key="coordinator:back"):
        st.switch_page("ui/pages/queue.py")


def _urgent(submission: Submission, questionnaire: Questionnaire, actor: str) -> None:
    if not submission.urgent:
        return
    lines = []
    for flag in submission.result.red_flags:
        item = questionnaire.items_by_id.get(flag)
        if item is not None and item.red_flag is not None:
            lines.append(f"- {item.short['en']}: {item.red_flag.concern['en']}")
        else:
            lines.append(f"- {flag}")
    st.error("**URGENT: staff must talk with this patient now.**\n\n" + "\n".join(lines), icon=":material/warning:")
    if submission.acknowledged_at is None:
        if st.button("Acknowledge this urgent alert", type="primary", key="coordinator:acknowledge"):
            outcome = resources.storage().acknowledge(submission.id, actor=actor)
            (st.success if outcome.ok else st.warning)(outcome.message)
            st.rerun()
    else:
        st.text(f"Acknowledged by {submission.acknowledged_by} at "
                f"{submission.acknowledged_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC.")


def _outcome(submission: Submission, questionnaire: Questionnaire) -> None:
    result = submission.result
    st.subheader(f"Suggestion: {tier_label(questionnaire, result.tier)}")
    st.caption(DISCLAIMER)
    rows = []
    categories = {category.id: category.label["en"] for category in questionnaire.categories}
    for finding in result.findings:
        rows.append({
            "Symptom group": categories.get(finding.category, finding.category),
            "Yes answer": "yes" if finding.met else "no",
            "Which answers": ", ".join(
                questionnaire.item(i).short["en"] if i in questionnaire.items_by_id else i for i in finding.items
            ),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    label = "Reasons as given to the patient" + (
        f" ({LANGUAGE_NAMES.get(submission.language, submission.language)})" if submission.language != "en" else ""
    )
    with st.expander(label, expanded=submission.language == "en"):
        for reason in result.reasons:
            st.text(reason)


def _answers(submission: Submission, questionnaire: Questionnaire) -> None:
    st.subheader("Answers")
    asked = {key for key, _ in submission.result.answers} | set(submission.answers)
    patient_language = submission.language
    rows = []
    for item in questionnaire.items:
        value = submission.answers.get(item.id)
        row = {"Question": item.text["en"], "Answer": answer_label(item, value, "en")}
        if value is None and item.id not in asked:
            row["Answer"] = "No answer or not asked"
        if patient_language != "en" and patient_language in questionnaire.languages:
            row["Pregunta (patient's language)"] = item.text[patient_language]
            row["Respuesta"] = answer_label(item, value, patient_language)
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _status_form(submission: Submission, actor: str) -> None:
    st.subheader("Review")
    seen_key = f"coordinator:seen-version:{submission.id}"
    with st.form(f"coordinator:status:{submission.id}"):
        status = st.selectbox("Status", list(STATUSES), index=list(STATUSES).index(submission.status),
                              format_func=STATUS_LABELS.__getitem__, key=f"coordinator:status-choice:{submission.id}")
        note = st.text_area("Note (optional)", value=submission.note or "", max_chars=2000,
                            key=f"coordinator:note:{submission.id}")
        saved = st.form_submit_button("Save review", type="primary")
    current = submission
    if saved:
        expected = int(st.session_state.get(seen_key, submission.row_version))
        try:
            outcome = resources.storage().set_status(
                submission.id, actor=actor, status=str(status), note=note.strip() or None,
                expected_row_version=expected,
            )
        except InvalidInput as exc:  # checked before the database: e.g. a control character
            outcome = UpdateOutcome(False, submission, f"Not saved: {exc}.")
        (st.success if outcome.ok else st.warning)(outcome.message)
        current = outcome.submission or submission
        if not outcome.ok:
            st.text(f"Now: {STATUS_LABELS.get(current.status, current.status)}")
    # What this coordinator has now seen; the next save is conditional on it (see above).
    st.session_state[seen_key] = current.row_version
    if current.note:
        st.caption("Current note:")
        st.text(current.note)


def _downloads(submission: Submission, questionnaire: Questionnaire, actor: str) -> None:
    st.subheader("PDF summary")
    header = SummaryHeader(reference=submission.reference, submitted_at=submission.created_at,
                           language=submission.language, status=submission.status, note=submission.note)
    for variant, label in (("clinician", "Clinician copy (English)"), ("patient", "Patient copy (patient's language)")):
        options = SummaryOptions(
            variant=variant,  # type: ignore[arg-type]
            clinic_name=resources.settings().clinic_name,
            clinic_address=resources.settings().clinic_address,
            generated_at=datetime.now(UTC),
        )
        st.download_button(
            f"Download {label}",
            data=partial(build_summary, submission.result, questionnaire, header, options),  # built on click
            file_name=summary_filename(submission.reference, variant),
            mime="application/pdf",
            key=f"coordinator:pdf:{variant}:{submission.id}",
            on_click=resources.storage().record_event,
            args=("pdf_downloaded",),
            kwargs={"actor": actor, "submission_id": submission.id, "detail": variant},
        )
