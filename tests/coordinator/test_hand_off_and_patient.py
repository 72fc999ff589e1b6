"""Issue 19 items 3 and 4 on the staff side: the queue starts a hand-off to a tablet (checked,
audited), the queue and urgent list show both identifiers or "no patient attached", the detail
page shows staff help, attaches a patient afterwards (audited) and lists that patient's history,
newest first; the PDF header, CSV and FHIR carry both identifiers."""

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
from tests.coordinator.conftest import go, page_text, sign_in, staff_session
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, with_categories
from ui.coordinator.screening import fhir_json, summary_header

BORN = date(1980, 2, 3)
QUESTIONNAIRE = load_questionnaire(DEFAULT_QUESTIONNAIRE)
SUBMIT = "FormSubmitter:staff:hand-off-Start the screening on this tablet"


def events(storage: Storage) -> list[str]:
    return [event.event for event in storage.list_audit(limit=500)]


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


def test_the_queue_starts_a_hand_off_checked_and_audited(app: AppTest, with_passcode: Storage) -> None:
    sign_in(app)
    go(app, "queue")
    fill_hand_off(app, tablet="Front_1", chart="MRN-12345678", born=None)
    assert "Not started: give the patient's date of birth" in page_text(app)
    assert hand_off.waiting(with_passcode) == []
    fill_hand_off(app, tablet="front 1!", chart="MRN-12345678", born=BORN)
    assert "Not started: the name may hold only" in page_text(app)
    fill_hand_off(app, tablet="Front_1", chart="MRN-12345678", born=BORN, name="Maria")
    assert "Screening started on tablet front-1" in page_text(app)
    (waiting,) = hand_off.waiting(with_passcode)
    assert waiting.patient == PatientIds("MRN-12345678", BORN, "Maria") and waiting.first_initial == "M"
    assert waiting.started_by == staff_session(app).actor
    assert "Tablet front-1: waiting for chart MRN-12345678" in page_text(app)
    assert "1980" not in " ".join(event.detail for event in with_passcode.list_audit())
    assert "hand_off_started" in events(with_passcode)
    app.button(key="staff:hand-off:cancel:front-1").click().run()
    assert hand_off.waiting(with_passcode) == [] and "hand_off_cancelled" in events(with_passcode)


def not_started(app: AppTest) -> list[str]:
    return [str(e.value) for e in app.error if str(e.value).startswith("Not started")]


def test_the_desk_gives_the_name_instead_of_the_date_of_birth(app: AppTest, with_passcode: Storage) -> None:
    sign_in(app)
    go(app, "queue")
    fill_hand_off(app, tablet="front-1", chart="MRN-12345678", born=None, name="  María José  García-López ")
    assert "Screening started on tablet front-1" in page_text(app) and not not_started(app)
    (waiting,) = hand_off.waiting(with_passcode)
    assert waiting.patient == PatientIds("MRN-12345678", None, "María José García-López")
    assert waiting.first_initial == "M"
    details = " ".join(event.detail for event in with_passcode.list_audit())
    assert "María" not in details and "García" not in details and "MRN-12345678" not in details


def test_a_bad_name_or_neither_second_identifier_is_refused_in_one_line(
    app: AppTest, with_passcode: Storage
) -> None:
    sign_in(app)
    go(app, "queue")
    fill_hand_off(app, tablet="front-1", chart="MRN-12345678", born=None, name="")
    assert not_started(app) == ["Not started: give the patient's date of birth (YYYY-MM-DD) or full name."]
    fill_hand_off(app, tablet="front-1", chart="MRN-12345678", born=None, name="Ann <img src=x> 42")
    assert not_started(app) == ["Not started: the name may hold only letters, spaces, hyphens and apostrophes."]
    assert "img" not in page_text(app).replace("staff:hand-off", "")
    fill_hand_off(app, tablet="front-1", chart="MRN-12345678", born=BORN, name="-Ann")  # a bad name with a good date
    assert not_started(app) == ["Not started: the name must start with a letter."]
    assert hand_off.waiting(with_passcode) == []
    assert "hand_off_started" not in events(with_passcode)


def test_the_queue_and_urgent_list_show_both_identifiers_or_no_patient(
    app: AppTest, with_passcode: Storage
) -> None:
    handed = save(with_passcode, "a", patient=PatientIds("MRN-12345678", BORN), stroke_signs_last_hours="yes")
    walk_up = save(with_passcode, "b", stroke_signs_last_hours="yes")
    sign_in(app)
    go(app, "queue")
    text = page_text(app)
    assert "chart MRN-12345678, born 1980-02-03" in text and "no patient attached" in text
    table = app.dataframe[0].value
    by_reference = dict(zip(table["Reference"], table["Patient"], strict=True))
    assert by_reference[handed.reference] == "chart MRN-12345678, born 1980-02-03"
    assert by_reference[walk_up.reference] == "no patient attached"


