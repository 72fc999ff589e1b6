"""The hand-off and the patient's identifiers on the staff pages, in AppTest: the queue starts a
hand-off to a tablet (checked, audited), the queue and urgent list show both identifiers or "no
patient attached", the detail page shows staff help, attaches a patient afterwards (audited) and
lists that patient's history, newest first; the PDF header, CSV and FHIR carry both identifiers."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from report import SummaryOptions, build_summary
from scoring import load_questionnaire, score
from storage import PatientIds, QueueFilter, Storage, Submission, hand_off
from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories
from tests.support.coordinator_app import (
    events,
    go,
    open_detail,
    page_text,
    sign_in,
    staff_session,
)
from ui.coordinator.screening import fhir_json, summary_header

BORN = date(1980, 2, 3)
QUESTIONNAIRE = load_questionnaire(DEFAULT_QUESTIONNAIRE)
SUBMIT = "FormSubmitter:staff:hand-off-Start the screening on this tablet"


def save(storage: Storage, key: str, *categories: str, patient: PatientIds | None = None,
         assisted: tuple[str, str] | None = None, **answers: object) -> Submission:
    result = score(QUESTIONNAIRE, with_categories(*categories, **answers), "en")
    return storage.save_submission(idempotency_key=key, result=result, language="en", patient=patient,
                                   assisted=assisted)


def fill_hand_off(app: AppTest, *, tablet: str, chart: str, born: date | None, name: str = "") -> AppTest:
    app.text_input(key="staff:hand-off:tablet").input(tablet)
    app.text_input(key="staff:hand-off:chart").input(chart)
    app.date_input(key="staff:hand-off:born").set_value(born)
    app.text_input(key="staff:hand-off:name").input(name)
    app.button(key=SUBMIT).click().run()
    assert not app.exception, app.exception
    return app


def test_the_queue_starts_a_hand_off_checked_and_audited(app: AppTest, storage_with_staff: Storage) -> None:
    sign_in(app)
    go(app, "queue")
    fill_hand_off(app, tablet="Front_1", chart="MRN-12345678", born=None)
    assert "Not started: give the patient's date of birth" in page_text(app)
    assert hand_off.waiting(storage_with_staff) == []
    fill_hand_off(app, tablet="front 1!", chart="MRN-12345678", born=BORN)
    assert "Not started: the name may hold only" in page_text(app)
    fill_hand_off(app, tablet="Front_1", chart="MRN-12345678", born=BORN, name="Maria")
    assert "Screening started on tablet front-1" in page_text(app)
    (waiting,) = hand_off.waiting(storage_with_staff)
    assert waiting.patient == PatientIds("MRN-12345678", BORN) and waiting.first_initial == "M"
    assert waiting.started_by == staff_session(app).actor
    assert "Tablet front-1: waiting for chart MRN-12345678" in page_text(app)
    assert "1980" not in " ".join(event.detail for event in storage_with_staff.list_audit())
    assert "hand_off_started" in events(storage_with_staff)
    app.button(key="staff:hand-off:cancel:front-1").click().run()
    assert hand_off.waiting(storage_with_staff) == [] and "hand_off_cancelled" in events(storage_with_staff)


def test_the_queue_and_urgent_list_show_both_identifiers_or_no_patient(
    app: AppTest, storage_with_staff: Storage
) -> None:
    handed = save(storage_with_staff, "a", patient=PatientIds("MRN-12345678", BORN), stroke_signs_last_hours="yes")
    walk_up = save(storage_with_staff, "b", stroke_signs_last_hours="yes")
    sign_in(app)
    go(app, "queue")
    text = page_text(app)
    assert "chart MRN-12345678, born 1980-02-03" in text and "no patient attached" in text
    table = app.dataframe[0].value
    by_reference = dict(zip(table["Reference"], table["Patient"], strict=True))
    assert by_reference[handed.reference] == "chart MRN-12345678, born 1980-02-03"
    assert by_reference[walk_up.reference] == "no patient attached"


def test_the_detail_page_shows_staff_help_and_attaches_a_patient_afterwards_audited(
    app: AppTest, storage_with_staff: Storage
) -> None:
    row = save(storage_with_staff, "a", "sensory", assisted=("interpreter", "Somali"))
    sign_in(app)
    open_detail(app, row)
    text = page_text(app)
    assert "Patient: no patient attached" in text
    assert "Answered with staff help: interpreter (Somali)" in text
    app.text_input(key=f"staff:chart:{row.id}:1").input("MRN-0042")
    app.date_input(key=f"staff:chart-born:{row.id}:1").set_value(BORN)
    app.button(key=f"FormSubmitter:staff:chart:{row.id}-Save identifier").click().run()
    saved = storage_with_staff.get_submission(row.id)
    assert saved is not None and (saved.patient_identifier, saved.patient_birth_date) == ("MRN-0042", BORN)
    (attached,) = [e for e in storage_with_staff.list_audit() if e.event == "patient_attached"]
    assert attached.actor == staff_session(app).actor and "MRN-0042" not in attached.detail
    assert "Patient: chart MRN-0042, born 1980-02-03" in page_text(app)


def test_two_screenings_of_one_chart_number_are_its_history_newest_first(
    app: AppTest, storage_with_staff: Storage
) -> None:
    patient = PatientIds("MRN-5", BORN)
    older = save(storage_with_staff, "a", "sensory", patient=patient)
    save(storage_with_staff, "x", "sensory", patient=PatientIds("MRN-6", BORN))  # someone else
    newer = save(storage_with_staff, "b", "sensory", "vasomotor", "sudomotor_edema", patient=patient)
    sign_in(app)
    open_detail(app, older)
    history = [str(e.value) for e in app.get("text") if "categories met" in str(e.value)]
    assert len(history) == 2
    assert newer.reference in history[0] and older.reference in history[1] and "(this one)" in history[1]
    assert "categories met: none" not in history[1]
    assert history[0].count(",") > history[1].count(",")  # three categories met, then one
    assert history[0].split(" · ")[2] != history[1].split(" · ")[2]  # each one's suggestion
    assert events(storage_with_staff).count("viewed") == 1
    walk_up = save(storage_with_staff, "c", "sensory")
    open_detail(app, walk_up)
    assert "This patient's screenings" not in page_text(app)


def test_the_pdf_header_csv_and_fhir_carry_both_identifiers(storage: Storage) -> None:
    row = save(storage, "a", "sensory", patient=PatientIds("MRN-12345678", BORN), assisted=("staff", "Dana Lee"))
    pdf = build_summary(row.result, QUESTIONNAIRE, summary_header(row),
                        SummaryOptions(variant="clinician", generated_at=datetime.now(UTC)))
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Chart number MRN-12345678" in first and "Date of birth 1980-02-03" in first
    assert "staff help: Dana Lee" in first
    patient_copy = build_summary(row.result, QUESTIONNAIRE, summary_header(row),
                                 SummaryOptions(variant="patient", generated_at=datetime.now(UTC)))
    assert "1980-02-03" not in PdfReader(io.BytesIO(patient_copy)).pages[0].extract_text()
    bundle = json.loads(fhir_json(row, QUESTIONNAIRE, ""))
    resources = [entry["resource"] for entry in bundle["entry"]]
    (patient,) = [r for r in resources if r["resourceType"] == "Patient"]
    assert patient["birthDate"] == "1980-02-03" and patient["identifier"][0]["value"] == "MRN-12345678"
    response = resources[0]
    assert response["subject"]["reference"] == f"Patient/{patient['id']}"
    assert response["author"]["display"].startswith("Dana Lee")
    out = io.StringIO()
    storage.export_csv(QueueFilter(), out, item_ids=[item.id for item in QUESTIONNAIRE.items])
    (line,) = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert (line["chart_number"], line["birth_date"]) == ("MRN-12345678", "1980-02-03")
    assert line["answered_with_staff_help"] == "answered with staff help: Dana Lee"


def test_fhir_of_a_walk_up_has_no_patient(storage: Storage) -> None:
    row = save(storage, "a", "sensory")
    resources = [entry["resource"] for entry in json.loads(fhir_json(row, QUESTIONNAIRE, ""))["entry"]]
    assert "Patient" not in {r["resourceType"] for r in resources} and "subject" not in resources[0]


def test_fhir_bundle_validates_with_fhir_resources(storage: Storage) -> None:
    from fhir.resources.R4B.bundle import Bundle

    row = save(storage, "a", "sensory", patient=PatientIds("MRN-1", BORN), assisted=("interpreter", "Somali"))
    Bundle.model_validate(json.loads(fhir_json(row, QUESTIONNAIRE, "https://clinic.example/fhir")))


def test_the_fhir_ndjson_export_has_the_patient_and_the_help(storage: Storage) -> None:
    from storage.export import write_ndjson

    save(storage, "a", "sensory", patient=PatientIds("MRN-9", BORN), assisted=("interpreter", "Somali"))
    out = io.StringIO()
    assert write_ndjson(storage.iter_export_rows(QueueFilter()), out, questionnaire=QUESTIONNAIRE) == 1
    resources = [json.loads(line) for line in out.getvalue().splitlines()]
    (patient,) = [r for r in resources if r["resourceType"] == "Patient"]
    assert patient["birthDate"] == "1980-02-03"
    (extension,) = resources[0]["extension"]
    assert {"url": "language", "valueString": "Somali"} in extension["extension"]
