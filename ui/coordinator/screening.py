"""One screening (url /screening): the suggestion and its reasons, every answer in full (red flags
first), review actions (acknowledge, status and note) and the downloads. Review actions run in
button callbacks, before the page is drawn, so the header, the PDF and every download show the
row as saved. Nothing here words the result as a diagnosis."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, tzinfo
from functools import partial
from html import escape

import streamlit as st

from report import SummaryHeader, SummaryOptions, build_summary, report_words, summary_filename
from scoring import (
    Questionnaire,
    answer_text,
    answered_under,
    question_text,
    red_flag_concerns,
    story_of_the_pain,
    wording_note,
)
from scoring.fhir import screening_bundle
from scoring.red_flag_history import staff_lines
from storage import STATUSES, InvalidInput, Submission
from ui import resources
from ui.coordinator import clinic_clock, guard, header
from ui.coordinator import examination as clinician_examination
from ui.coordinator import session as staff
from ui.coordinator.urgent_list import patient_words
from ui.coordinator.wording import category_labels, language_name, status_label, text, tier_label

DISCLAIMER = (
    "A screening aid, not a diagnosis: the clinical signs and the exclusion of other causes "
    "need an examination by a clinician."
)
_MESSAGE = staff.widget_key("screening:message")
STORY_TITLE = report_words("story")  # the clinician PDF's heading and note for the same section
STORY_NOTE = report_words("story_note")


def render() -> None:
    session = guard.require_staff()
    storage = resources.storage()
    questionnaire = resources.questionnaire()
    row = storage.get_submission(session.selected_id) if session.selected_id is not None else None
    st.title(f"Screening {row.reference}" if row else "Screening")
    header.render(session)
    if row is None:
        st.info("Choose a screening in the queue first.")
        return
    if session.viewed_id != row.id:  # one audit row per opening, not per rerun
        storage.record_event("viewed", actor=session.actor, submission_id=row.id)
        session.viewed_id = row.id
    zone = clinic_clock.zone()  # once per run: reading the settings is not free
    message = st.session_state.pop(_MESSAGE, None)
    if isinstance(message, tuple):
        (st.success if message[0] else st.warning)(message[1])
    st.caption(
        f"Submitted {clinic_clock.shown(row.created_at, zone)} · {language_name(row.language)} · "
        f"questionnaire {row.questionnaire_id} version {row.questionnaire_version} · "
        f"status: {status_label(row.status)}"
        + (f" · tablet {row.tablet}" if row.tablet else "")
        + ("" if row.complete else " · INCOMPLETE: saved at a red flag before the patient finished")
    )
    _patient(row)
    if row.questionnaire_hash != questionnaire.content_hash:
        st.warning("This screening was made with another version of the questionnaire; "
                   "questions are shown with today's wording.")
    _urgent(row, questionnaire, zone)
    _outcome(row, questionnaire)
    _story(row, questionnaire)
    st.subheader("Answers")
    st.html(answers_table(row, questionnaire))
    _review_form(row)
    clinician_examination.render(row, questionnaire, session)  # staff only
    _chart_number(row)
    _history(row, questionnaire, zone)
    _downloads(row, questionnaire, session.actor, zone)


def _urgent(row: Submission, questionnaire: Questionnaire, zone: tzinfo) -> None:
    if not row.result.urgent:
        return
    lines = [f"- {line}" for line in red_flag_concerns(questionnaire, row.result, "en")]  # most severe first
    # A flag stays raised when the answer was changed ("answered yes at 10:02, changed to
    # no at 10:04"), and red-flag questions an unfinished screening never asked are listed.
    lines += [f"- {line}" for line in staff_lines(questionnaire, row.result, partial(clock_time, zone=zone))]
    st.error("**URGENT: staff must talk with this patient now.**\n\n" + "\n".join(lines), icon=":material/warning:")
    if row.acknowledged_at is None:
        st.button("Acknowledge this urgent alert", type="primary", key=staff.widget_key("acknowledge"),
                  on_click=_acknowledge, args=(row.id,))
    else:
        st.text(f"Acknowledged by {row.acknowledged_by} at {clinic_clock.shown(row.acknowledged_at, zone)}.")


def _story(row: Submission, questionnaire: Questionnaire) -> None:
    """The story of the pain in the words the clinician PDF uses: the patient's report,
    context only (these answers never change the suggestion or urgency). Drawn as text."""
    lines = story_of_the_pain(questionnaire, row.result)
    st.subheader(STORY_TITLE)
    with st.container(key="story-of-the-pain"):
        st.caption(STORY_NOTE)
        if not lines:
            st.text("Not asked (no ongoing pain in an arm or leg).")
        for what, answer in lines:
            st.text(f"{what}: {answer}")


def _patient(row: Submission) -> None:
    """Who the screening belongs to: both identifiers, or "no patient attached" (attach
    below); and whether a staff member or an interpreter answered with the patient. As text."""
    with st.container(key="screening-patient"):
        st.text(f"Patient: {patient_words(row)}")
        if row.assisted:
            st.text(row.assisted[:1].upper() + row.assisted[1:])


def _history(row: Submission, questionnaire: Questionnaire, zone: tzinfo) -> None:
    """This patient's screenings (same chart number), newest first: date, suggestion, categories."""
    if row.patient_identifier is None:
        return
    history = resources.storage().patient_history(row.patient_identifier)
    if len(history) < 2:
        return
    st.subheader("This patient's screenings")
    with st.container(key="patient-history"):
        for earlier in history:
            mark = " (this one)" if earlier.id == row.id else ""
            categories = category_labels(questionnaire, earlier.result.categories_met) or "none"
            st.text(f"{clinic_clock.shown(earlier.created_at, zone)} · {earlier.reference}{mark} · "
                    f"{tier_label(questionnaire, earlier.result.tier)}"
                    + (" · URGENT" if earlier.result.urgent else "") + f" · categories met: {categories}"
                    + (f" · {OTHER_PATIENT}" if another_patient(row, earlier) else ""))


