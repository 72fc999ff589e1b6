"""The coordinator's pages in AppTest: locked by default, throttled, queue, detail, actions, audit."""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape

import pytest
from streamlit.testing.v1 import AppTest

from report import SummaryHeader
from storage import Storage, Submission
from tests.coordinator.conftest import APP, COORDINATOR, PASSCODE, go, page_text, sign_in, staff_session
from ui.coordinator import nav, pages
from ui.coordinator.as_text import as_text


def events(storage: Storage) -> list[str]:
    return [event.event for event in reversed(storage.list_audit(limit=500))]


def open_detail(at: AppTest, row: Submission) -> AppTest:
    staff_session(at).selected_id = row.id
    return go(at, "screening")


def test_patient_page_shows_no_staff_data(app: AppTest, submit: Callable[..., Submission]) -> None:
    saved = submit("sensory", "vasomotor")
    app.run()
    assert saved.reference not in page_text(app)


@pytest.mark.parametrize("page", ["queue", "screening", "audit"])
def test_coordinator_pages_not_registered_before_sign_in(app: AppTest, with_passcode: Storage, page: str) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        go(app, page)


def test_each_page_registered_once_as_a_page_object() -> None:
    """No page paths as strings around the tree and no ui/pages shims (issue 8 section 4)."""
    from tests.coordinator.conftest import REPO

    assert not (REPO / "ui" / "pages").exists()
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "ui").rglob("*.py")
                 if "switch_page(\"" in path.read_text() or "st.Page(\"" in path.read_text()]
    assert offenders == []
    assert len(set(nav.URL_PATHS.values())) == len(nav.URL_PATHS)
    assert set(pages._RENDER) == set(nav.URL_PATHS)  # every page has a render function and a path


def test_every_nav_go_names_a_page() -> None:
    """`nav.go("QUEUE")` takes a name, not a page object: a typo must fail here, not on a click."""
    import ast

    from tests.coordinator.conftest import REPO

    named = {(str(path.relative_to(REPO)), call.args[0].value)
             for path in [REPO / "app.py", *(REPO / "ui").rglob("*.py")]
             for call in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(call, ast.Call) and ast.unparse(call.func) in {"nav.go", "go"}
             and isinstance(call.args[0], ast.Constant)}
    assert {name for _, name in named} >= {"QUEUE", "SCREENING", "SIGN_IN"}  # the walk finds the calls
    assert [(path, name) for path, name in named if name not in nav.URL_PATHS] == []


def test_page_guards_itself_even_if_reached(database_url: str, submit: Callable[..., Submission]) -> None:
    saved = submit(hand_or_foot_newly_pale="yes")
    at = AppTest.from_function(_queue_without_navigation, default_timeout=30).run()  # bypassing app.py
    assert saved.reference not in page_text(at)
    assert "Please sign in" in page_text(at)


def _queue_without_navigation() -> None:
    from ui.coordinator import queue

    queue.render()


def test_no_account_yet_says_how(app: AppTest) -> None:
    go(app, "staff")
    assert "make staff" in page_text(app)
    sign_in(app, "anything", "nobody")
    assert "Wrong username or password" in page_text(app)


def test_wrong_password_refused_then_throttled(app: AppTest, with_passcode: Storage) -> None:
    for _ in range(5):
        sign_in(app, "wrong-password")
        assert "Wrong username or password" in page_text(app)
    sign_in(app, PASSCODE)  # the right one, but this account is locked for this address now
    assert "Too many tries" in page_text(app)
    with pytest.raises(ValueError):
        go(app, "queue")
    assert events(with_passcode).count("sign_in_failed") == 5
    assert all("from " in e.detail for e in with_passcode.list_audit() if e.event == "sign_in_failed")


def test_coordinator_role_cannot_reach_admin_pages(app: AppTest, with_passcode: Storage) -> None:
    sign_in(app, username=COORDINATOR)
    assert "Signed in as Cory Coordinator" in page_text(app)
    for admin_page in ("audit", "accounts"):
        with pytest.raises(ValueError):
            go(app, admin_page)
    assert len(app.button(key="staff:nav:queue").proto.label) and not [
        b for b in app.button if b.key in ("staff:nav:audit", "staff:nav:accounts")]