def test_the_queue_urgent_list_and_detail_show_the_name_when_the_desk_gave_it(
    app: AppTest, with_passcode: Storage
) -> None:
    named = save(with_passcode, "a", patient=PatientIds("MRN-12345678", None, "Ann O'Neil-Ríos"),
                 stroke_signs_last_hours="yes")
    sign_in(app)
    go(app, "queue")
    table = app.dataframe[0].value
    assert dict(zip(table["Reference"], table["Patient"], strict=True))[named.reference] == (
        "chart MRN-12345678, name Ann O'Neil-Ríos")
    urgent = [str(e.value) for e in app.markdown if named.reference in str(e.value)]
    assert urgent and "chart MRN-12345678, name Ann O'Neil-Ríos" in urgent[0].replace("\\", "")
    open_detail(app, named)
    assert "Patient: chart MRN-12345678, name Ann O'Neil-Ríos" in page_text(app)


def open_detail(app: AppTest, row: Submission) -> AppTest:
    staff_session(app).selected_id = row.id
    return go(app, "screening")


def test_the_detail_page_shows_staff_help_and_attaches_a_patient_afterwards_audited(
    app: AppTest, with_passcode: Storage
) -> None:
    row = save(with_passcode, "a", "sensory", assisted=("interpreter", "Somali"))
    sign_in(app)
    open_detail(app, row)
    text = page_text(app)
    assert "Patient: no patient attached" in text
    assert "Answered with staff help: interpreter (Somali)" in text
    app.text_input(key=f"staff:chart:{row.id}:1").input("MRN-0042")
    app.date_input(key=f"staff:chart-born:{row.id}:1").set_value(BORN)
    app.button(key=f"FormSubmitter:staff:chart:{row.id}-Save identifier").click().run()
    saved = with_passcode.get_submission(row.id)
    assert saved is not None and (saved.patient_identifier, saved.patient_birth_date) == ("MRN-0042", BORN)
    (attached,) = [e for e in with_passcode.list_audit() if e.event == "patient_attached"]
    assert attached.actor == staff_session(app).actor and "MRN-0042" not in attached.detail
    assert "Patient: chart MRN-0042, born 1980-02-03" in page_text(app)


def test_the_detail_page_attaches_a_patient_by_name_afterwards(app: AppTest, with_passcode: Storage) -> None:
    row = save(with_passcode, "a", "sensory")
    sign_in(app)
    open_detail(app, row)
    app.text_input(key=f"staff:chart:{row.id}:1").input("MRN-0042")
    app.text_input(key=f"staff:chart-name:{row.id}:1").input("Ann 1")
    app.button(key=f"FormSubmitter:staff:chart:{row.id}-Save identifier").click().run()
    assert "Identifier not saved: the name may hold only letters" in page_text(app)
    assert with_passcode.get_submission(row.id).patient_identifier is None  # type: ignore[union-attr]
    app.text_input(key=f"staff:chart-name:{row.id}:1").input(" Ann  Lee ")
    app.button(key=f"FormSubmitter:staff:chart:{row.id}-Save identifier").click().run()
    saved = with_passcode.get_submission(row.id)
    assert saved is not None and (saved.patient_identifier, saved.patient_birth_date, saved.patient_name) == (
        "MRN-0042", None, "Ann Lee")
    (attached,) = [e for e in with_passcode.list_audit() if e.event == "patient_attached"]
    assert "Lee" not in attached.detail and "MRN-0042" not in attached.detail
    assert "Patient: chart MRN-0042, name Ann Lee" in page_text(app)


def test_two_screenings_of_one_chart_number_are_its_history_newest_first(
    app: AppTest, with_passcode: Storage
) -> None:
    patient = PatientIds("MRN-5", BORN)
    older = save(with_passcode, "a", "sensory", patient=patient)
    save(with_passcode, "x", "sensory", patient=PatientIds("MRN-6", BORN))  # someone else
    newer = save(with_passcode, "b", "sensory", "vasomotor", "sudomotor_edema", patient=patient)
    sign_in(app)
    open_detail(app, older)
    history = [str(e.value) for e in app.get("text") if "categories met" in str(e.value)]
    assert len(history) == 2
    assert newer.reference in history[0] and older.reference in history[1] and "(this one)" in history[1]
    assert "categories met: none" not in history[1]
    assert history[0].count(",") > history[1].count(",")  # three categories met, then one
    assert history[0].split(" · ")[2] != history[1].split(" · ")[2]  # each one's suggestion
    assert events(with_passcode).count("viewed") == 1
    walk_up = save(with_passcode, "c", "sensory")
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


