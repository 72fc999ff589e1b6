"""A screening's page in AppTest: the whole visit from sign-in to sign-out, the header and PDF of
the saved row, a conflicting review, the answers in full, the FHIR download and the chart number."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pytest
from streamlit.testing.v1 import AppTest

from report import SummaryHeader
from storage import Storage, Submission
from tests.support.coordinator_app import (
    APP,
    events,
    go,
    open_detail,
    page_text,
    sign_in,
)


def test_sign_in_view_act_sign_out(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    urgent = submit("sensory", self_harm_thoughts="yes", language="es")
    calm = submit("sensory", "vasomotor")
    sign_in(app)
    shown = page_text(app)  # signing in lands on the queue
    assert not app.exception
    assert urgent.reference in shown and calm.reference in shown
    assert "URGENT: 1 open urgent screening(s)" in shown
    assert "possible risk of self-harm" in shown
    assert "Alerts are off: no webhook or e-mail is set up" in shown  # the no-channel banner (none set up here)

    assert app.button(key=f"staff:open-urgent:{urgent.id}")  # clicked in the browser test (AppTest
    open_detail(app, urgent)  # does not follow st.switch_page from inside a fragment)
    detail = page_text(app)
    assert not app.exception
    assert f"Screening {urgent.reference}" in detail
    assert "In the past few weeks" in detail and "En las últimas semanas" in detail  # English and Spanish
    assert "not a diagnosis" in detail
    downloads = app.get("download_button")
    assert [d.proto.label for d in downloads] == [
        "Download Clinician copy (English)", "Download Patient copy (patient's language)", "Download FHIR (JSON)",
    ]
    app.button(key="staff:acknowledge").click().run()
    app.selectbox(key=f"staff:status:{urgent.id}:2").select("referred")
    app.text_area(key=f"staff:note:{urgent.id}:2").input("Called the crisis team <b>now</b>")
    app.button(key=f"FormSubmitter:staff:review:{urgent.id}-Save review").click().run()
    saved = storage_with_staff.get_submission(urgent.id)
    assert saved is not None and saved.status == "referred" and saved.acknowledged_by == "ada"
    assert saved.note == "Called the crisis team <b>now</b>"
    assert "Called the crisis team <b>now</b>" in page_text(app)  # shown as text, not markup

    go(app, "queue")
    app.button(key="staff:nav:sign-out").click().run()
    with pytest.raises(ValueError):
        go(app, "queue")
    assert {"sign_in", "viewed", "acknowledged", "status_changed", "sign_out", "queue_viewed"} <= set(
        events(storage_with_staff))


def test_header_and_pdf_show_the_saved_row_right_after_save(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PDF downloaded right after "Save review" was one save behind."""
    import ui.coordinator.screening as screening

    headers: list[SummaryHeader] = []
    real = screening.summary_header

    def recording(row: Submission) -> SummaryHeader:
        headers.append(real(row))
        return headers[-1]

    monkeypatch.setattr(screening, "summary_header", recording)
    row = submit("sensory", "vasomotor")
    sign_in(app)
    open_detail(app, row)
    app.selectbox(key=f"staff:status:{row.id}:1").select("follow_up")
    app.text_area(key=f"staff:note:{row.id}:1").input("Call back Monday")
    app.button(key=f"FormSubmitter:staff:review:{row.id}-Save review").click().run()
    assert (headers[-1].status, headers[-1].note) == ("follow_up", "Call back Monday")  # the PDF's input
    assert "status: Follow-up" in page_text(app)  # the page header
    assert app.selectbox(key=f"staff:status:{row.id}:2").value == "follow_up"  # the form, too


def test_conflicting_review_is_told(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    row = submit("sensory", "vasomotor")
    sign_in(app)
    open_detail(app, row)
    # Someone else saves first, from another desk.
    storage_with_staff.set_status(row.id, actor="other desk", status="follow_up", note="theirs",
                             expected_row_version=row.row_version)
    app.selectbox(key=f"staff:status:{row.id}:1").select("reviewed")
    app.button(key=f"FormSubmitter:staff:review:{row.id}-Save review").click().run()
    assert "Someone else changed this submission" in page_text(app)
    current = storage_with_staff.get_submission(row.id)
    assert current is not None and (current.status, current.note) == ("follow_up", "theirs")


def test_answers_shown_in_full_red_flags_first(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    """The answers table clipped text and hid red flags below a 10-row scroll."""
    from scoring import load_questionnaire
    from tests.support.answers import DEFAULT_QUESTIONNAIRE

    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    row = submit("sensory", "vasomotor", stroke_signs_last_hours="yes")
    sign_in(app)
    open_detail(app, row)
    html = next(str(b.proto.body) for b in app.get("html") if "RED FLAG" in str(b.proto.body))
    assert len(app.dataframe) == 0  # no scrolling, clipping grid
    body_rows = html.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(body_rows) == len(questionnaire.items)  # every answer
    stroke = escape(questionnaire.item("stroke_signs_last_hours").text["en"])
    assert "RED FLAG" in body_rows[0] and stroke in body_rows[0]  # raised flags first, marked
    assert sum("RED FLAG" in r for r in body_rows) == 1
    longest = max(questionnaire.items, key=lambda item: len(item.text["en"]))
    assert escape(longest.text["en"]) in html  # in full, no "…"


def test_fhir_download_is_the_saved_screening_and_audited(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    import json

    from scoring import load_questionnaire
    from tests.support.answers import DEFAULT_QUESTIONNAIRE
    from ui.coordinator.screening import fhir_json

    row = submit("sensory", "vasomotor", stroke_signs_last_hours="yes")
    sign_in(app)
    open_detail(app, row)
    button = next(b for b in app.get("download_button") if b.proto.label == "Download FHIR (JSON)")
    assert "fhir_downloaded" not in events(storage_with_staff)
    bundle = json.loads(fhir_json(row, load_questionnaire(DEFAULT_QUESTIONNAIRE), ""))
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert bundle["type"] == "collection" and kinds[0] == "QuestionnaireResponse" and "Observation" in kinds
    button.click().run()  # type: ignore[union-attr]
    assert "fhir_downloaded" in events(storage_with_staff)


def test_chart_number_recorded_at_review_audited_and_in_fhir(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    import json

    from scoring import load_questionnaire
    from tests.support.answers import DEFAULT_QUESTIONNAIRE
    from ui.coordinator.screening import fhir_json

    row = submit("sensory")
    sign_in(app)
    open_detail(app, row)
    app.text_input(key=f"staff:chart:{row.id}:1").input("MRN-0042")
    app.button(key=f"FormSubmitter:staff:chart:{row.id}-Save identifier").click().run()
    saved = storage_with_staff.get_submission(row.id)
    assert saved is not None and saved.patient_identifier == "MRN-0042"
    assert "patient_identifier_set" in events(storage_with_staff)
    assert "MRN-0042" not in " ".join(e.detail for e in storage_with_staff.list_audit())  # not echoed in the log
    bundle = json.loads(fhir_json(saved, load_questionnaire(DEFAULT_QUESTIONNAIRE), ""))
    assert "MRN-0042" in json.dumps(bundle["entry"][0]["resource"].get("subject", {}))
    patient = AppTest.from_file(APP, default_timeout=30).run()  # the tablet never shows it
    assert "MRN-0042" not in page_text(patient)


