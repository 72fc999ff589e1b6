"""The clinician's examination on a screening's page: "Record examination".

Only a clinician or an administrator may record one (`access.roles`: the `examine` action); a
coordinator sees that it exists and who may record it, nothing to click. The form puts each
category's signs beside the symptoms the patient reported in it, asks criterion D, the
clinician's own conclusion and a finding for each red flag the screening raised, and shows
(live, to the clinician only) which criteria the recorded findings meet and the CRPS Severity
Score. Saving appends a record (the earlier ones stay) and is audited with the clinician's name.
Staff-entered text is shown as text, never Markdown or HTML. Nothing here reaches a patient.
"""

from __future__ import annotations

import streamlit as st

import access
from scoring import Questionnaire
from scoring.examination import (
    CONCLUSION_LABELS,
    CONCLUSIONS,
    CRITERION_D_ANSWERS,
    CRITERION_D_LABELS,
    RED_FLAG_FINDING_LABELS,
    RED_FLAG_FINDINGS,
    ExaminationFindings,
    ExaminationInvalid,
    ExaminationReadout,
    check_findings,
    read_findings,
    reported_symptoms,
)
from scoring.fhir import FhirNames
from storage import InvalidInput, SaveFailed, Submission
from storage.examinations import Examination, examination_fhir, examinations_for, latest_for, save_examination
from ui import resources
from ui.coordinator import clinic_clock
from ui.coordinator import session as staff

CONCLUSION_IS_THE_CLINICIANS = (
    "The conclusion is the examining clinician's own. The app only counts what was recorded; "
    "it never diagnoses, and none of this is shown to the patient."
)
_MESSAGE = staff.widget_key("examination:message")


def may_examine(session: staff.StaffSession) -> bool:
    """A clinician or an administrator (never a coordinator)."""
    return "examine" in access.ROLE_ACTIONS.get(str(session.role), frozenset())


def render(row: Submission, questionnaire: Questionnaire, session: staff.StaffSession) -> None:
    """The examination section of one screening's page."""
    st.subheader("Clinician's examination")
    if questionnaire.examination is None or row.questionnaire_id != questionnaire.id:
        st.info("This questionnaire has no examination form; record the examination in the clinic's record.")
        return
    if row.questionnaire_version != questionnaire.version:
        st.caption(f"Screened with version {row.questionnaire_version}; the form is version {questionnaire.version}'s. "
                   "A symptom that version did not ask counts 0 in the CRPS Severity Score.")
    history = examinations_for(resources.storage(), row.id)
    message = st.session_state.pop(_MESSAGE, None)
    if isinstance(message, tuple):
        (st.success if message[0] else st.error)(message[1])
    if not may_examine(session):
        st.caption("Only a clinician or an administrator can record an examination.")
        _history(history, questionnaire, with_details=False)
        return
    opened = staff.widget_key(f"examination:open:{row.id}")
    if not st.session_state.get(opened):
        if st.button("Record examination", key=staff.widget_key(f"examination:start:{row.id}")):
            st.session_state[opened] = True
            st.rerun()
        _history(history, questionnaire, with_details=True)
        return
    latest = history[0] if history else None
    _form(row, questionnaire, latest)
    latest_id = latest.id if latest else 0
    findings = collected(row.id, row.result.red_flags, latest_id)
    _readout(read_findings(questionnaire, row.result, findings), questionnaire)
    st.caption(CONCLUSION_IS_THE_CLINICIANS)
    # Only ids go to the callback: it reads the widgets as they are at the click, so a change made
    # just before clicking (its own rerun cut short by the click) is what gets saved.
    st.button("Save examination", type="primary", key=staff.widget_key(f"examination:save:{row.id}"),
              on_click=_save, args=(row.id, row.reference, latest_id))
    _history(history, questionnaire, with_details=True)


def _key(row: Submission, latest: Examination | None, name: str) -> str:
    return _form_key(row.id, latest.id if latest else 0, name)


def _form_key(submission_id: int, latest_id: int, name: str) -> str:
    # The latest record's id is in every key: after a save the form starts from what was saved.
    return staff.widget_key(f"examination:{submission_id}:{latest_id}:{name}")


