"""The clinician's examination and the Screen accuracy page in AppTest: a coordinator
cannot record one; a clinician records one, the figures change, the audit names the clinician, a
second save keeps the first; the other-diagnosis text is shown as typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from access import add_staff
from storage import Storage, Submission
from storage.examinations import accuracy, examinations_for
from tests.support.coordinator_app import COORDINATOR, PASSCODE, go, page_text, sign_in, staff_session

CLINICIAN = "cleo"


@pytest.fixture
def staffed(storage_with_staff: Storage) -> Storage:
    add_staff(storage_with_staff, CLINICIAN, PASSCODE, role="clinician", display_name="Cleo Clinician", actor="test")
    return storage_with_staff


def _open(at: AppTest, row: Submission) -> AppTest:
    staff_session(at).selected_id = row.id
    return go(at, "screening")


def _key(at: AppTest, row: Submission, name: str) -> str:
    prefix = f"staff:examination:{row.id}:"
    widgets = [*at.checkbox, *at.radio, *at.text_input, *at.number_input]
    keys = [str(w.key) for w in widgets if str(w.key).startswith(prefix) and str(w.key).endswith(f":{name}")]
    assert keys, f"no examination widget {name}"
    return sorted(keys, key=lambda key: int(str(key).split(":")[3]))[-1]  # the form of the latest record


def test_a_coordinator_cannot_record_an_examination(
    app: AppTest, staffed: Storage, submit: Callable[..., Submission]
) -> None:
    row = submit("sensory", "vasomotor", "motor_trophic")
    _open(sign_in(app, username=COORDINATOR), row)
    assert "Only a clinician or an administrator can record an examination." in page_text(app)
    labels = [button.label for button in app.button]
    assert "Record examination" not in labels and "Save examination" not in labels
    assert "Severity Score" not in page_text(app)


def test_a_clinician_records_an_examination_and_a_second_save_keeps_the_first(
    app: AppTest, staffed: Storage, submit: Callable[..., Submission]
) -> None:
    row = submit("sensory", "vasomotor", "motor_trophic", pain_disproportionate="yes", stroke_signs_last_hours="yes")
    assert row.result.tier == "referral_suggested"
    _open(sign_in(app, username=CLINICIAN), row)
    app.button(key=f"staff:examination:start:{row.id}").click().run()
    text = page_text(app)
    assert "Patient reported: " in text and "CRPS Severity Score (Harden 2010): 3 of 17" in text
    for sign in ("hyperalgesia_pinprick", "oedema"):
        app.checkbox(key=_key(app, row, f"sign:{sign}")).check().run()
    app.radio(key=_key(app, row, "criterion_d")).set_value("yes").run()
    app.text_input(key=_key(app, row, "other")).input("<b>gout</b> **flare**").run()
    app.radio(key=_key(app, row, "flag:stroke_signs_last_hours")).set_value("false_alarm").run()
    app.radio(key=_key(app, row, "conclusion")).set_value("does_not_meet").run()
    text = page_text(app)
    assert "C. Signs recorded in 2 of 4 categories (needs 2): met" in text
    assert "CRPS Severity Score (Harden 2010): 5 of 17" in text
    assert accuracy(staffed)[0].examined == 0
    app.button(key=f"staff:examination:save:{row.id}").click().run()
    assert not app.exception
    assert "Examination saved." in page_text(app)
    (first,) = examinations_for(staffed, row.id)
    assert first.clinician == CLINICIAN and first.findings.other_diagnosis == "<b>gout</b> **flare**"
    assert first.findings.red_flags == (("stroke_signs_last_hours", "false_alarm"),)
    assert "Other diagnosis: <b>gout</b> **flare**" in [line for element in app.text
                                                       for line in str(element.value).splitlines()]
    figures = accuracy(staffed)[0]
    assert figures.examined == 1 and figures.referral.false_positive == 1
    # a second examination: the form starts from the saved one; the earlier record stays
    app.radio(key=_key(app, row, "criterion_d")).set_value("no").run()
    app.radio(key=_key(app, row, "conclusion")).set_value("meets_budapest_clinical").run()
    app.button(key=f"staff:examination:save:{row.id}").click().run()
    history = examinations_for(staffed, row.id)
    assert [record.findings.conclusion for record in history] == ["meets_budapest_clinical", "does_not_meet"]
    assert history[1] == first
    figures = accuracy(staffed)[0]
    assert figures.examined == 1 and figures.referral.true_positive == 1 and figures.referral.false_positive == 0
    recorded = [event for event in staffed.list_audit() if event.event == "examination_recorded"]
    assert [event.actor for event in recorded] == [CLINICIAN, CLINICIAN]
    assert all("Cleo Clinician" in event.detail for event in recorded)


def test_the_save_checks_the_role_again(app: AppTest, staffed: Storage, submit: Callable[..., Submission]) -> None:
    """A clinician's session demoted to coordinator (or a forged click) saves nothing."""
    row = submit("sensory", "vasomotor", "motor_trophic")
    _open(sign_in(app, username=CLINICIAN), row)
    app.button(key=f"staff:examination:start:{row.id}").click().run()
    from ui.coordinator.session import Role

    staff_session(app).role = Role.COORDINATOR
    app.button(key=f"staff:examination:save:{row.id}").click().run()
    assert examinations_for(staffed, row.id) == []
    # The role in the session no longer matches the account: the session ends before the click acts.
    assert any(event.event in ("access_refused", "sign_out") and event.actor == CLINICIAN
               for event in staffed.list_audit())


def test_an_admin_may_examine(app: AppTest, staffed: Storage, submit: Callable[..., Submission]) -> None:
    row = submit("sensory")
    _open(sign_in(app), row)
    assert "Record examination" in [button.label for button in app.button]


def test_screen_accuracy_page_shows_figures_and_the_bias_sentence(
    app: AppTest, staffed: Storage, submit: Callable[..., Submission]
) -> None:
    from scoring.examination import ExaminationFindings
    from storage.examinations import save_examination

    row = submit("sensory", "vasomotor", "motor_trophic", pain_disproportionate="yes")
    save_examination(staffed, submission_id=row.id, reference=row.reference,
                     findings=ExaminationFindings(frozenset({"oedema"}), "no", "meets_budapest_clinical"),
                     severity_score=4, clinician=CLINICIAN, clinician_name="Cleo")
    sign_in(app, username=COORDINATOR)
    app.button(key="staff:nav:accuracy").click().run()
    text = page_text(app)
    assert "Screen accuracy" in text and "verification bias" in text
    assert "too few to tell (1 of 1)" in text
    assert any(event.event == "accuracy_viewed" and event.actor == COORDINATOR for event in staffed.list_audit())


def test_a_change_made_just_before_save_is_what_is_saved(
    app: AppTest, staffed: Storage, submit: Callable[..., Submission]
) -> None:
    """A radio changed and Save clicked at once (the change's own rerun cut short by the click, as
    a quick clinician does in the browser): the saved record is what the form shows, not the
    values of the run before."""
    row = submit("sensory", "vasomotor", "motor_trophic")
    _open(sign_in(app, username=CLINICIAN), row)
    app.button(key=f"staff:examination:start:{row.id}").click().run()
    app.checkbox(key=_key(app, row, "sign:oedema")).check()
    app.radio(key=_key(app, row, "conclusion")).set_value("does_not_meet")
    app.button(key=f"staff:examination:save:{row.id}").click().run()
    (saved,) = examinations_for(staffed, row.id)
    assert saved.findings.conclusion == "does_not_meet"
    assert saved.findings.signs == {"oedema"}
    assert saved.severity_score == 4  # three reported symptoms + the oedema sign