def test_admin_pages_refuse_a_coordinator_even_if_reached(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    sign_in(app, username=COORDINATOR)
    at = AppTest.from_function(_audit_without_navigation, default_timeout=30)
    at.session_state["staff_session"] = staff_session(app)
    at.run()
    assert "Only an administrator" in page_text(at)
    assert len(at.table) == 0


def _audit_without_navigation() -> None:
    from ui.coordinator import audit_log

    audit_log.render()


def test_admin_adds_and_disables_an_account(app: AppTest, with_passcode: Storage) -> None:
    import access

    sign_in(app)
    go(app, "accounts")
    app.text_input(key="staff:accounts:new-username").input("nina")
    app.text_input(key="staff:accounts:new-name").input("Nina Nurse")
    app.text_input(key="staff:accounts:new-password").input("a-long-first-password")
    app.button(key="FormSubmitter:staff:accounts:add-Add account").click().run()
    assert "Added nina" in page_text(app)
    assert "nina" in [m.username for m in access.list_staff(with_passcode)]
    app.selectbox(key="staff:accounts:who").select("nina")
    app.selectbox(key="staff:accounts:action").select("disable")
    app.button(key="FormSubmitter:staff:accounts:change-Apply").click().run()
    assert [m.disabled for m in access.list_staff(with_passcode) if m.username == "nina"] == [True]


def test_sign_in_view_act_sign_out(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
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
    saved = with_passcode.get_submission(urgent.id)
    assert saved is not None and saved.status == "referred" and saved.acknowledged_by == "ada"
    assert saved.note == "Called the crisis team <b>now</b>"
    assert "Called the crisis team <b>now</b>" in page_text(app)  # shown as text, not markup

    go(app, "queue")
    app.button(key="staff:nav:sign-out").click().run()
    with pytest.raises(ValueError):
        go(app, "queue")
    assert {"sign_in", "viewed", "acknowledged", "status_changed", "sign_out", "queue_viewed"} <= set(
        events(with_passcode))


def test_header_and_pdf_show_the_saved_row_right_after_save(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: the PDF downloaded right after "Save review" was one save behind."""
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


def test_conflicting_review_is_told(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
    row = submit("sensory", "vasomotor")
    sign_in(app)
    open_detail(app, row)
    # Someone else saves first, from another desk.
    with_passcode.set_status(row.id, actor="other desk", status="follow_up", note="theirs",
                             expected_row_version=row.row_version)
    app.selectbox(key=f"staff:status:{row.id}:1").select("reviewed")
    app.button(key=f"FormSubmitter:staff:review:{row.id}-Save review").click().run()
    assert "Someone else changed this submission" in page_text(app)
    current = with_passcode.get_submission(row.id)
    assert current is not None and (current.status, current.note) == ("follow_up", "theirs")


def test_answers_shown_in_full_red_flags_first(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    """Issue 11: the answers table clipped text and hid red flags below a 10-row scroll."""
    from scoring import load_questionnaire
    from tests.core.conftest import DEFAULT_QUESTIONNAIRE

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


def test_export_built_only_on_click_and_audited(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    from storage import QueueFilter
    from ui.coordinator import export

    submit("sensory")
    sign_in(app)
    button = app.get("download_button")[0]
    assert "exported" not in events(with_passcode)  # nothing built by just showing the page
    assert not any(isinstance(app.session_state[key], bytes) for key in app.session_state)
    assert "Download CSV of the 1 filtered" in button.proto.label
    data = export.build_csv(with_passcode, QueueFilter(), ["pain_now"], "tester")
    assert data.startswith("\ufeffreference".encode())
    assert "exported" in events(with_passcode)


def test_export_refused_above_the_limit(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORT_MAX_ROWS", "2")
    for _ in range(3):
        submit("sensory")
    sign_in(app)
    assert "python -m storage export" in page_text(app)
    assert not [b for b in app.get("download_button") if "CSV" in b.proto.label]


def test_filter_by_reference(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
    first, second = submit("sensory"), submit("vasomotor")
    sign_in(app)
    app.text_input(key="staff:filter:reference").input(second.reference).run()
    frame = app.dataframe[0].value
    assert list(frame["Reference"]) == [second.reference]
    assert first.reference not in list(frame["Reference"])


def test_idle_sign_out_says_so(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = submit("sensory")
    sign_in(app)
    assert saved.reference in page_text(app)
    real = time.monotonic
    monkeypatch.setattr("ui.coordinator.guard.time.monotonic", lambda: real() + 16 * 60)  # 15 min default
    app.run()
    assert saved.reference not in page_text(app)
    assert "You were signed out after 15 minutes" in page_text(app)
    with pytest.raises(ValueError):
        go(app, "queue")
    assert any(e.detail.startswith("idle") for e in with_passcode.list_audit() if e.event == "sign_out")


def test_audit_page_shows_reference_and_is_audited(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    row = submit("sensory")
    sign_in(app)
    open_detail(app, row)
    go(app, "audit")
    frame = app.table[0].value
    viewed = frame[frame["What"] == "viewed"]
    assert list(viewed["Screening"]) == [row.reference]  # the reference, not the internal id
    assert "audit_viewed" in events(with_passcode) and "queue_viewed" in events(with_passcode)


def test_oidc_allow_listed_email_signs_in(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "Coordinator@clinic.example"}
    at.run()
    go(at, "queue")
    assert not at.exception and as_text("coordinator@clinic.example") in page_text(at)  # shown as text
    with pytest.raises(ValueError):
        go(at, "audit")  # STAFF_EMAILS are coordinators


def test_oidc_idle_sign_out_really_logs_out(
    database_url: str, monkeypatch: pytest.MonkeyPatch, submit: Callable[..., Submission]
) -> None:
    """Issue 11: st.logout was skipped on idle, so the next rerun signed the user straight back in."""
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    row = submit("sensory")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "coordinator@clinic.example"}
    at.run()
    go(at, "queue")
    assert row.reference in page_text(at)
    real = time.monotonic
    monkeypatch.setattr("ui.coordinator.guard.time.monotonic", lambda: real() + 16 * 60)
    at.run()
    monkeypatch.setattr("ui.coordinator.guard.time.monotonic", real)
    at.run()  # the next rerun: still signed out, no sign-in row
    assert at.user.get("is_logged_in") is False
    with pytest.raises(ValueError):
        go(at, "queue")
    assert row.reference not in page_text(at)
    storage = Storage(database_url)
    assert events(storage).count("sign_in") == 1


def test_oidc_email_not_on_list_is_refused(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "visitor@elsewhere.example"}
    at.run()
    with pytest.raises(ValueError):
        go(at, "queue")


def test_fhir_download_is_the_saved_screening_and_audited(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    import json

    from scoring import load_questionnaire
    from tests.core.conftest import DEFAULT_QUESTIONNAIRE
    from ui.coordinator.screening import fhir_json

    row = submit("sensory", "vasomotor", stroke_signs_last_hours="yes")
    sign_in(app)
    open_detail(app, row)
    button = next(b for b in app.get("download_button") if b.proto.label == "Download FHIR (JSON)")
    assert "fhir_downloaded" not in events(with_passcode)
    bundle = json.loads(fhir_json(row, load_questionnaire(DEFAULT_QUESTIONNAIRE), ""))
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert bundle["type"] == "collection" and kinds[0] == "QuestionnaireResponse" and "Observation" in kinds
    button.click().run()  # type: ignore[union-attr]
    assert "fhir_downloaded" in events(with_passcode)


def test_urgent_list_names_tablet_minutes_waiting_overdue_and_demo(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from storage.schema import submissions

    old = submit(hand_or_foot_newly_pale="yes")
    demo = submit(stroke_signs_last_hours="yes")
    with with_passcode.engine.begin() as connection:  # one raised yesterday on front-1, one from demo data
        connection.execute(update(submissions).where(submissions.c.id == old.id).values(
            created_at=old.created_at - timedelta(days=1, minutes=5), tablet="front-1"))
        connection.execute(update(submissions).where(submissions.c.id == demo.id).values(tablet="demo"))
    sign_in(app)
    app.checkbox[0].check().run()  # demo rows are hidden from the urgent list unless asked for (issue 20)
    text = page_text(app)
    assert "URGENT: 2 open urgent screening(s)" in text and "1 on this page are DEMO data" in text
    assert f"**{demo.reference}** · DEMO" in text
    assert "front-1 · 1445 min · OVERDUE" in text or "front-1 · 1444 min · OVERDUE" in text
    assert text.index(old.reference) < text.index(demo.reference)  # oldest first (both emergencies)


def test_chart_number_recorded_at_review_audited_and_in_fhir(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    import json

    from scoring import load_questionnaire
    from tests.core.conftest import DEFAULT_QUESTIONNAIRE
    from ui.coordinator.screening import fhir_json

    row = submit("sensory")
    sign_in(app)
    open_detail(app, row)
    app.text_input(key=f"staff:chart:{row.id}:1").input("MRN-0042")
    app.button(key=f"FormSubmitter:staff:chart:{row.id}-Save identifier").click().run()
    saved = with_passcode.get_submission(row.id)
    assert saved is not None and saved.patient_identifier == "MRN-0042"
    assert "patient_identifier_set" in events(with_passcode)
    assert "MRN-0042" not in " ".join(e.detail for e in with_passcode.list_audit())  # not echoed in the log
    bundle = json.loads(fhir_json(saved, load_questionnaire(DEFAULT_QUESTIONNAIRE), ""))
    assert "MRN-0042" in json.dumps(bundle["entry"][0]["resource"].get("subject", {}))
    patient = AppTest.from_file(APP, default_timeout=30).run()  # the tablet never shows it
    assert "MRN-0042" not in page_text(patient)


def test_new_urgent_rings_once_with_no_patient_data(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]
) -> None:
    def chimes(at: AppTest) -> list[str]:
        return [str(e.proto.srcdoc) for e in at.get("iframe") if "new urgent screening" in str(e.proto.srcdoc)]

    submit(hand_or_foot_newly_pale="yes")
    sign_in(app)
    assert chimes(app) == []  # the first look is silent: nothing is new yet
    new = submit(stroke_signs_last_hours="yes")
    app.run()
    rung = chimes(app)
    assert len(rung) == 1 and "Notification" in rung[0] and "AudioContext" in rung[0]
    assert new.reference not in rung[0] and "stroke" not in rung[0].lower()  # no patient data in it
    app.run()
    assert chimes(app) == []  # once, not on every refresh