def _form(row: Submission, questionnaire: Questionnaire, latest: Examination | None) -> None:
    """Draw the form's widgets, starting from the latest record; `collected` reads them."""
    spec = questionnaire.examination
    assert spec is not None
    before = latest.findings if latest else None
    reported = reported_symptoms(questionnaire, row.result)
    st.markdown("**Signs seen at examination**, beside the symptoms the patient reported")
    for category in questionnaire.categories:
        left, right = st.columns(2)
        left.markdown(f"**{category.label['en']}**")
        said = [str(questionnaire.item(item_id).short["en"]) for item_id in reported.get(category.id, ())
                if item_id in questionnaire.items_by_id]
        left.text("Patient reported: " + ("; ".join(said) if said else "nothing in this group"))
        for sign in (sign for sign in spec.signs if sign.category == category.id):
            right.checkbox(sign.label, value=bool(before and sign.id in before.signs),
                           key=_key(row, latest, f"sign:{sign.id}"))
            if sign.id == spec.measured_temperature_sign:
                right.number_input("Measured difference between sides, °C (optional)", min_value=0.0,
                                   max_value=20.0, step=0.1, format="%.1f",
                                   value=before.temperature_difference_c if before else None,
                                   key=_key(row, latest, "temperature"))
    criterion_d = st.radio(
        "Criterion D: another diagnosis better explains the signs and symptoms", CRITERION_D_ANSWERS,
        index=CRITERION_D_ANSWERS.index(before.criterion_d) if before else 2, format_func=CRITERION_D_LABELS.get,
        horizontal=True, key=_key(row, latest, "criterion_d"))
    if criterion_d == "yes":
        st.text_input("Which diagnosis (free text)", value=before.other_diagnosis if before else "",
                      max_chars=500, key=_key(row, latest, "other"))
    previous_flags = dict(before.red_flags) if before else {}
    for flag in row.result.red_flags:
        item = questionnaire.items_by_id.get(flag)
        name = str(item.short["en"]) if item else flag
        st.radio(f"Red flag raised by the screening: {name}", RED_FLAG_FINDINGS,
                 index=RED_FLAG_FINDINGS.index(previous_flags.get(flag, "not_assessed")),
                 format_func=RED_FLAG_FINDING_LABELS.get, horizontal=True, key=_key(row, latest, f"flag:{flag}"))
    st.radio("The clinician's conclusion", CONCLUSIONS, index=CONCLUSIONS.index(before.conclusion) if before else 2,
             format_func=CONCLUSION_LABELS.get, key=_key(row, latest, "conclusion"))


def collected(submission_id: int, red_flags: tuple[str, ...], latest_id: int) -> ExaminationFindings:
    """The findings as the form's widgets hold them now (at render, and in the save callback)."""
    state = st.session_state

    def value(name: str) -> object:
        return state.get(_form_key(submission_id, latest_id, name))

    prefix = _form_key(submission_id, latest_id, "sign:")
    signs = frozenset(str(key)[len(prefix):] for key in list(state.keys())
                      if str(key).startswith(prefix) and state[key] is True)
    criterion_d = str(value("criterion_d"))
    measured = value("temperature")
    return ExaminationFindings(
        signs=signs, criterion_d=criterion_d, conclusion=str(value("conclusion")),
        other_diagnosis=str(value("other") or "").strip() if criterion_d == "yes" else "",
        red_flags=tuple((flag, str(value(f"flag:{flag}"))) for flag in red_flags),
        temperature_difference_c=float(measured) if isinstance(measured, (int, float)) else None,
    )