def test_the_pdf_header_and_fhir_carry_the_name_the_patient_copy_never(storage: Storage) -> None:
    from fhir.resources.R4B.bundle import Bundle

    row = save(storage, "a", "sensory", patient=PatientIds("MRN-12345678", None, "Zoë D’Arcy-Núñez"))
    pdf = build_summary(row.result, QUESTIONNAIRE, summary_header(row),
                        SummaryOptions(variant="clinician", generated_at=datetime.now(UTC)))
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Chart number\nMRN-12345678\nName\nZoë D’Arcy-Núñez\n" in first  # the header's rows
    assert "Date of birth" not in first
    footer = [line for line in first.splitlines() if line.startswith("Chart number MRN-12345678 ·")]
    assert footer == ["Chart number MRN-12345678 · Name Zoë D’Arcy-Núñez"]  # every page, its own line
    patient_copy = build_summary(row.result, QUESTIONNAIRE, summary_header(row),
                                 SummaryOptions(variant="patient", generated_at=datetime.now(UTC)))
    assert "Zo" not in PdfReader(io.BytesIO(patient_copy)).pages[0].extract_text()
    bundle = json.loads(fhir_json(row, QUESTIONNAIRE, "https://clinic.example/fhir"))
    Bundle.model_validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    (patient,) = [r for r in resources if r["resourceType"] == "Patient"]
    assert patient["name"] == [{"text": "Zoë D’Arcy-Núñez"}] and "birthDate" not in patient
    assert patient["identifier"][0]["value"] == "MRN-12345678"
    assert resources[0]["subject"]["reference"].endswith(f"Patient/{patient['id']}")
    both = save(storage, "b", "sensory", patient=PatientIds("MRN-9", BORN, "Ann Lee"))
    (patient,) = [entry["resource"] for entry in json.loads(fhir_json(both, QUESTIONNAIRE, ""))["entry"]
                  if entry["resource"]["resourceType"] == "Patient"]
    assert (patient["birthDate"], patient["name"]) == ("1980-02-03", [{"text": "Ann Lee"}])
    first = PdfReader(io.BytesIO(build_summary(both.result, QUESTIONNAIRE, summary_header(both), SummaryOptions(
        variant="clinician", generated_at=datetime.now(UTC))))).pages[0].extract_text()
    assert "Date of birth\n1980-02-03\nName\nAnn Lee\n" in first
    assert "Chart number MRN-9 · Date of birth 1980-02-03 · Name Ann Lee" in first  # the footer


def test_the_csv_and_ndjson_exports_carry_the_name(storage: Storage) -> None:
    from storage.export import write_ndjson

    save(storage, "a", "sensory", patient=PatientIds("MRN-9", None, "Ann Lee"))
    out = io.StringIO()
    storage.export_csv(QueueFilter(), out, item_ids=[item.id for item in QUESTIONNAIRE.items])
    (line,) = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert (line["chart_number"], line["birth_date"], line["patient_name"]) == ("MRN-9", "", "Ann Lee")
    out = io.StringIO()
    write_ndjson(storage.iter_export_rows(QueueFilter()), out, questionnaire=QUESTIONNAIRE)
    (patient,) = [r for r in map(json.loads, out.getvalue().splitlines()) if r["resourceType"] == "Patient"]
    assert patient["name"] == [{"text": "Ann Lee"}]


def test_a_walk_ups_clinician_pdf_says_no_patient_attached_on_every_page(storage: Storage) -> None:
    """Issue 19: a walk-up is "no patient attached" everywhere; the clinician PDF said only "Chart
    number (none saved...)" on its first page and nothing on the others."""
    row = save(storage, "a", "sensory", "vasomotor", "sudomotor_edema", "motor_trophic")
    pdf = PdfReader(io.BytesIO(build_summary(row.result, QUESTIONNAIRE, summary_header(row), SummaryOptions(
        variant="clinician", generated_at=datetime.now(UTC)))))
    assert "Patient\nno patient attached\nChart number\n(none saved" in pdf.pages[0].extract_text()  # header
    assert all("Patient: no patient attached" in page.extract_text() for page in pdf.pages)
    patient_copy = PdfReader(io.BytesIO(build_summary(row.result, QUESTIONNAIRE, summary_header(row), SummaryOptions(
        variant="patient", generated_at=datetime.now(UTC)))))
    assert not any("no patient attached" in page.extract_text() for page in patient_copy.pages)


def test_the_history_marks_a_screening_of_another_patient_under_the_same_chart_number(
    app: AppTest, with_passcode: Storage
) -> None:
    """H40: a mistyped chart number puts another patient's screening in this one's history; where a
    date of birth or name both have differs, the line says so instead of passing it off."""
    this = save(with_passcode, "a", "sensory", patient=PatientIds("MRN-5", BORN, "Ann Lee"))
    save(with_passcode, "b", "sensory", patient=PatientIds("MRN-5", date(1991, 7, 8)))  # another date of birth
    save(with_passcode, "c", "sensory", patient=PatientIds("MRN-5", None, "Bo Diaz"))  # another name
    save(with_passcode, "d", "sensory", patient=PatientIds("MRN-5", BORN, "ann  lee"))  # the same patient
    save(with_passcode, "e", "sensory", patient=PatientIds("MRN-5", None, "Ann Lee"))  # nothing differs
    sign_in(app)
    open_detail(app, this)
    history = [str(e.value) for e in app.get("text") if "categories met" in str(e.value)]
    assert len(history) == 5
    flagged = ["ANOTHER date of birth or name" in line for line in history]
    assert flagged == [False, False, True, True, False]  # newest first: e, d, c, b, this one