OTHER_PATIENT = "ANOTHER date of birth or name under this chart number: check it is the same patient"


def another_patient(row: Submission, other: Submission) -> bool:
    """Same chart number, but a second identifier both screenings have differs (a mistyped chart
    number or a wrong attach, H40): the history must not pass it off as this patient's."""
    born = None not in (row.patient_birth_date, other.patient_birth_date) and (
        row.patient_birth_date != other.patient_birth_date)
    named = bool(row.patient_name and other.patient_name) and (
        str(row.patient_name).casefold() != str(other.patient_name).casefold())
    return born or named


def clock_time(moment: datetime, zone: tzinfo) -> str:
    """A time of day at the clinic with its zone, "10:02 EST" (red-flag answers)."""
    local = moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname() or ''}".rstrip()


def _short(questionnaire: Questionnaire, item_id: str) -> str:
    item = questionnaire.items_by_id.get(item_id)
    return str(item.short["en"]) if item is not None else item_id


def _acknowledge(screening_id: int) -> None:
    session = staff.current()
    if session is None:
        return
    outcome = resources.storage().acknowledge(screening_id, actor=session.actor)
    st.session_state[_MESSAGE] = (outcome.ok, outcome.message)


def _outcome(row: Submission, questionnaire: Questionnaire) -> None:
    result = row.result
    st.subheader(f"Suggestion: {tier_label(questionnaire, result.tier)}")
    st.caption(DISCLAIMER)
    categories = {category.id: category.label["en"] for category in questionnaire.categories}
    lines = [
        f"- **{escape(categories.get(f.category, f.category))}**: {'yes' if f.met else 'no'}"
        + (f" ({escape(', '.join(_short(questionnaire, i) for i in f.items))})" if f.items else "")
        for f in result.findings
    ]
    st.markdown("\n".join(lines))
    # The scoring's reasons, in the screening's language; the patient never sees them.
    label = "Reasons for the suggestion (the screen's rules" + (
        f", in {language_name(row.language)}" if row.language != "en" else "") + ")"
    with st.expander(label, expanded=row.language == "en"):
        for reason in result.reasons:
            st.text(reason)