def _readout(readout: ExaminationReadout, questionnaire: Questionnaire) -> None:
    spec = questionnaire.examination
    assert spec is not None
    total = len(questionnaire.categories)
    d = {True: "met (no better explanation recorded)", False: "not met (another diagnosis recorded)",
         None: "not yet known"}[readout.criterion_d_met]
    lines = [
        "Counted from the recorded findings (for the clinician only):",
        f"A. Disproportionate pain: {'reported by the patient' if readout.criterion_a_reported else 'not reported'}"
        " (the clinician judges it)",
        f"B. Symptoms reported in {len(readout.symptom_categories)} of {total} categories "
        f"(needs {spec.symptom_categories_needed}): {'met' if readout.criterion_b_met else 'not met'}",
        f"C. Signs recorded in {len(readout.sign_categories)} of {total} categories "
        f"(needs {spec.sign_categories_needed}): {'met' if readout.criterion_c_met else 'not met'}",
        f"D. {d}",
        f"CRPS Severity Score (Harden 2010): {readout.severity_score} of {len(readout.severity_items)}",
    ]
    st.text("\n".join(lines))


def _save(submission_id: int, reference: str, latest_id: int) -> None:
    """Runs before the page is drawn; checks the role again (the button is not the only way in)."""
    session = staff.current()
    if session is None:
        return
    storage = resources.storage()
    if not may_examine(session):
        storage.record_event("access_refused", actor=session.actor, submission_id=submission_id,
                             detail="record examination")
        st.session_state[_MESSAGE] = (False, "Only a clinician or an administrator can record an examination.")
        return
    row = storage.get_submission(submission_id)
    questionnaire = resources.questionnaire()
    try:
        if row is None or row.reference != reference:
            raise InvalidInput(f"screening {reference} is not the one open; nothing saved")
        findings = collected(submission_id, row.result.red_flags, latest_id)
        check_findings(questionnaire, row.result, findings)
        severity_score = read_findings(questionnaire, row.result, findings).severity_score
        save_examination(storage, submission_id=submission_id, reference=reference, findings=findings,
                         severity_score=severity_score, clinician=session.actor,
                         clinician_name=session.display_name)
    except (ExaminationInvalid, InvalidInput, SaveFailed) as exc:
        st.session_state[_MESSAGE] = (False, f"Examination not saved: {exc}")
        return
    st.session_state[_MESSAGE] = (True, "Examination saved. Earlier records are kept; this one now counts.")


def fhir_entries(row: Submission, questionnaire: Questionnaire, base_url: str) -> list[dict[str, object]]:
    """Bundle entries for the screening's latest examination (none without one)."""
    latest = latest_for(resources.storage(), [row.id]).get(row.id)
    if latest is None:
        return []
    names = FhirNames.of(questionnaire, base_url)
    entries: list[dict[str, object]] = []
    for resource in examination_fhir(questionnaire, row, latest, base_url):
        full_url = names.full_url(resource["resourceType"], resource["id"])
        entries.append({"fullUrl": full_url, "resource": resource} if full_url else {"resource": resource})
    return entries


def _history(history: list[Examination], questionnaire: Questionnaire, *, with_details: bool) -> None:
    if not history:
        st.caption("No examination recorded yet.")
        return
    zone = clinic_clock.zone()
    st.markdown(f"**Examinations recorded: {len(history)}** (the newest counts; earlier ones are kept)")
    for number, record in enumerate(history):
        head = (f"{'Counts' if number == 0 else 'Earlier'}: {clinic_clock.shown(record.recorded_at, zone)}, "
                f"by {record.clinician_name} ({record.clinician})")
        if not with_details:
            st.text(head)
            continue
        spec = questionnaire.examination
        labels = [spec.sign(sign).label if spec and sign in {s.id for s in spec.signs} else sign
                  for sign in sorted(record.findings.signs)]
        body = [head, f"Conclusion: {CONCLUSION_LABELS.get(record.findings.conclusion, record.findings.conclusion)}",
                f"CRPS Severity Score: {record.severity_score} of 17",
                "Signs: " + ("; ".join(labels) if labels else "none recorded"),
                f"Criterion D: {CRITERION_D_LABELS.get(record.findings.criterion_d, record.findings.criterion_d)}"]
        if record.findings.other_diagnosis:
            body.append(f"Other diagnosis: {record.findings.other_diagnosis}")
        st.text("\n".join(body))  # st.text: staff-entered words shown as typed, never as Markdown
