"""The coordinator's pages in AppTest: locked by default, throttled, queue, detail, actions, audit."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from storage import Storage, Submission
from tests.coordinator.conftest import APP, PASSCODE, REPO, page_text, sign_in


def events(storage: Storage) -> list[str]:
    return [event.event for event in reversed(storage.list_audit(limit=500))]


def test_patient_page_shows_no_staff_data(app: AppTest, submit: Callable[..., Submission]) -> None:
    saved = submit("sensory", "vasomotor")
    app.run()
    assert saved.reference not in page_text(app)


@pytest.mark.parametrize("page", ["ui/pages/queue.py", "ui/pages/submission.py", "ui/pages/audit.py"])
def test_coordinator_pages_not_registered_before_sign_in(app: AppTest, with_passcode: Storage, page: str) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(page)


def test_page_guards_itself_even_if_reached(database_url: str, submit: Callable[..., Submission]) -> None:
    saved = submit(cold_pale_numb_limb="yes")
    at = AppTest.from_file(str(REPO / "ui/pages/queue.py"), default_timeout=30).run()  # bypassing app.py's navigation
    assert saved.reference not in page_text(at)
    assert "Please sign in" in page_text(at)


def test_no_passcode_configured_says_how(app: AppTest) -> None:
    app.switch_page("ui/pages/staff.py").run()
    assert "make passcode" in page_text(app)
    assert len(app.text_input) == 0  # no way in at all


def test_wrong_passcode_refused_then_throttled(app: AppTest, with_passcode: Storage) -> None:
    for _ in range(5):
        sign_in(app, "wrong-passcode")
        assert "not right" in page_text(app)
    sign_in(app, PASSCODE)  # the right one, but locked out now
    assert "Too many wrong passcodes" in page_text(app)
    with pytest.raises(ValueError):
        app.switch_page("ui/pages/queue.py")
    assert events(with_passcode).count("sign_in_failed") == 5
    assert "sign_in_refused" in events(with_passcode)


def test_sign_in_view_act_sign_out(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
    urgent = submit("sensory", self_harm_thoughts="yes", language="es")
    calm = submit("sensory", "vasomotor")
    sign_in(app)
    app.switch_page("ui/pages/queue.py").run()
    shown = page_text(app)
    assert not app.exception
    assert urgent.reference in shown and calm.reference in shown
    assert "URGENT: 1 screening(s) need staff now" in shown
    assert "possible risk of self-harm" in shown

    app.session_state["coordinator:selected"] = urgent.id
    app.switch_page("ui/pages/submission.py").run()
    detail = page_text(app)
    assert not app.exception
    assert f"Screening {urgent.reference}" in detail
    assert "In the past few weeks" in detail and "En las últimas semanas" in detail  # English and Spanish
    assert "not a diagnosis" in detail
    downloads = app.get("download_button")
    assert [d.proto.label for d in downloads] == [
        "Download Clinician copy (English)", "Download Patient copy (patient's language)",
    ]
    app.button(key="coordinator:acknowledge").click().run()
    app.selectbox(key=f"coordinator:status-choice:{urgent.id}").select("referred")
    app.text_area(key=f"coordinator:note:{urgent.id}").input("Called the crisis team <b>now</b>")
    app.button(key=f"FormSubmitter:coordinator:status:{urgent.id}-Save review").click().run()
    saved = with_passcode.get_submission(urgent.id)
    assert saved is not None and saved.status == "referred" and saved.acknowledged_by == "coordinator (passcode)"
    assert saved.note == "Called the crisis team <b>now</b>"
    assert "Called the crisis team <b>now</b>" in page_text(app)  # shown as text, not markup

    app.switch_page("ui/pages/queue.py").run()
    app.button(key="coordinator:sign-out").click().run()
    with pytest.raises(ValueError):
        app.switch_page("ui/pages/queue.py")
    assert {"sign_in", "viewed", "acknowledged", "status_changed", "sign_out"} <= set(events(with_passcode))


def test_conflicting_review_is_told(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
    row = submit("sensory", "vasomotor")
    sign_in(app)
    app.session_state["coordinator:selected"] = row.id
    app.switch_page("ui/pages/submission.py").run()
    # Someone else saves first, from another desk.
    with_passcode.set_status(row.id, actor="other desk", status="follow_up", note="theirs",
                             expected_row_version=row.row_version)
    app.selectbox(key=f"coordinator:status-choice:{row.id}").select("reviewed")
    app.button(key=f"FormSubmitter:coordinator:status:{row.id}-Save review").click().run()
    assert "Someone else changed this submission" in page_text(app)
    current = with_passcode.get_submission(row.id)
    assert current is not None and (current.status, current.note) == ("follow_up", "theirs")


def test_export_is_audited(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
    submit("sensory")
    sign_in(app)
    app.switch_page("ui/pages/queue.py").run()
    app.button(key="coordinator:prepare-export").click().run()
    assert "exported" in events(with_passcode)
    assert app.session_state["coordinator:export"].startswith("\ufeffreference".encode())


def test_filter_by_reference(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
    first, second = submit("sensory"), submit("vasomotor")
    sign_in(app)
    app.switch_page("ui/pages/queue.py").run()
    app.text_input(key="coordinator:filter:reference").input(second.reference).run()
    frame = app.dataframe[0].value
    assert list(frame["Reference"]) == [second.reference]
    assert first.reference not in list(frame["Reference"])


def test_idle_sign_out(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = submit("sensory")
    sign_in(app)
    app.switch_page("ui/pages/queue.py").run()
    assert saved.reference in page_text(app)
    real = time.monotonic
    monkeypatch.setattr("ui.coordinator.access.time.monotonic", lambda: real() + 16 * 60)  # 15 min default
    app.run()
    assert saved.reference not in page_text(app)  # back on the patient's page, nothing of the queue
    with pytest.raises(ValueError):
        app.switch_page("ui/pages/queue.py")
    assert "idle" in [event.detail for event in with_passcode.list_audit() if event.event == "sign_out"]


def test_audit_page_lists_events(app: AppTest, with_passcode: Storage) -> None:
    sign_in(app)
    app.switch_page("ui/pages/audit.py").run()
    frame = app.dataframe[0].value
    assert "sign_in" in list(frame["What"])


def test_oidc_allow_listed_email_signs_in(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "Coordinator@clinic.example"}  # type: ignore[assignment]
    at.run()
    at.switch_page("ui/pages/queue.py").run()
    assert not at.exception and "Signed in as coordinator@clinic.example" in page_text(at)


def test_oidc_email_not_on_list_is_refused(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "visitor@elsewhere.example"}  # type: ignore[assignment]
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("ui/pages/queue.py")