def answers_table(row: Submission, questionnaire: Questionnaire) -> str:
    """Every answer in full as an HTML table of escaped text: red flags raised first and marked,
    the rest in questionnaire order; the patient's language alongside when it is not English."""
    raised = set(row.result.red_flags)
    current, questionnaire = questionnaire, answered_under(questionnaire, row.result)  # its own version's items
    items = sorted(questionnaire.items, key=lambda item: item.id not in raised)  # stable: order kept

    def asked(item_id: str, language: str) -> str:  # the words this patient saw, not today's
        seen = question_text(current, row.result, item_id, language)
        return seen.text if seen is not None else item_id

    second = row.language if row.language != "en" and row.language in questionnaire.languages else None
    head = [text("question"), text("answer")]
    if second:
        head += [f"{text('question', second)} ({language_name(second)})", text("answer", second)]
    cells = ["<th scope='col'>" + escape(h) + "</th>" for h in head]
    body = []
    for item in items:
        flag = item.id in raised
        mark = "<strong>RED FLAG</strong> " if flag else ""
        value = row.result.answer(item.id)
        row_cells = [mark + escape(asked(item.id, "en")),
                     escape(answer_text(questionnaire, row.result, item, value, "en"))]
        if second:
            row_cells += [escape(asked(item.id, second)),
                          escape(answer_text(questionnaire, row.result, item, value, second))]
        style = " style='background:#fee2e2'" if flag else ""
        body.append(f"<tr{style}>" + "".join(f"<td>{c}</td>" for c in row_cells) + "</tr>")
    note = wording_note(current, row.result)
    return ((f"<p><em>{escape(note)}</em></p>" if note else "")
            + "<table style='width:100%;border-collapse:collapse' class='answers'>"
            "<style>.answers td,.answers th{border:1px solid #d1d5db;padding:4px 6px;text-align:left;"
            "vertical-align:top;white-space:normal}</style>"
            f"<thead><tr>{''.join(cells)}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _review_form(row: Submission) -> None:
    st.subheader("Review")
    # The row version is in the keys: after any save the form starts again from the saved row.
    version = f"{row.id}:{row.row_version}"
    with st.form(staff.widget_key(f"review:{row.id}")):
        st.selectbox("Status", list(STATUSES), index=list(STATUSES).index(row.status), format_func=status_label,
                     key=staff.widget_key(f"status:{version}"))
        st.text_area("Note (optional)", value=row.note or "", max_chars=2000, key=staff.widget_key(f"note:{version}"))
        st.form_submit_button("Save review", type="primary", on_click=_save_review, args=(row.id, row.row_version))
    if row.note:
        st.caption("Current note:")
        st.text(row.note)


def _save_review(screening_id: int, shown_version: int) -> None:
    """Runs before the page is drawn, so everything drawn after shows the saved row. The save is
    conditional on the version the coordinator saw: someone else's save in between is told."""
    session = staff.current()
    if session is None:
        return
    version = f"{screening_id}:{shown_version}"
    status = str(st.session_state.get(staff.widget_key(f"status:{version}")))
    note = str(st.session_state.get(staff.widget_key(f"note:{version}")) or "").strip() or None
    try:
        outcome = resources.storage().set_status(screening_id, actor=session.actor, status=status, note=note,
                                                 expected_row_version=shown_version)
    except InvalidInput as exc:  # checked before the database, e.g. a control character in the note
        st.session_state[_MESSAGE] = (False, f"Not saved: {exc}.")
        return
    message = outcome.message
    if not outcome.ok and outcome.submission is not None:
        message += f" Now: {status_label(outcome.submission.status)}."
    st.session_state[_MESSAGE] = (outcome.ok, message)


def _chart_number(row: Submission) -> None:
    """The clinic's patient identifier (chart number), recorded by staff at review only (never on
    the tablet); it becomes the FHIR response's subject identifier. Audited by storage."""
    version = f"{row.id}:{row.row_version}"
    with st.form(staff.widget_key(f"chart:{row.id}")):
        st.text_input("Clinic's patient identifier (chart number, optional)", value=row.patient_identifier or "",
                      max_chars=64, key=staff.widget_key(f"chart:{version}"))
        st.date_input("Date of birth (attaches the patient with the chart number)", value=row.patient_birth_date,
                      min_value=date(1890, 1, 1), max_value=date.today(), format="YYYY-MM-DD",
                      key=staff.widget_key(f"chart-born:{version}"))
        st.text_input("Full name (attaches the patient with the chart number, if no date of birth)",
                      value=row.patient_name or "", max_chars=100, key=staff.widget_key(f"chart-name:{version}"))
        st.form_submit_button("Save identifier", on_click=_save_chart_number, args=(row.id, row.row_version))


def _save_chart_number(screening_id: int, shown_version: int) -> None:
    session = staff.current()
    if session is None:
        return
    typed = str(st.session_state.get(staff.widget_key(f"chart:{screening_id}:{shown_version}")) or "").strip()
    born = st.session_state.get(staff.widget_key(f"chart-born:{screening_id}:{shown_version}"))
    name = str(st.session_state.get(staff.widget_key(f"chart-name:{screening_id}:{shown_version}")) or "").strip()
    try:
        if isinstance(born, date) or name:  # two identifiers, audited as "patient_attached"
            outcome = resources.storage().attach_patient(screening_id, typed or None,
                                                         born if isinstance(born, date) else None,
                                                         name=name or None, actor=session.actor)
        else:
            outcome = resources.storage().set_patient_identifier(screening_id, typed or None, actor=session.actor)
    except InvalidInput as exc:
        st.session_state[_MESSAGE] = (False, f"Identifier not saved: {exc}.")
        return
    st.session_state[_MESSAGE] = (outcome.ok, "Identifier saved." if outcome.ok else outcome.message)


def summary_header(row: Submission) -> SummaryHeader:
    """The PDF's header from the row as it is in the database now."""
    return SummaryHeader(reference=row.reference, submitted_at=row.created_at, language=row.language,
                         status=row.status, note=row.note, patient_identifier=row.patient_identifier,
                         patient_birth_date=row.patient_birth_date, patient_name=row.patient_name,
                         assisted=row.assisted)


def _downloads(row: Submission, questionnaire: Questionnaire, actor: str, zone: tzinfo) -> None:
    st.subheader("Downloads")
    head = summary_header(row)
    storage = resources.storage()
    columns = st.columns(3)
    for column, (variant, label) in zip(
        columns, (("clinician", "Clinician copy (English)"), ("patient", "Patient copy (patient's language)")),
        strict=False,
    ):
        options = SummaryOptions(
            variant=variant,  # type: ignore[arg-type]
            clinic_name=resources.settings().clinic_name,
            clinic_address=resources.settings().clinic_address,
            generated_at=datetime.now(UTC),
            timezone=zone,
        )
        column.download_button(
            f"Download {label}",
            data=partial(build_summary, row.result, questionnaire, head, options),  # built on click
            file_name=summary_filename(row.reference, variant),
            mime="application/pdf",
            key=staff.widget_key(f"pdf:{variant}:{row.id}"),
            on_click=storage.record_event,
            args=("pdf_downloaded",),
            kwargs={"actor": actor, "submission_id": row.id, "detail": variant},
        )
    columns[2].download_button(
        "Download FHIR (JSON)",
        data=partial(fhir_json, row, questionnaire, resources.settings().fhir_base_url),  # built on click
        file_name=f"screening-{row.reference}.fhir.json",
        mime="application/fhir+json",
        key=staff.widget_key(f"fhir:{row.id}"),
        on_click=storage.record_event,
        args=("fhir_downloaded",),
        kwargs={"actor": actor, "submission_id": row.id, "detail": "FHIR R4 Bundle"},
    )


def fhir_json(row: Submission, questionnaire: Questionnaire, base_url: str) -> bytes:
    """The screening as a FHIR R4 Bundle (QuestionnaireResponse and Observations), as JSON bytes."""
    bundle = screening_bundle(
        questionnaire, row.result, response_id=row.reference, authored=row.created_at,
        complete=row.complete, patient_identifier=row.patient_identifier,
        base_url=base_url, birth_date=row.patient_birth_date, patient_name=row.patient_name,
        assisted=(row.assisted_role, row.assisted_by) if row.assisted_role and row.assisted_by else None,
    )
    bundle["entry"] += clinician_examination.fhir_entries(row, questionnaire, base_url)
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8")
